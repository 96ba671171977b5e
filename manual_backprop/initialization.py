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
import numbers

import numpy as np

__all__ = ["random_initialize_weights", "debug_initialize_weights", "default_epsilon_init"]


def _check_size(name, value, minimum=1):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def default_epsilon_init(l_in, l_out):
    """The course's rule epsilon_init = sqrt(6) / sqrt(l_in + l_out)."""
    return math.sqrt(6.0) / math.sqrt(_check_size("l_in", l_in) + _check_size("l_out", l_out))


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
    l_in, l_out = _check_size("l_in", l_in), _check_size("l_out", l_out)
    if epsilon_init is None:
        epsilon_init = default_epsilon_init(l_in, l_out)
    if isinstance(epsilon_init, (bool, np.bool_)) or not isinstance(epsilon_init, numbers.Real):
        raise TypeError(f"epsilon_init must be a real number, got {epsilon_init!r}")
    if not math.isfinite(epsilon_init) or epsilon_init < 0:
        raise ValueError(f"epsilon_init must be a finite number >= 0, got {epsilon_init}")
    if rng is None:
        rng = np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng.uniform(-epsilon_init, epsilon_init, size=(l_out, 1 + l_in))


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
    fan_out, fan_in = _check_size("fan_out", fan_out), _check_size("fan_in", fan_in, minimum=0)
    n = fan_out * (1 + fan_in)
    return np.sin(np.arange(1, n + 1, dtype=np.float64)).reshape((fan_out, 1 + fan_in), order="F") / 10.0
