import numpy as np
import pytest

from manual_backprop import relu, relu_gradient, sigmoid, sigmoid_gradient, tanh, tanh_gradient
from manual_backprop.activations import ACTIVATIONS, get_activation
from reference import exact
from tests.helpers import assert_close

Z = np.linspace(-8.0, 8.0, 41)


def test_sigmoid_gradient_matches_the_course_values():
    values = sigmoid_gradient(np.array([-1.0, -0.5, 0.0, 0.5, 1.0]))
    assert_close(values, [0.196612, 0.235004, 0.250000, 0.235004, 0.196612], "printed_6_decimals")


def test_sigmoid_of_zero_is_one_half_and_of_a_matrix_is_elementwise():
    assert sigmoid(0.0) == 0.5
    Z2 = Z.reshape(1, -1).repeat(3, axis=0)
    assert sigmoid(Z2).shape == (3, 41)
    assert np.array_equal(sigmoid(Z2)[1], sigmoid(Z))


def test_sigmoid_saturates_to_exact_limits_without_warnings():
    # filterwarnings = error: an overflow warning would fail this test.
    assert sigmoid(np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]
    assert sigmoid_gradient(np.array([-1000.0, 1000.0])).tolist() == [0.0, 0.0]
    assert tanh_gradient(np.array([-1000.0, 1000.0])).tolist() == [0.0, 0.0]


def test_sigmoid_is_relatively_accurate_far_in_the_left_tail():
    z = np.array([-30.0, -700.0])
    assert_close(sigmoid(z), np.exp(z) / (1.0 + np.exp(z)), "same_formula")


def test_sigmoid_below_the_normal_range_is_exact_to_the_smallest_normal_number():
    z = np.array([-720.0, -745.0, -1000.0])  # e^z is subnormal, the smallest subnormal, 0
    with np.errstate(under="ignore"):
        expected = np.exp(z)
    assert_close(sigmoid(z), expected, "below_normal_range")


@pytest.mark.parametrize("gradient, oracle, limit", [(sigmoid_gradient, exact.sigmoid_gradient, 700.0),
                                                     (tanh_gradient, exact.tanh_gradient, 350.0)])
def test_each_derivative_is_right_to_a_few_ulp_wherever_it_is_a_normal_float(gradient, oracle, limit):
    # Saturated units included: at z = 30 a (1 - a) is 1e-3 off for the sigmoid, at 36 4 %, and
    # 1 - tanh(20)^2 is 0; from z they keep every digit.
    z = np.r_[np.linspace(-limit, limit, 2001), np.geomspace(1e-300, limit, 1000), 20.0, 30.0, 36.0, 40.0]
    assert_close(gradient(z), exact.to_float(oracle(z)), "exact_elementwise")


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_each_analytic_derivative_equals_the_complex_step_derivative(name):
    g, g_prime = ACTIVATIONS[name].g, ACTIVATIONS[name].gradient
    h = 1e-20
    assert_close(g_prime(Z), g(Z + 1j * h).imag / h, "derivative_from_output")


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_each_derivative_accepts_complex_input_and_is_analytic_there(name):
    # The complex step of g' itself: Im g'(z + ih) / h = g''(z), the derivative of a smooth g'.
    g_prime = ACTIVATIONS[name].gradient
    h, step = 1e-20, 1e-6
    central = (g_prime(Z + step) - g_prime(Z - step)) / (2 * step)
    assert_close(g_prime(Z + 1j * h).imag / h, central, "one_sided_slope")


def test_tanh_and_its_gradient():
    assert_close(tanh(Z), np.tanh(Z), "same_formula")
    assert_close(tanh_gradient(Z), 1.0 / np.cosh(Z) ** 2, "derivative_from_output")


def test_relu_and_its_one_sided_gradient():
    z = np.array([-2.0, -0.0, 0.0, 3.0])
    assert relu(z).tolist() == [0.0, 0.0, 0.0, 3.0]
    assert relu_gradient(z).tolist() == [0.0, 0.0, 0.0, 1.0]


def test_activations_accept_integers_and_write_into_out():
    assert sigmoid(np.array([0, 0])).tolist() == [0.5, 0.5]
    out = np.zeros((2, 4))
    sigmoid(np.zeros(3), out=out[0, 1:])
    assert out.tolist() == [[0.0, 0.5, 0.5, 0.5], [0.0] * 4]


def test_activations_keep_float32():
    z = np.linspace(-3, 3, 7, dtype=np.float32)
    assert {f(z).dtype for f in (sigmoid, sigmoid_gradient, tanh, tanh_gradient, relu, relu_gradient)} == {np.dtype(np.float32)}


def test_relu_refuses_complex_input():
    with pytest.raises(TypeError, match="relu is not analytic"):
        relu(np.array([1 + 1e-20j]))


def test_unknown_activation_is_named_in_the_error():
    with pytest.raises(ValueError, match=r"activation must be one of \['relu', 'sigmoid', 'tanh'\], got 'softsign'"):
        get_activation("softsign")


def test_the_sigmoid_computed_in_place_equals_the_formula_written_plainly():
    z = np.linspace(-700.0, 700.0, 2001)
    assert_close(sigmoid(z), 1.0 / (1.0 + np.exp(-z)), "same_formula")
