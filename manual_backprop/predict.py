"""Prediction: the label whose output unit is most active.

    p_i = argmax_k h_ik,   labels 0..K-1

A network with a single output unit (K = 1) is a binary classifier: p_i = 1 where h_i >= 0.5.
"""

from __future__ import annotations

import numpy as np

from .forward import forward_propagation

__all__ = ["predict", "predict_proba"]


def predict_proba(thetas, X, *, activation="sigmoid", output="sigmoid"):
    """The hypothesis h = a(L), (m, K): per-output probabilities (rows sum to 1 for softmax)."""
    return forward_propagation(thetas, X, activation=activation, output=output).h


def predict(thetas, X, *, activation="sigmoid", output="sigmoid"):
    """The course's predict: labels 0..K-1 of shape (m,), one per row of X.

    Parameters
    ----------
    thetas : sequence of arrays, Theta(l) of shape (s_{l+1}, s_l + 1)
    X : array (m, s_1)

    Returns
    -------
    p : int array (m,), argmax_k h_ik; for K = 1, 1 where h_i >= 0.5 and 0 elsewhere.
    """
    h = predict_proba(thetas, X, activation=activation, output=output)
    if h.shape[1] == 1:
        return (h[:, 0] >= 0.5).astype(np.intp)
    return np.argmax(h, axis=1)
