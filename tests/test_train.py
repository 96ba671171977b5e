import numpy as np
import pytest

from manual_backprop import nn_cost_function
from manual_backprop.train import (
    gradient_descent,
    hidden_unit_spread,
    initial_weights,
    minimize_cost,
    train_network,
)
from reference.tolerances import tolerance
from tests.helpers import random_problem

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
