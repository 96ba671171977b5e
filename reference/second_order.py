"""Oracles for H v and G v: JAX forward-over-reverse, and two numerical derivatives of the gradient.

Nothing here comes from :mod:`manual_backprop`; the cost is the one :mod:`reference.autodiff`
writes anew in ``jax.numpy``, and every gradient below is JAX's, so that a bug in the code under
test cannot also sit in its oracle:

* :func:`hessian_vector_product`: ``jax.jvp(jax.grad(cost), (theta,), (v,))``, forward mode over
  reverse mode: the exact H v, to rounding;
* :func:`gradient_central_difference`: (grad(theta + eps u) - grad(theta - eps u)) / (2 eps) |v|
  with u = v / |v|: truncation (eps^2 / 6) D^4 J[u, u, u, .] plus rounding ~u |grad| / eps;
* :func:`gradient_complex_step`: Im grad(theta + i h v) / h with h = 1e-20, the gradient of a
  complex-safe (holomorphic) copy of the cost: no subtraction, so exact to the rounding of the
  gradient itself; sigmoid and tanh units only (ReLU is not analytic);
* :func:`gauss_newton_vector_product`: J_z^T H_z J_z v + (lambda/m) [0 V_weights], by
  ``jax.jvp`` of the network's output z(L), ``jax.jvp`` of ``jax.grad`` of the cost in z(L),
  and ``jax.vjp`` back.

The three real oracles come from one function compiled per network (layer sizes, activation,
output), the complex step from another; each new shape of X costs one more compilation.
"""

from __future__ import annotations

import functools

import numpy as np

from . import autodiff
from .autodiff import ACTIVATIONS, OUTPUTS

__all__ = [
    "hessian_vector_product",
    "gauss_newton_vector_product",
    "gradient",
    "gradient_central_difference",
    "gradient_complex_step",
    "COMPLEX_SAFE",
    "DEFAULT_EPS",
    "DEFAULT_H",
]

DEFAULT_EPS = 1e-5
DEFAULT_H = 1e-20
COMPLEX_SAFE = ("sigmoid", "tanh")


def _arguments(theta_vec, layer_sizes, X, y, lam, v, activation, output):
    layer_sizes, theta_vec, X, Y, lam = autodiff._arguments(theta_vec, layer_sizes, X, y, lam, activation, output)
    v = np.asarray(v, dtype=np.float64)
    if v.shape != theta_vec.shape:
        raise ValueError(f"v must have shape {theta_vec.shape}, got {v.shape}")
    return layer_sizes, theta_vec, X, Y, lam, v


def _outputs(layer_sizes, hidden, jnp):
    """z(L) of the network as a function of theta_vec: the forward pass of reference.autodiff."""

    def z_L(theta_vec, X):
        a = X
        thetas = autodiff._unpack(theta_vec, layer_sizes, jnp)
        for l, Theta in enumerate(thetas):
            z = Theta[:, 0] + a @ Theta[:, 1:].T
            a = hidden(z) if l < len(thetas) - 1 else z
        return a

    return z_L


@functools.lru_cache(maxsize=64)
def _compiled(layer_sizes, activation, output):
    """(grad, H v, G v) at (theta_vec, X, Y, lam, v), jitted for one network.

    One compilation serves the three oracles at every point of one shape (the central difference
    evaluates it at theta +- eps u); it is keyed by the activation and output too, since a graph
    for one pair compiles faster than the one-hot mixture of all six that reference.autodiff
    uses, and drawn networks rarely share their layer sizes.
    """
    jax, jnp = autodiff.jax_modules()
    hidden = autodiff._activations(jax, jnp)[ACTIVATIONS.index(activation)]
    data_cost = autodiff._data_costs(jax, jnp)[OUTPUTS.index(output)]
    cost = autodiff.make_cost(layer_sizes, activation=activation, output=output)
    grad = jax.grad(cost)
    z_L = _outputs(layer_sizes, hidden, jnp)
    weights = jnp.asarray(np.concatenate([
        np.concatenate([np.zeros(s_next), np.ones(s_next * s)]) for s, s_next in zip(layer_sizes[:-1], layer_sizes[1:])
    ]))  # 1 on the weights, 0 on the bias columns (column 0 of each Theta, first in column-major order)

    def oracles(theta_vec, X, Y, lam, v):
        m = X.shape[0]
        gradient, Hv = jax.jvp(lambda theta: grad(theta, X, Y, lam), (theta_vec,), (v,))
        z, Jv = jax.jvp(lambda theta: z_L(theta, X), (theta_vec,), (v,))
        loss_grad = jax.grad(lambda zz: data_cost(zz, Y) / m)
        HJv = jax.jvp(loss_grad, (z,), (Jv,))[1]
        _, pullback = jax.vjp(lambda theta: z_L(theta, X), theta_vec)
        Gv = pullback(HJv)[0] + lam / m * weights * v
        return gradient, Hv, Gv

    return jax.jit(oracles)


def _complex_safe_costs(jax, jnp):
    """The two output costs written with analytic operations, branches chosen by the real part."""

    def softplus(x):
        positive = x.real > 0
        return jnp.where(positive, x, 0) + jnp.log1p(jnp.exp(jnp.where(positive, -x, x)))

    def sigmoid_cross_entropy(z, Y):
        # -[y log g(z) + (1 - y) log(1 - g(z))] = y softplus(-z) + (1 - y) softplus(z)
        return jnp.sum(Y * softplus(-z) + (1.0 - Y) * softplus(z))

    def softmax_cross_entropy(z, Y):
        shift = jax.lax.stop_gradient(jnp.max(z.real, axis=1, keepdims=True))
        logsumexp = shift + jnp.log(jnp.sum(jnp.exp(z - shift), axis=1, keepdims=True))
        return jnp.sum(Y * (logsumexp - z))

    return sigmoid_cross_entropy, softmax_cross_entropy


@functools.lru_cache(maxsize=64)
def _compiled_complex_grad(layer_sizes, activation, output):
    jax, jnp = autodiff.jax_modules()
    hidden = {"sigmoid": lambda z: 1.0 / (1.0 + jnp.exp(-z)), "tanh": jnp.tanh}[activation]
    data_cost = _complex_safe_costs(jax, jnp)[OUTPUTS.index(output)]
    cost = autodiff._build_cost(layer_sizes, hidden, data_cost, jnp)
    return jax.jit(jax.grad(cost, holomorphic=True))


def _oracles(theta_vec, layer_sizes, X, Y, lam, v, activation, output):
    gradient, Hv, Gv = _compiled(layer_sizes, activation, output)(theta_vec, X, Y, lam, v)
    return tuple(np.asarray(x, dtype=np.float64) for x in (gradient, Hv, Gv))


def hessian_vector_product(theta_vec, layer_sizes, X, y, lam, v, *, activation="sigmoid", output="sigmoid"):
    """H v by JAX, forward over reverse: the oracle for ``manual_backprop.hessian_vector_product``.

    Arguments as there (labels 0..K-1 of shape (m,) or an (m, K) 0-1 matrix). Returns a float64
    NumPy array (P,). A ReLU z exactly at 0 takes JAX's where(z > 0, z, 0): slope 0, curvature 0.
    """
    layer_sizes, theta_vec, X, Y, lam, v = _arguments(theta_vec, layer_sizes, X, y, lam, v, activation, output)
    return _oracles(theta_vec, layer_sizes, X, Y, lam, v, activation, output)[1]


def gauss_newton_vector_product(theta_vec, layer_sizes, X, y, lam, v, *, activation="sigmoid", output="sigmoid"):
    """G v by JAX: J_z^T H_z J_z v + (lambda/m) [0 V_weights], the oracle for G v. Float64 (P,)."""
    layer_sizes, theta_vec, X, Y, lam, v = _arguments(theta_vec, layer_sizes, X, y, lam, v, activation, output)
    return _oracles(theta_vec, layer_sizes, X, Y, lam, v, activation, output)[2]


def gradient(theta_vec, layer_sizes, X, y, lam, *, activation="sigmoid", output="sigmoid"):
    """dJ/dtheta by JAX reverse mode, float64 (P,) (from the same compiled function as H v)."""
    P = autodiff._n_params(autodiff._layer_sizes(layer_sizes))
    layer_sizes, theta_vec, X, Y, lam, v = _arguments(theta_vec, layer_sizes, X, y, lam, np.zeros(P), activation,
                                                      output)
    return _oracles(theta_vec, layer_sizes, X, Y, lam, v, activation, output)[0]


def gradient_central_difference(theta_vec, layer_sizes, X, y, lam, v, *, activation="sigmoid", output="sigmoid",
                                eps=DEFAULT_EPS):
    """(grad(theta + eps u) - grad(theta - eps u)) / (2 eps) |v|, u = v / |v|, with JAX's gradient.

    Taking the step along the unit vector u makes eps the distance moved whatever the size of v,
    so the error is truncation (eps^2 / 6) |D^4 J[u, u, u, .]| plus rounding ~u |grad| / eps,
    times |v|. A zero v gives zeros. Float64 (P,).
    """
    layer_sizes, theta_vec, X, Y, lam, v = _arguments(theta_vec, layer_sizes, X, y, lam, v, activation, output)
    norm = np.linalg.norm(v)
    if norm == 0:
        return np.zeros_like(theta_vec)
    u = v / norm
    plus = _oracles(theta_vec + eps * u, layer_sizes, X, Y, lam, u, activation, output)[0]
    minus = _oracles(theta_vec - eps * u, layer_sizes, X, Y, lam, u, activation, output)[0]
    return (plus - minus) / (2 * eps) * norm


def gradient_complex_step(theta_vec, layer_sizes, X, y, lam, v, *, activation="sigmoid", output="sigmoid",
                          h=DEFAULT_H):
    """Im grad(theta + i h v) / h, with JAX's holomorphic gradient of a complex-safe cost. Float64 (P,).

    No subtraction, so no cancellation: the error is the rounding of the gradient itself, and
    with h = 1e-20 truncation (h^2 |v|^2 D^4 J) is nil. Sigmoid and tanh units only.
    """
    if activation not in COMPLEX_SAFE:
        raise ValueError(f"the complex step needs an analytic activation {COMPLEX_SAFE}, got {activation!r}")
    layer_sizes, theta_vec, X, Y, lam, v = _arguments(theta_vec, layer_sizes, X, y, lam, v, activation, output)
    grad = _compiled_complex_grad(layer_sizes, activation, output)
    complex_grad = grad((theta_vec + 1j * h * v).astype(np.complex128), X.astype(np.complex128),
                        Y.astype(np.complex128), complex(lam))
    return np.asarray(complex_grad).imag / h
