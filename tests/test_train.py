import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from manual_backprop import check_gradients, n_params, nn_cost_function, predict, reshape
from manual_backprop.data import load_digits_split
from manual_backprop.gradient_check import debug_network
from manual_backprop.train import (
    check_small_network,
    gradient_descent,
    hidden_unit_spread,
    hidden_units_identical,
    initial_weights,
    minimize_cost,
    summarize_run,
    train_network,
)
from reference.tolerances import tolerance
from tests.helpers import random_problem

ROOT = Path(__file__).resolve().parents[1]

LAYER_SIZES = (4, 5, 3)


def problem(seed=0, m=30):
    """A small random data set and the cost function of LAYER_SIZES on it, counting its calls."""
    theta_vec, X, y = random_problem(np.random.default_rng(seed), LAYER_SIZES, m, scale=0.5)
    calls = []

    def cost_function(theta):
        calls.append(1)
        return nn_cost_function(theta, LAYER_SIZES, X, y, 1.0)

    return cost_function, theta_vec, calls


def test_gradient_descent_lowers_the_cost_at_every_step_and_evaluates_it_once_per_step():
    cost_function, theta_vec, calls = problem()
    result = gradient_descent(cost_function, theta_vec, learning_rate=0.5, iterations=40)
    assert len(result.cost_history) == 41 and result.n_iterations == 40 and not result.converged
    assert np.all(np.diff(result.cost_history) < 0)
    assert len(calls) == 41  # no numerical gradient (2P more evaluations) inside the loop
    assert result.cost_history[-1] == cost_function(result.theta_vec)[0]


@pytest.mark.parametrize("method", ["L-BFGS-B", "CG"])
def test_scipy_optimisers_record_one_cost_per_iteration_and_lower_it(method):
    cost_function, theta_vec, _ = problem()
    seen = []
    result = minimize_cost(cost_function, theta_vec, method=method, max_iter=30,
                           callback=lambda iteration, J: seen.append((iteration, J)))
    assert len(result.cost_history) == result.n_iterations + 1
    assert seen == list(enumerate(result.cost_history))
    assert result.cost_history[0] == cost_function(theta_vec)[0]
    assert result.cost_history[-1] == cost_function(result.theta_vec)[0]
    assert np.all(np.diff(result.cost_history) <= 0) and result.cost_history[-1] < result.cost_history[0]


def test_lbfgs_drives_the_cost_of_linearly_separable_data_to_zero():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 0, 0, 1])  # AND: a single logistic unit separates it
    result = train_network((2, 1), X, y, 0.0, theta_vec=np.zeros(3), max_iter=500)
    assert result.converged
    assert result.cost_history[-1] <= tolerance("separable_cost_after_lbfgs").atol


def identical_unit_limit(theta_vec):
    """The largest weight difference between units judged identical: atol + rtol max|theta_vec|."""
    tol = tolerance("identical_units")
    return tol.atol + tol.rtol * np.abs(theta_vec).max()


@pytest.mark.parametrize("init", ["zeros", "constant"])
def test_all_equal_initial_weights_keep_the_hidden_units_identical(init):
    _, X, y = random_problem(np.random.default_rng(1), LAYER_SIZES, 30)
    result = train_network(LAYER_SIZES, X, y, 1.0, theta_vec=initial_weights(LAYER_SIZES, init), max_iter=50)
    assert result.cost_history[-1] < result.cost_history[0]
    assert max(hidden_unit_spread(result.theta_vec, LAYER_SIZES)) <= identical_unit_limit(result.theta_vec)


def test_random_initial_weights_break_the_symmetry():
    _, X, y = random_problem(np.random.default_rng(1), (4, 5, 6, 3), 30)
    theta_vec = initial_weights((4, 5, 6, 3), rng=np.random.default_rng(2))
    result = train_network((4, 5, 6, 3), X, y, 1.0, theta_vec=theta_vec, optimizer="gd", max_iter=5)
    assert min(hidden_unit_spread(result.theta_vec, (4, 5, 6, 3))) > identical_unit_limit(result.theta_vec)


def test_initial_weights_follow_each_scheme():
    rng = np.random.default_rng(3)
    assert np.array_equal(initial_weights((3, 4, 2), "zeros"), np.zeros(26))
    assert np.array_equal(initial_weights((3, 4, 2), "constant"), np.full(26, 0.1))
    course = initial_weights((3, 4, 2), "random", rng=rng)
    assert np.abs(course[:16]).max() <= np.sqrt(6 / 7) and np.abs(course[16:]).max() <= 1.0
    assert np.abs(initial_weights((3, 4, 2), "small", rng=rng)).max() <= 1e-3
    assert 1.0 < np.abs(initial_weights((3, 4, 2), "large", rng=rng)).max() <= 4.0


def test_same_seed_gives_the_same_training_run():
    cost_function, _, _ = problem()
    runs = [minimize_cost(cost_function, initial_weights(LAYER_SIZES, rng=np.random.default_rng(4)), max_iter=10)
            for _ in range(2)]
    assert np.array_equal(runs[0].theta_vec, runs[1].theta_vec) and runs[0].cost_history == runs[1].cost_history


@pytest.mark.parametrize("call, message", [
    (lambda f, t: gradient_descent(f, t, learning_rate=0.0), "learning_rate must be a finite number > 0, got 0.0"),
    (lambda f, t: gradient_descent(f, t, iterations=-1), "iterations must be at least 0, got -1"),
    (lambda f, t: minimize_cost(f, t, method="BFGS"), "method must be 'L-BFGS-B' or 'CG', got 'BFGS'"),
    (lambda f, t: minimize_cost(f, t, max_iter=0), "max_iter must be at least 1, got 0"),
    (lambda f, t: initial_weights((3, 2), "ones"), "init must be one of"),
    (lambda f, t: train_network((3, 2), None, None, theta_vec=t, optimizer="adam"), "optimizer must be one of"),
])
def test_bad_training_arguments_are_named_in_the_error(call, message):
    cost_function, theta_vec, _ = problem()
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call(cost_function, theta_vec)


def test_a_cost_that_is_not_finite_stops_training_with_the_iteration_named():
    def diverging(theta):
        J = np.inf if theta[0] > 1 else float(theta[0])
        return J, -np.ones_like(theta)

    with pytest.raises(FloatingPointError, match="the cost J became inf at iteration 2"):
        gradient_descent(diverging, np.zeros(3), learning_rate=0.6, iterations=5)


BLAS_IN_A_FRESH_PROCESS = """
import json, sys
import numpy as np
from threadpoolctl import threadpool_info
from manual_backprop.train import train_network

assert "scipy" not in sys.modules  # nothing has loaded SciPy's own BLAS yet
def blas():
    return sorted((i["filepath"], i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas")

before, seen = blas(), []
rng = np.random.default_rng(0)
X, y = rng.standard_normal((30, 4)), np.arange(30) % 3
train_network((4, 5, 3), X, y, 1.0, theta_vec=rng.uniform(-0.5, 0.5, 43), max_iter=5, blas_threads=1,
              callback=lambda iteration, J: seen.append(blas()))
print(json.dumps({"before": before, "seen": seen, "after": blas()}))
"""


def test_training_limits_every_blas_of_the_process_and_restores_them_when_it_returns():
    result = subprocess.run([sys.executable, "-c", BLAS_IN_A_FRESH_PROCESS], capture_output=True, text=True,
                            cwd=ROOT, timeout=300, check=True)
    report = json.loads(result.stdout)
    libraries = {path for snapshot in report["seen"] for path, _ in snapshot}
    assert len(report["seen"]) >= 2 and len(libraries) > len(report["before"])  # SciPy's BLAS joined NumPy's
    assert all(threads == 1 for snapshot in report["seen"] for _, threads in snapshot)
    unchanged = dict(report["before"])
    assert {path: threads for path, threads in report["after"] if path in unchanged} == unchanged


def test_the_gradient_norm_is_recorded_beside_every_cost():
    cost_function, theta_vec, _ = problem()
    for result in (minimize_cost(cost_function, theta_vec, method="CG", max_iter=10),
                   gradient_descent(cost_function, theta_vec, iterations=3)):
        assert len(result.gradient_norm_history) == len(result.cost_history)
        assert result.gradient_norm_history[0] == np.linalg.norm(cost_function(theta_vec)[1])
        assert result.gradient_norm_history[-1] == np.linalg.norm(cost_function(result.theta_vec)[1])


def test_the_library_symmetry_verdict_agrees_with_the_tolerance_table():
    _, X, y = random_problem(np.random.default_rng(1), LAYER_SIZES, 30)
    for init, identical in (("zeros", True), ("constant", True), ("random", False)):
        theta_vec = initial_weights(LAYER_SIZES, init, rng=np.random.default_rng(0))
        result = train_network(LAYER_SIZES, X, y, 1.0, theta_vec=theta_vec, max_iter=30)
        by_table = max(hidden_unit_spread(result.theta_vec, LAYER_SIZES)) <= identical_unit_limit(result.theta_vec)
        assert hidden_units_identical(result.theta_vec, LAYER_SIZES) == by_table == identical
    assert not hidden_units_identical(np.zeros(n_params((4, 1, 3))), (4, 1, 3))  # one unit: nothing to compare


def test_the_check_before_training_uses_the_run_s_activation_output_and_lambda():
    layer_sizes, report = check_small_network(2, activation="tanh", output="softmax", lam=3.0)
    expected = check_gradients(*debug_cost(layer_sizes, "tanh", "softmax", 3.0), layer_sizes,
                               rng=np.random.default_rng(0))
    assert layer_sizes == (3, 5, 5, 3) and report.passed
    assert report.relative_difference == expected.relative_difference


def debug_cost(layer_sizes, activation, output, lam):
    theta_vec, _, X, y = debug_network(hidden_layers=len(layer_sizes) - 2)
    return (lambda t: nn_cost_function(t, layer_sizes, X, y, lam, activation=activation, output=output)), theta_vec


def test_the_run_summary_holds_the_accuracies_and_the_symmetry_verdict_of_the_result():
    digits = load_digits_split()
    layer_sizes = (64, 4, 10)
    result = train_network(layer_sizes, digits.X_train, digits.y_train, 1.0, max_iter=5,
                           theta_vec=initial_weights(layer_sizes, "zeros"))
    summary = summarize_run(layer_sizes, result, digits, seconds=1.5)
    thetas = reshape(result.theta_vec, layer_sizes)
    assert summary["test_accuracy"] == np.mean(predict(thetas, digits.X_test) == digits.y_test)
    assert summary["hidden_units_identical"] and summary["cost_history"] == result.cost_history
    assert summary["iterations"] == result.n_iterations and summary["seconds"] == 1.5
    assert json.loads(json.dumps(summary)) == summary
