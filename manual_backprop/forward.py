"""Forward propagation: a(1) = [1, x], z(l+1) = a(l) Theta(l)^T, a(l+1) = [1, g(z(l+1))].

Examples are the rows of X, so the whole batch goes through each layer in one matrix product:

    a(1)   = [1  X]                          (m, s_1 + 1)
    z(l+1) = a(l) Theta(l)^T                 (m, s_{l+1})
    a(l+1) = [1  g(z(l+1))]                  (m, s_{l+1} + 1)   hidden layers
    h      = a(L) = output h(z(L))           (m, K)             no bias unit

Each a(l) is allocated once with its column of ones and g writes straight into the columns
after it, so the bias unit costs no copy, and z(l+1) comes from one BLAS product that includes
the bias weights.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import as_network_arguments
from .unrolling import layer_sizes_of, unroll

__all__ = ["ForwardPass", "forward_propagation"]


class ForwardPass(NamedTuple):
    """Every z and a of one forward pass, index l - 1 holding layer l of the course.

    z : list of L arrays; z[0] is None (the input layer has no z), z[l] is (m, s_{l+1}).
    a : list of L arrays; a[l] is (m, s_{l+1} + 1) with the bias column of ones for l < L - 1,
        and a[L - 1] = h is the output, (m, K), with no bias unit.
    """

    z: list
    a: list

    @property
    def h(self):
        """The hypothesis h = a(L), (m, K)."""
        return self.a[-1]


def with_bias_column(A, dtype):
    """[1 A]: a new (m, n + 1) array of ``dtype`` with a column of ones before A."""
    a = np.empty((A.shape[0], A.shape[1] + 1), dtype=dtype)
    a[:, 0] = 1.0
    a[:, 1:] = A
    return a


def forward_propagation(thetas, X, *, activation="sigmoid", output="sigmoid"):
    """Run X through the network Theta(1), ..., Theta(L-1) and keep every z and a.

    Parameters
    ----------
    thetas : sequence of arrays, Theta(l) of shape (s_{l+1}, s_l + 1), bias weights in column 0
    X : array (m, s_1), one example per row
    activation : "sigmoid", "tanh" or "relu", for the hidden layers
    output : "sigmoid" (one sigmoid per output) or "softmax"

    Returns
    -------
    ForwardPass with lists z and a (see :class:`ForwardPass`).
    """
    layer_sizes = layer_sizes_of(thetas)
    theta_vec = unroll(thetas)
    _, _, thetas, X, _, _, act, out = as_network_arguments(
        theta_vec, layer_sizes, X, activation=activation, output=output
    )
    return propagate(thetas, X, act, out)


def propagate(thetas, X, act, out):
    """forward_propagation on checked arguments: Theta views of one dtype and X of that dtype."""
    dtype = thetas[0].dtype
    z = [None]
    a = [with_bias_column(X, dtype)]
    for l, Theta in enumerate(thetas):
        z.append(a[l] @ Theta.T)
        if l < len(thetas) - 1:
            a_next = np.empty((z[-1].shape[0], z[-1].shape[1] + 1), dtype=dtype)
            a_next[:, 0] = 1.0
            act.g(z[-1], out=a_next[:, 1:])
            a.append(a_next)
        else:
            a.append(out.h(z[-1]))
    return ForwardPass(z, a)
