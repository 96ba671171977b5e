"""Saturated derivatives are computed, not refused: g'(z) that rounds to a subnormal number, or to
0, is the correct float64 answer, even when the caller has asked NumPy to raise on underflow
(manual_backprop.activations; the sigmoid's docstring states the rule)."""

import numpy as np
import pytest

from manual_backprop.activations import sigmoid_gradient, tanh_gradient

# |z| from normal results through subnormal ones (below 2.2e-308) to results that round to 0.
SATURATED = np.array([100.0, 356.0, 360.0, 372.0, 400.0])


@pytest.mark.parametrize("g_prime, z", [(tanh_gradient, SATURATED), (sigmoid_gradient, 2 * SATURATED)])
def test_saturated_derivatives_underflow_quietly_to_their_subnormal_value_or_zero(g_prime, z):
    with np.errstate(all="raise"):
        values = g_prime(np.concatenate([z, -z]))
    assert np.array_equal(values[: z.size], values[z.size:])  # g' is even
    assert np.all(values[: z.size - 1] > 0) and values[z.size - 1] == 0.0
    assert values[1] < np.finfo(np.float64).tiny  # subnormal
