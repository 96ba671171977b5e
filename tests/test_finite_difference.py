"""Numerical derivatives of any theta -> J: central, directional, complex step, and kinks."""

import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop.gradient_check import debug_network
from reference import finite_difference as fd
from reference.tolerances import KINDS, TOLERANCES, tolerance
from tests.helpers import assert_close


class Counted:
    def __init__(self, J):
        self.J, self.calls = J, 0

    def __call__(self, theta):
        self.calls += 1
        return self.J(theta)


def smooth(theta):
    """J = sum exp(theta_k) sin(k + theta_k) + (sum theta)^3 / 3, analytic, with its gradient below."""
    k = np.arange(theta.size)
    return np.sum(np.exp(theta) * np.sin(k + theta)) + np.sum(theta) ** 3 / 3


def smooth_gradient(theta):
    k = np.arange(theta.size)
    return np.exp(theta) * (np.sin(k + theta) + np.cos(k + theta)) + np.sum(theta) ** 2


THETA = np.linspace(-0.8, 0.7, 9)


def network():
    theta_vec, layer_sizes, X, y = debug_network()
    J = lambda t: mb.nn_cost(t, layer_sizes, X, y, 3.0)  # noqa: E731
    return J, theta_vec, mb.nn_cost_function(theta_vec, layer_sizes, X, y, 3.0)[1]


def test_central_difference_costs_two_evaluations_per_parameter_and_meets_the_course_bound():
    J, theta_vec, grad_vec = network()
    counted = Counted(J)
    grad_approx = fd.central_difference(counted, theta_vec)
    assert counted.calls == 2 * theta_vec.size
    assert fd.relative_difference(grad_approx, grad_vec) < tolerance("central_difference").rtol


def test_central_difference_error_shrinks_as_eps_squared_on_a_smooth_function():
    exact = smooth_gradient(THETA)
    errors = [np.max(np.abs(fd.central_difference(smooth, THETA, eps) - exact)) for eps in (1e-2, 1e-3)]
    assert_close(errors[0] / errors[1], 100.0, "truncation_order")  # (eps^2 / 6) J''': 100 per decade


def test_directional_difference_equals_u_dot_grad_with_two_evaluations_whatever_the_size():
    J, theta_vec, grad_vec = network()
    directions = fd.random_unit_directions(theta_vec.size, 5, np.random.default_rng(0))
    counted = Counted(J)
    slopes = fd.directional_differences(counted, theta_vec, directions)
    assert counted.calls == 2 * len(directions)
    assert fd.relative_difference(slopes, directions @ grad_vec) < tolerance("directional_difference").rtol


def test_random_unit_directions_have_length_one_and_stay_in_their_support():
    directions = fd.random_unit_directions(20, 4, np.random.default_rng(1), support=[3, 4, 9])
    assert_close(np.linalg.norm(directions, axis=1), 1.0, "unit_norm")
    assert np.all(directions[:, [3, 4, 9]] != 0)
    assert np.count_nonzero(directions) == 12


def test_complex_step_gradient_of_the_network_equals_backprop_to_rounding():
    J, theta_vec, grad_vec = network()
    counted = Counted(J)
    grad_cs = fd.complex_step(counted, theta_vec, rng=np.random.default_rng(0))
    assert counted.calls == theta_vec.size + 3  # P complex, then one real direction and J(theta) to verify
    assert_close(grad_cs, grad_vec, "complex_step")


def test_complex_step_is_exact_to_rounding_where_central_differences_are_not():
    exact = smooth_gradient(THETA)
    assert_close(fd.complex_step(smooth, THETA, rng=np.random.default_rng(0)), exact, "complex_step")
    tol = tolerance("complex_step")
    assert not np.allclose(fd.central_difference(smooth, THETA), exact, rtol=tol.rtol, atol=tol.atol)


NOT_COMPLEX_SAFE = {
    "abs, returning a real number": lambda t: np.sum(np.abs(t)),
    "abs inside a complex computation": lambda t: np.sum(t ** 2) + np.sum(np.abs(t)),
    "a cast to float": lambda t: float(np.sum(t ** 2)),
    "astype(float), a ComplexWarning": lambda t: np.sum(t.astype(np.float64) ** 2),
    "np.real on the way": lambda t: np.sum(np.real(t) ** 2) + 0j,
    "np.conj, not analytic": lambda t: np.sum(t * np.conj(t)),
}


@pytest.mark.parametrize("J", NOT_COMPLEX_SAFE.values(), ids=NOT_COMPLEX_SAFE.keys())
def test_complex_step_refuses_a_cost_that_is_not_complex_safe_instead_of_returning_a_wrong_gradient(J):
    with pytest.raises(fd.NotComplexSafeError, match="central differences"):
        fd.complex_step(J, THETA, rng=np.random.default_rng(0))


def test_complex_step_refuses_a_relu_network():
    theta_vec, layer_sizes, X, y = debug_network()
    with pytest.raises(fd.NotComplexSafeError, match="relu"):
        fd.complex_step(lambda t: mb.nn_cost(t, layer_sizes, X, y, activation="relu"), theta_vec)


def relu_sum(c):
    """J = sum max(theta - c, 0) + (sum theta)^2 / 2: kinks where theta_k = c_k."""
    return lambda t: np.sum(np.maximum(t - c, 0.0)) + np.sum(t) ** 2 / 2


@pytest.mark.parametrize("offset", [0.0, 1e-4 / 3, -1e-4 / 3, 1e-4 / 2, 0.9e-4])
def test_a_kink_within_eps_of_theta_is_found_wherever_it_lies(offset):
    theta = np.array([0.3, -0.2, 0.5])
    c = theta + np.array([5.0, offset, -5.0])  # only coordinate 1 has its kink within eps
    kinks = fd.find_kinks(relu_sum(c), theta)
    assert [k.index for k in kinks] == [1]
    if offset == 0.0:
        (kink,) = kinks
        total = theta.sum()
        assert_close([kink.left, kink.right], [total, total + 1], "one_sided_slope")  # J'' = 1 on both sides


def test_a_smooth_cost_has_no_kinks():
    J, theta_vec, _ = network()
    assert fd.find_kinks(J, theta_vec) == ()
    assert fd.find_kinks(smooth, THETA) == ()


def test_float32_theta_is_upcast_and_a_float32_cost_is_refused_with_the_reason():
    grad = fd.central_difference(smooth, THETA.astype(np.float32))
    assert grad.dtype == np.float64
    with pytest.raises(TypeError, match="float32.*1e-9"):
        fd.central_difference(lambda t: np.float32(smooth(t)), THETA)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="eps"):
        fd.central_difference(smooth, THETA, eps=0.0)
    with pytest.raises(ValueError, match="1-dimensional"):
        fd.central_difference(smooth, THETA.reshape(3, 3))
    with pytest.raises(TypeError, match="tuple"):
        fd.central_difference(lambda t: (smooth(t), smooth_gradient(t)), THETA)
    with pytest.raises(FloatingPointError, match="nan"):
        fd.central_difference(lambda t: np.nan, THETA)


def test_every_tolerance_states_what_it_bounds():
    assert {t.kind for t in TOLERANCES.values()} <= set(KINDS)
    assert all(t.rtol == 0 for t in TOLERANCES.values() if t.kind == "absolute")


def test_relative_difference_is_the_courses_norm_ratio_with_its_edge_cases():
    assert fd.relative_difference([3.0, 0.0], [1.0, 0.0]) == 0.5
    assert fd.relative_difference([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert fd.relative_difference([1.0, 0.0], [-1.0, 0.0]) == float("inf")
