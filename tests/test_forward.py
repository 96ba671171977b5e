import numpy as np
import pytest

from manual_backprop import forward_propagation, reshape, sigmoid
from manual_backprop.activations import get_activation
from manual_backprop.forward import output_z
from tests.helpers import assert_close, random_problem

SHAPES = [(1, 1), (3, 5, 3), (4, 6, 5, 3)]


def test_forward_propagation_keeps_every_z_and_a_with_the_bias_unit():
    theta_vec, X, _ = random_problem(np.random.default_rng(0), (4, 6, 5, 3), m=7)
    thetas = reshape(theta_vec, (4, 6, 5, 3))
    fp = forward_propagation(thetas, X)
    assert fp.z[0] is None and [z.shape for z in fp.z[1:]] == [(7, 6), (7, 5), (7, 3)]
    assert [a.shape for a in fp.a] == [(7, 5), (7, 7), (7, 6), (7, 3)]
    assert all(np.all(a[:, 0] == 1.0) for a in fp.a[:-1])
    assert np.array_equal(fp.a[0][:, 1:], X)
    for l in range(1, 4):
        assert_close(fp.z[l], fp.a[l - 1] @ thetas[l - 1].T, "same_formula")
    assert_close(fp.a[1][:, 1:], sigmoid(fp.z[1]), "same_formula")
    assert fp.h is fp.a[-1]


@pytest.mark.parametrize("layer_sizes", SHAPES)
def test_every_z_and_a_is_an_array_but_the_input_layers_z(layer_sizes):
    theta_vec, X, _ = random_problem(np.random.default_rng(1), layer_sizes, m=4)
    fp = forward_propagation(reshape(theta_vec, layer_sizes), X, activation="tanh", output="softmax"
                             if layer_sizes[-1] > 1 else "sigmoid")
    assert len(fp.z) == len(fp.a) == len(layer_sizes)
    assert fp.z[0] is None
    assert all(isinstance(v, np.ndarray) for v in fp.z[1:] + fp.a)


@pytest.mark.parametrize("batch_size", [1, 2, 3, 7, 100])
def test_forward_propagation_in_batches_gives_the_pass_of_the_whole_X(batch_size):
    theta_vec, X, _ = random_problem(np.random.default_rng(2), (4, 6, 5, 3), m=7)
    thetas = reshape(theta_vec, (4, 6, 5, 3))
    whole = forward_propagation(thetas, X, activation="relu")
    batched = forward_propagation(thetas, X, activation="relu", batch_size=batch_size)
    for l in range(4):
        assert_close(batched.a[l], whole.a[l], "same_sums_regrouped")
        if l:
            assert_close(batched.z[l], whole.z[l], "same_sums_regrouped")


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_the_lean_pass_of_the_cost_gives_the_z_of_the_full_pass(activation):
    theta_vec, X, _ = random_problem(np.random.default_rng(3), (4, 6, 5, 3), m=7)
    thetas = reshape(theta_vec, (4, 6, 5, 3))
    z_L = output_z(thetas, X, get_activation(activation))
    assert_close(z_L, forward_propagation(thetas, X, activation=activation).z[-1], "same_sums_regrouped")


def test_forward_propagation_computes_in_float32_only_when_everything_is_float32():
    theta_vec, X, _ = random_problem(np.random.default_rng(4), (3, 4, 2), m=5)
    thetas32 = [T.astype(np.float32) for T in reshape(theta_vec, (3, 4, 2))]
    assert forward_propagation(thetas32, X.astype(np.float32)).h.dtype == np.float32
    assert forward_propagation(thetas32, X).h.dtype == np.float64
