import numpy as np
import pytest

from manual_backprop import Network, forward_propagation, nn_cost_function, predict, predict_proba
from tests.helpers import random_problem


def test_network_methods_are_the_functional_api():
    net = Network((4, 5, 3), activation="tanh")
    theta_vec = net.initialize(rng=np.random.default_rng(2))
    _, X, y = random_problem(np.random.default_rng(3), (4, 5, 3), m=6)
    J, grad = net.cost_function(theta_vec, X, y, 1.0)
    expected = nn_cost_function(theta_vec, (4, 5, 3), X, y, 1.0, activation="tanh")
    assert J == expected[0] and np.array_equal(grad, expected[1])
    assert net.cost(theta_vec, X, y, 1.0) == J
    assert net.n_params == theta_vec.size == 5 * 5 + 3 * 6
    thetas = net.reshape(theta_vec)
    assert np.array_equal(net.predict(theta_vec, X, batch_size=2), predict(thetas, X, activation="tanh", batch_size=2))
    assert np.array_equal(net.predict_proba(theta_vec, X), predict_proba(thetas, X, activation="tanh"))
    assert np.array_equal(net.forward(theta_vec, X).h, forward_propagation(thetas, X, activation="tanh").h)


def test_a_network_refuses_what_names_no_network():
    with pytest.raises(TypeError, match="layer_sizes must be a sequence of integers"):
        Network({3: 1, 5: 1})
    with pytest.raises(ValueError, match="activation must be one of"):
        Network((3, 5), activation="elu")
