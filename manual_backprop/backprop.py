"""Backpropagation: the course's nnCostFunction, returning J and DVec.

For the output layer and each hidden layer l = L-1, ..., 2, with examples as rows:

    delta(L) = a(L) - y                                               (m, K)
    delta(l) = (delta(l+1) Theta(l)[:, 1:]) .* g'(z(l))               (m, s_l)
    Delta(l) = delta(l+1)^T a(l)                                      (s_{l+1}, s_l + 1)
    D(l)     = Delta(l) / m + (lambda/m) [0  Theta(l)[:, 1:]]

Dropping column 0 of Theta(l) is the course's "drop the bias row of Theta^T delta": the bias
unit has no z, so no error flows back into it. D(l) is dJ/dTheta(l), and DVec unrolls the D(l)
like theta_vec.

Two implementations give the same numbers:

* ``method="loop"``: the course's per-example loop, for t = 1..m, written to read like the notes;
* ``method="vectorized"`` (the default): the same sums as matrix products over the whole batch,
  one BLAS product per formula above, D(l) written into views of grad_vec (no concatenation).
"""

from __future__ import annotations

import numpy as np

from ._arguments import as_network_arguments, overflow_is_an_error, theta_views
from .cost import regularization_cost
from .forward import propagate

__all__ = ["nn_cost_function", "nn_cost", "METHODS"]

METHODS = ("vectorized", "loop")


def nn_cost_function(theta_vec, layer_sizes, X, y, lam=0.0, *, activation="sigmoid", output="sigmoid",
                     method="vectorized"):
    """The course's nnCostFunction: the cost J(Theta) and its gradient DVec.

    Parameters
    ----------
    theta_vec : array (P,), Theta(1), ..., Theta(L-1) unrolled in column-major order
    layer_sizes : sequence of ints (s_1, ..., s_L), L >= 2
    X : array (m, s_1), one example per row
    y : integer labels 0..K-1 of shape (m,) (with K = 1: binary labels 0 and 1), or an (m, K)
        0-1 matrix (one-hot, or multi-label for the sigmoid output)
    lam : float >= 0, the regularisation parameter lambda
    activation : "sigmoid", "tanh" or "relu", for the hidden layers
    output : "sigmoid" (the course's cross-entropy over K sigmoid outputs) or "softmax"
        (categorical cross-entropy)
    method : "vectorized" (default) or "loop" (per example, as in the course)

    Returns
    -------
    J : scalar, the cost -(1/m) sum [y log h + (1 - y) log(1 - h)] + lambda/(2m) sum Theta[:, 1:]^2
        (the softmax output has -(1/m) sum y log h)
    grad_vec : array (P,), DVec = [D(1)(:); D(2)(:); ...], dJ/dtheta_vec

    Both are float64, or float32 when theta_vec and X are both float32; complex theta_vec
    (the complex-step check) needs sigmoid or tanh units. The inputs are never modified.
    A cost or gradient too large for the dtype (say lambda near 1e300, or float32 data that
    overflow in a deep ReLU network) raises ``OverflowError``, never returns inf or NaN.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    layer_sizes, theta_vec, thetas, X, Y, lam, act, out = as_network_arguments(
        theta_vec, layer_sizes, X, y, lam, activation=activation, output=output
    )
    backprop = _backprop_vectorized if method == "vectorized" else _backprop_loop
    with overflow_is_an_error(theta_vec.dtype, theta_vec, X, lam):
        return backprop(theta_vec, layer_sizes, thetas, X, Y, lam, act, out)


def nn_cost(theta_vec, layer_sizes, X, y, lam=0.0, *, activation="sigmoid", output="sigmoid"):
    """J(Theta) alone, by forward propagation only (for numerical gradients and line searches).

    Arguments as for :func:`nn_cost_function`; returns the same J.
    """
    _, theta_vec, thetas, X, Y, lam, act, out = as_network_arguments(
        theta_vec, layer_sizes, X, y, lam, activation=activation, output=output
    )
    with overflow_is_an_error(theta_vec.dtype, theta_vec, X, lam):
        z_L = propagate(thetas, X, act, out, lean=True).z[-1]
        return _cost(z_L, Y, thetas, lam, out)


def _cost(z_L, Y, thetas, lam, out):
    m = Y.shape[0]
    return out.cost(z_L, Y) / m + regularization_cost(thetas, lam, m)


def _backprop_vectorized(theta_vec, layer_sizes, thetas, X, Y, lam, act, out):
    m = X.shape[0]
    forward = propagate(thetas, X, act, out, lean=True)  # a(1) is X, without its ones
    z, a = forward.z, forward.a
    J = _cost(z[-1], Y, thetas, lam, out)

    grad_vec = np.empty_like(theta_vec)
    Delta_views = theta_views(grad_vec, layer_sizes)  # Delta(l) written into grad_vec's blocks

    delta = out.error(z[-1], Y)  # delta(L) = h - y, (m, K), taken from z (see cost.py)
    for l in range(len(thetas) - 1, -1, -1):
        Delta_views[l][...] = _Delta(delta, a[l], bias_split=l == 0)  # Delta(l) = delta(l+1)^T a(l)
        if l > 0:
            # delta(l) = delta(l+1) Theta(l)[:, 1:] .* g'(z(l)); g' read off a(l) = g(z(l)).
            delta = delta @ thetas[l][:, 1:]
            delta *= act.gradient_from_output(a[l][:, 1:])

    grad_vec /= m  # the Delta(l) blocks now hold D(l) = Delta(l) / m
    if lam > 0:
        for Theta, D in zip(thetas, Delta_views):
            D[:, 1:] += (lam / m) * Theta[:, 1:]
    return J, grad_vec


def _Delta(delta, a, *, bias_split=False):
    """Delta(l) = delta(l+1)^T a(l), (s_{l+1}, s_l + 1), from delta(l+1) (m, s_{l+1}) and a(l).

    With ``bias_split`` the second argument is X, a(1) without its column of ones, and
    Delta(1) = [sum_i delta(2)_i,  delta(2)^T X]: the same sums, without copying X.
    """
    if not bias_split:
        return delta.T @ a
    Delta = np.empty((delta.shape[1], a.shape[1] + 1), dtype=np.result_type(delta, a))
    Delta[:, 0] = delta.sum(axis=0)
    np.matmul(delta.T, a, out=Delta[:, 1:])
    return Delta


def _backprop_loop(theta_vec, layer_sizes, thetas, X, Y, lam, act, out):
    m, L = X.shape[0], len(layer_sizes)
    one = np.ones(1, dtype=theta_vec.dtype)
    Delta = [np.zeros_like(Theta) for Theta in thetas]
    J = 0.0
    for t in range(m):
        # Forward propagation for example t, as column vectors a(l) with the bias unit first.
        a = [np.concatenate((one, X[t]))]
        z = [None]
        for l in range(L - 1):
            z.append(thetas[l] @ a[l])
            if l < L - 2:
                a.append(np.concatenate((one, act.g(z[l + 1]))))
            else:
                a.append(out.h(z[l + 1]))
        J = J + out.cost(z[L - 1], Y[t])

        # Backward: delta(L) = a(L) - y(t); delta(l) = (Theta(l)^T delta(l+1))[1:] .* g'(z(l)).
        delta = out.error(z[L - 1], Y[t])  # a(L) - y(t), taken from z (see cost.py)
        for l in range(L - 2, -1, -1):
            Delta[l] += np.outer(delta, a[l])
            if l > 0:
                delta = (thetas[l].T @ delta)[1:] * act.gradient(z[l])

    J = J / m + regularization_cost(thetas, lam, m)
    D = [Delta_l / m for Delta_l in Delta]
    if lam > 0:
        for D_l, Theta in zip(D, thetas):
            D_l[:, 1:] += (lam / m) * Theta[:, 1:]
    return J, np.concatenate([D_l.ravel(order="F") for D_l in D])
