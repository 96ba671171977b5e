"""The core at its edges: [1 A] for a vector and a matrix, saturated units that NumPy's strictest
error state lets through, the softmax of rows far apart, regularisation that neither overflows nor
underflows, the defaults of the public functions, and prediction exactly at h = 0.5."""

from __future__ import annotations

import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop.cost import regularization_cost, softmax, softmax_cross_entropy, softplus
from manual_backprop.forward import with_bias
from manual_backprop.initialization import random_theta_vec
from manual_backprop.unrolling import theta_shapes
from tests.helpers import assert_close, assert_within_tolerance

LAYERS = (3, 5, 3)
THETA_VEC = np.linspace(-1, 1, 38)
X = np.arange(12.0).reshape(4, 3) / 7
Y = np.array([0, 1, 2, 0])


def tiny_exp(x):
    """exp(x), quietly rounded to a subnormal or 0 for x far below 0."""
    with np.errstate(under="ignore"):
        return np.exp(x)


# ---------------------------------------------------------------- [1 A]

def test_with_bias_puts_a_1_before_a_vector():
    assert with_bias(np.array([7.0, 8.0])).tolist() == [1.0, 7.0, 8.0]


def test_with_bias_puts_a_column_of_ones_before_a_matrix():
    assert with_bias(np.array([[2.0, 3.0], [4.0, 5.0], [6.0, 7.0]])).tolist() == [[1, 2, 3], [1, 4, 5], [1, 6, 7]]


# ---------------------------------------------------------------- activations

def test_the_activation_of_a_number_is_a_number_and_out_receives_the_result():
    assert type(mb.sigmoid(0.0)) is np.float64 and mb.sigmoid(0.0) == 0.5
    z = np.array([[-1.0, 0.0], [2.0, 3.0]])
    out = np.empty((2, 2))
    assert mb.sigmoid(z, out=out) is out and out.tolist() == mb.sigmoid(z).tolist()
    assert mb.tanh(z, out=out) is out and out.tolist() == np.tanh(z).tolist()
    assert mb.relu(z, out=out) is out and out.tolist() == [[0.0, 0.0], [2.0, 3.0]]


def test_integer_input_gives_float64_activations():
    z = np.array([-2, 0, 1, 3])
    assert mb.sigmoid(z).tolist() == mb.sigmoid(z.astype(float)).tolist()
    assert mb.tanh(z).dtype == mb.relu(z).dtype == mb.relu_gradient(z).dtype == np.float64


def test_relu_and_its_one_sided_gradient():
    z = np.array([-1.5, 0.0, 0.5, 1.0, 2.0], np.float32)
    assert mb.relu(z).tolist() == [0.0, 0.0, 0.5, 1.0, 2.0]
    assert mb.relu_gradient(z).tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]
    assert mb.relu_gradient(z).dtype == np.float32


# ---------------------------------------------------------------- saturation is not an error

def test_saturated_activations_raise_nothing_where_numpy_raises_on_everything():
    z = np.array([-1000.0, -720.0, 0.0, 360.0, 720.0, 1000.0])
    with np.errstate(all="raise"):
        g = mb.sigmoid(z)
        g_prime = mb.sigmoid_gradient(z)
        t_prime = mb.tanh_gradient(z)
    assert g.tolist() == [0.0, 0.0, 0.5, 1.0, 1.0, 1.0]
    assert g_prime.tolist() == [0.0, tiny_exp(-720.0), 0.25, tiny_exp(-360.0), tiny_exp(-720.0), 0.0]
    assert t_prime.tolist() == [0.0, 0.0, 1.0, 4 * tiny_exp(-720.0), 0.0, 0.0]


def test_a_saturated_complex_step_through_a_sigmoid_stays_finite():
    with np.errstate(all="raise"):
        g_prime = mb.sigmoid_gradient(np.array([-800 + 1e-20j, 800 + 1e-20j]))
        t_prime = mb.tanh_gradient(np.array([-400 + 1e-20j, 400 + 1e-20j]))
    assert np.all(np.isfinite(g_prime)) and np.all(np.isfinite(t_prime))
    assert np.all(g_prime.real == 0) and np.all(t_prime.real == 0)


def test_the_cost_terms_of_saturated_units_raise_nothing_where_numpy_raises_on_everything():
    with np.errstate(all="raise"):
        assert softplus(np.array([-1000.0, -740.0, 0.0])).tolist() == [0.0, tiny_exp(-740.0), np.log(2.0)]
        assert np.all(softplus(np.array([-1000 + 1e-20j, 1000 + 1e-20j])).real == [0.0, 1000.0])
        assert softmax(np.array([[0.0, -1000.0], [1000.0, 0.0]])).tolist() == [[1.0, 0.0], [1.0, 0.0]]
        assert softmax_cross_entropy(np.array([[0.0, -1000.0]]), np.array([[1.0, 0.0]])) == 0.0
        J, grad = mb.nn_cost_function(np.r_[0.0, -1000.0, 0.0, 0.0], (1, 2), np.ones((1, 1)), [0], output="softmax")
    assert J == 0.0 and np.all(grad == 0)


def test_the_softmax_of_each_row_is_taken_against_its_own_largest_z():
    h = softmax(np.array([[0.0, 1.0, 2.0], [1000.0, 1001.0, 1002.0]]))
    assert h.shape == (2, 3) and np.array_equal(h[0], h[1])
    assert softmax(np.array([-2002.0, -2001.0, -2000.0])).tolist() == h[0].tolist()


@pytest.mark.parametrize("layer_sizes", [LAYERS, (3, 4, 5, 3)])
def test_the_per_example_loop_takes_the_softmax_of_one_example_at_a_time(layer_sizes):
    theta_vec = np.linspace(-1, 1, mb.n_params(layer_sizes))
    J_loop, grad_loop = mb.nn_cost_function(theta_vec, layer_sizes, X, Y, 0.5, output="softmax", method="loop")
    J, grad = mb.nn_cost_function(theta_vec, layer_sizes, X, Y, 0.5, output="softmax")
    assert_close(J_loop, J, "loop_vs_vectorized")
    assert_close(grad_loop, grad, "loop_vs_vectorized")


# ---------------------------------------------------------------- regularisation

def test_regularisation_of_weights_near_the_top_of_float64_is_exact():
    Theta = np.ones((2, 4))
    Theta[:, 1] = 2.0**530  # (2^530)^2 overflows: the sum is scaled by the largest weight
    assert regularization_cost([Theta], 2.0**-300, 2) == 2.0**759


def test_regularisation_of_tiny_weights_with_a_huge_lambda_is_not_lost_to_underflow():
    Theta = np.full((2, 3), 2.0**-600)  # (2^-600)^2 underflows: the sum is scaled by the largest weight
    assert regularization_cost([Theta], 2.0**1001, 1) == 2.0**-198


def test_regularisation_when_the_largest_weight_is_exactly_1():
    Theta = np.array([[5.0, 1.0, -0.5], [-7.0, 0.5, 1.0]])
    assert regularization_cost([Theta], 4.0, 2) == (4.0 / 4) * (1 + 0.25 + 0.25 + 1)


def test_regularisation_skips_the_bias_column_and_is_0_when_only_biases_are_nonzero():
    Theta = np.array([[3.0, 0.0], [-2.0, 0.0]])
    assert regularization_cost([Theta], 2.0, 1) == 0.0
    assert regularization_cost([Theta, np.array([[9.0, 2.0, 0.0]])], 2.0, 1) == 4.0


# ---------------------------------------------------------------- defaults

def test_lambda_defaults_to_0_and_the_method_to_the_vectorised_one():
    J, grad = mb.nn_cost_function(THETA_VEC, LAYERS, X, Y)
    J_0, grad_0 = mb.nn_cost_function(THETA_VEC, LAYERS, X, Y, 0.0, method="vectorized")
    assert J == J_0 and np.array_equal(grad, grad_0)
    assert mb.nn_cost(THETA_VEC, LAYERS, X, Y) == mb.nn_cost(THETA_VEC, LAYERS, X, Y, 0.0)
    assert mb.nn_cost(THETA_VEC, LAYERS, X, Y) < mb.nn_cost(THETA_VEC, LAYERS, X, Y, 1.0)


def test_random_theta_vec_draws_each_theta_in_order_from_the_generator_given():
    theta_vec = random_theta_vec(LAYERS, epsilon_init=0.25, rng=np.random.default_rng(5))
    rng = np.random.default_rng(5)
    thetas = [mb.random_initialize_weights(3, 5, epsilon_init=0.25, rng=rng),
              mb.random_initialize_weights(5, 3, epsilon_init=0.25, rng=rng)]
    assert np.array_equal(theta_vec, mb.unroll(thetas))
    assert np.all(random_theta_vec(LAYERS, epsilon_init=0.0, rng=np.random.default_rng(5)) == 0)


def test_random_theta_vec_uses_the_courses_epsilon_per_layer_by_default():
    theta_vec = random_theta_vec((3, 5, 3), rng=np.random.default_rng(6))
    rng = np.random.default_rng(6)
    expected = mb.unroll([rng.uniform(-np.sqrt(6) / np.sqrt(8), np.sqrt(6) / np.sqrt(8), (5, 4)),
                          rng.uniform(-np.sqrt(6) / np.sqrt(8), np.sqrt(6) / np.sqrt(8), (3, 6))])
    assert np.array_equal(theta_vec, expected)


@pytest.mark.parametrize("fan_out, fan_in", [(2, 2), (3, 4), (3, 1), (1, 0)])
def test_debug_weights_are_the_courses_sines_in_column_major_order(fan_out, fan_in):
    W = mb.debug_initialize_weights(fan_out, fan_in)
    assert W.shape == (fan_out, 1 + fan_in)
    n = fan_out * (1 + fan_in)
    assert W.tolist() == (np.sin(np.arange(1.0, n + 1)).reshape((fan_out, 1 + fan_in), order="F") / 10).tolist()


# ---------------------------------------------------------------- unrolling and prediction

def test_unroll_and_reshape_keep_complex_weights():
    theta_vec = THETA_VEC + 2.0**-60 * 1j * np.arange(38)
    thetas = mb.reshape(theta_vec, LAYERS)
    assert thetas[0][1, 0] == theta_vec[1] and thetas[1][2, 5] == theta_vec[37]
    assert np.array_equal(mb.unroll(thetas), theta_vec)


def test_reshape_of_four_layers_gives_back_what_unroll_took():
    theta_vec = np.arange(float(mb.n_params((2, 4, 3, 2))))
    thetas = mb.reshape(theta_vec, (2, 4, 3, 2))
    assert [Theta.shape for Theta in thetas] == [(4, 3), (3, 5), (2, 4)]
    assert thetas[2][1, 0] == 12 + 15 + 1 and np.array_equal(mb.unroll(thetas), theta_vec)


def test_theta_shapes_are_the_courses_for_each_layer():
    assert theta_shapes((2, 4, 3, 1)) == [(4, 3), (3, 5), (1, 4)]


def test_one_output_predicts_1_exactly_at_h_equal_0_5_as_an_integer_label():
    p = mb.predict([np.zeros((1, 4))], X)
    assert p.tolist() == [1, 1, 1, 1] and p.dtype == np.intp
    p = mb.predict([np.array([[-5.0, 0.0, 0.0, 1.0]])], X * 7)  # z = -3, 0, 3, 6
    assert p.tolist() == [0, 1, 1, 1]


def test_overflow_in_prediction_names_the_forward_pass():
    thetas = [np.full((3, 4), 1e20, np.float32)]
    with pytest.raises(OverflowError, match=r"^the forward pass \(some z or h\) does not fit in float32 \(.+\): "
                                            r"largest \|Theta\| = 1e\+20, largest \|X\| = 1\.57e\+19; "
                                            r"compute in float64 or scale the inputs down$"):
        mb.predict_proba(thetas, np.float32(1e19) * X.astype(np.float32))


def test_prediction_goes_through_the_hidden_activation_it_is_given():
    thetas = [np.array([[0.0, 1.0, -1.0, 0.0], [0.5, 0.0, 0.0, -1.0]]), np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])]
    a_2 = {"sigmoid": mb.sigmoid, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}
    z_2 = X @ thetas[0][:, 1:].T + thetas[0][:, 0]
    for activation, g in a_2.items():
        z_3 = g(z_2) @ thetas[1][:, 1:].T
        h = mb.predict_proba(thetas, X, activation=activation, output="softmax")
        assert_close(h, softmax(z_3), "same_formula")
        assert mb.predict(thetas, X, activation=activation, output="softmax").tolist() == np.argmax(z_3, axis=1).tolist()
        assert_close(mb.forward_propagation(thetas, X, activation=activation).a[1][:, 1:], g(z_2), "same_formula")


def test_a_softmax_prediction_ranks_outputs_that_a_sigmoid_would_round_to_1_alike():
    thetas = [np.array([[40.0, 0.0, 0.0, 0.0], [41.0, 0.0, 0.0, 0.0]])]
    assert mb.predict(thetas, X, output="softmax").tolist() == [1, 1, 1, 1]


# ---------------------------------------------------------------- the cost function

def test_nn_cost_gives_exactly_the_J_of_nn_cost_function():
    rng = np.random.default_rng(3)
    theta_vec, X_r, y_r = rng.standard_normal(38), rng.standard_normal((9, 3)), rng.integers(0, 3, 9)
    for activation, output in [("sigmoid", "sigmoid"), ("tanh", "sigmoid"), ("relu", "softmax")]:
        J, _ = mb.nn_cost_function(theta_vec, LAYERS, X_r, y_r, 0.5, activation=activation, output=output)
        assert mb.nn_cost(theta_vec, LAYERS, X_r, y_r, 0.5, activation=activation, output=output) == J


@pytest.mark.parametrize("function", [
    lambda theta_vec: mb.nn_cost_function(theta_vec, LAYERS, X, Y, 0.5),
    lambda theta_vec: mb.nn_cost_function(theta_vec, LAYERS, X, Y, 0.5, method="loop"),
    lambda theta_vec: mb.nn_cost(theta_vec, LAYERS, X, Y, 0.5),
])
def test_a_cost_that_overflows_says_so_with_the_sizes_of_the_inputs(function):
    with pytest.raises(OverflowError, match=r"^the cost or its gradient does not fit in float64 \(.+\): "
                                            r"largest \|Theta\| = 1e\+200, largest \|X\| = 1\.57, lambda = 0\.5; "
                                            r"scale the inputs down$"):
        function(np.full(38, 1e200))


def test_overflow_in_forward_propagation_names_the_forward_pass():
    with pytest.raises(OverflowError, match=r"^the forward pass \(some z or h\) does not fit in float32 \(.+\): "
                                            r"largest \|Theta\| = 1e\+20, largest \|X\| = 1\.57e\+19; "
                                            r"compute in float64 or scale the inputs down$"):
        mb.forward_propagation([np.full((3, 4), 1e20, np.float32)], np.float32(1e19) * X.astype(np.float32))


def test_a_relu_network_predicts_by_its_own_hidden_units():
    thetas = [np.array([[0.0, -1.0, 0.0, 0.0]]), np.array([[0.0, 1.0], [0.1, 0.0]])]  # a(2) = g(-x_1)
    X_1 = np.ones((2, 3))
    assert mb.predict(thetas, X_1, activation="relu").tolist() == [1, 1]  # g(-1) = 0 < 0.1
    assert mb.predict(thetas, X_1, activation="sigmoid").tolist() == [0, 0]  # g(-1) = 0.27 > 0.1


@pytest.mark.parametrize("batch_size", [1, 3])
def test_forward_propagation_and_prediction_in_batches_cover_every_row(batch_size):
    thetas = mb.reshape(THETA_VEC, LAYERS)
    whole = mb.forward_propagation(thetas, X, output="softmax")
    batched = mb.forward_propagation(thetas, X, output="softmax", batch_size=batch_size)
    assert_close(batched.h, whole.h, "same_formula")
    assert_close(batched.z[1], whole.z[1], "same_formula")
    assert_close(mb.predict_proba(thetas, X, output="softmax", batch_size=batch_size), whole.h, "same_formula")


# ---------------------------------------------------------------- dtypes and the complex step

def test_a_float32_forward_pass_keeps_every_z_and_a_in_float32():
    thetas = mb.reshape(THETA_VEC.astype(np.float32), LAYERS)
    fp = mb.forward_propagation(thetas, X.astype(np.float32))
    assert all(z.dtype == np.float32 for z in fp.z[1:]) and all(a.dtype == np.float32 for a in fp.a)
    assert_close(fp.h, mb.forward_propagation(mb.reshape(THETA_VEC, LAYERS), X).h, "loop_vs_vectorized", np.float32)


@pytest.mark.parametrize("activation, output", [("sigmoid", "sigmoid"), ("tanh", "softmax")])
def test_a_complex_step_through_the_cost_and_the_gradient_gives_the_gradient_and_H_v(activation, output):
    h, v = 1e-20, np.cos(np.arange(38.0))
    grad = mb.nn_cost_function(THETA_VEC, LAYERS, X, Y, 0.5, activation=activation, output=output)[1]
    slopes = [mb.nn_cost(THETA_VEC + 1j * h * e, LAYERS, X, Y, 0.5, activation=activation, output=output).imag / h
              for e in np.eye(38)[[0, 7, 30, 37]]]
    assert_close(slopes, grad[[0, 7, 30, 37]], "complex_step")
    _, grad_step = mb.nn_cost_function(THETA_VEC + 1j * h * v, LAYERS, X, Y, 0.5, activation=activation, output=output)
    Hv = mb.hessian_vector_product(THETA_VEC, LAYERS, X, Y, 0.5, v, activation=activation, output=output)
    assert_within_tolerance(grad_step.imag / h, Hv, "hessian_vs_complex_step", scale=np.max(np.abs(Hv)))
