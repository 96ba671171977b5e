"""The library's own differences at their edges (manual_backprop.numerical): exact values where the
arithmetic is exact, and the one error each bad input gets, naming the argument and the value.

The values use dyadic numbers (theta, eps, h, weights that are small multiples of powers of 2), on
which J(theta +- eps e_k), their difference and the division by 2 eps are exact in float64: the
differences must then equal the gradient bit for bit, with no tolerance.
"""

import math
import warnings

import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop import numerical, thresholds
from reference.tolerances import tolerance
from tests.helpers import assert_close

THETA = np.array([1.0, -2.0, 0.5, 3.0])
WEIGHTS = np.array([1.0, 2.0, 0.5, 4.0])
V = np.array([0.25, -1.0, 2.0, 0.0])
EPS = 2.0 ** -10
H = 2.0 ** -66


def quadratic(theta):
    """J = sum(w theta^2) / 2 + v . theta, exact on dyadic numbers; gradient w theta + v."""
    return np.sum(WEIGHTS * theta * theta) / 2 + np.sum(V * theta)


def gradient(theta):
    return WEIGHTS * theta + V


def sum_of_squares(theta):
    return float(np.sum(theta ** 2))


# --- Values


def test_central_differences_of_a_quadratic_are_its_gradient_bit_for_bit():
    np.testing.assert_array_equal(numerical.compute_numerical_gradient(quadratic, THETA, eps=EPS), gradient(THETA))


def test_central_differences_take_integer_theta_and_leave_the_callers_theta_untouched():
    theta = np.array([1, -2, 0, 3])
    np.testing.assert_array_equal(numerical.compute_numerical_gradient(quadratic, theta, eps=EPS),
                                  gradient(theta.astype(np.float64)))
    np.testing.assert_array_equal(theta, [1, -2, 0, 3])


def test_a_directional_difference_of_a_quadratic_is_u_dot_its_gradient_bit_for_bit():
    u = np.array([0.5, 0.5, -0.5, 0.5])
    assert numerical.directional_difference(quadratic, THETA, u, eps=EPS) == u @ gradient(THETA)


def test_a_float32_direction_is_taken_in_float64():
    u32 = np.array([0.6, 0.8, 0.0, 0.0], dtype=np.float32)
    assert numerical.directional_difference(quadratic, THETA, u32) == \
        numerical.directional_difference(quadratic, THETA, u32.astype(np.float64))


def cubic(theta):
    return np.sum(theta ** 3)


def test_the_default_steps_are_the_courses_eps_1e_4_and_the_complex_step_h_1e_20():
    # On a cubic the central difference is 3 theta^2 + eps^2 and the complex step 3 theta^2 - h^2: the step shows.
    np.testing.assert_array_equal(numerical.compute_numerical_gradient(cubic, THETA),
                                  numerical.compute_numerical_gradient(cubic, THETA, eps=1e-4))
    u = np.array([0.5, 0.5, -0.5, 0.5])
    assert numerical.directional_difference(cubic, THETA, u) == numerical.directional_difference(cubic, THETA, u,
                                                                                                 eps=1e-4)
    np.testing.assert_array_equal(numerical.complex_step_gradient(cubic, THETA),
                                  numerical.complex_step_gradient(cubic, THETA, h=1e-20))


def test_the_complex_step_of_a_quadratic_is_its_gradient_bit_for_bit():
    np.testing.assert_array_equal(numerical.complex_step_gradient(quadratic, THETA, h=H), gradient(THETA))


def test_directions_are_unit_vectors_and_a_support_of_one_index_gives_plus_or_minus_that_axis():
    U = numerical.random_unit_directions(7, 3, np.random.default_rng(0))
    assert U.shape == (3, 7)
    assert len(np.unique(np.abs(U))) == U.size  # every entry drawn on its own, none shared
    assert_close(np.linalg.norm(U, axis=1), 1.0, "unit_norm")
    U = numerical.random_unit_directions(5, 4, np.random.default_rng(0), support=[2])
    np.testing.assert_array_equal(np.abs(U), np.tile([0.0, 0.0, 1.0, 0.0, 0.0], (4, 1)))


@pytest.mark.parametrize("a, b, expected", [
    ([2.0, 0.0], [1.0, 0.0], 1 / 3),  # norm(a - b) = 1
    ([0.5, 0.0], [0.25, 0.0], 1 / 3),  # norm(a + b) = 0.75 < 1
    ([1.0, 0.0], [1.0, 0.0], 0.0),
    ([0.0, 0.0], [0.0, 0.0], 0.0),
    ([0.5, 0.0], [-0.5, 0.0], float("inf")),
])
def test_the_relative_difference_is_the_courses_ratio_of_norms(a, b, expected):
    assert numerical.relative_difference(a, b) == expected


def test_a_cost_returning_a_complex_number_with_zero_imaginary_part_or_an_integer_is_its_real_value():
    assert numerical.cost_value(lambda t: complex(3.5, 0.0), THETA) == 3.5
    assert numerical.cost_value(lambda t: np.int32(3), THETA) == 3.0


def test_a_warning_from_the_cost_other_than_a_complex_cast_reaches_the_caller_during_the_complex_step():
    def cost_with_a_note(theta):
        warnings.warn("the cost's own note", UserWarning)
        return quadratic(theta)

    with pytest.warns(UserWarning, match="the cost's own note"):
        grad = numerical.complex_step_gradient(cost_with_a_note, THETA, h=H)
    np.testing.assert_array_equal(grad, gradient(THETA))


# --- Refusals, each naming the argument and the value


FLOAT32_REASON = (r"numerical derivatives need the cost in float64 \(float32 rounding, u \|J\| / eps ~ 6e-8 / 1e-4 ~ "
                  r"6e-4 relative, is far above the course's 1e-9\)")


@pytest.mark.parametrize("call, error, message", [
    (lambda: numerical.compute_numerical_gradient(sum_of_squares, THETA, eps=True), ValueError,
     r"eps must be a finite number > 0, got True"),
    (lambda: numerical.compute_numerical_gradient(sum_of_squares, THETA, eps=np.array([1e-4])), ValueError,
     r"eps must be a finite number > 0, got array\(\[0.0001\]\)"),
    (lambda: numerical.compute_numerical_gradient(sum_of_squares, THETA, eps="1e-4"), ValueError,
     r"eps must be a finite number > 0, got '1e-4'"),
    (lambda: numerical.compute_numerical_gradient(sum_of_squares, THETA, eps=0), ValueError,
     r"eps must be a finite number > 0, got 0"),
    (lambda: numerical.directional_difference(sum_of_squares, THETA, np.ones(4), eps=-1.0), ValueError,
     r"eps must be a finite number > 0, got -1.0"),
    (lambda: numerical.complex_step_gradient(quadratic, THETA, h=0.0), ValueError,
     r"h must be a finite number > 0, got 0.0"),
    (lambda: numerical.complex_step_gradient(quadratic, THETA, h=float("nan")), ValueError,
     r"h must be a finite number > 0, got nan"),
    (lambda: numerical.directional_difference(sum_of_squares, THETA, np.ones(3)), ValueError,
     r"the direction u must have the shape of theta \(4,\), got \(3,\)"),
    (lambda: numerical.random_unit_directions(4, 2, np.random.RandomState(0)), TypeError,
     r"rng must be a numpy.random.Generator, got RandomState"),
    (lambda: numerical.random_unit_directions(4, 2, np.random.default_rng(0), support=[]), ValueError,
     r"the support of the directions is empty"),
    (lambda: numerical.relative_difference(np.ones(2), np.ones(3)), ValueError,
     r"a and b must have the same shape, got \(2,\) and \(3,\)"),
    (lambda: numerical.as_theta(np.array(["a", "b"])), TypeError,
     r"theta must be an array of real numbers, got dtype <U1"),
    (lambda: numerical.as_theta(np.ones((1, 2))), ValueError, r"theta must be 1-dimensional, got shape \(1, 2\)"),
    (lambda: numerical.as_theta(3.0), ValueError, r"theta must be 1-dimensional, got shape \(\)"),
    (lambda: numerical.as_theta([0.0, 1.0, -np.inf, np.nan], "theta_vec"), ValueError,
     r"theta_vec must be finite, got -inf at index 2"),
], ids=["eps True", "eps an array", "eps a string", "eps 0", "negative eps", "h 0", "h nan", "u of another shape",
        "a RandomState", "empty support", "shapes differ", "theta of text", "theta a matrix", "theta a scalar",
        "theta not finite"])
def test_bad_arguments_are_refused_naming_the_argument_and_the_value(call, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        call()


@pytest.mark.parametrize("J, error, message", [
    (lambda t: (1.0, 2 * t), TypeError, r"J must return the cost alone, a scalar; it returned a tuple "
                                        r"\(for a function returning \(J, grad\), pass lambda t: f\(t\)\[0\]\)"),
    (lambda t: np.ones(2), ValueError, r"J must return a scalar, got an array of shape \(2,\)"),
    (lambda t: np.ones((1, 1)), ValueError, r"J must return a scalar, got an array of shape \(1, 1\)"),
    (lambda t: complex(3.0, 1.0), TypeError, r"J returned the complex number \(3\+1j\) for real theta"),
    (lambda t: np.float32(1.0), TypeError, r"J returned a float32 value; " + FLOAT32_REASON),
    (lambda t: np.nan, FloatingPointError, r"J is nan at theta - eps e_0: no numerical derivative there"),
    (lambda t: np.inf if t[2] > 0.5 else 1.0, FloatingPointError,
     r"J is inf at theta \+ eps e_2: no numerical derivative there"),
], ids=["a tuple", "a vector", "a 1 x 1 matrix", "a complex number", "float32", "nan", "inf at one side"])
def test_a_cost_that_does_not_return_a_finite_float64_scalar_is_refused_saying_what_it_returned(J, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        numerical.compute_numerical_gradient(J, THETA)


@pytest.mark.parametrize("side", ["+", "-"])
def test_a_directional_difference_at_a_non_finite_cost_names_the_side(side):
    u = np.array([1.0, 0.0, 0.0, 0.0])
    J = lambda t: np.inf if (t[0] > THETA[0]) == (side == "+") and t[0] != THETA[0] else 1.0  # noqa: E731
    with pytest.raises(FloatingPointError, match=rf"^J is inf at theta \{side} eps u: no numerical derivative there$"):
        numerical.directional_difference(J, THETA, u)


def test_a_cost_not_finite_at_theta_is_refused_by_the_gradient_check_naming_theta():
    with pytest.raises(FloatingPointError, match=r"^J is nan at theta: no numerical derivative there$"):
        mb.check_gradients(lambda t: (np.nan, 2 * t), THETA)


@pytest.mark.parametrize("J, error, message", [
    (lambda t: t ** 2, ValueError, r"J must return a scalar, got an array of shape \(4,\)"),
    (lambda t: np.complex64(np.sum(t ** 2)), TypeError,
     r"J returned a complex64 value; the complex step needs complex128"),
    (lambda t: np.sum(t ** 2) + complex(0.0, np.inf), FloatingPointError,
     r"J is \(\d+\.?\d*\+infj\) at theta \+ i h e_0: no complex-step derivative there"),
    (lambda t: 3.0, numerical.NotComplexSafeError,
     r"the cost returned the real number .+ at theta \+ i h e_0: it dropped the imaginary part \(abs, "
     r"float\(\.\.\.\), np\.real\), so Im J / h would be a wrong 0; use central differences"),
    (lambda t: np.sum(t.astype(np.float64) ** 2), numerical.NotComplexSafeError,
     r"the cost casts a complex value to real \(ComplexWarning at theta \+ i h e_0: .+\); use central differences"),
    (lambda t: math.fsum(t.tolist()), numerical.NotComplexSafeError,
     r"the cost refuses complex input \(TypeError at theta \+ i h e_0: must be real number, not complex\); "
     r"use central differences"),
], ids=["a vector", "complex64", "imaginary part infinite", "a real number", "a cast to real", "a real-only function"])
def test_a_cost_the_complex_step_cannot_use_is_refused_saying_why(J, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        numerical.complex_step_gradient(J, THETA)


# --- The checker's thresholds, by the dtype of the analytical gradient


def test_a_threshold_is_the_one_for_the_gradients_dtype_and_float64s_where_the_dtype_has_none():
    assert thresholds.threshold("central", np.float32).rtol == tolerance("central_difference", np.float32).rtol
    assert thresholds.threshold("central", "float32") == thresholds.THRESHOLDS["central", np.dtype(np.float32)]
    assert thresholds.threshold("central") == thresholds.THRESHOLDS["central", np.dtype(np.float64)]
    assert thresholds.threshold("kink_side", np.float32) == thresholds.THRESHOLDS["kink_side", np.dtype(np.float64)]
