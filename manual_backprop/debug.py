"""The course's small debug network for gradient checks (checkNNGradients' fixture).

Weights and inputs come from debug_initialize_weights (sines, so every run sees the same numbers);
nothing here is random. :func:`manual_backprop.gradient_check.check_nn_gradients` checks backprop on it.
"""

from __future__ import annotations

import numpy as np

from ._arguments import as_count, as_layer_sizes
from .initialization import debug_initialize_weights
from .unrolling import unroll

__all__ = ["debug_network"]


def debug_network(input_layer_size=3, hidden_layer_size=5, num_labels=3, m=5, *, hidden_layers=1):
    """The course's checkNNGradients network: (theta_vec, layer_sizes, X, y).

    Layer sizes (input_layer_size, hidden_layer_size, ..., hidden_layer_size, num_labels) with
    ``hidden_layers`` hidden layers (the course's 3-5-3 by default). Every Theta(l), of shape
    (s_{l+1}, s_l + 1), and X, of shape (m, input_layer_size), come from
    debug_initialize_weights; the course's labels y = 1 + mod(1:m, K) become 0-based:
    y = mod(t, K) for t = 1..m, that is 1, 2, 0, 1, 2 for K = 3 (binary 1, 0, 1, ... for K = 1).

    Returns
    -------
    theta_vec : ndarray (P,), the Theta(l) unrolled
    layer_sizes : tuple of ints (s_1, ..., s_L)
    X : ndarray (m, s_1)
    y : ndarray (m,) of int labels
    """
    hidden_layers = as_count("hidden_layers", hidden_layers, 0)
    layer_sizes = as_layer_sizes((input_layer_size, *([hidden_layer_size] * hidden_layers), num_labels))
    theta_vec = unroll([debug_initialize_weights(s_out, s_in)
                        for s_in, s_out in zip(layer_sizes[:-1], layer_sizes[1:])])
    X = debug_initialize_weights(m, input_layer_size - 1)
    y = np.arange(1, m + 1) % max(num_labels, 2)
    return theta_vec, layer_sizes, X, y
