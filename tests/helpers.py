"""Helpers that make most tests one line: random networks, the drawn network's cost and matrices,
and comparisons whose tolerances come from the one table (reference/tolerances.py)."""

from __future__ import annotations

import numpy as np

from manual_backprop import forward_propagation, n_params, nn_cost, nn_cost_function, reshape
from reference import exact
from reference.autodiff import label_matrix
from reference.finite_difference import central_difference, directional_differences
from reference.finite_difference import relative_difference  # noqa: F401  (re-exported for the tests)
from reference.tolerances import tolerance
from tests.error_bounds import error_bounds


def random_problem(rng, layer_sizes, m, *, scale=1.0, labels="integer"):
    """(theta_vec, X, y) for a network of ``layer_sizes``: normal weights and inputs, random labels."""
    K = layer_sizes[-1]
    theta_vec = scale * rng.standard_normal(n_params(layer_sizes))
    X = rng.standard_normal((m, layer_sizes[0]))
    y = rng.integers(0, max(K, 2), size=m)
    if labels == "one-hot" and K > 1:
        y = np.eye(K)[y]
    elif labels == "multi-label":
        y = rng.integers(0, 2, size=(m, K)).astype(float)
    return theta_vec, X, y


# --- comparisons by the tolerance table ---------------------------------------------------------

def assert_close(actual, desired, check, dtype=np.float64):
    """numpy.testing.assert_allclose with the table's tolerance for ``check``; the message names it."""
    tol = tolerance(check, dtype)
    np.testing.assert_allclose(actual, desired, rtol=tol.rtol, atol=tol.atol,
                               err_msg=f"{check}: {tol.reason}")


def assert_within_tolerance(actual, desired, check, *, scale=None):
    """|actual - desired| <= atol + rtol * scale elementwise, with the table's tolerance for ``check``.

    ``scale`` defaults to |desired| (numpy.allclose); a sum whose terms cancel passes the scale
    that the table entry's reason names (the sum of the terms' magnitudes, say).
    """
    tol = tolerance(check)
    actual, desired = np.asarray(actual), np.asarray(desired)
    scale = np.abs(desired) if scale is None else np.asarray(scale)
    error = np.abs(actual - desired)
    bound = tol.atol + tol.rtol * scale
    if not np.all(error <= bound):
        worst = np.unravel_index(np.argmax(error - bound), error.shape) if error.ndim else ()
        raise AssertionError(
            f"{check}: |actual - desired| = {error[worst]:.3e} exceeds {bound[worst]:.3e} at index "
            f"{tuple(int(i) for i in worst)} (actual {actual[worst]!r}, desired {desired[worst]!r}); "
            f"{int(np.sum(error > bound))} of {error.size} entries out of tolerance.\n"
            f"tolerance rtol={tol.rtol:g}, atol={tol.atol:g}: {tol.reason}"
        )


def assert_columns_identical(A, check, what):
    """Every column of A equals its first column, to the table's tolerance for ``check``."""
    for j in range(1, A.shape[1]):
        try:
            assert_within_tolerance(A[:, j], A[:, 0], check)
        except AssertionError as error:
            raise AssertionError(f"{what}: column {j} differs from column 0\n{error}") from None


def assert_rows_identical(A, check, what):
    """Every row of A equals its first row, to the table's tolerance for ``check``."""
    for i in range(1, A.shape[0]):
        try:
            assert_within_tolerance(A[i], A[0], check)
        except AssertionError as error:
            raise AssertionError(f"{what}: row {i} differs from row 0\n{error}") from None


def assert_exact_per_layer(grad_vec, exact_grad, error_bound, layer_sizes, check, what=""):
    """Each D(l) of ``grad_vec`` within the table's ``check`` ("error_bound" kind) of the exact
    D(l): |D - exact| <= atol * E + rtol * |exact| entry by entry, E the running error bound;
    the message names the layer, its worst entry and the layer's relative error."""
    tol = tolerance(check)
    for l, (D, D_exact, E) in enumerate(zip(*(reshape(v, layer_sizes) for v in (grad_vec, exact_grad, error_bound))),
                                        start=1):
        allowed = tol.atol * E + tol.rtol * np.abs(D_exact)
        if np.all(np.abs(D - D_exact) <= allowed):
            continue
        worst = np.unravel_index(np.argmax(np.abs(D - D_exact) - allowed), D.shape)
        norm = np.linalg.norm(D_exact)
        relative = np.linalg.norm(D - D_exact) / norm if norm else np.inf
        raise AssertionError(
            f"{what}D({l}){list(worst)} = {D[worst]!r}, exact {D_exact[worst]!r}, allowed difference "
            f"{allowed[worst]:.3g}; D({l}) as a whole is {relative:.3g} off, relative.\n{check}: {tol.reason}")


# --- the drawn network of the property suite (manual_backprop.strategies.networks) -----------------

def cost_and_gradient(net, method="vectorized", **changes):
    """(J, grad_vec) of the drawn network ``net``, with any of its fields replaced by ``changes``."""
    net = net.replace(**changes) if changes else net
    return nn_cost_function(*net.args, **net.kwargs, method=method)


def cost(net, theta_vec):
    """J alone at ``theta_vec`` (forward propagation only)."""
    return nn_cost(theta_vec, *net.args[1:], **net.kwargs)


def grad_approx(net, eps=1e-4):
    """The course's gradApprox of ``net``'s cost: central differences, one coordinate at a time."""
    return central_difference(lambda theta_vec: cost(net, theta_vec), net.theta_vec, eps=eps)


def matrices(net, vec):
    """Theta(1), ..., Theta(L-1) (or D(1), ..., for a gradient) from an unrolled vector."""
    return reshape(vec, net.layer_sizes)


def forward(net, theta_vec=None):
    """Every z and a of ``net`` at ``theta_vec`` (default: its own)."""
    theta_vec = net.theta_vec if theta_vec is None else theta_vec
    return forward_propagation(matrices(net, theta_vec), net.X, **net.kwargs)


def directional_slopes(net, directions, eps=1e-4):
    """Central-difference slopes of ``net``'s cost along each row of ``directions`` (n, P)."""
    return directional_differences(lambda theta_vec: cost(net, theta_vec), net.theta_vec, directions, eps=eps)


def relu_signs_are_stable(net, directions=None, eps=1e-4):
    """True when no hidden z changes sign as theta_vec moves by +-eps along any row of
    ``directions`` (default: every coordinate axis).

    Central differences straddling a ReLU kink measure the average of two slopes, not DVec;
    away from kinks the cost is smooth along each direction and the slope bound holds.
    """
    def signs(theta_vec):
        return [z > 0 for z in forward(net, theta_vec).z[1:-1]]

    directions = np.eye(net.theta_vec.size) if directions is None else directions
    base = signs(net.theta_vec)
    return all(all(np.array_equal(s, b) for s, b in zip(signs(net.theta_vec + step * u), base))
               for u in directions for step in (eps, -eps))


def exact_cost_and_gradient(theta_vec, layer_sizes, X, y, lam=0.0, **kwargs):
    """The true (J, grad_vec), from the mpmath oracle rounded once to float64."""
    J, grad = exact.nn_cost_function(theta_vec, layer_sizes, X, label_matrix(y, layer_sizes[-1]), lam, **kwargs)
    return exact.to_float(J), exact.to_float(grad)


def assert_exact_on_saturated_problem(J, grad_vec, problem, what=""):
    """J and grad_vec equal the true ones of ``problem`` (a tests.hostile problem) within the
    running error bound (tests/error_bounds.py), J overall and DVec per Theta(l): the
    ``saturated_vs_exact`` entry of the tolerance table."""
    theta_vec, sizes, X, y, lam = problem.args()
    J_exact, grad_exact = exact_cost_and_gradient(theta_vec, sizes, X, y, lam, **problem.kwargs())
    Y = label_matrix(y, sizes[-1])
    EJ, E_grad = error_bounds(theta_vec, sizes, X, Y, lam, **problem.kwargs(), dtype=np.float64)
    tol = tolerance("saturated_vs_exact")
    assert abs(J - J_exact) <= tol.atol * EJ + tol.rtol * abs(J_exact), f"{what}J = {J!r}, exact {J_exact!r}"
    assert_exact_per_layer(grad_vec, grad_exact, E_grad, sizes, "saturated_vs_exact", what=what)
