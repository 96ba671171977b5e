"""Second order: the defaults, dtypes, refusals and floating-point flags of manual_backprop.hessian.

Each case is built by hand so that its answer is known: the default activation and output, the
complex weights refused with their whole message, the dtypes g, g' and g'' come back in, saturated
units that raise no flag under a caller's ``numpy.errstate(all="raise")``, and a float32 R{z}
beyond float32's range refused alike by both methods.
"""

import math

import mpmath
import numpy as np
import pytest

from manual_backprop.hessian import (
    METHODS,
    gauss_newton_vector_product,
    hessian_vector_product,
    make_hessp,
    relu_derivatives,
    sigmoid_derivatives,
    tanh_derivatives,
)
from reference.tolerances import tolerance

DERIVATIVES = {"sigmoid": sigmoid_derivatives, "tanh": tanh_derivatives, "relu": relu_derivatives}
PRODUCTS = {"H v": hessian_vector_product, "G v": gauss_newton_vector_product}


def assert_close(actual, desired, check):
    tol = tolerance(check)
    np.testing.assert_allclose(actual, desired, rtol=tol.rtol, atol=tol.atol, err_msg=f"{check}: {tol.reason}")


def small_problem():
    """A 2-3-2 sigmoid network, m = 4, lambda = 0.7, and a direction v, from a seeded generator."""
    rng = np.random.default_rng(14)
    layer_sizes = (2, 3, 2)
    P = 3 * 3 + 2 * 4
    return (rng.uniform(-1, 1, P), layer_sizes, rng.uniform(-1, 1, (4, 2)), np.array([0, 1, 1, 0]), 0.7,
            rng.uniform(-1, 1, P))


# --- defaults ------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", PRODUCTS)
def test_the_products_default_to_sigmoid_hidden_units_and_sigmoid_outputs(name, method):
    product = PRODUCTS[name]
    theta_vec, layer_sizes, X, y, lam, v = small_problem()
    explicit = product(theta_vec, layer_sizes, X, y, lam, v, activation="sigmoid", output="sigmoid", method=method)
    assert np.array_equal(product(theta_vec, layer_sizes, X, y, lam, v, method=method), explicit)


@pytest.mark.parametrize("gauss_newton", [False, True])
def test_make_hessp_defaults_to_sigmoid_hidden_units_and_sigmoid_outputs(gauss_newton):
    theta_vec, layer_sizes, X, y, lam, v = small_problem()
    product = gauss_newton_vector_product if gauss_newton else hessian_vector_product
    hessp = make_hessp(layer_sizes, X, y, lam, gauss_newton=gauss_newton)
    assert np.array_equal(hessp(theta_vec, v), product(theta_vec, layer_sizes, X, y, lam, v,
                                                       activation="sigmoid", output="sigmoid"))


# --- refusals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", PRODUCTS)
def test_complex_weights_are_refused_with_a_message_that_sends_the_complex_step_to_the_oracles(name):
    theta_vec, layer_sizes, X, y, lam, v = small_problem()
    message = ("theta_vec must be real for H v (the complex step belongs to the oracles), "
               "got dtype complex128")
    with pytest.raises(TypeError) as raised:
        PRODUCTS[name](theta_vec + 0j, layer_sizes, X, y, lam, v)
    assert str(raised.value) == message


# A 1-2-1 network, x = 0, whose output unit is saturated at z(3) = 3e38 (h = 1, y = 1): its H v is 0,
# but R{z(3)} = Theta(2) R{a(2)} = 3e38 + 3e38 does not fit in float32 (largest 3.4e38).
OVERFLOW_THETA = [np.zeros((2, 2)), np.array([[0.0, 3e38, 3e38]])]
OVERFLOW_V = [np.array([[4.0, 0.0], [4.0, 0.0]]), np.zeros((1, 3))]  # R{z(2)} = 4, R{a(2)} = g'(0) 4 = 1


def unrolled(arrays, dtype):
    return np.concatenate([A.ravel(order="F") for A in arrays]).astype(dtype)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", PRODUCTS)
def test_a_float32_r_z_beyond_float32_is_refused_by_both_methods_and_float64_gives_the_product(name, method):
    product = PRODUCTS[name]
    X, y = np.zeros((1, 1)), np.ones((1, 1))
    args32 = (unrolled(OVERFLOW_THETA, np.float32), (1, 2, 1), X.astype(np.float32), y, 0.0,
              unrolled(OVERFLOW_V, np.float32))
    with pytest.raises(OverflowError) as raised:
        product(*args32, method=method)
    assert str(raised.value) == (
        "H v (some R{z} or R{delta}) does not fit in float32 (overflow encountered in matmul): "
        "largest |Theta| = 3e+38, largest |X| = 0, lambda = 0; compute in float64 or scale the inputs down")
    result = product(unrolled(OVERFLOW_THETA, np.float64), (1, 2, 1), X, y, 0.0, unrolled(OVERFLOW_V, np.float64),
                     method=method)
    assert result.dtype == np.float64 and np.array_equal(result, np.zeros(7))


# --- dtypes of g, g' and g'' ---------------------------------------------------------------------

@pytest.mark.parametrize("name", DERIVATIVES)
def test_integer_z_gives_float64_derivatives_equal_to_those_of_the_same_float_z(name):
    z = np.array([-3, -1, 0, 2, 5])
    expected = DERIVATIVES[name](np.array(z, dtype=np.float64))
    for value, want in zip(DERIVATIVES[name](z), expected):
        assert value.dtype == np.float64 and np.array_equal(value, want)


@pytest.mark.parametrize("name", DERIVATIVES)
def test_float32_z_gives_float32_derivatives(name):
    z = np.array([-3.0, -0.5, 0.0, 0.25, 4.0], dtype=np.float32)
    g, g1, g2 = DERIVATIVES[name](z)
    assert (g.dtype, g1.dtype, g2.dtype) == (np.float32,) * 3


# --- floating-point flags --------------------------------------------------------------------------

@pytest.mark.parametrize("name, z", [("sigmoid", [-745.0, -720.0, -709.0, 709.0, 720.0, 745.0]),
                                     ("tanh", [-372.0, -360.0, -355.0, 355.0, 360.0, 372.0])])
def test_saturated_second_derivatives_underflow_quietly_under_a_callers_raise_on_underflow(name, z):
    z = np.array(z)
    quiet = DERIVATIVES[name](z)
    with np.errstate(all="raise"):
        raised = DERIVATIVES[name](z)
    for value, want in zip(raised, quiet):
        assert np.array_equal(value, want)
    g1 = raised[1]
    assert np.all(g1 < np.finfo(np.float64).tiny) and np.any(g1 > 0)  # subnormal g' among them


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", PRODUCTS)
def test_a_softmax_class_with_a_subnormal_probability_raises_no_flag_under_all_raise(name, method):
    # z(2) = (0, -720) for x = 1: h = (1, e^-720), e^-720 ~ 1.9e-313 below the normal range.
    # R{z(2)} = V [1 x]^T = (r0, r1) and R{h} = h .* (R{z} - h . R{z}) = (h0 h1 (r0 - r1), h1 (r1 - r0)),
    # which is H v and G v's R{Delta} = R{h}^T [1 x] (no hidden layer, m = 1, lambda = 0).
    Theta, V = np.array([[0.0, 0.0], [-720.0, 0.0]]), np.array([[0.5, 0.25], [-0.3, 0.7]])
    r0, r1 = V.sum(axis=1)
    h1 = math.exp(-720.0)
    Rh = np.array([(1 - h1) * h1 * (r0 - r1), h1 * (r1 - r0)])
    with np.errstate(all="raise"):
        result = PRODUCTS[name](Theta.ravel(order="F"), (1, 2), np.ones((1, 1)), np.array([0]), 0.0,
                                V.ravel(order="F"), output="softmax", method=method)
    assert_close(result, np.concatenate([Rh, Rh]), "below_normal_range")
    assert result[1] < 0  # h1 (r1 - r0) < 0, kept as the subnormal it is


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", PRODUCTS)
def test_without_a_hidden_layer_the_activation_named_changes_nothing_even_under_all_raise(name, method):
    # z(2) = 360: the sigmoid output's h (1 - h) = e^-360 is a normal number, but tanh'(360) = 4 e^-720
    # would be subnormal; no hidden layer means that no g' is ever taken.
    theta_vec, X, y, v = np.array([360.0, 0.0]), np.array([[0.7]]), np.array([[1.0]]), np.array([0.3, -0.2])
    with np.errstate(all="raise"):
        results = {activation: PRODUCTS[name](theta_vec, (1, 1), X, y, 0.0, v, activation=activation, method=method)
                   for activation in DERIVATIVES}
    for activation, result in results.items():
        assert np.array_equal(result, results["sigmoid"]), activation
    # H v = G v = R{h} [1 x] with R{h} = h (1 - h) R{z} = e^-360 / (1 + e^-360)^2 (0.3 - 0.2 x), exactly:
    with mpmath.workdps(40):
        e, x = mpmath.exp(-360), mpmath.mpf(0.7)
        Rh = e / (1 + e) ** 2 * (mpmath.mpf(0.3) + mpmath.mpf(-0.2) * x)
        expected = np.array([float(Rh), float(Rh * x)])
    assert_close(results["sigmoid"], expected, "exact_elementwise")
