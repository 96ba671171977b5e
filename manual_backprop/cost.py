"""The output layer and its cost: a sigmoid per output with cross-entropy, or a softmax.

Sigmoid output (the course's, multi-label): h = g(z(L)) and

    J = -(1/m) sum_i sum_k [ y_ik log h_ik + (1 - y_ik) log(1 - h_ik) ].

Softmax output (categorical, one label per example): h_ik = exp(z_ik) / sum_j exp(z_ij) and

    J = -(1/m) sum_i sum_k y_ik log h_ik.

Both costs are computed from z(L), not from h, so that a saturated unit (h rounded to exactly
0 or 1) still gives the finite, correct cost instead of log(0). For y in {0, 1},

    -[y log g(z) + (1 - y) log(1 - g(z))] = softplus((1 - 2y) z),   softplus(x) = log(1 + e^x),

with no cancellation; the softmax term is logsumexp(z_i) - z_ic. With either pairing the error
of the output layer is the same, delta(L) = h - y, which is why they share one interface. It is
also taken from z: where y = 1 and h rounds to 1, h - 1 would cancel to 0 while the true error
is tiny but not 0, so :func:`sigmoid_output_error` and :func:`softmax_output_error` write it
without that subtraction.

Saturation is not an error: an exponential that underflows to 0 (or a result that rounds to a
subnormal) is the correctly rounded value, so these functions never warn about underflow.

Regularisation adds lambda/(2m) times the sum of the squared weights, bias columns excluded,
scaled so that it overflows only when the result does not fit.
The functions are analytic in z (branches chosen by the real part only), so they also accept
complex z for the complex-step check.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

from .activations import sigmoid

__all__ = [
    "softplus",
    "softmax",
    "sigmoid_cross_entropy",
    "softmax_cross_entropy",
    "sigmoid_output_error",
    "softmax_output_error",
    "regularization_cost",
    "Output",
    "OUTPUTS",
    "get_output",
]


def softplus(x):
    """softplus(x) = log(1 + exp(x)), elementwise, without overflow for any real x."""
    x = np.asarray(x)
    if np.iscomplexobj(x):
        positive = x.real > 0
        # log(1 + e^x) = x + log(1 + e^-x): take the form whose exponent has a real part <= 0.
        with np.errstate(under="ignore"):
            return np.where(positive, x, 0) + np.log1p(np.exp(np.where(positive, -x, x)))
    with np.errstate(under="ignore"):  # log(1 + e^x) = e^x rounds to 0 or a subnormal for x << 0
        return np.logaddexp(0.0, x)


def softmax(z):
    """h_k = exp(z_k) / sum_j exp(z_j) along the last axis, shifted by the (real) maximum."""
    z = np.asarray(z)
    with np.errstate(under="ignore"):  # exp(z_k - max) = 0: a class far behind has h_k = 0
        e = np.exp(z - np.max(z.real, axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)


def sigmoid_cross_entropy(z, Y):
    """sum_ik -[y log g(z) + (1 - y) log(1 - g(z))] = sum_ik softplus((1 - 2y) z), for y in {0, 1}.

    z, Y : arrays of the same shape, (m, K) or (K,). Returns the sum (not yet divided by m).
    """
    return softplus((1.0 - 2.0 * Y) * z).sum()


def softmax_cross_entropy(z, Y):
    """sum_i [logsumexp(z_i) - z_ic] for one-hot rows Y_i (class c), along the last axis.

    logsumexp(z_i) - z_ic = (max_k z_ik - z_ic) + log(1 + sum_{k != argmax} exp(z_ik - max_k z_ik));
    leaving the largest term out of the sum keeps log1p accurate when the fit is good.
    z, Y : arrays of the same shape, (m, K) or (K,). Returns the sum (not yet divided by m).
    """
    z = np.atleast_2d(z)
    Y = np.atleast_2d(Y)
    rows = np.arange(z.shape[0])
    top = np.argmax(z.real, axis=1)
    z_max = z[rows, top]
    with np.errstate(under="ignore"):
        e = np.exp(z - z_max[:, None])
    e[rows, top] = 0.0
    z_label = (Y * z).sum(axis=1)
    return ((z_max - z_label) + np.log1p(e.sum(axis=1))).sum()


def sigmoid_output_error(z, Y):
    """delta(L) = h - y with h = g(z), computed as (1 - 2y) g((1 - 2y) z) for y in {0, 1}.

    For y = 1 this is -g(-z) = g(z) - 1 without the subtraction, so a unit saturated on the
    right side (h rounded to 1) keeps its tiny, correct error instead of 0.
    z, Y : arrays of the same shape, (m, K) or (K,). Returns an array of that shape.
    """
    sign = 1.0 - 2.0 * Y
    return sign * sigmoid(sign * z)


def softmax_output_error(z, Y):
    """delta(L) = h - y for one-hot rows y, h = softmax(z), along the last axis.

    In the label's column h_c - 1 = -sum_{k != c} h_k: summing the other classes avoids the
    cancellation 1 - h_c when the label's probability rounds to 1.
    z, Y : arrays of the same shape, (m, K) or (K,). Returns an array of that shape.
    """
    h_other = softmax(z) * (1.0 - Y)
    return h_other - Y * h_other.sum(axis=-1, keepdims=True)


def regularization_cost(thetas, lam, m):
    """lambda/(2m) sum_l sum_{i, j >= 1} Theta(l)_ij^2: the bias column 0 is not regularised.

    Formed as (sqrt(lambda/(2m)) c)^2 sum (Theta(l)_ij / c)^2 with c = max |Theta(l)_ij|, so that
    no square overflows (or underflows) where the result itself fits.
    """
    c = max(np.max(np.abs(Theta[:, 1:]), initial=0.0) for Theta in thetas)
    if lam == 0 or c == 0:
        return 0.0
    k = math.sqrt(lam / (2.0 * m)) * c
    return k * k * sum(((Theta[:, 1:] / c) ** 2).sum() for Theta in thetas)


class Output(NamedTuple):
    """An output layer: its activation h(z), its summed cost and its error delta(L) = h - y,
    all from z along the last axis."""

    name: str
    h: Callable
    cost: Callable
    error: Callable


OUTPUTS = {
    "sigmoid": Output("sigmoid", sigmoid, sigmoid_cross_entropy, sigmoid_output_error),
    "softmax": Output("softmax", softmax, softmax_cross_entropy, softmax_output_error),
}


def get_output(output):
    """Return the :class:`Output` named ``output`` ("sigmoid" or "softmax")."""
    if isinstance(output, Output):
        return output
    if not isinstance(output, str) or output not in OUTPUTS:
        raise ValueError(f"output must be one of {sorted(OUTPUTS)}, got {output!r}")
    return OUTPUTS[output]
