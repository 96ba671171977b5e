"""Prediction: the label whose output unit is most active.

    p_i = argmax_k h_ik,   labels 0..K-1

A network with a single output unit (K = 1) is a binary classifier: p_i = 1 where h_i >= 0.5.
Only h is kept: each layer's activations are dropped once the next layer has them, and with
``batch_size`` the rows of X go through the network that many at a time, so the memory used
beyond X and the result stays bounded however large X is.
"""

from __future__ import annotations

import numpy as np

from ._arguments import network_arguments, overflow_is_an_error
from .forward import batches, output_z
from .unrolling import layer_sizes_of

__all__ = ["predict", "predict_proba"]


def predict_proba(thetas, X, *, activation="sigmoid", output="sigmoid", batch_size=None):
    """The hypothesis h = a(L) = h(z(L)): forward propagation of X, keeping only the output.

    a(1) = [1, X]; a(l+1) = [1, g(a(l) Theta(l)^T)] for the hidden layers; h = h(a(L-1) Theta(L-1)^T).

    Parameters
    ----------
    thetas : sequence of arrays, Theta(l) of shape (s_{l+1}, s_l + 1), bias weights in column 0
    X : array (m, s_1), one example per row
    activation : "sigmoid" (default), "tanh" or "relu", the hidden units' g
    output : "sigmoid" (default; each output unit a probability of its own) or "softmax"
        (h_ik = exp(z_ik) / sum_j exp(z_ij), rows summing to 1; needs K >= 2)
    batch_size : int >= 1, optional; rows of X taken at a time (default: all at once)

    Returns
    -------
    h : ndarray (m, K), K = s_L, in [0, 1]: per-example, per-label probabilities. A z too large
        for the dtype raises ``OverflowError`` (so :func:`predict` never ranks NaNs).
    """
    layer_sizes_of(thetas)
    args = network_arguments(thetas, X, activation=activation, output=output)
    h = np.empty((args.X.shape[0], args.thetas[-1].shape[0]), args.X.dtype)
    with overflow_is_an_error(args, what="the forward pass (some z or h)"):
        for rows in batches(args.X.shape[0], batch_size):
            h[rows] = args.out.h(output_z(args.thetas, args.X[rows], args.act))
    return h


def predict(thetas, X, *, activation="sigmoid", output="sigmoid", batch_size=None):
    """The course's predict: labels 0..K-1 of shape (m,), one per row of X.

    Parameters
    ----------
    thetas : sequence of arrays, Theta(l) of shape (s_{l+1}, s_l + 1), bias weights in column 0
    X : array (m, s_1), one example per row
    activation : "sigmoid" (default), "tanh" or "relu", the hidden units' g
    output : "sigmoid" (default) or "softmax", the output layer (see :func:`predict_proba`)
    batch_size : int >= 1, optional; rows of X taken at a time (default: all at once)

    Returns
    -------
    p : int array (m,), p_i = argmax_k h_ik with h = :func:`predict_proba` (the lowest k on a tie);
        for K = 1, 1 where h_i >= 0.5 and 0 elsewhere.
    """
    h = predict_proba(thetas, X, activation=activation, output=output, batch_size=batch_size)
    if h.shape[1] == 1:
        return (h[:, 0] >= 0.5).astype(np.intp)
    return np.argmax(h, axis=1)
