"""The library's own numerical differences and thresholds, checked against the oracles (reference/, JAX)."""

import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop import numerical, thresholds
from manual_backprop.debug import debug_network
from reference import autodiff
from reference import finite_difference as fd
from reference.tolerances import tolerance
from tests.helpers import assert_close

LAM = 3.0


def network():
    theta_vec, layer_sizes, X, y = debug_network()
    J = lambda t: mb.nn_cost(t, layer_sizes, X, y, LAM)  # noqa: E731
    _, grad_jax = autodiff.nn_cost_function(theta_vec, layer_sizes, X, y, LAM)
    return J, theta_vec, np.asarray(grad_jax)


def test_compute_numerical_gradient_is_the_oracles_central_difference_bit_for_bit():
    J, theta_vec, _ = network()
    assert np.array_equal(numerical.compute_numerical_gradient(J, theta_vec), fd.central_difference(J, theta_vec))


def test_compute_numerical_gradient_meets_the_course_bound_against_jax():
    J, theta_vec, grad_jax = network()
    assert fd.relative_difference(numerical.compute_numerical_gradient(J, theta_vec), grad_jax) \
        < tolerance("central_difference").rtol


def test_directional_difference_equals_u_dot_the_jax_gradient():
    J, theta_vec, grad_jax = network()
    U = numerical.random_unit_directions(theta_vec.size, 4, np.random.default_rng(0))
    slopes = [numerical.directional_difference(J, theta_vec, u) for u in U]
    assert fd.relative_difference(slopes, U @ grad_jax) < tolerance("directional_difference").rtol
    assert slopes == [fd.directional_difference(J, theta_vec, u) for u in U]


def test_complex_step_gradient_equals_jax_and_the_oracle_to_rounding():
    J, theta_vec, grad_jax = network()
    grad = numerical.complex_step_gradient(J, theta_vec)
    assert_close(grad, grad_jax, "complex_step")
    assert_close(grad, fd.complex_step(J, theta_vec, rng=np.random.default_rng(0)), "complex_step")


def test_relative_difference_agrees_with_the_oracle_and_has_the_courses_edge_cases():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(9), rng.standard_normal(9)
    assert numerical.relative_difference(a, b) == fd.relative_difference(a, b)
    assert numerical.relative_difference([3.0, 0.0], [1.0, 0.0]) == 0.5
    assert numerical.relative_difference([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert numerical.relative_difference([1.0, 0.0], [-1.0, 0.0]) == float("inf")


@pytest.mark.parametrize("method, oracle", [("central", "central_difference"),
                                            ("directional", "directional_difference"), ("complex", "complex_step")])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_checkers_thresholds_are_the_oracle_tables_bounds(method, oracle, dtype):
    ours, theirs = thresholds.threshold(method, dtype), tolerance(oracle, dtype)
    assert ours.rtol == theirs.rtol


def test_two_generators_give_different_directions_and_one_seed_the_same():
    first = numerical.random_unit_directions(38, 3, np.random.default_rng(1))
    assert not np.allclose(first, numerical.random_unit_directions(38, 3, np.random.default_rng(2)))
    assert np.array_equal(first, numerical.random_unit_directions(38, 3, np.random.default_rng(1)))
    assert_close(np.linalg.norm(first, axis=1), 1.0, "unit_norm")


def test_directions_need_a_generator_and_stay_in_their_support():
    with pytest.raises(TypeError, match="Generator"):
        numerical.random_unit_directions(5, 1, 0)
    U = numerical.random_unit_directions(20, 4, np.random.default_rng(1), support=[3, 4, 9])
    assert np.count_nonzero(U) == 12 and np.all(U[:, [3, 4, 9]] != 0)


NOT_COMPLEX_SAFE = {
    "abs, returning a real number": lambda t: np.sum(np.abs(t)),
    "a cast to float": lambda t: float(np.sum(t ** 2)),
    "astype(float), a ComplexWarning": lambda t: np.sum(t.astype(np.float64) ** 2),
}


@pytest.mark.parametrize("J", NOT_COMPLEX_SAFE.values(), ids=NOT_COMPLEX_SAFE.keys())
def test_complex_step_refuses_a_cost_that_drops_the_imaginary_part(J):
    with pytest.raises(numerical.NotComplexSafeError, match="central differences"):
        numerical.complex_step_gradient(J, np.linspace(-1, 1, 5))


def test_a_float32_cost_and_bad_steps_are_refused_with_the_reason():
    theta = np.linspace(-1, 1, 5)
    with pytest.raises(TypeError, match="float32.*1e-9"):
        numerical.compute_numerical_gradient(lambda t: np.float32(np.sum(t ** 2)), theta)
    with pytest.raises(ValueError, match="eps must be a finite number > 0, got 0.0"):
        numerical.compute_numerical_gradient(lambda t: np.sum(t ** 2), theta, eps=0.0)
    with pytest.raises(TypeError, match="tuple"):
        numerical.compute_numerical_gradient(lambda t: (np.sum(t ** 2), 2 * t), theta)
