import numpy as np
import pytest

from manual_backprop import layer_sizes_of, n_params, reshape, unroll
from manual_backprop.initialization import debug_initialize_weights

SHAPES = [(1, 1), (3, 5, 3), (4, 1, 2), (2, 7, 6, 5, 1)]


def thetas_for(layer_sizes):
    return [debug_initialize_weights(s_out, s_in) for s_in, s_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def test_unroll_stacks_each_theta_in_column_major_order():
    Theta1 = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # (2, 3): s_1 = 2, s_2 = 2
    Theta2 = np.array([[7.0, 8.0, 9.0]])  # (1, 3)
    assert unroll([Theta1, Theta2]).tolist() == [1, 4, 2, 5, 3, 6, 7, 8, 9]


@pytest.mark.parametrize("layer_sizes", SHAPES)
def test_reshape_inverts_unroll_exactly(layer_sizes):
    thetas = thetas_for(layer_sizes)
    back = reshape(unroll(thetas), layer_sizes)
    assert [T.shape for T in back] == [T.shape for T in thetas]
    assert all(np.array_equal(a, b) for a, b in zip(back, thetas))


@pytest.mark.parametrize("layer_sizes", SHAPES)
def test_unroll_inverts_reshape_exactly(layer_sizes):
    theta_vec = np.random.default_rng(1).standard_normal(n_params(layer_sizes))
    assert np.array_equal(unroll(reshape(theta_vec, layer_sizes)), theta_vec)


@pytest.mark.parametrize("layer_sizes", SHAPES)
def test_theta_vec_length_is_the_sum_of_the_theta_sizes(layer_sizes):
    expected = sum(s_out * (s_in + 1) for s_in, s_out in zip(layer_sizes[:-1], layer_sizes[1:]))
    assert n_params(layer_sizes) == expected == unroll(thetas_for(layer_sizes)).size
    assert layer_sizes_of(thetas_for(layer_sizes)) == tuple(layer_sizes)


def test_reshape_returns_new_arrays_that_do_not_alias_theta_vec():
    theta_vec = np.arange(38.0)
    thetas = reshape(theta_vec, (3, 5, 3))
    thetas[0][:] = -1.0
    assert np.array_equal(theta_vec, np.arange(38.0))
