"""Helpers that keep each property of the suite a few lines: the cost of a drawn network, its
matrices, and comparisons whose tolerances come from the one table."""

from __future__ import annotations

import numpy as np

from manual_backprop import forward_propagation, nn_cost, nn_cost_function, reshape
from reference.finite_difference import central_difference, directional_differences
from reference.tolerances import tolerance


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


def assert_within_tolerance(actual, desired, check, *, scale=None):
    """|actual - desired| <= atol + rtol * scale elementwise, with the table's tolerance for ``check``.

    ``scale`` defaults to |desired| (numpy.allclose); a sum whose terms cancel passes the sum of
    the terms' magnitudes instead, since rounding errors scale with those.
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
