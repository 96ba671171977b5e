import numpy as np
import pytest

from manual_backprop import forward_propagation, predict, predict_proba, reshape, sigmoid
from tests.helpers import assert_close, random_problem


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


@pytest.mark.parametrize("batch_size", [None, 1, 4, 50])
def test_predict_proba_is_the_h_of_forward_propagation_in_any_batch_size(batch_size):
    theta_vec, X, _ = random_problem(np.random.default_rng(2), (4, 5, 5, 3), m=9)
    thetas = reshape(theta_vec, (4, 5, 5, 3))
    h = predict_proba(thetas, X, activation="tanh", output="softmax", batch_size=batch_size)
    assert_close(h, forward_propagation(thetas, X, activation="tanh", output="softmax").h, "same_sums_regrouped")
    assert np.array_equal(predict(thetas, X, activation="tanh", output="softmax", batch_size=batch_size),
                          np.argmax(h, axis=1))
