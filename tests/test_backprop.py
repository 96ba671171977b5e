import numpy as np
import pytest

from manual_backprop import nn_cost, nn_cost_function, reshape, unroll
from manual_backprop.gradient_check import debug_network
from reference import autodiff
from reference.finite_difference import central_difference, relative_difference
from reference.tolerances import tolerance
from tests.helpers import assert_close, assert_within_tolerance, exact_cost_and_gradient, random_problem

SHAPES = [(1, 1), (3, 5, 3), (4, 1, 2), (2, 7, 6, 5, 1), (6, 4, 4, 4, 3)]


@pytest.mark.parametrize("lam", [0.0, 3.0])
def test_debug_network_gradient_matches_central_differences_to_the_course_bound(lam):
    theta_vec, layer_sizes, X, y = debug_network()
    J, grad_vec = nn_cost_function(theta_vec, layer_sizes, X, y, lam)
    assert_close(J, autodiff.nn_cost(theta_vec, layer_sizes, X, y, lam), "manual_vs_autodiff")
    grad_approx = central_difference(lambda t: nn_cost(t, layer_sizes, X, y, lam), theta_vec, eps=1e-4)
    assert relative_difference(grad_approx, grad_vec) < tolerance("central_difference").rtol


# A softmax output needs K >= 2, so it is paired only with those shapes.
NETWORKS = [(sizes, activation, output) for sizes in SHAPES for activation in ("sigmoid", "tanh", "relu")
            for output in ("sigmoid", "softmax") if output == "sigmoid" or sizes[-1] >= 2]


@pytest.mark.parametrize("layer_sizes, activation, output", NETWORKS)
def test_loop_and_vectorized_backprop_agree(layer_sizes, activation, output):
    theta_vec, X, y = random_problem(np.random.default_rng(len(layer_sizes)), layer_sizes, m=9)
    J_loop, grad_loop = nn_cost_function(theta_vec, layer_sizes, X, y, 0.5, activation=activation,
                                         output=output, method="loop")
    J_vec, grad_vec = nn_cost_function(theta_vec, layer_sizes, X, y, 0.5, activation=activation, output=output)
    assert_close(J_vec, J_loop, "loop_vs_vectorized")
    assert_close(grad_vec, grad_loop, "loop_vs_vectorized")


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_nn_cost_equals_the_cost_of_nn_cost_function(output):
    theta_vec, X, y = random_problem(np.random.default_rng(0), (4, 6, 3), m=11)
    assert nn_cost(theta_vec, (4, 6, 3), X, y, 2.0, output=output) == \
        nn_cost_function(theta_vec, (4, 6, 3), X, y, 2.0, output=output)[0]


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_gradient_equals_the_complex_step_derivative_of_the_cost(activation, output):
    layer_sizes = (3, 4, 4, 3)
    theta_vec, X, y = random_problem(np.random.default_rng(5), layer_sizes, m=6)
    _, grad_vec = nn_cost_function(theta_vec, layer_sizes, X, y, 1.5, activation=activation, output=output)
    h = 1e-20
    steps = theta_vec + 1j * h * np.eye(theta_vec.size)
    complex_step = [nn_cost(step, layer_sizes, X, y, 1.5, activation=activation, output=output).imag / h
                    for step in steps]
    assert_close(grad_vec, complex_step, "complex_step")


def test_regularisation_adds_lambda_over_2m_times_the_squared_weights_but_not_the_bias():
    layer_sizes, lam, m = (3, 5, 3), 2.5, 8
    theta_vec, X, y = random_problem(np.random.default_rng(2), layer_sizes, m)
    J0, grad0 = nn_cost_function(theta_vec, layer_sizes, X, y, 0.0)
    J, grad = nn_cost_function(theta_vec, layer_sizes, X, y, lam)
    thetas = reshape(theta_vec, layer_sizes)
    penalty = lam / (2 * m) * sum((T[:, 1:] ** 2).sum() for T in thetas)
    assert_within_tolerance(J, J0 + penalty, "regularisation_added", scale=abs(J0) + penalty)
    for D0, D, T in zip(reshape(grad0, layer_sizes), reshape(grad, layer_sizes), thetas):
        assert np.array_equal(D[:, 0], D0[:, 0])
        decay = lam / m * T[:, 1:]
        assert_within_tolerance(D[:, 1:], D0[:, 1:] + decay, "regularisation_added",
                                scale=np.abs(D0[:, 1:]) + np.abs(decay))


def test_a_saturated_output_gives_the_exact_finite_cost_and_gradient():
    # One input, one output: z = b + w x = 1000, far past the point where h rounds to 1.
    theta_vec, X = np.array([500.0, 500.0]), np.array([[1.0]])
    J, grad = nn_cost_function(theta_vec, (1, 1), X, np.array([0]))
    assert J == 1000.0 and grad.tolist() == [1.0, 1.0]  # -log(1 - h) = z + log(1 + e^-z)
    J, grad = nn_cost_function(theta_vec, (1, 1), X, np.array([1]))
    assert J == 0.0 and grad.tolist() == [0.0, 0.0]  # -log(h) = log(1 + e^-1000) rounds to 0


def test_integer_labels_and_their_one_hot_matrix_give_identical_results():
    theta_vec, X, y = random_problem(np.random.default_rng(3), (4, 5, 3), m=7)
    J_int, grad_int = nn_cost_function(theta_vec, (4, 5, 3), X, y, 1.0)
    J_hot, grad_hot = nn_cost_function(theta_vec, (4, 5, 3), X, np.eye(3)[y], 1.0)
    assert J_int == J_hot and np.array_equal(grad_int, grad_hot)


def test_a_single_output_takes_binary_labels_as_its_target():
    theta_vec, X, _ = random_problem(np.random.default_rng(4), (2, 3, 1), m=5)
    y = np.array([0, 1, 1, 0, 1])
    assert nn_cost(theta_vec, (2, 3, 1), X, y) == nn_cost(theta_vec, (2, 3, 1), X, y[:, None])


def test_float32_inputs_are_computed_in_float32_and_anything_else_in_float64():
    theta_vec, X, y = random_problem(np.random.default_rng(6), (3, 4, 2), m=5)
    J32, grad32 = nn_cost_function(theta_vec.astype(np.float32), (3, 4, 2), X.astype(np.float32), y)
    J64, grad64 = nn_cost_function(theta_vec, (3, 4, 2), X, y)
    assert np.asarray(J32).dtype == np.float32 and grad32.dtype == np.float32
    assert grad64.dtype == np.float64
    assert nn_cost_function(theta_vec.astype(np.float32), (3, 4, 2), X, y)[1].dtype == np.float64
    assert_close(grad32, grad64, "loop_vs_vectorized", np.float32)


def test_integer_X_lists_and_non_contiguous_arrays_give_the_same_result():
    theta_vec, X, y = random_problem(np.random.default_rng(7), (3, 4, 2), m=5)
    Xi = np.round(3 * X).astype(np.int64)
    expected = nn_cost_function(theta_vec, (3, 4, 2), Xi.astype(float), y)
    for variant in (Xi, Xi.tolist(), np.asfortranarray(Xi), np.repeat(Xi, 2, axis=0)[::2]):
        J, grad = nn_cost_function(theta_vec, (3, 4, 2), variant, y)
        assert J == expected[0] and np.array_equal(grad, expected[1])
    J, grad = nn_cost_function(np.repeat(theta_vec, 2)[::2], (3, 4, 2), Xi, y)
    assert J == expected[0] and np.array_equal(grad, expected[1])


@pytest.mark.parametrize("method", ["vectorized", "loop"])
def test_inputs_are_never_modified_and_read_only_inputs_work(method):
    theta_vec, X, y = random_problem(np.random.default_rng(8), (3, 4, 2), m=5)
    originals = [a.copy() for a in (theta_vec, X, y)]
    for a in (theta_vec, X, y):
        a.flags.writeable = False
    nn_cost_function(theta_vec, (3, 4, 2), X, y, 1.0, method=method)
    assert all(np.array_equal(a, b) for a, b in zip((theta_vec, X, y), originals))


def test_each_entry_of_D_is_the_derivative_of_J_by_that_entry_of_Theta():
    layer_sizes = (3, 5, 2)
    theta_vec, X, y = random_problem(np.random.default_rng(9), layer_sizes, m=4)
    _, grad_vec = nn_cost_function(theta_vec, layer_sizes, X, y)
    D = reshape(grad_vec, layer_sizes)
    assert [D_l.shape for D_l in D] == [(5, 4), (2, 6)]
    h = 1e-20
    for l, Theta in enumerate(reshape(theta_vec, layer_sizes)):
        for i, j in np.ndindex(Theta.shape):
            thetas = [T.astype(complex) for T in reshape(theta_vec, layer_sizes)]
            thetas[l][i, j] += 1j * h
            assert_close(D[l][i, j], nn_cost(unroll(thetas), layer_sizes, X, y).imag / h, "complex_step")


@pytest.mark.parametrize("method", ["vectorized", "loop"])
@pytest.mark.parametrize("activation, z", [("sigmoid", 40.0), ("sigmoid", 30.0), ("sigmoid", 36.0), ("tanh", 20.0)])
def test_a_saturated_hidden_unit_keeps_its_tiny_exact_gradient(method, activation, z):
    # z(2) = z exactly, so g(z(2)) rounds to 1 but g'(z(2)) is e^-z: a (1 - a) would give 0 (or, at
    # z = 30, be 1e-3 off) where the exact dJ/dTheta(1) is 3.1e-18 (sigmoid, z = 40).
    theta_vec, X, y = np.array([0.0, z, 0.0, 1.0]), np.array([[1.0]]), np.array([0])
    with np.errstate(all="raise"):
        J, grad_vec = nn_cost_function(theta_vec, (1, 1, 1), X, y, activation=activation, method=method)
    J_exact, grad_exact = exact_cost_and_gradient(theta_vec, (1, 1, 1), X, y, activation=activation)
    assert grad_vec[0] != 0
    assert_close(J, J_exact, "exact_elementwise")
    assert_close(grad_vec, grad_exact, "exact_elementwise")


@pytest.mark.parametrize("method", ["vectorized", "loop"])
def test_a_regulariser_whose_squares_overflow_gives_the_cost_when_it_fits(method):
    # Theta^2 = 1e310 does not fit in float64; lambda/(2m) Theta^2 = 5e9 does.
    args = (np.array([0.0, 1e155]), (1, 1), np.array([[1e-160]]), np.array([0]), 1e-300)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        J, grad_vec = nn_cost_function(*args, method=method)
    J_exact, grad_exact = exact_cost_and_gradient(*args)
    assert_close(J, J_exact, "exact_elementwise")
    assert_close(grad_vec, grad_exact, "exact_elementwise")
