"""The bound cost function (manual_backprop.bound): nn_cost_function's numbers, from kept arrays."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from manual_backprop import BoundCost, Network, nn_cost_function
from manual_backprop.strategies import networks
from reference.tolerances import tolerance


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
    with pytest.raises(ValueError, match="theta_vec must have length 38"):
        bound(np.zeros(37))


def test_x_of_the_wrong_width_is_refused_when_the_cost_function_is_made():
    with pytest.raises(ValueError, match=r"X must have shape \(m, 3\)"):
        BoundCost((3, 5, 3), np.zeros((4, 2)), [0, 1, 2, 0])
