"""The bound cost function (manual_backprop.bound): nn_cost_function's numbers, from kept arrays."""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manual_backprop import BoundCost, Network, nn_cost_function
from manual_backprop.activations import get_activation, sigmoid, sigmoid_gradient, tanh, tanh_gradient
from manual_backprop.bound import PARALLEL_ABOVE_FLOPS, _cores, _g_and_g_prime, _products_flops
from manual_backprop.strategies import networks
from reference.tolerances import tolerance
from tests.helpers import assert_close, assert_exact_on_saturated_problem
from tests.hostile import problems


@given(problem=networks(), blocks=st.integers(min_value=1, max_value=3))
def test_the_bound_cost_function_gives_nn_cost_functions_numbers_for_any_network_split_into_any_blocks(problem,
                                                                                                       blocks):
    p = problem
    bound = BoundCost(p.layer_sizes, p.X, p.y, p.lam, activation=p.activation, output=p.output, blocks=blocks)
    J_plain, grad_plain = nn_cost_function(p.theta_vec, p.layer_sizes, p.X, p.y, p.lam, activation=p.activation,
                                           output=p.output)
    tol = tolerance("loop_vs_vectorized")  # the same sums, split into blocks of examples and added
    for _ in range(2):  # the second call reuses the arrays the first one wrote
        J, grad_vec = bound(p.theta_vec)
        assert np.isclose(J, J_plain, rtol=tol.rtol, atol=tol.atol)
        assert np.allclose(grad_vec, grad_plain, rtol=tol.rtol, atol=tol.atol)


def test_network_bind_is_the_bound_cost_function_of_that_network():
    net = Network((3, 5, 3), activation="tanh")
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((6, 3)), rng.integers(0, 3, 6)
    theta_vec = net.initialize(rng=rng)
    J, grad_vec = net.bind(X, y, 0.5)(theta_vec)
    J_plain, grad_plain = net.cost_function(theta_vec, X, y, 0.5)
    tol = tolerance("loop_vs_vectorized")
    assert np.isclose(J, J_plain, rtol=tol.rtol, atol=tol.atol)
    assert np.allclose(grad_vec, grad_plain, rtol=tol.rtol, atol=tol.atol)


def test_a_theta_vec_of_the_wrong_length_is_refused_naming_the_length_expected():
    bound = BoundCost((3, 5, 3), np.zeros((4, 3)), [0, 1, 2, 0])
    message = "theta_vec must have length 38 (= 5*4 + 3*6 for layer sizes (3, 5, 3)), got 37"
    with pytest.raises(ValueError, match=re.escape(message) + "$"):
        bound(np.zeros(37))


@pytest.mark.parametrize("options, error, message", [
    ({"blocks": 0}, ValueError, 'blocks must be at least 1 \\(or "auto"\\), got 0'),
    ({"blocks": "all"}, TypeError, "blocks must be an integer, got 'all'"),
    ({"blocks": 2.0}, TypeError, "blocks must be an integer, got 2.0"),
    ({"blas_threads": 0}, ValueError, "blas_threads must be at least 1, got 0"),
    ({"blas_threads": "auto"}, TypeError, "blas_threads must be an integer, got 'auto'"),
])
def test_a_bad_block_or_thread_count_is_refused_naming_it(options, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        BoundCost((3, 5, 3), np.zeros((4, 3)), [0, 1, 2, 0], **options)


def test_the_callers_blas_threads_give_nn_cost_functions_numbers():
    problem = make_problem_for_threads()
    J_plain, grad_plain = nn_cost_function(*problem)
    J, grad_vec = BoundCost(*problem[1:], blas_threads=None)(problem[0])
    tol = tolerance("loop_vs_vectorized")  # the same sums, in the BLAS's own threads' order
    assert np.isclose(J, J_plain, rtol=tol.rtol, atol=tol.atol)
    assert np.allclose(grad_vec, grad_plain, rtol=tol.rtol, atol=tol.atol)


def make_problem_for_threads():
    """(theta_vec, layer_sizes, X, y, lam) of 20-30-4 with m = 200: products a BLAS may split."""
    rng = np.random.default_rng(7)
    layer_sizes = (20, 30, 4)
    theta_vec = rng.uniform(-0.5, 0.5, sum(b * (a + 1) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])))
    return theta_vec, layer_sizes, rng.standard_normal((200, 20)), rng.integers(0, 4, 200), 0.7


def test_x_of_the_wrong_width_is_refused_when_the_cost_function_is_made():
    with pytest.raises(ValueError, match=r"X must have shape \(m, 3\)"):
        BoundCost((3, 5, 3), np.zeros((4, 2)), [0, 1, 2, 0])


@pytest.mark.parametrize("name, g, gradient", [("sigmoid", sigmoid, sigmoid_gradient), ("tanh", tanh, tanh_gradient)])
def test_the_kept_g_prime_is_the_librarys_exact_derivative_from_z_even_where_units_saturate(name, g, gradient):
    # z from -800 to 800: past exp's overflow (z < -709) and where a rounds to 1 and a (1 - a) to 0.
    z = np.r_[np.linspace(-800.0, 800.0, 4001), 20.0, 30.0, 36.0, 40.0]
    a, g_prime = z.copy(), np.empty_like(z)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # as inside a call
        _g_and_g_prime(get_activation(name), a, g_prime)
    expected = gradient(z)
    normal = expected >= np.finfo(np.float64).tiny
    assert_close(g_prime[normal], expected[normal], "exact_elementwise")
    assert_close(g_prime[~normal], expected[~normal], "below_normal_range")
    assert_close(a, g(z), "below_normal_range")


# The property of tests/test_properties.py for nn_cost_function, for the bound cost function:
# weights and inputs up to 1e3 saturate sigmoid and tanh units; the exact gradient (mpmath) judges
# each layer within the library's running error bound.
@settings(max_examples=max(10, settings.default.max_examples // 3))
@given(problem=problems(dtype=np.float64, regime="huge", m=st.sampled_from([1, 2])),
       activation=st.sampled_from(["sigmoid", "tanh"]), blocks=st.integers(min_value=1, max_value=2))
def test_the_bound_cost_function_gives_the_exact_gradient_of_saturated_networks_layer_by_layer(problem, activation,
                                                                                                 blocks):
    problem = problem | {"activation": activation}
    theta_vec, sizes, X, y, lam = problem.args()
    bound = BoundCost(sizes, X, y, lam, **problem.kwargs(), blocks=blocks)
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        J, grad_vec = bound(theta_vec)
    assert_exact_on_saturated_problem(J, grad_vec, problem, what="bound: ")


def test_a_regulariser_whose_squares_overflow_gives_nn_cost_functions_cost_when_it_fits():
    # Theta^2 = 1e310 does not fit in float64; lambda/(2m) Theta^2 = 5e9 does.
    theta_vec, sizes, X, y, lam = np.array([0.0, 1e155]), (1, 1), np.array([[1e-160]]), np.array([0]), 1e-300
    J_plain, grad_plain = nn_cost_function(theta_vec, sizes, X, y, lam)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        J, grad_vec = BoundCost(sizes, X, y, lam)(theta_vec)
    assert_close(J, J_plain, "exact_elementwise")
    assert_close(grad_vec, grad_plain, "exact_elementwise")


def test_the_number_of_blocks_follows_from_the_size_of_the_products_and_the_cores_alone():
    sizes = (1000, 1000, 10)
    m_parallel = math.ceil(PARALLEL_ABOVE_FLOPS / _products_flops(sizes, 1))
    assert len(BoundCost(sizes, np.zeros((m_parallel - 1, 1000)), np.zeros(m_parallel - 1, int)).blocks) == 1
    assert len(BoundCost(sizes, np.zeros((m_parallel, 1000)), np.zeros(m_parallel, int)).blocks) == min(_cores(),
                                                                                                         m_parallel)


@pytest.mark.parametrize("blocks", ["auto", 3])
def test_the_same_call_gives_the_same_bits_every_time(blocks):
    net = Network((20, 16, 8, 4), activation="tanh")
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((300, 20)), rng.integers(0, 4, 300)
    theta_vec = net.initialize(rng=rng)
    bound = BoundCost(net.layer_sizes, X, y, 0.7, activation="tanh", blocks=blocks)
    J_first, grad_first = bound(theta_vec)
    for _ in range(20):
        J, grad_vec = bound(theta_vec)
        assert J == J_first
        assert np.array_equal(grad_vec, grad_first)


def test_which_thread_runs_a_block_changes_no_bit():
    # Four blocks taken by two threads in whatever order they come, against one thread taking all four.
    net = Network((20, 16, 8, 4))
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((400, 20)), rng.integers(0, 4, 400)
    theta_vec = net.initialize(rng=rng)
    bound = BoundCost(net.layer_sizes, X, y, 0.7, blocks=4)
    assert bound.threads == min(4, _cores())
    shared = [bound(theta_vec) for _ in range(10)]
    bound.threads = 1
    J_alone, grad_alone = bound(theta_vec)
    for J, grad_vec in shared:
        assert J == J_alone
        assert np.array_equal(grad_vec, grad_alone)


def test_a_call_after_a_failed_one_gives_the_right_numbers():
    # The failed call's blocks are all finished or never started when it raises: none writes into the next call.
    sizes, X, y = (1, 1, 1), np.array([[1.0], [1e200], [1.0], [2.0]]), np.array([1, 0, 1, 1])
    bound = BoundCost(sizes, X, y, blocks=4)
    with pytest.raises(OverflowError):
        bound(np.array([0.0, 1e200, 0.0, 1.0]))
    theta_vec = np.array([0.1, 1e-200, 0.2, 1.0])
    J, grad_vec = bound(theta_vec)
    J_plain, grad_plain = nn_cost_function(theta_vec, sizes, X, y)
    tol = tolerance("loop_vs_vectorized")  # the same sums, split into blocks of examples and added
    assert np.isclose(J, J_plain, rtol=tol.rtol, atol=tol.atol)
    assert np.allclose(grad_vec, grad_plain, rtol=tol.rtol, atol=tol.atol)
