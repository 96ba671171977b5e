"""The course's random-initialisation rule, checked exactly: epsilon_init = sqrt(6) / sqrt(l_in + l_out).

Bounds such as max|W| <= epsilon_init cannot tell this rule from a near miss (l_in + 1 in place
of l_in changes epsilon_init by a fraction of a percent for the digits network), so these tests
pick layer sizes whose l_in + l_out is 6 times a power of four, where the rule gives a power of
two exactly, and compare the default draw with a draw at that epsilon_init from the same seed.
"""

import numpy as np
import pytest

from manual_backprop import random_initialize_weights, unroll
from manual_backprop.initialization import default_epsilon_init, random_theta_vec

# (l_in, l_out, epsilon_init): l_in + l_out = 6 * 4^k, so sqrt(6) / sqrt(l_in + l_out) = 2^-k exactly.
EXACT_CASES = [(4, 2, 1.0), (2, 4, 1.0), (1, 5, 1.0), (20, 4, 0.5), (4, 20, 0.5), (90, 6, 0.25)]


@pytest.mark.parametrize("l_in, l_out, epsilon_init", EXACT_CASES)
def test_the_default_epsilon_init_is_sqrt_6_over_sqrt_of_l_in_plus_l_out(l_in, l_out, epsilon_init):
    assert default_epsilon_init(l_in, l_out) == epsilon_init


@pytest.mark.parametrize("l_in, l_out, epsilon_init", EXACT_CASES)
def test_random_weights_by_default_are_the_draw_at_the_courses_epsilon_init(l_in, l_out, epsilon_init):
    W = random_initialize_weights(l_in, l_out, rng=np.random.default_rng(3))
    expected = random_initialize_weights(l_in, l_out, epsilon_init=epsilon_init, rng=np.random.default_rng(3))
    assert W.shape == (l_out, 1 + l_in)
    assert np.array_equal(W, expected)


def test_random_theta_vec_uses_each_layers_own_epsilon_init():
    # Theta(1) joins 4 and 2 units (epsilon_init 1), Theta(2) joins 2 and 22 (epsilon_init 1/2).
    theta_vec = random_theta_vec((4, 2, 22), rng=np.random.default_rng(11))
    rng = np.random.default_rng(11)
    expected = unroll([random_initialize_weights(4, 2, epsilon_init=1.0, rng=rng),
                       random_initialize_weights(2, 22, epsilon_init=0.5, rng=rng)])
    assert np.array_equal(theta_vec, expected)


@pytest.mark.parametrize("l_in, l_out, message", [(0, 3, "l_in must be at least 1, got 0"),
                                                  (3, 0, "l_out must be at least 1, got 0")])
def test_the_default_epsilon_init_names_the_layer_size_it_refuses(l_in, l_out, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        default_epsilon_init(l_in, l_out)
