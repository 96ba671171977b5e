"""The network cost and its gradient in arbitrary precision (mpmath): the exact oracle.

Where float64 itself is the question (saturated units whose g'(z) is e^-40, a regulariser whose
squares overflow while the cost fits), an oracle in float64 shares the rounding it is meant to
judge; JAX's derivative of the sigmoid, g (1 - g), is 0 once g rounds to 1. Here every operation
runs with ``dps`` significant decimal digits (default 60) on the exact values of the float64
inputs, with mpmath's unbounded exponent range, so the results are the true values to far below
float64's rounding; :func:`to_float` rounds them once, to the nearest float64 (inf when a value
does not fit, a subnormal or 0 below the normal range).

The forward and backward pass are written anew, in the course's per-example form with column
vectors, from theta_vec, the column-major layout and the label encoding up: nothing comes from
:mod:`manual_backprop`. Small networks only: each example costs O(P) multiplications in Python.
"""

from __future__ import annotations

import mpmath
import numpy as np

__all__ = ["nn_cost_function", "sigmoid_gradient", "tanh_gradient", "to_float", "DPS"]

DPS = 60


def _g(name, z):
    if name == "sigmoid":
        return 1 / (1 + mpmath.exp(-z))
    if name == "tanh":
        return mpmath.tanh(z)
    return z if z > 0 else mpmath.mpf(0)


def _g_prime(name, z):
    if name == "sigmoid":
        e = mpmath.exp(-abs(z))
        return e / (1 + e) ** 2
    if name == "tanh":
        return 1 / mpmath.cosh(z) ** 2
    return mpmath.mpf(1) if z > 0 else mpmath.mpf(0)


def sigmoid_gradient(z, dps=DPS):
    """g'(z) = e^-|z| / (1 + e^-|z|)^2 for each entry of the float array z, as mpmath numbers."""
    with mpmath.workdps(dps):
        return [_g_prime("sigmoid", mpmath.mpf(float(v))) for v in np.ravel(z)]


def tanh_gradient(z, dps=DPS):
    """g'(z) = 1 / cosh(z)^2 for each entry of the float array z, as mpmath numbers."""
    with mpmath.workdps(dps):
        return [_g_prime("tanh", mpmath.mpf(float(v))) for v in np.ravel(z)]


def _thetas(theta_vec, layer_sizes):
    thetas, start = [], 0
    for s, s_next in zip(layer_sizes[:-1], layer_sizes[1:]):
        block = theta_vec[start:start + s_next * (s + 1)]
        thetas.append(mpmath.matrix([[mpmath.mpf(float(block[i + j * s_next])) for j in range(s + 1)]
                                     for i in range(s_next)]))  # column-major
        start += s_next * (s + 1)
    return thetas


def nn_cost_function(theta_vec, layer_sizes, X, Y, lam=0.0, *, activation="sigmoid", output="sigmoid", dps=DPS):
    """(J, grad) as mpmath numbers: J a number, grad a list of P, unrolled like theta_vec.

    theta_vec (P,), X (m, s_1) and lam are float64 values taken exactly; Y is the (m, K) 0-1
    label matrix (one-hot rows for the softmax output).
    """
    layer_sizes = tuple(int(s) for s in layer_sizes)
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    with mpmath.workdps(dps):
        thetas = _thetas(np.asarray(theta_vec, dtype=np.float64), layer_sizes)
        m, L = X.shape[0], len(layer_sizes)
        lam = mpmath.mpf(float(lam))
        Delta = [mpmath.zeros(T.rows, T.cols) for T in thetas]
        J = mpmath.mpf(0)
        for t in range(m):
            a = [mpmath.matrix([1] + [mpmath.mpf(float(v)) for v in X[t]])]
            z = [None]
            for l in range(L - 1):
                z.append(thetas[l] * a[l])
                if l < L - 2:
                    a.append(mpmath.matrix([1] + [_g(activation, v) for v in z[-1]]))
            z_L, y = z[-1], [int(v) for v in Y[t]]
            # h and 1 - h, and the costs, without a subtraction that would cancel: even 60 digits
            # lose 1 - h = e^-200 to h = 1 - e^-200.
            if output == "sigmoid":
                h = [1 / (1 + mpmath.exp(-v)) for v in z_L]
                one_minus_h = [1 / (1 + mpmath.exp(v)) for v in z_L]
                J += sum(mpmath.log1p(mpmath.exp(-v if y_k else v)) for y_k, v in zip(y, z_L))  # -log h, -log(1 - h)
            else:
                c = y.index(1)
                others = [mpmath.exp(v - z_L[c]) for k, v in enumerate(z_L) if k != c]  # h_k / h_c
                J += mpmath.log1p(sum(others))  # -log h_c
                h = [mpmath.exp(v - z_L[c]) / (1 + sum(others)) for v in z_L]
                one_minus_h = [sum(others) / (1 + sum(others)) if k == c else 1 - h_k for k, h_k in enumerate(h)]
            delta = mpmath.matrix([-r_k if y_k else h_k for y_k, h_k, r_k in zip(y, h, one_minus_h)])
            for l in range(L - 2, -1, -1):
                Delta[l] += delta * a[l].T
                if l > 0:
                    back = thetas[l].T * delta
                    delta = mpmath.matrix([back[i + 1] * _g_prime(activation, z[l][i]) for i in range(len(z[l]))])
        J = J / m + lam / (2 * m) * sum(T[i, j] ** 2 for T in thetas for i in range(T.rows) for j in range(1, T.cols))
        grad = []
        for D, T in zip(Delta, thetas):
            for j in range(T.cols):
                for i in range(T.rows):
                    grad.append(D[i, j] / m + (lam / m * T[i, j] if j > 0 else 0))
        return J, grad


def to_float(values):
    """mpmath numbers rounded once to float64: an array (inf where a value does not fit)."""
    return np.array([float(v) for v in np.ravel(values)] if np.ndim(values) else float(values))
