"""Backpropagation: the course's nnCostFunction, returning J and DVec.

The notes' four equations, for one example (a(l), z(l), delta(l) column vectors, a(l) with the
bias unit first), for l = L-1, ..., 2 and the error summed over the examples t = 1..m:

    delta(L) = a(L) - y                                              (K,)
    delta(l) = (Theta(l)^T delta(l+1))[1:] .* g'(z(l))              (s_l,)   bias row dropped
    Delta(l) = Delta(l) + delta(l+1) a(l)^T                          (s_{l+1}, s_l + 1)
    D(l)     = Delta(l) / m + (lambda/m) [0  Theta(l)[:, 1:]]        bias column not regularised

The bias unit has no z, so no error flows back into it: that is the dropped row. D(l) is
dJ/dTheta(l), and DVec unrolls the D(l) like theta_vec.

Two implementations give the same numbers:

* ``method="vectorized"`` (the default): the examples are the rows of a(l), z(l) and delta(l), so
  each equation becomes one matrix product over the whole batch, the sum over t included:
  delta(l) = (delta(l+1) Theta(l)[:, 1:]) .* g'(z(l)) and Delta(l) = delta(l+1)^T [1 a(l)];
* ``method="loop"``: the course's per-example loop, for t = 1..m, exactly as written above.

Both take g'(z(l)) from z(l) (see :mod:`manual_backprop.activations`), and delta(L) from z(L)
(see :mod:`manual_backprop.cost`), so saturated units keep their tiny, correct gradients.

The code counts layers from 0 where the notes count from 1: ``thetas[l - 1]`` is Theta(l), and
``a[l - 1]``, ``z[l - 1]``, ``g_prime[l - 1]`` hold a(l), z(l), g'(z(l)). The comments beside the
code use the notes' l.
"""

from __future__ import annotations

import numpy as np

from ._arguments import network_arguments, overflow_is_an_error
from .cost import regularization_cost
from .forward import output_z, with_bias, z_next
from .unrolling import reshape, unroll

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
    thetas = reshape(theta_vec, layer_sizes)
    args = network_arguments(thetas, X, y, lam, activation=activation, output=output)
    backprop = _backprop_vectorized if method == "vectorized" else _backprop_loop
    with overflow_is_an_error(args):
        return backprop(*args)


def nn_cost(theta_vec, layer_sizes, X, y, lam=0.0, *, activation="sigmoid", output="sigmoid"):
    """J(Theta) alone, by forward propagation only (for numerical gradients and line searches).

    Arguments as for :func:`nn_cost_function`; returns the same J.
    """
    thetas = reshape(theta_vec, layer_sizes)
    thetas, X, Y, lam, act, out = args = network_arguments(thetas, X, y, lam, activation=activation, output=output)
    with overflow_is_an_error(args):
        return _cost(output_z(thetas, X, act), Y, thetas, lam, out)


def _cost(z_L, Y, thetas, lam, out):
    m = Y.shape[0]
    return out.cost(z_L, Y) / m + regularization_cost(thetas, lam, m)


def _backprop_vectorized(thetas, X, Y, lam, act, out):
    m = X.shape[0]
    # Forward propagation, keeping a(l) and g'(z(l)) for the backward pass. a(l) is kept without
    # its bias unit: [1 X] and [1 g(z)] would copy X and every g(z), and those copies made this
    # function 1.4x slower at 64-25-10, m = 1797: 3.4-4.1 ms against 2.4-2.6 ms by
    #   OPENBLAS_NUM_THREADS=1 python -m timeit -s "import numpy as np, manual_backprop as mb;
    #   r = np.random.default_rng(0); X = r.uniform(0, 1, (1797, 64)); y = r.integers(0, 10, 1797);
    #   t = r.uniform(-.12, .12, 1885)" "mb.nn_cost_function(t, (64, 25, 10), X, y, 1.0)"
    # here and at commit d65b657, which forms them. The bias weights Theta(l)[:, 0] enter z in
    # z_next, and Delta(l)'s bias column is the sum of delta(l+1) over the examples.
    a, g_prime = [X], [None]
    for Theta in thetas[:-1]:
        z = z_next(a[-1], Theta)         # z(l+1) = [1 a(l)] Theta(l)^T
        g_prime.append(act.gradient(z))  # g'(z(l+1))
        a.append(act.g(z, out=z))        # a(l+1) = g(z(l+1))
    z_L = z_next(a[-1], thetas[-1])
    J = _cost(z_L, Y, thetas, lam, out)

    # Backward, for l = L-1, ..., 1: Delta(l) and D(l) from delta(l+1), then delta(l).
    D = [None] * len(thetas)
    delta = out.error(z_L, Y)                                         # delta(L) = a(L) - y, from z(L)
    for l in reversed(range(len(thetas))):
        Delta = np.column_stack([delta.sum(axis=0), delta.T @ a[l]])  # Delta(l) = delta(l+1)^T [1 a(l)]
        D[l] = Delta / m                                              # D(l) = Delta(l) / m
        D[l][:, 1:] += (lam / m) * thetas[l][:, 1:]                   #   + (lambda/m) Theta(l), bias column not
        if l > 0:
            delta = delta @ thetas[l][:, 1:]                          # delta(l) = Theta(l)^T delta(l+1), bias row dropped,
            delta *= g_prime[l]                                       #   .* g'(z(l))
    return J, unroll(D)


def _backprop_loop(thetas, X, Y, lam, act, out):
    m = X.shape[0]
    Delta = [np.zeros_like(Theta) for Theta in thetas]
    J = 0.0
    for t in range(m):
        # Forward propagation for example t, column vectors with the bias unit first.
        a, z = [with_bias(X[t])], [None]                 # a(1) = [1; x(t)]
        for Theta in thetas[:-1]:
            z.append(Theta @ a[-1])                      # z(l+1) = Theta(l) a(l)
            a.append(with_bias(act.g(z[-1])))            # a(l+1) = [1; g(z(l+1))]
        z_L = thetas[-1] @ a[-1]
        J = J + out.cost(z_L, Y[t])

        delta = out.error(z_L, Y[t])                     # delta(L) = a(L) - y(t), from z(L)
        for l in reversed(range(len(thetas))):
            Delta[l] += np.outer(delta, a[l])            # Delta(l) = Delta(l) + delta(l+1) a(l)^T
            if l > 0:                                    # delta(l) = Theta(l)^T delta(l+1) .* g'(z(l)), bias row dropped
                delta = (thetas[l].T @ delta)[1:] * act.gradient(z[l])

    J = J / m + regularization_cost(thetas, lam, m)
    D = [Delta_l / m for Delta_l in Delta]               # D(l) = Delta(l) / m
    for D_l, Theta in zip(D, thetas):
        D_l[:, 1:] += (lam / m) * Theta[:, 1:]           #   + (lambda/m) Theta(l), bias column not
    return J, unroll(D)
