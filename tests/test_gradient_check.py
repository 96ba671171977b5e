"""The gradient check: it passes correct gradients, and for a wrong one it names the layer and the entry."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop.gradient_check import debug_network
from reference.finite_difference import NotComplexSafeError
from reference.tolerances import tolerance
from tests.helpers import assert_close

METHODS = ("central", "directional", "complex")
LAM = 3.0


def debug_problem():
    theta_vec, layer_sizes, X, y = debug_network()
    cost = lambda t: mb.nn_cost(t, layer_sizes, X, y, LAM)  # noqa: E731
    return theta_vec, layer_sizes, X, y, cost


def check(cost_fn, method, cost=None, theta_vec=None, layer_sizes=None, **options):
    default_theta, default_sizes, _, _, default_cost = debug_problem()
    theta_vec = default_theta if theta_vec is None else theta_vec
    return mb.check_gradients(cost_fn, theta_vec, layer_sizes or default_sizes, method=method,
                              cost=cost or default_cost, rng=np.random.default_rng(7), **options)


# --- Planted bugs in the debug network (3-5-3, lambda = 3). Theta(1) is 5 x 4, Theta(2) is 3 x 6.

def correct(theta_vec):
    _, layer_sizes, X, y, _ = debug_problem()
    return mb.nn_cost_function(theta_vec, layer_sizes, X, y, LAM)


def one_entry_off(theta_vec):
    """Theta(1)[2, 1] (theta_vec[7]) off by 1e-4 relative."""
    J, grad = correct(theta_vec)
    grad[7] *= 1 + 1e-4
    return J, grad


def regularised_bias_column(theta_vec):
    """Theta(2)'s bias column regularised too: + (lambda / m) Theta(2)[:, 0]."""
    _, layer_sizes, X, _, _ = debug_problem()
    J, grad = correct(theta_vec)
    Theta2 = mb.reshape(theta_vec, layer_sizes)[1]
    grad[20:23] += LAM / X.shape[0] * Theta2[:, 0]
    return J, grad


def missing_activation_derivative(theta_vec):
    """delta(2) = delta(3) Theta(2)[:, 1:], without the .* g'(z(2)): Theta(1)'s gradient is wrong."""
    _, layer_sizes, X, y, _ = debug_problem()
    J, grad = correct(theta_vec)
    Theta1, Theta2 = mb.reshape(theta_vec, layer_sizes)
    m = X.shape[0]
    forward = mb.forward_propagation([Theta1, Theta2], X)
    delta3 = forward.h - np.eye(3)[y]
    delta2 = delta3 @ Theta2[:, 1:]
    D1 = delta2.T @ forward.a[0] / m
    D1[:, 1:] += LAM / m * Theta1[:, 1:]
    grad[:20] = D1.ravel(order="F")
    return J, grad


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("lam", [0.0, 3.0])
def test_every_method_passes_the_correct_gradient_of_the_debug_network(method, lam):
    report = mb.check_nn_gradients(lam, method=method, rng=np.random.default_rng(0))
    assert report.passed, str(report)
    assert report.relative_difference <= report.tolerance
    assert all(part.passed for part in report.parts)
    assert report.kinks == ()


def test_check_nn_gradients_meets_the_course_bound_at_lambda_0_and_3():
    for lam in (0.0, 3.0):
        report = mb.check_nn_gradients(lam)
        assert report.method == "central" and report.tolerance == tolerance("central_difference").rtol == 1e-9
        assert report.relative_difference < tolerance("central_difference").rtol
        assert report.n_evaluations == 2 * 38


def test_complex_step_check_agrees_with_backprop_to_the_complex_step_tolerance():
    report = mb.check_nn_gradients(LAM, method="complex")
    assert report.relative_difference < tolerance("complex_step").rtol
    assert report.n_evaluations == 38 + 3


@pytest.mark.parametrize("method", METHODS)
def test_one_entry_off_by_1e_4_relative_fails_and_the_report_names_it(method):
    report = check(one_entry_off, method)
    assert not report.passed
    worst = report.worst[0]
    assert (worst.layer, worst.row, worst.column, worst.index) == (1, 2, 1, 7)
    assert [(p.layer, p.part) for p in report.failing_parts] == [(1, "weights")]
    assert "Theta(1)[2, 1] (weight)" in str(report) and "FAILED" in str(report)


@pytest.mark.parametrize("method", METHODS)
def test_a_regularised_bias_column_fails_and_the_report_names_the_bias_column_of_that_layer(method):
    report = check(regularised_bias_column, method)
    assert not report.passed
    assert [(p.layer, p.part) for p in report.failing_parts] == [(2, "bias")]
    worst = report.worst[0]
    assert (worst.layer, worst.column) == (2, 0)
    if method != "directional":
        assert {(e.layer, e.row, e.column) for e in report.worst[:3]} == {(2, 0, 0), (2, 1, 0), (2, 2, 0)}


@pytest.mark.parametrize("method", METHODS)
def test_a_missing_activation_derivative_fails_and_the_report_points_at_the_first_layer(method):
    report = check(missing_activation_derivative, method)
    assert not report.passed
    assert {p.layer for p in report.failing_parts} == {1}
    assert all(p.passed for p in report.parts if p.layer == 2)
    assert report.worst[0].layer == 1


def test_directional_check_costs_two_evaluations_per_direction_and_bisection_about_2_log2_p():
    report = check(correct, "directional", n_directions=6)
    assert report.n_evaluations == 2 * (6 + 4)  # 6 random directions, one per layer and part
    failing = check(one_entry_off, "directional", n_directions=6)
    # + bisection of Theta(1)'s 15 weights: 4 halvings, then the entry itself
    assert failing.n_evaluations == 2 * (6 + 4) + 2 * 4 + 2


# --- ReLU: kinks

def relu_network_with_a_unit_at_zero():
    """2-3-2 ReLU network in which z(2) of unit 0 is exactly 0 for example 0 (dyadic numbers)."""
    layer_sizes = (2, 3, 2)
    X = np.array([[1.0, 2.0], [0.5, -1.0], [-1.5, 0.25]])
    y = np.array([0, 1, 1])
    Theta1 = np.array([[-1.0, 0.5, 0.25],   # -1 + 0.5 * 1 + 0.25 * 2 = 0 for example 0
                       [0.3, -0.2, 0.1],
                       [0.25, 0.5, -0.75]])
    Theta2 = np.array([[0.1, 0.7, -0.4, 0.3], [-0.2, -0.5, 0.6, 0.2]])
    return mb.unroll([Theta1, Theta2]), layer_sizes, X, y


def test_a_relu_input_at_zero_is_reported_as_a_kink_not_as_a_mismatch():
    theta_vec, layer_sizes, X, y = relu_network_with_a_unit_at_zero()
    z2 = mb.forward_propagation(mb.reshape(theta_vec, layer_sizes), X, activation="relu").z[1]
    assert z2[0, 0] == 0.0 and np.abs(np.delete(z2.ravel(), 0)).min() > 0.05
    cost_fn = lambda t: mb.nn_cost_function(t, layer_sizes, X, y, activation="relu")  # noqa: E731
    cost = lambda t: mb.nn_cost(t, layer_sizes, X, y, activation="relu")  # noqa: E731

    blind = mb.check_gradients(cost_fn, theta_vec, layer_sizes, cost=cost, detect_kinks=False)
    assert not blind.passed  # the mismatch that kink detection explains

    report = mb.check_gradients(cost_fn, theta_vec, layer_sizes, cost=cost)
    assert report.passed, str(report)
    # Unit 0 of layer 2 for example 0: Theta(1)[0, :], whose coordinates move z(2)[0, 0] off zero.
    assert [(k.layer, k.row, k.column) for k in report.kinks] == [(1, 0, 0), (1, 0, 1), (1, 0, 2)]
    for entry, (left, right) in zip(report.kinks, report.kink_slopes):
        assert left != pytest.approx(right)
        assert entry.analytical == pytest.approx(left, abs=tolerance("one_sided_slope").atol)  # g'(0) = 0: left
    assert "On a kink (3" in str(report) and "PASSED" in str(report)


def test_complex_step_check_refuses_a_relu_network_and_a_cost_that_is_not_complex_safe():
    theta_vec, layer_sizes, X, y = relu_network_with_a_unit_at_zero()
    with pytest.raises(NotComplexSafeError):
        mb.check_gradients(lambda t: mb.nn_cost_function(t, layer_sizes, X, y, activation="relu"), theta_vec,
                           layer_sizes, method="complex")
    _, _, _, _, cost = debug_problem()
    with pytest.raises(NotComplexSafeError):
        check(correct, "complex", cost=lambda t: cost(t) + np.sum(np.abs(t)) * 1e-3)


# --- The report

def test_the_report_prints_numerical_and_analytical_columns_then_the_relative_difference_and_verdict():
    report = mb.check_nn_gradients()
    text = str(report)
    lines = text.splitlines()
    assert lines[1].split() == ["numerical", "analytical"]
    first = lines[2].split()
    assert_close(float(first[0]), report.numerical[0], "printed_10_decimals")
    assert_close(float(first[1]), report.analytical[0], "printed_10_decimals")
    assert sum(1 for line in lines if len(line.split()) == 2 and line.startswith(" ")) >= 38
    assert f"Relative Difference: {report.relative_difference:.6g}" in text
    assert "layer l is Theta(l), counted from 1" in text
    assert lines[-1].startswith("PASSED: relative difference")


@pytest.mark.parametrize("method", ["central", "directional"])
def test_without_layer_sizes_the_report_names_coordinates_of_theta_vec(method):
    report = mb.check_gradients(one_entry_off, debug_network()[0], method=method, rng=np.random.default_rng(3))
    assert not report.passed and report.parts == ()
    assert report.worst[0].index == 7 and report.worst[0].layer is None
    assert "theta_vec[7]" in str(report)


def test_float32_theta_is_upcast_and_a_float32_cost_is_refused():
    theta_vec, layer_sizes, X, y, cost = debug_problem()
    report = mb.check_gradients(correct, theta_vec.astype(np.float32), layer_sizes, cost=cost)
    assert report.upcast_from == "float32" and "upcast" in str(report)
    with pytest.raises(TypeError, match="float32"):
        mb.check_gradients(correct, theta_vec, layer_sizes, cost=lambda t: np.float32(cost(t)))


def test_a_float32_analytical_gradient_is_judged_by_the_float32_tolerance():
    theta_vec, layer_sizes, X, y, cost = debug_problem()
    report = mb.check_gradients(lambda t: (correct(t)[0], correct(t)[1].astype(np.float32)), theta_vec,
                                layer_sizes, cost=cost)
    assert report.tolerance == tolerance("central_difference", np.float32).rtol
    assert report.passed


def test_bad_arguments_are_refused_with_a_message():
    theta_vec, layer_sizes, *_ = debug_problem()
    with pytest.raises(ValueError, match="method"):
        mb.check_gradients(correct, theta_vec, method="backward")
    with pytest.raises(ValueError, match="layer sizes"):
        mb.check_gradients(correct, theta_vec, (3, 4, 3))
    with pytest.raises(TypeError, match=r"\(J, grad_vec\)"):
        mb.check_gradients(lambda t: correct(t)[0], theta_vec)


@pytest.mark.parametrize("options, layer_sizes, message", [
    (dict(n_directions=0), None, r"n_directions must be at least 1 \(without layer_sizes .*\), got 0"),
    (dict(n_directions=-1), (3, 5, 3), r"n_directions must be at least 0, got -1"),
    (dict(n_worst=-1), (3, 5, 3), r"n_worst must be at least 0, got -1"),
])
def test_counts_below_their_minimum_are_refused_naming_the_argument(options, layer_sizes, message):
    theta_vec = debug_problem()[0]
    with pytest.raises(ValueError, match=message):
        mb.check_gradients(correct, theta_vec, layer_sizes, method="directional", **options)


@pytest.mark.parametrize("dtype", [np.float16, np.longdouble])
def test_a_gradient_neither_float64_nor_float32_is_refused_naming_its_dtype(dtype):
    theta_vec = debug_problem()[0]
    with pytest.raises(TypeError, match=f"gradient of dtype {np.dtype(dtype)}; it must be float64 or float32"):
        mb.check_gradients(lambda t: (correct(t)[0], correct(t)[1].astype(dtype)), theta_vec)


def test_the_gradient_check_never_needs_jax():
    code = ("import sys, manual_backprop; manual_backprop.check_nn_gradients(); "
            "assert 'jax' not in sys.modules, 'jax was imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def test_a_wrong_entry_on_a_kink_still_fails_when_it_matches_neither_side():
    theta_vec, layer_sizes, X, y = relu_network_with_a_unit_at_zero()

    def wrong_at_the_kink(t):
        J, grad = mb.nn_cost_function(t, layer_sizes, X, y, activation="relu")
        grad[0] = 0.5  # the slopes there are 0 (left) and -0.2 (right)
        return J, grad

    report = mb.check_gradients(wrong_at_the_kink, theta_vec, layer_sizes,
                                cost=lambda t: mb.nn_cost(t, layer_sizes, X, y, activation="relu"))
    assert not report.passed
    assert (report.worst[0].layer, report.worst[0].row, report.worst[0].column) == (1, 0, 0)
    assert [k.index for k in report.kinks] == [0, 3, 6] and report.kinks_excluded == 2
    assert "NEITHER" in str(report)


def test_debug_network_builds_the_deeper_networks_of_the_check_command():
    theta_vec, layer_sizes, X, y = debug_network(num_labels=2, hidden_layers=3)
    assert layer_sizes == (3, 5, 5, 5, 2) and theta_vec.size == mb.n_params(layer_sizes)
    assert X.shape == (5, 3) and y.tolist() == [1, 0, 1, 0, 1]
    assert np.array_equal(debug_network(hidden_layers=1)[0], debug_network()[0])
    with pytest.raises(ValueError, match="hidden_layers must be at least 0, got -1"):
        debug_network(hidden_layers=-1)
