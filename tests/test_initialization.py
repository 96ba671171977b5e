import math

import numpy as np

from manual_backprop import Network, debug_initialize_weights, random_initialize_weights, unroll
from manual_backprop.initialization import random_theta_vec
from manual_backprop.train import initial_weights


def test_random_weights_have_the_course_shape_and_lie_within_epsilon():
    W = random_initialize_weights(400, 25, rng=np.random.default_rng(0))
    eps = math.sqrt(6) / math.sqrt(425)
    assert W.shape == (25, 401) and W.dtype == np.float64
    assert np.abs(W).max() <= eps
    assert np.abs(W).max() > 0.9 * eps  # 10,025 uniform draws reach the edge of the interval


def test_random_weights_follow_the_generator_and_never_touch_global_state():
    before = np.random.get_state()[1].copy()
    a = random_initialize_weights(3, 5, epsilon_init=0.5, rng=np.random.default_rng(7))
    b = random_initialize_weights(3, 5, epsilon_init=0.5, rng=np.random.default_rng(7))
    c = random_initialize_weights(3, 5, epsilon_init=0.5, rng=np.random.default_rng(8))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.array_equal(np.random.get_state()[1], before)


def test_random_weights_are_all_distinct_so_symmetry_is_broken():
    W = random_initialize_weights(10, 10, rng=np.random.default_rng(0))
    assert np.unique(W).size == W.size


def test_zero_epsilon_gives_the_all_zero_initialisation():
    assert not random_initialize_weights(2, 3, epsilon_init=0.0, rng=np.random.default_rng(0)).any()


def test_debug_weights_are_sines_filled_column_by_column():
    W = debug_initialize_weights(5, 3)
    assert W.shape == (5, 4)
    i, j = np.indices(W.shape)
    assert np.array_equal(W, np.sin(1 + i + j * 5) / 10)
    assert debug_initialize_weights(5, 0).shape == (5, 1)


def test_random_theta_vec_draws_each_theta_by_the_courses_rule_for_the_network_and_for_training():
    layer_sizes = (3, 4, 2)
    theta_vec = random_theta_vec(layer_sizes, rng=np.random.default_rng(5))
    rng = np.random.default_rng(5)
    expected = unroll([random_initialize_weights(3, 4, rng=rng), random_initialize_weights(4, 2, rng=rng)])
    assert np.array_equal(theta_vec, expected)
    assert np.array_equal(Network(layer_sizes).initialize(rng=np.random.default_rng(5)), expected)
    assert np.array_equal(initial_weights(layer_sizes, "random", rng=np.random.default_rng(5)), expected)
    assert np.abs(random_theta_vec(layer_sizes, epsilon_init=1e-3, rng=rng)).max() <= 1e-3
