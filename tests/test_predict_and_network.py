import numpy as np

from manual_backprop import Network, forward_propagation, nn_cost_function, predict, predict_proba, reshape, sigmoid
from tests.helpers import assert_close, random_problem


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


def test_predict_picks_the_most_active_output():
    Theta = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.0, 0.0]])  # (3, 3): 2 inputs, 3 outputs
    X = np.array([[5.0, 0.0], [0.0, 5.0], [0.0, 0.0]])
    assert predict([Theta], X).tolist() == [0, 1, 2]
    assert_close(predict_proba([Theta], X)[2], sigmoid(np.array([0.0, 0.0, 0.5])), "same_formula")


def test_predict_with_one_output_thresholds_at_one_half():
    Theta = np.array([[0.0, 1.0]])
    assert predict([Theta], np.array([[-1.0], [0.0], [2.0]])).tolist() == [0, 1, 1]


def test_softmax_probabilities_sum_to_one_per_example():
    theta_vec, X, _ = random_problem(np.random.default_rng(1), (4, 5, 3), m=6)
    assert_close(predict_proba(reshape(theta_vec, (4, 5, 3)), X, output="softmax").sum(axis=1), np.ones(6), "same_formula")


def test_network_methods_are_the_functional_api():
    net = Network((4, 5, 3), activation="tanh")
    theta_vec = net.initialize(rng=np.random.default_rng(2))
    _, X, y = random_problem(np.random.default_rng(3), (4, 5, 3), m=6)
    J, grad = net.cost_function(theta_vec, X, y, 1.0)
    expected = nn_cost_function(theta_vec, (4, 5, 3), X, y, 1.0, activation="tanh")
    assert J == expected[0] and np.array_equal(grad, expected[1])
    assert net.cost(theta_vec, X, y, 1.0) == J
    assert net.n_params == theta_vec.size == 5 * 5 + 3 * 6
    assert np.array_equal(net.predict(theta_vec, X), predict(net.reshape(theta_vec), X, activation="tanh"))
