"""Initial weights: random ones that break symmetry, and the course's deterministic debug ones.

If every weight of a layer starts equal, every hidden unit of the next layer computes the same
function of the input and receives the same gradient, so the units stay identical forever (the
symmetry problem). :func:`random_initialize_weights` draws each weight uniformly from
[-epsilon_init, epsilon_init]: large enough to break symmetry, small enough that sigmoid and tanh
units start outside their flat, saturated regions.

:func:`debug_initialize_weights` gives the same weights on every call, for gradient checks.
"""

from __future__ import annotations

import math

import numpy as np

from ._arguments import as_count, as_layer_sizes, as_real, as_rng
from .unrolling import unroll

__all__ = ["random_initialize_weights", "random_theta_vec", "debug_initialize_weights", "default_epsilon_init"]


def default_epsilon_init(l_in, l_out):
    """The course's rule epsilon_init = sqrt(6) / sqrt(l_in + l_out)."""
    return math.sqrt(6.0) / math.sqrt(as_count("l_in", l_in) + as_count("l_out", l_out))


def random_initialize_weights(l_in, l_out, *, epsilon_init=None, rng=None):
    """The course's randInitializeWeights: W uniform in [-epsilon_init, epsilon_init].

    Parameters
    ----------
    l_in : int, units in the layer below (s_l, bias not counted)
    l_out : int, units in the layer above (s_{l+1})
    epsilon_init : float >= 0, optional; default sqrt(6) / sqrt(l_in + l_out)
    rng : numpy.random.Generator, optional; a fresh unseeded one when omitted. Global random
        state is never used.

    Returns
    -------
    W : ndarray of shape (l_out, 1 + l_in), float64; column 0 holds the bias weights.
    """
    l_in, l_out = as_count("l_in", l_in), as_count("l_out", l_out)
    if epsilon_init is None:
        epsilon_init = default_epsilon_init(l_in, l_out)
    epsilon_init = as_real("epsilon_init", epsilon_init, maximum=np.finfo(np.float64).max / 2,
                           note=" (the interval [-epsilon_init, epsilon_init] must have a finite width)")
    return as_rng(rng).uniform(-epsilon_init, epsilon_init, size=(l_out, 1 + l_in))


def random_theta_vec(layer_sizes, *, epsilon_init=None, rng=None):
    """theta_vec with every Theta(l) from :func:`random_initialize_weights`, drawn in order l = 1, ..., L-1.

    Parameters
    ----------
    layer_sizes : sequence of ints (s_1, ..., s_L)
    epsilon_init : float >= 0, optional; the same for every layer, or by default the course's
        sqrt(6) / sqrt(s_l + s_{l+1}) for Theta(l)
    rng : numpy.random.Generator, optional; a fresh unseeded one when omitted

    Returns
    -------
    theta_vec : ndarray of shape (P,), P = sum_l s_{l+1} (s_l + 1), float64, the Theta(l) of
        shape (s_{l+1}, s_l + 1) unrolled in column-major order.
    """
    layer_sizes, rng = as_layer_sizes(layer_sizes), as_rng(rng)
    return unroll([
        random_initialize_weights(s_in, s_out, epsilon_init=epsilon_init, rng=rng)
        for s_in, s_out in zip(layer_sizes[:-1], layer_sizes[1:])
    ])


def debug_initialize_weights(fan_out, fan_in):
    """The course's debugInitializeWeights: W = reshape(sin(1:numel(W)), size(W)) / 10.

    Parameters
    ----------
    fan_out : int, rows of W
    fan_in : int >= 0, columns of W without the bias column (0 gives a single column, which
        the course uses to make an (m, 1) input X)

    Returns
    -------
    W : ndarray of shape (fan_out, 1 + fan_in), float64, filled in column-major order, so
        W[i, j] = sin(1 + i + j * fan_out) / 10.
    """
    fan_out, fan_in = as_count("fan_out", fan_out), as_count("fan_in", fan_in, minimum=0)
    n = fan_out * (1 + fan_in)
    return np.sin(np.arange(1, n + 1, dtype=np.float64)).reshape((fan_out, 1 + fan_in), order="F") / 10.0
