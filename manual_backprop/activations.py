"""Activation functions g(z), each written beside its derivative g'(z).

Every hidden-layer activation comes as a pair: ``g(z)``, the activation itself, and ``g'(z)``,
its derivative, as the course writes it (``sigmoid_gradient``), both elementwise.

The derivatives are taken from z, never from a = g(z): once a saturated unit's a rounds to 1,
the course's a (1 - a) is 0 while g'(z) is tiny but not 0. Written with e = exp(-|z|), which
never overflows, g' is right to a few ulp, relative, wherever its true value is a normal float
(|z| < 708 for the sigmoid, |z| < 354 for tanh); below that it is the correctly rounded
subnormal or 0.

All functions take arrays of any shape and return new arrays of the same shape.
The sigmoid and tanh are analytic and also accept complex input (the complex-step gradient
check relies on it; the branch on the sign of z is taken by its real part); ReLU is not
analytic and refuses complex input.

This module leaves out the output layer: its sigmoid or softmax is paired with its
cost in :mod:`manual_backprop.cost`.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

__all__ = [
    "sigmoid",
    "sigmoid_gradient",
    "tanh",
    "tanh_gradient",
    "relu",
    "relu_gradient",
    "Activation",
    "ACTIVATIONS",
    "get_activation",
]


def _as_inexact(z):
    z = np.asarray(z)
    return z if z.dtype.kind in "fc" else z.astype(np.float64)


def _exp_minus_abs(z, scale=1.0):
    """exp(-scale |z|), in (0, 1]: no overflow, and an underflow to 0 is the correct rounding.
    For complex z, |z| continues analytically as z or -z, by the sign of the real part."""
    # np.asarray: for 0-d z a ufunc returns a NumPy scalar, which the in-place steps cannot take as out=
    x = np.asarray(np.abs(z) if z.dtype.kind == "f" else np.where(z.real < 0, -z, z))
    x *= -scale
    with np.errstate(under="ignore"):
        return np.exp(x, out=x)


def sigmoid(z, out=None):
    """The logistic function g(z) = 1 / (1 + exp(-z)), elementwise.

    Accurate to a few ulp (relative) wherever g(z) is a normal number: for z < -709, exp(-z)
    overflows to inf and g(z) becomes 0 where the true exp(z) < 1e-308 (float32: z < -88,
    1.2e-38); for z > 37, exp(-z) < u and g(z) rounds to 1, the nearest float.
    ``out``, when given, receives the result (it may be a strided view).
    """
    z = _as_inexact(z)
    g = np.empty_like(z) if out is None else out
    # exp(-z) = inf gives the correct g(z) = 0, exp(-z) = 0 the correct g(z) = 1, and a
    # subnormal g(z) is the correct rounding of exp(z): none of them is an error here.
    # In place, in g: each temporary (m, s) array is a fresh allocation, and 1 / (1 + np.exp(-z))
    # takes 1.1-1.2 ms where this takes 0.24-0.26 ms, for z of 1797 x 25 (python -m timeit -s
    # "import numpy as np; from manual_backprop import sigmoid; z = np.random.default_rng(0)
    # .normal(size=(1797, 25))" "sigmoid(z)", and the same with "1 / (1 + np.exp(-z))").
    with np.errstate(over="ignore", under="ignore"):
        np.negative(z, out=g)
        np.exp(g, out=g)
        g += 1.0
        # 1 / x by np.divide, the same correctly rounded quotient: 0.043 ms where np.reciprocal takes
        # 0.058 on a(2) at 64-25-10, m = 1797 (python -m benchmarks.profile, "Replacements").
        np.divide(1.0, g, out=g)
    return g[()] if out is None else g


def sigmoid_gradient(z):
    """The course's sigmoidGradient: g'(z) = g(z) (1 - g(z)) = e / (1 + e)^2 with e = exp(-|z|), elementwise."""
    e = _exp_minus_abs(_as_inexact(z))
    g_prime = np.asarray(np.add(e, 1.0))
    with np.errstate(under="ignore"):  # tiny values round correctly (a complex step's tiny parts too)
        g_prime *= g_prime
        return np.divide(e, g_prime, out=g_prime)


def tanh(z, out=None):
    """The hyperbolic tangent g(z) = tanh(z), elementwise."""
    return np.tanh(_as_inexact(z), out=out)


def tanh_gradient(z):
    """g'(z) = 1 - tanh(z)^2 = 4t / (1 + t)^2 with t = exp(-2|z|), elementwise."""
    t = _exp_minus_abs(_as_inexact(z), 2.0)
    g_prime = np.asarray(np.add(t, 1.0))
    with np.errstate(under="ignore"):  # tiny values round correctly (a complex step's tiny parts too)
        g_prime *= g_prime
        t *= 4.0
        return np.divide(t, g_prime, out=g_prime)


def _refuse_complex(z, name):
    if np.iscomplexobj(z):
        raise TypeError(
            f"{name} is not analytic and cannot take complex input (got dtype {z.dtype}); "
            "the complex-step check does not apply to ReLU networks"
        )


def relu(z, out=None):
    """The rectifier g(z) = max(z, 0), elementwise."""
    z = _as_inexact(z)
    _refuse_complex(z, "relu")
    return np.maximum(z, 0.0, out=out)


def relu_gradient(z):
    """g'(z) = 1 where z > 0, else 0 (the one-sided choice g'(0) = 0), elementwise."""
    z = _as_inexact(z)
    _refuse_complex(z, "relu_gradient")
    return (z > 0).astype(z.dtype)


class Activation(NamedTuple):
    """A hidden-layer activation: g(z) and g'(z)."""

    name: str
    g: Callable
    gradient: Callable


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_gradient),
    "tanh": Activation("tanh", tanh, tanh_gradient),
    "relu": Activation("relu", relu, relu_gradient),
}


def get_activation(activation):
    """Return the :class:`Activation` named ``activation`` ("sigmoid", "tanh" or "relu")."""
    if isinstance(activation, Activation):
        return activation
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(
            f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}"
        )
    return ACTIVATIONS[activation]
