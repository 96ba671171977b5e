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


def test_reshape_rejects_a_theta_vec_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"theta_vec must have length 38 \(= 5\*4 \+ 3\*6 for layer sizes \(3, 5, 3\)\), got 37"):
        reshape(np.zeros(37), (3, 5, 3))


def test_unroll_rejects_thetas_whose_shapes_do_not_chain():
    with pytest.raises(ValueError, match=r"Theta 2 must have 6 columns \(s_2 \+ 1 with s_2 = 5, the rows of Theta 1\), got shape \(6, 3\)"):
        unroll([np.zeros((5, 4)), np.zeros((6, 3))])


def test_unroll_rejects_a_non_finite_weight():
    with pytest.raises(ValueError, match=r"Theta 1 must be finite, got nan at index \(1, 0\)"):
        unroll([np.array([[0.0, 1.0], [np.nan, 0.0]])])


@pytest.mark.parametrize(
    "layer_sizes, error, message",
    [
        ((3, 0, 3), ValueError, r"layer_sizes\[1\] \(s_2\) must be at least 1, got 0"),
        ([3.5, 2], TypeError, r"layer_sizes\[0\] \(s_1\) must be an integer, got 3.5"),
        ((3,), ValueError, r"layer_sizes must have at least 2 layers \(input and output\), got 1"),
        ("35", TypeError, r"layer_sizes must be a sequence of integers \(s_1, ..., s_L\), got '35'"),
    ],
)
def test_n_params_rejects_layer_sizes_that_name_no_network(layer_sizes, error, message):
    with pytest.raises(error, match=message):
        n_params(layer_sizes)


def test_layer_sizes_of_rejects_a_single_array():
    with pytest.raises(TypeError, match=r"thetas must be a sequence of 2-D arrays"):
        layer_sizes_of(np.zeros((3, 4)))


def test_n_params_and_layer_sizes_of_are_documented_in_the_public_unrolling_module():
    assert n_params.__module__ == layer_sizes_of.__module__ == "manual_backprop.unrolling"
    assert "s_{l+1} (s_l + 1)" in n_params.__doc__
