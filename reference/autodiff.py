"""The network cost written again in ``jax.numpy``, differentiated by JAX: the autodiff oracle.

Nothing here comes from :mod:`manual_backprop`: the column-major reshape of theta_vec, the label
encoding, the forward pass and both costs are written anew, so that a bug in the code under test
cannot also sit in its oracle. The costs are taken from z(L) in their numerically stable forms,
but not in the same forms as the core's:

* sigmoid output:  J = -(1/m) sum_ik [ y_ik log_sigmoid(z_ik) + (1 - y_ik) log_sigmoid(-z_ik) ];
* softmax output:  J = -(1/m) sum_ik y_ik (z_ik - logsumexp_j z_ij);

each plus lambda/(2m) times the squared weights, bias columns (column 0) excluded.

The gradient comes by reverse mode (``mode="reverse"``: :func:`jax.value_and_grad`, one backward
sweep) or by forward mode (``mode="forward"``: :func:`jax.jacfwd`, one Jacobian-vector product per
parameter), so the two autodiff modes also check each other.

JAX is imported on the first call, not by ``import reference.autodiff``, and float64
(``jax_enable_x64``) is switched on for the whole process then, or at import when JAX is already
loaded: the oracle works in float64 only, whatever the dtype of its input. Code that makes its
own JAX arrays for :func:`make_cost` should call :func:`jax_modules` (or :func:`make_cost`) first,
so that they are float64. ``manual_backprop`` never imports this module.
"""

from __future__ import annotations

import functools
import sys

import numpy as np

__all__ = ["nn_cost_function", "nn_cost", "make_cost", "label_matrix", "jax_modules", "MODES",
           "ACTIVATIONS", "OUTPUTS"]

MODES = ("reverse", "forward")
ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUTS = ("sigmoid", "softmax")

_jax = None


def jax_modules():
    """(jax, jax.numpy), imported on first use with float64 switched on (``jax_enable_x64``)."""
    global _jax
    if _jax is None:
        import jax
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)
        _jax = (jax, jnp)
    return _jax


def _layer_sizes(layer_sizes):
    sizes = tuple(int(s) for s in layer_sizes)
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"layer_sizes must hold at least 2 sizes, each >= 1, got {tuple(layer_sizes)}")
    return sizes


def _n_params(layer_sizes):
    return sum(s_next * (s + 1) for s, s_next in zip(layer_sizes[:-1], layer_sizes[1:]))


def label_matrix(y, K):
    """The labels as the (m, K) float64 0-1 matrix Y that the cost compares with h.

    ``y`` is integer labels of shape (m,), 0..K-1 (one-hot encoded here; with K = 1 the labels
    are binary, 0 or 1, and become the single column), or already an (m, K) 0-1 matrix (one-hot,
    or multi-label for the sigmoid output), returned as float64.
    """
    y = np.asarray(y)
    K = int(K)
    if y.ndim == 2:
        if y.shape[1] != K:
            raise ValueError(f"a label matrix must have K = {K} columns, got shape {y.shape}")
        if not np.all((y == 0) | (y == 1)):
            raise ValueError("a label matrix must hold only 0 and 1")
        return y.astype(np.float64)
    if y.ndim != 1:
        raise ValueError(f"y must be labels of shape (m,) or an (m, {K}) 0-1 matrix, got shape {y.shape}")
    labels = y.astype(np.int64)
    if not np.array_equal(labels, y):
        raise ValueError("integer labels must be whole numbers")
    n_classes = 2 if K == 1 else K
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must lie in 0..{n_classes - 1} for K = {K}")
    if K == 1:
        return labels.reshape(-1, 1).astype(np.float64)
    # One-hot by comparison with the class numbers (no indexing shared with the core's encoder).
    return (labels[:, None] == np.arange(K)[None, :]).astype(np.float64)


def _unpack(theta_vec, layer_sizes, jnp):
    """Theta(1), ..., Theta(L-1) from theta_vec, each block filled column by column (Octave's order)."""
    thetas, start = [], 0
    for s, s_next in zip(layer_sizes[:-1], layer_sizes[1:]):
        stop = start + s_next * (s + 1)
        thetas.append(jnp.reshape(theta_vec[start:stop], (s_next, s + 1), order="F"))
        start = stop
    return thetas


def _activations(jax, jnp):
    """The hidden-unit functions g(z), in the order of :data:`ACTIVATIONS`."""
    return (
        jax.nn.sigmoid,
        jnp.tanh,
        # where(z > 0, z, 0): derivative 0 at z = 0, the one-sided choice of the core's g'(0).
        lambda z: jnp.where(z > 0, z, 0.0),
    )


def _data_costs(jax, jnp):
    """The summed output costs from z(L) and Y, in the order of :data:`OUTPUTS`."""

    def sigmoid_cross_entropy(z, Y):
        return -jnp.sum(Y * jax.nn.log_sigmoid(z) + (1.0 - Y) * jax.nn.log_sigmoid(-z))

    def softmax_cross_entropy(z, Y):
        log_h = z - jax.scipy.special.logsumexp(z, axis=1, keepdims=True)
        return -jnp.sum(Y * log_h)

    return sigmoid_cross_entropy, softmax_cross_entropy


def _build_cost(layer_sizes, hidden, data_cost, jnp):
    """cost(theta_vec, X, Y, lam, *extra): the regularised mean cost, from the two pieces."""

    def cost(theta_vec, X, Y, lam, *extra):
        thetas = _unpack(theta_vec, layer_sizes, jnp)
        m = X.shape[0]
        a = X
        for l, Theta in enumerate(thetas):
            # z = [1 a] Theta^T, written as bias column plus weights (no column of ones built).
            z = Theta[:, 0] + a @ Theta[:, 1:].T
            a = hidden(z, *extra) if l < len(thetas) - 1 else z
        penalty = sum(jnp.sum(Theta[:, 1:] ** 2) for Theta in thetas)
        return data_cost(a, Y, *extra) / m + lam / (2.0 * m) * penalty

    return cost


def _check_choice(layer_sizes, activation, output):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {OUTPUTS}, got {output!r}")
    if output == "softmax" and layer_sizes[-1] < 2:
        raise ValueError(f"a softmax output needs K >= 2 output units, got layer sizes {layer_sizes}")


def make_cost(layer_sizes, *, activation="sigmoid", output="sigmoid"):
    """A pure ``jax.numpy`` function ``cost(theta_vec, X, Y, lam)`` -> J for this architecture.

    theta_vec (P,), X (m, s_1) and Y, the (m, K) 0-1 label matrix (:func:`label_matrix`), are
    arrays; lam a scalar. The function is traceable, so ``jax.jit(jax.value_and_grad(cost))``
    compiles the cost and its gradient with respect to theta_vec.
    """
    jax, jnp = jax_modules()
    layer_sizes = _layer_sizes(layer_sizes)
    _check_choice(layer_sizes, activation, output)
    hidden = _activations(jax, jnp)[ACTIVATIONS.index(activation)]
    data_cost = _data_costs(jax, jnp)[OUTPUTS.index(output)]
    return _build_cost(layer_sizes, lambda z: hidden(z), lambda z, Y: data_cost(z, Y), jnp)


def _arguments(theta_vec, layer_sizes, X, y, lam, activation, output):
    layer_sizes = _layer_sizes(layer_sizes)
    _check_choice(layer_sizes, activation, output)
    theta_vec = np.asarray(theta_vec, dtype=np.float64)
    if theta_vec.shape != (_n_params(layer_sizes),):
        raise ValueError(f"theta_vec must have shape ({_n_params(layer_sizes)},) for layer sizes "
                         f"{layer_sizes}, got {theta_vec.shape}")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != layer_sizes[0]:
        raise ValueError(f"X must have shape (m, {layer_sizes[0]}), got {X.shape}")
    Y = label_matrix(y, layer_sizes[-1])
    if Y.shape[0] != X.shape[0]:
        raise ValueError(f"y has {Y.shape[0]} examples but X has {X.shape[0]}")
    return layer_sizes, theta_vec, X, Y, float(lam)


def nn_cost_function(theta_vec, layer_sizes, X, y, lam=0.0, *, activation="sigmoid", output="sigmoid",
                     mode="reverse"):
    """J and its gradient by JAX autodiff: the oracle for ``manual_backprop.nn_cost_function``.

    Arguments as for ``manual_backprop.nn_cost_function`` (labels 0..K-1 of shape (m,) or an (m, K)
    0-1 matrix); ``mode`` is "reverse" (``jax.value_and_grad``) or "forward" (``jax.jacfwd``).
    Returns (J, grad_vec): a Python float and a float64 NumPy array of shape (P,), the gradient
    unrolled like theta_vec.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    layer_sizes, theta_vec, X, Y, lam = _arguments(theta_vec, layer_sizes, X, y, lam, activation, output)
    J, grad = _compiled(layer_sizes, mode)(theta_vec, X, Y, lam, *_choice(activation, output))
    return float(J), np.asarray(grad, dtype=np.float64)


def nn_cost(theta_vec, layer_sizes, X, y, lam=0.0, *, activation="sigmoid", output="sigmoid"):
    """J alone, by the JAX forward pass (arguments as for :func:`nn_cost_function`)."""
    layer_sizes, theta_vec, X, Y, lam = _arguments(theta_vec, layer_sizes, X, y, lam, activation, output)
    return float(_compiled(layer_sizes, "cost")(theta_vec, X, Y, lam, *_choice(activation, output)))


def _choice(activation, output):
    """The one-hot weights (w, v) that pick ``activation`` and ``output`` in :func:`_compiled`."""
    w = (np.arange(len(ACTIVATIONS)) == ACTIVATIONS.index(activation)).astype(np.float64)
    v = (np.arange(len(OUTPUTS)) == OUTPUTS.index(output)).astype(np.float64)
    return w, v


@functools.lru_cache(maxsize=64)
def _compiled(layer_sizes, mode):
    """The jitted cost ("cost") or cost and gradient ("reverse", "forward") of one architecture.

    The activation and the output come in as one-hot weight vectors (w for g, v for the cost):
    g(z) = sum_i w_i g_i(z) and the cost sum_j v_j C_j(z, Y). With exactly one weight 1.0 and the
    others 0.0 both are exact (1.0 x + 0.0 y = x for finite y), and so are their derivatives,
    and one compilation per layer sizes and mode serves all six pairs: compiling costs around a
    second on a small machine, far more than running these small networks.
    """
    jax, jnp = jax_modules()
    activations, data_costs = _activations(jax, jnp), _data_costs(jax, jnp)

    def hidden(z, w, v):
        return sum(w[i] * g(z) for i, g in enumerate(activations))

    def data_cost(z, Y, w, v):
        return sum(v[j] * C(z, Y) for j, C in enumerate(data_costs))

    cost = _build_cost(layer_sizes, hidden, data_cost, jnp)
    if mode == "cost":
        return jax.jit(cost)
    if mode == "reverse":
        return jax.jit(jax.value_and_grad(cost))

    def value_and_jacfwd(theta_vec, X, Y, lam, w, v):
        return cost(theta_vec, X, Y, lam, w, v), jax.jacfwd(cost)(theta_vec, X, Y, lam, w, v)

    return jax.jit(value_and_jacfwd)


if "jax" in sys.modules:  # JAX is loaded already: switch float64 on now, at no import cost
    jax_modules()
