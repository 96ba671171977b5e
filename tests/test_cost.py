import mpmath
import numpy as np
import pytest

from manual_backprop.cost import (
    get_output,
    regularization_cost,
    sigmoid_cross_entropy,
    softmax,
    softmax_cross_entropy,
    softplus,
)
from reference import exact
from tests.helpers import assert_close

Z = np.array([[-3.0, 0.5, 2.0], [1.0, -0.25, 0.0]])
Y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])


def test_sigmoid_cross_entropy_is_the_courses_cost_written_with_softplus():
    h = 1 / (1 + np.exp(-Z))
    expected = -(Y * np.log(h) + (1 - Y) * np.log(1 - h)).sum()
    assert_close(sigmoid_cross_entropy(Z, Y), expected, "manual_vs_autodiff")


def test_softmax_cross_entropy_is_minus_the_log_of_the_labels_probability():
    expected = -(Y * np.log(softmax(Z))).sum()
    assert_close(softmax_cross_entropy(Z, Y), expected, "manual_vs_autodiff")
    assert_close(softmax(Z).sum(axis=1), np.ones(2), "same_formula")


def test_softplus_is_finite_and_exact_at_any_magnitude_without_warnings():
    x = np.array([-800.0, -40.0, 0.0, 40.0, 800.0])
    with mpmath.workdps(60):
        expected = exact.to_float([mpmath.log1p(mpmath.exp(mpmath.mpf(v))) for v in x])
    assert_close(softplus(x[1:]), expected[1:], "exact_elementwise")
    assert_close(softplus(x[:1]), expected[:1], "below_normal_range")


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_output_error_has_no_cancellation_when_the_label_probability_rounds_to_1(output):
    z = np.array([[60.0, 0.0]]) if output == "softmax" else np.array([[60.0, -60.0]])
    Y = np.array([[1.0, 0.0]])
    with mpmath.workdps(60):
        h_other = 1 / (1 + mpmath.exp(60)) if output == "sigmoid" else mpmath.exp(-60) / (1 + mpmath.exp(-60))
        exact_error = exact.to_float([-h_other, h_other])  # 1 - h_c = the other class's share
    with np.errstate(all="raise"):
        delta = get_output(output).error(z, Y)
    assert_close(delta[0], exact_error, "exact_elementwise")


def test_regularisation_leaves_the_bias_column_out():
    thetas = [np.array([[100.0, 1.0, 2.0]]), np.array([[-100.0, 3.0]])]
    assert regularization_cost(thetas, 2.0, 4) == 2.0 / 8 * (1 + 4 + 9)
    assert regularization_cost(thetas, 0.0, 4) == 0.0


def test_regularisation_squares_no_weight_whose_square_overflows_when_the_cost_fits():
    # Theta^2 = 1e310 does not fit, lambda/(2m) Theta^2 = 5e9 does.
    thetas = [np.array([[0.0, 1e155]])]
    with np.errstate(all="raise"):
        J = regularization_cost(thetas, 1e-300, 1)
    with mpmath.workdps(60):
        expected = exact.to_float(mpmath.mpf(1e-300) / 2 * mpmath.mpf(1e155) ** 2)
    assert_close(J, expected, "exact_elementwise")


def test_regularisation_too_large_for_float64_still_overflows():
    with np.errstate(all="raise"), pytest.raises(FloatingPointError, match="overflow"):
        regularization_cost([np.array([[0.0, 1e200]])], 1.0, 1)


def test_unknown_output_is_named_in_the_error():
    with pytest.raises(ValueError, match=r"output must be one of \['sigmoid', 'softmax'\], got 'linear'"):
        get_output("linear")
