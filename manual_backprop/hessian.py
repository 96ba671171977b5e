"""Second order by Pearlmutter's R-operator: H v and the Gauss-Newton G v, beside backprop.

H = d^2 J / dtheta^2 is P x P, too large to form, but Newton-type training and its checks need
only products H v. The R-operator (Pearlmutter 1994) is the derivative along v,
R{f} = d/dr f(theta + r v) at r = 0; applied to every line of forward propagation and of
backprop it gives H v = R{DVec} for about the cost of two gradients. V(l) is v reshaped like
Theta(l), (s_{l+1}, s_l + 1); examples are rows, as in :mod:`manual_backprop.backprop`.

R-forward pass, beside the forward pass (R{a(1)} = 0: the inputs do not depend on theta):

    R{z(l+1)} = R{a(l)} Theta(l)^T + a(l) V(l)^T                        (m, s_{l+1})
    R{a(l+1)} = [0  g'(z(l+1)) .* R{z(l+1)}]                            (m, s_{l+1} + 1)
    R{h}      = h'(z(L)) R{z(L)}: h (1 - h) .* R{z(L)} for the sigmoid,  (m, K)
                h .* (R{z(L)} - sum_k h_k R{z(L)}_k) for the softmax (row by row)

R-backward pass, beside backprop (delta(L) = h - y, so R{delta(L)} = R{h}):

    R{delta(l)} = (R{delta(l+1)} Theta(l)[:, 1:] + delta(l+1) V(l)[:, 1:]) .* g'(z(l))
                  + (delta(l+1) Theta(l)[:, 1:]) .* g''(z(l)) .* R{z(l)}              (m, s_l)
    R{Delta(l)} = R{delta(l+1)}^T a(l) + delta(l+1)^T R{a(l)}                  (s_{l+1}, s_l + 1)
    R{D(l)}     = R{Delta(l)} / m + (lambda/m) [0  V(l)[:, 1:]]

and H v unrolls the R{D(l)} like DVec. The bias unit is a constant 1, so R{a(l)} has 0 in its
column 0 and the regulariser leaves the bias columns of V out, as it leaves those of Theta.

The Gauss-Newton product (Schraudolph 2002) keeps only the curvature of the cost in the output,
G = J_z^T H_z J_z + (lambda/m) I_weights, with J_z = dz(L)/dtheta and H_z the Hessian of the
cost in z(L) (h (1 - h) on the diagonal for sigmoid outputs, diag(h) - h h^T per example for
the softmax): positive semi-definite, where H need not be. It is the R-forward pass, then
backprop of R{h} as if it were delta(L), with neither the delta(l+1) V(l) nor the g'' term:

    R{delta(l)} = (R{delta(l+1)} Theta(l)[:, 1:]) .* g'(z(l)),
    (G v)(l)    = R{delta(l+1)}^T a(l) / m + (lambda/m) [0  V(l)[:, 1:]].

Every derivative is taken from z, never from a = g(z), so that saturated units keep their tiny
but nonzero g' and g'' instead of a cancelled 0 (see :data:`SECOND_ORDER`). ReLU has g'' = 0
away from the kink at z = 0 (where g' jumps and no second derivative exists): its H v is exact
wherever no z(l) is exactly 0, and has no g'' term at all.

Two implementations give the same numbers: ``method="loop"``, per example with column vectors
as in the course's notes, and ``method="vectorized"`` (the default), over the batch. Left out:
complex input (the complex step belongs to the oracles) and forming H itself.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from ._arguments import as_array, network_arguments, overflow_is_an_error
from .activations import relu, sigmoid
from .bound import PARALLEL_ABOVE_FLOPS, blas_threads
from .unrolling import reshape

__all__ = [
    "hessian_vector_product",
    "gauss_newton_vector_product",
    "make_hessp",
    "SecondOrderActivation",
    "SECOND_ORDER",
    "sigmoid_derivatives",
    "tanh_derivatives",
    "relu_derivatives",
    "sigmoid_second_derivative",
    "tanh_second_derivative",
    "relu_second_derivative",
    "METHODS",
]

METHODS = ("vectorized", "loop")


# --- g, g' and g'' from z -----------------------------------------------------------------------
#
# Each activation's derivatives are written so that nothing cancels where a unit saturates: there
# g' and g'' are tiny but keep the relative accuracy of g, where a formula in a = g(z) such as
# a (1 - a) (1 - 2a) would round to 0. Only the factor 1 - 2 g(z) (sigmoid) loses relative
# accuracy, near z = 0 (u / |z| relative), where g'' ~ z is small and its error stays below
# u g'(z) absolutely. The arrays are computed in place: at the sizes of the course's networks a
# fresh temporary costs more than the arithmetic done in it.

def _as_floating(z):
    """z (an array, a list or a number) as a 1-d floating array of at least one element, and its shape:
    integers become float64, floats keep their precision (float32 stays float32)."""
    z = np.asarray(z)
    if z.dtype.kind not in "biufc":
        raise TypeError(f"z must be an array of numbers, got dtype {z.dtype}")
    dtype = np.float64 if z.dtype.kind in "biu" else np.result_type(z.dtype, np.float32)
    return np.atleast_1d(z.astype(dtype, copy=False)), z.shape


def sigmoid_derivatives(z):
    """(g, g', g'') of the sigmoid at z, elementwise:

        g(z)   = 1 / (1 + e^-z)
        g'(z)  = g(z) g(-z)                 = g(z) (1 - g(z))
        g''(z) = g'(z) (g(-z) - g(z))       = g'(z) (1 - 2 g(z))

    g(-z) = 1 - g(z) computed on its own, without the cancellation 1 - g(z) when g(z) ~ 1, so
    g' and g'' are accurate to a few ulp relative wherever |z| >= 0.7, saturated units included.
    """
    z, shape = _as_floating(z)
    with np.errstate(over="ignore", under="ignore"):  # e^z = inf gives the correct g = 0
        g = np.negative(z)
        np.exp(g, out=g)
        g += 1.0
        np.reciprocal(g, out=g)          # g(z)
        g2 = np.exp(z)
        g2 += 1.0
        np.reciprocal(g2, out=g2)        # g(-z)
        g1 = g * g2                      # g'(z)
        g2 -= g
        g2 *= g1                         # g''(z)
    return g.reshape(shape), g1.reshape(shape), g2.reshape(shape)


def tanh_derivatives(z):
    """(g, g', g'') of tanh at z, elementwise, with e = e^-2|z| in (0, 1]:

        g(z)   = tanh(z)
        g'(z)  = sech^2(z) = 4 e / (1 + e)^2  = 1 - g(z)^2
        g''(z) = -2 g(z) g'(z)

    sech^2 from e has no cancellation where |tanh(z)| rounds to 1 (1 - g^2 would give 0), so
    g' and g'' are accurate to a few ulp relative everywhere.
    """
    z, shape = _as_floating(z)
    with np.errstate(under="ignore"):
        g = np.tanh(z)
        g1 = np.abs(z)
        g1 *= -2.0
        np.exp(g1, out=g1)               # e = e^-2|z|
        g2 = g1 + 1.0
        np.reciprocal(g2, out=g2)        # 1 / (1 + e)
        g1 *= g2
        g1 *= g2
        g1 *= 4.0                        # g'(z)
        np.multiply(g, g1, out=g2)
        g2 *= -2.0                       # g''(z)
    return g.reshape(shape), g1.reshape(shape), g2.reshape(shape)


def relu_derivatives(z):
    """(g, g', g'') of ReLU at z: max(z, 0), 1 where z > 0 else 0, and 0.

    g is linear on each side of the kink at z = 0, so g'' = 0 there; at z = 0 itself g' jumps
    from 0 to 1 and g'' does not exist (a Dirac delta, in the sense of distributions). 0 is the
    derivative of the one-sided choice g'(0) = 0 that backprop makes, exact wherever no z sits
    exactly on the kink.
    """
    z, shape = _as_floating(z)
    return relu(z).reshape(shape), (z > 0).astype(z.dtype).reshape(shape), np.zeros(shape, z.dtype)


def sigmoid_second_derivative(z):
    """g''(z) = g'(z) (1 - 2 g(z)) for the sigmoid, elementwise (see :func:`sigmoid_derivatives`)."""
    return sigmoid_derivatives(z)[2]


def tanh_second_derivative(z):
    """g''(z) = -2 tanh(z) sech^2(z), elementwise (see :func:`tanh_derivatives`)."""
    return tanh_derivatives(z)[2]


def relu_second_derivative(z):
    """g''(z) = 0 for ReLU, elementwise, exact away from the kink at z = 0 (see :func:`relu_derivatives`)."""
    return relu_derivatives(z)[2]


class SecondOrderActivation(NamedTuple):
    """A hidden-layer activation: ``derivatives(z) -> (g, g', g'')``, and each alone, all from z."""

    name: str
    derivatives: Callable

    def g(self, z):
        return self.derivatives(z)[0]

    def gradient(self, z):
        return self.derivatives(z)[1]

    def second_derivative(self, z):
        return self.derivatives(z)[2]


SECOND_ORDER = {
    "sigmoid": SecondOrderActivation("sigmoid", sigmoid_derivatives),
    "tanh": SecondOrderActivation("tanh", tanh_derivatives),
    "relu": SecondOrderActivation("relu", relu_derivatives),
}


# --- the output layer: delta(L) = h - y and its derivative along v -------------------------------

def _R_h(out, z_L, Rz_L):
    """R{h} = R{delta(L)}: h'(z(L)) applied to R{z(L)}, along the last axis.

    Sigmoid outputs: h(1 - h) .* R{z}, with h(1 - h) = g(z) g(-z) taken from z. Softmax: the
    Jacobian diag(h) - h h^T of each row times R{z}: h .* (R{z} - sum_k h_k R{z}_k).
    """
    if out.name == "sigmoid":
        with np.errstate(under="ignore"):
            h_slope = sigmoid(z_L)
            h_slope *= sigmoid(-z_L)  # h (1 - h) = g(z) g(-z), without the cancellation 1 - h
        h_slope *= Rz_L
        return h_slope
    with np.errstate(under="ignore"):
        h = out.h(z_L)
        return h * (Rz_L - (h * Rz_L).sum(axis=-1, keepdims=True))


# --- the public functions ---------------------------------------------------------------------

def hessian_vector_product(theta_vec, layer_sizes, X, y, lam, v, *, activation="sigmoid", output="sigmoid",
                           method="vectorized"):
    """H v, the Hessian of the course's cost J(Theta) times a direction v, by the R-operator.

    Parameters
    ----------
    theta_vec : array (P,), Theta(1), ..., Theta(L-1) unrolled in column-major order
    layer_sizes : sequence of ints (s_1, ..., s_L), L >= 2
    X : array (m, s_1), one example per row
    y : integer labels 0..K-1 of shape (m,), or an (m, K) 0-1 matrix (as for nn_cost_function)
    lam : float >= 0, the regularisation parameter lambda
    v : array (P,), the direction, unrolled like theta_vec: V(l) = reshape(v)[l - 1]
    activation : "sigmoid", "tanh" or "relu", for the hidden layers
    output : "sigmoid" (cross-entropy over K sigmoid outputs) or "softmax"
    method : "vectorized" (default) or "loop" (per example, as in the course)

    Returns
    -------
    Hv : array (P,), d/dr DVec(theta_vec + r v) at r = 0 = [R{D(1)}(:); R{D(2)}(:); ...]: the
        R-forward and R-backward passes of the module docstring. Float64, or float32 when
        theta_vec, X and v are all float32.

    The inputs are never modified. Bad arguments raise ValueError or TypeError naming them;
    a result too large for the dtype raises OverflowError.
    """
    return _second_order(theta_vec, layer_sizes, X, y, lam, v, activation, output, method, gauss_newton=False)


def gauss_newton_vector_product(theta_vec, layer_sizes, X, y, lam, v, *, activation="sigmoid", output="sigmoid",
                                method="vectorized"):
    """G v, the Gauss-Newton matrix (Schraudolph 2002) times v: positive semi-definite.

    G = (1/m) sum_i J_i^T H_i J_i + (lambda/m) I_weights, with J_i = dz(L)_i/dtheta and H_i the
    Hessian of example i's cost in z(L)_i, which is PSD for both outputs (a sigmoid cross-entropy
    is convex in z, and so is the softmax one); so v . G v >= 0 for every v. G equals H where
    the network is linear in theta (no hidden layer) and drops H's terms in delta(l+1) V(l) and
    g'' otherwise (see the module docstring for the passes).

    Arguments and return as for :func:`hessian_vector_product`.
    """
    return _second_order(theta_vec, layer_sizes, X, y, lam, v, activation, output, method, gauss_newton=True)


def make_hessp(layer_sizes, X, y, lam, *, activation="sigmoid", output="sigmoid", gauss_newton=False):
    """``hessp(theta_vec, p) -> H p`` (or G p) for ``scipy.optimize.minimize(..., hessp=hessp)``.

    The data, lambda and network stay fixed; SciPy's Newton-CG, trust-ncg and trust-krylov call
    it once per conjugate-gradient step. ``gauss_newton=True`` gives G p instead (PSD, so the
    inner conjugate gradients never meet negative curvature).
    """
    product = gauss_newton_vector_product if gauss_newton else hessian_vector_product

    def hessp(theta_vec, p):
        return product(theta_vec, layer_sizes, X, y, lam, p, activation=activation, output=output)

    return hessp


def _second_order(theta_vec, layer_sizes, X, y, lam, v, activation, output, method, gauss_newton):
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    thetas = reshape(theta_vec, layer_sizes)
    args = network_arguments(thetas, X, y, lam, activation=activation, output=output)
    if args.X.dtype.kind == "c":
        raise TypeError("theta_vec must be real for H v (the complex step belongs to the oracles), "
                        f"got dtype {args.X.dtype}")
    v = as_array("v", v, ndim=1)
    if v.shape != np.shape(theta_vec):
        raise ValueError(f"v must have the shape of theta_vec, ({np.size(theta_vec)},) for layer sizes "
                         f"{tuple(layer_sizes)}, got {v.shape}")
    dtype = np.result_type(args.X.dtype, v.dtype)  # float64 v with float32 weights: compute in float64
    thetas = [np.asarray(Theta, dtype) for Theta in args.thetas]
    Vs = [np.asarray(V, dtype) for V in reshape(v, layer_sizes)]
    X, Y = np.asarray(args.X, dtype), args.Y.astype(dtype, copy=False)
    R_pass = _R_vectorized if method == "vectorized" else _R_loop
    flops = 6 * X.shape[0] * sum(Theta.size for Theta in thetas)
    threads = 1 if flops < ONE_BLAS_THREAD_BELOW_FLOPS else None  # the caller's setting comes back on return
    with blas_threads(threads), overflow_is_an_error(args, what="H v (some R{z} or R{delta})"):
        RD = R_pass(thetas, Vs, X, Y, args.lam, SECOND_ORDER[args.act.name], args.out, gauss_newton)
    return np.concatenate([RD_l.ravel(order="F") for RD_l in RD])  # unrolled like theta_vec


# One BLAS thread below the size from which threads pay (the bound cost function's threshold):
# with the default two threads H v took 7.9 ms against 4.5 ms on one at 64-25-10 (m = 1797), 48
# against 30 ms at 400-25-10 (m = 5000), 136 against 118 ms at 784-256-256-10 (m = 1024), medians
# of 15 alternating calls, one other process sharing the two cores (python -m benchmarks.hessian_threads).
ONE_BLAS_THREAD_BELOW_FLOPS = PARALLEL_ABOVE_FLOPS


def _regularize(RD, Vs, lam, m):
    """R{D(l)} = R{Delta(l)} / m + (lambda/m) [0  V(l)[:, 1:]], in place, for every l."""
    for RD_l, V in zip(RD, Vs):
        RD_l /= m
        if lam > 0:
            RD_l[:, 1:] += (lam / m) * V[:, 1:]


def _R_loop(thetas, Vs, X, Y, lam, g, out, gauss_newton):
    m, L = X.shape[0], len(thetas) + 1
    one, zero = np.ones(1, dtype=X.dtype), np.zeros(1, dtype=X.dtype)
    RDelta = [np.zeros_like(Theta) for Theta in thetas]
    for t in range(m):
        # Forward and R-forward for example t, column vectors a(l) with the bias unit first.
        a, Ra = [np.concatenate((one, X[t]))], [np.zeros(X.shape[1] + 1, dtype=X.dtype)]
        z, Rz = [None], [None]
        for l in range(L - 1):
            z.append(thetas[l] @ a[l])
            Rz.append(thetas[l] @ Ra[l] + Vs[l] @ a[l])  # R{z(l+1)} = Theta(l) R{a(l)} + V(l) a(l)
            if l < L - 2:
                a.append(np.concatenate((one, g.g(z[l + 1]))))
                Ra.append(np.concatenate((zero, g.gradient(z[l + 1]) * Rz[l + 1])))

        # Backward and R-backward: delta(L) = h - y(t), R{delta(L)} = R{h}.
        delta = out.error(z[L - 1], Y[t])
        Rdelta = _R_h(out, z[L - 1], Rz[L - 1])
        for l in range(L - 2, -1, -1):
            RDelta[l] += np.outer(Rdelta, a[l])
            if not gauss_newton:
                RDelta[l] += np.outer(delta, Ra[l])
            if l > 0:
                if gauss_newton:
                    Rdelta = (thetas[l].T @ Rdelta)[1:] * g.gradient(z[l])
                    continue
                back = (thetas[l].T @ delta)[1:]  # Theta(l)^T delta(l+1), bias row dropped
                Rdelta = ((thetas[l].T @ Rdelta + Vs[l].T @ delta)[1:] * g.gradient(z[l])
                          + back * g.second_derivative(z[l]) * Rz[l])
                delta = back * g.gradient(z[l])

    _regularize(RDelta, Vs, lam, m)
    return RDelta


def _R_vectorized(thetas, Vs, X, Y, lam, g, out, gauss_newton):
    m, n = X.shape[0], len(thetas)
    # a[l] holds only the units of a(l), (m, s_l), without the column of ones: each product with
    # a(l) is taken as its bias term plus the product with the units (see _affine and _outer),
    # so no array is copied to prepend ones. Likewise Ra[l] is R{a(l)} without its column of 0.
    # g1[l] is g'(z(l)), computed with a(l); the R-backward pass needs g''(z(l)) only in the
    # product g''(z(l)) .* R{z(l)}, which g2_Rz[l] holds, so that R{z(l)} itself is not kept.
    z_L, Rz_L = _products(X, thetas[0], Vs[0])  # z(2) and R{z(2)} = a(1) V(1)^T: R{a(1)} = 0
    a, Ra, g1, g2_Rz = [X], [None], [None], [None]
    for l in range(1, n):
        a_l, g1_l, g2_l = g.derivatives(z_L)
        g2_l *= Rz_L                                              # g''(z(l)) .* R{z(l)}
        Rz_L *= g1_l                                              # R{a(l)} = g'(z(l)) .* R{z(l)}, in place
        a.append(a_l), g1.append(g1_l), g2_Rz.append(g2_l), Ra.append(Rz_L)
        z_L, Rz_L = _products(a_l, thetas[l], Vs[l])              # z(l+1) = a(l) Theta(l)^T, a(l) V(l)^T
        Rz_L += Ra[l] @ thetas[l][:, 1:].T                        # R{z(l+1)} = ... + R{a(l)} Theta(l)^T

    RD = [np.empty_like(Theta) for Theta in thetas]  # R{Delta(l)}, then R{D(l)}
    delta = None if gauss_newton else out.error(z_L, Y)
    Rdelta = _R_h(out, z_L, Rz_L)
    for l in range(n - 1, -1, -1):
        _outer(Rdelta, a[l], out=RD[l])                          # R{delta(l+1)}^T a(l)
        if not gauss_newton and Ra[l] is not None:
            RD[l][:, 1:] += delta.T @ Ra[l]                       # + delta(l+1)^T R{a(l)}
        if l == 0:
            break
        Theta_w, g_prime = thetas[l][:, 1:], g1[l]
        if gauss_newton:
            Rdelta = (Rdelta @ Theta_w) * g_prime
            continue
        back, Rdelta = _back_products(delta, Rdelta, Theta_w, Vs[l][:, 1:])
        Rdelta *= g_prime
        g2_Rz[l] *= back
        Rdelta += g2_Rz[l]                                        # + back .* g''(z(l)) .* R{z(l)}
        back *= g_prime
        delta = back                                              # delta(l) = back .* g'(z(l))

    _regularize(RD, Vs, lam, m)
    return RD


def _products(a, Theta, V):
    """a(l) Theta(l)^T and a(l) V(l)^T, (m, s_{l+1}) each, in one product with [Theta(l); V(l)]."""
    s = Theta.shape[0]
    both = _affine(a, np.concatenate((Theta, V)))
    return both[:, :s], both[:, s:]


def _back_products(delta, Rdelta, Theta_w, V_w):
    """delta Theta_w and R{delta} Theta_w + delta V_w, (m, s_l) each.

    The two products with delta are one, delta [Theta_w  V_w], whose column blocks they are.
    """
    s = Theta_w.shape[1]
    both = delta @ np.concatenate((Theta_w, V_w), axis=1)
    back, Rdelta_next = both[:, :s], both[:, s:]
    Rdelta_next += Rdelta @ Theta_w
    return back, Rdelta_next


def _affine(a, W):
    """[1 a] W^T = a W[:, 1:]^T + W[:, 0], (m, rows of W): a holds the units of a(l) only."""
    result = a @ W[:, 1:].T
    result += W[:, 0]
    return result


def _outer(delta, a, out):
    """delta^T [1 a] into ``out`` (s_{l+1}, s_l + 1): column 0 is the sum of delta over examples."""
    out[:, 0] = delta.sum(axis=0)
    out[:, 1:] = delta.T @ a  # into a new array first: BLAS is slower writing into a strided view
