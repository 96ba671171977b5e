"""Activation functions g(z), each written beside its derivative g'(z).

Every hidden-layer activation comes as a triple:

* ``g(z)``: the activation itself, elementwise;
* ``g'(z)``: its derivative, as the course writes it (``sigmoid_gradient``);
* ``g'`` from the output ``a = g(z)``: the same derivative written in terms of the
  stored activation (``a (1 - a)`` for the sigmoid), which is what the vectorised backprop
  uses so that it needs no second pass over ``z``. The two forms agree exactly.

All functions take arrays of any shape and return new arrays of the same shape.
The sigmoid and tanh are analytic and also accept complex input (the complex-step gradient
check relies on it); ReLU is not analytic and refuses complex input.

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


def sigmoid(z, out=None):
    """The logistic function g(z) = 1 / (1 + exp(-z)), elementwise.

    Accurate to a few ulp (relative) wherever g(z) is a normal number, and to the smallest
    normal number (2.2e-308) absolutely below it: for z < -709, exp(-z) overflows to inf and
    g(z) becomes 0 where the true exp(z) < 1e-308 (float32: z < -88, 1.2e-38); for z > 745,
    exp(-z) underflows to 0 and g(z) becomes 1, the nearest float64.
    ``out``, when given, receives the result (it may be a strided view).
    """
    z = _as_inexact(z)
    result = np.empty_like(z) if out is None else out
    # exp(-z) = inf gives the correct g(z) = 0, exp(-z) = 0 the correct g(z) = 1, and a
    # subnormal g(z) is the correct rounding of exp(z): none of them is an error here.
    with np.errstate(over="ignore", under="ignore"):
        np.negative(z, out=result)
        np.exp(result, out=result)
        result += 1.0
        np.reciprocal(result, out=result)
    return result[()] if out is None else result


def sigmoid_gradient(z):
    """The course's sigmoidGradient: g'(z) = g(z) (1 - g(z)), elementwise."""
    g = sigmoid(z)
    return g * (1.0 - g)


def _sigmoid_gradient_from_output(a):
    return a * (1.0 - a)


def tanh(z, out=None):
    """The hyperbolic tangent g(z) = tanh(z), elementwise."""
    return np.tanh(_as_inexact(z), out=out)


def tanh_gradient(z):
    """g'(z) = 1 - tanh(z)^2, elementwise."""
    g = np.tanh(z)
    return 1.0 - g * g


def _tanh_gradient_from_output(a):
    return 1.0 - a * a


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


def _relu_gradient_from_output(a):
    # a = max(z, 0) > 0 exactly where z > 0.
    return (a > 0).astype(a.dtype)


class Activation(NamedTuple):
    """A hidden-layer activation: g, g' of z, and g' written in terms of a = g(z)."""

    name: str
    g: Callable
    gradient: Callable
    gradient_from_output: Callable


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_gradient, _sigmoid_gradient_from_output),
    "tanh": Activation("tanh", tanh, tanh_gradient, _tanh_gradient_from_output),
    "relu": Activation("relu", relu, relu_gradient, _relu_gradient_from_output),
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
