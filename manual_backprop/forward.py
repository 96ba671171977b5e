"""Forward propagation: a(1) = [1 X], z(l+1) = a(l) Theta(l)^T, a(l+1) = [1 g(z(l+1))].

Examples are the rows of X, so the whole batch goes through each layer in one matrix product:

    a(1)   = [1  X]                          (m, s_1 + 1)
    z(l+1) = a(l) Theta(l)^T                 (m, s_{l+1})
    a(l+1) = [1  g(z(l+1))]                  (m, s_{l+1} + 1)   hidden layers
    h      = a(L) = h(z(L))                  (m, K)             no bias unit

:func:`forward_propagation` keeps every z and a; :func:`output_z` keeps one layer at a time and
returns z(L), all that the cost and the prediction need, and never forms [1 a(l)]: it adds the
bias weights after the product (:func:`z_next`), which leaves X uncopied. Backpropagation runs
its own forward pass (in :mod:`manual_backprop.backprop`), which keeps a(l) and g'(z(l)) for the
backward pass.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._arguments import as_count, network_arguments, overflow_is_an_error
from .unrolling import layer_sizes_of

__all__ = ["ForwardPass", "forward_propagation", "output_z", "z_next", "with_bias", "batches"]


class ForwardPass(NamedTuple):
    """Every z and a of one forward pass; index l - 1 holds layer l of the course.

    z : list of L entries: z[0] is None (the input layer has no z(1)); z[l - 1] = z(l), an
        (m, s_l) array, for l = 2, ..., L.
    a : list of L arrays: a[l - 1] = a(l), (m, s_l + 1) with the bias column of ones first, for
        l = 1, ..., L - 1; a[L - 1] = h = a(L), (m, K), with no bias unit.
    """

    z: list
    a: list

    @property
    def h(self):
        """The hypothesis h = a(L), (m, K)."""
        return self.a[-1]


def with_bias(A):
    """[1 A]: the bias unit, a column of ones, before the columns of A (a 1 before a vector)."""
    return np.concatenate([np.ones_like(A[..., :1]), A], axis=-1)


def batches(m, batch_size):
    """Slices of at most ``batch_size`` rows covering rows 0..m-1; one slice when batch_size is None."""
    batch_size = m if batch_size is None else as_count("batch_size", batch_size)
    return [slice(start, start + batch_size) for start in range(0, m, batch_size)]


def forward_propagation(thetas, X, *, activation="sigmoid", output="sigmoid", batch_size=None):
    """Run X through the network Theta(1), ..., Theta(L-1) and keep every z and a.

    Parameters
    ----------
    thetas : sequence of arrays, Theta(l) of shape (s_{l+1}, s_l + 1), bias weights in column 0
    X : array (m, s_1), one example per row
    activation : "sigmoid", "tanh" or "relu", for the hidden layers
    output : "sigmoid" (one sigmoid per output) or "softmax"
    batch_size : int >= 1, optional; the rows go through the network this many at a time, so that
        the memory used beyond the result stays bounded (default: all rows at once)

    Returns
    -------
    ForwardPass with lists z and a (see :class:`ForwardPass`). A z too large for the dtype
    raises ``OverflowError``.
    """
    layer_sizes_of(thetas)
    args = network_arguments(thetas, X, activation=activation, output=output)
    thetas, X, L, m = args.thetas, args.X, len(thetas) + 1, args.X.shape[0]
    z = [None] + [np.empty((m, Theta.shape[0]), X.dtype) for Theta in thetas]
    a = [np.ones((m, Theta.shape[1]), X.dtype) for Theta in thetas] + [np.empty_like(z[-1])]
    with overflow_is_an_error(args, what="the forward pass (some z or h)"):
        for rows in batches(m, batch_size):
            a[0][rows, 1:] = X[rows]
            for l in range(1, L):  # z[l] = z(l+1), a[l] = a(l+1), thetas[l - 1] = Theta(l)
                np.matmul(a[l - 1][rows], thetas[l - 1].T, out=z[l][rows])
                if l < L - 1:
                    args.act.g(z[l][rows], out=a[l][rows, 1:])
                else:
                    a[l][rows] = args.out.h(z[l][rows])
    return ForwardPass(z, a)


def z_next(a, Theta):
    """z(l+1) = [1 a(l)] Theta(l)^T = a(l) Theta(l)[:, 1:]^T + Theta(l)[:, 0], (m, s_{l+1}), for
    a(l) given without its bias unit, (m, s_l): the same sum, without copying a(l) into [1 a(l)]."""
    z = a @ Theta[:, 1:].T
    z += Theta[:, 0]
    return z


def output_z(thetas, X, act):
    """z(L) for checked arguments, keeping one layer at a time and no bias unit (see :func:`z_next`):
    all that the cost and predict need."""
    a = X
    for Theta in thetas[:-1]:
        z = z_next(a, Theta)
        a = act.g(z, out=z)
    return z_next(a, thetas[-1])
