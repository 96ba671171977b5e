"""Forward propagation: a(1) = [1, x], z(l+1) = a(l) Theta(l)^T, a(l+1) = [1, g(z(l+1))].

Examples are the rows of X, so the whole batch goes through each layer in one matrix product:

    a(1)   = [1  X]                          (m, s_1 + 1)
    z(l+1) = a(l) Theta(l)^T                 (m, s_{l+1})
    a(l+1) = [1  g(z(l+1))]                  (m, s_{l+1} + 1)   hidden layers
    h      = a(L) = output h(z(L))           (m, K)             no bias unit

Each a(l) is allocated once with its column of ones and g writes straight into the columns
after it, so the bias unit costs no copy, and z(l+1) comes from one BLAS product that includes
the bias weights. The lean pass that the cost and backprop use goes further: it never copies X
into a(1) = [1 X] (the bias term of z(2) is added after the product with X) and computes each
hidden z(l+1) in place inside a(l+1).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._arguments import as_network_arguments, overflow_is_an_error
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
    ForwardPass with lists z and a (see :class:`ForwardPass`). A z too large for the dtype
    raises ``OverflowError`` (so :func:`predict` never ranks NaNs).
    """
    layer_sizes = layer_sizes_of(thetas)
    theta_vec = unroll(thetas)
    _, theta_vec, thetas, X, _, _, act, out = as_network_arguments(
        theta_vec, layer_sizes, X, activation=activation, output=output
    )
    with overflow_is_an_error(theta_vec.dtype, theta_vec, X, None, what="the forward pass (some z or h)"):
        return propagate(thetas, X, act, out)


def propagate(thetas, X, act, out, *, lean=False):
    """forward_propagation on checked arguments: Theta views of one dtype and X of that dtype.

    ``lean=True`` keeps only what the cost and backpropagation read, z(L) and the hidden a(l),
    and no copy it can avoid: a(1) stays X, without its column of ones (see :func:`z_next`),
    each hidden z(l+1) is computed inside a(l+1), where g then overwrites it (z[l] is None),
    and h = a(L) is not formed (a[L - 1] is None): the cost and delta(L) are taken from z(L).
    """
    dtype = thetas[0].dtype
    z = [None]
    a = [X if lean else with_bias_column(X, dtype)]
    for l, Theta in enumerate(thetas):
        bias_split = lean and l == 0
        if l == len(thetas) - 1:
            z.append(z_next(a[l], Theta, bias_split=bias_split))  # z(L), (m, K)
            a.append(None if lean else out.h(z[-1]))               # h = a(L), no bias unit
            break
        a_next = np.empty((X.shape[0], Theta.shape[0] + 1), dtype=dtype)  # a(l+1), (m, s_{l+1} + 1)
        a_next[:, 0] = 1.0
        g_of_z = a_next[:, 1:]
        if lean:
            z.append(None)
            z_next(a[l], Theta, bias_split=bias_split, out=g_of_z)
            act.g(g_of_z, out=g_of_z)  # g(z(l+1)) in place of z(l+1)
        else:
            z.append(z_next(a[l], Theta))
            act.g(z[-1], out=g_of_z)
        a.append(a_next)
    return ForwardPass(z, a)


def z_next(a, Theta, *, bias_split=False, out=None):
    """z(l+1) = a(l) Theta(l)^T, (m, s_{l+1}); ``out`` receives it when given.

    With ``bias_split`` the first argument is X, a(1) without its column of ones, and the
    product is taken as X Theta(1)[:, 1:]^T + Theta(1)[:, 0]: the same sum, with the bias
    term added last, so that X is never copied into a(1) = [1 X].
    """
    if not bias_split:
        return np.matmul(a, Theta.T, out=out)
    z = np.matmul(a, Theta[:, 1:].T, out=out)
    z += Theta[:, 0]
    return z
