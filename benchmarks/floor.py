"""The BLAS floor: the matrix products that any gradient of the network must do, and nothing else.

For a network with Theta(1), ..., Theta(L-1) and a batch of m examples, backpropagation needs

    z(l+1)   = a(l) Theta(l)^T              forward product, every layer      (m, s_{l+1})
    Delta(l) = delta(l+1)^T a(l)            weight-gradient product, every layer (s_{l+1}, s_l + 1)
    delta(l) = delta(l+1) Theta(l)[:, 1:]   delta product, every layer but the first (m, s_l)

(about 2 m s_{l+1} (s_l + 1) flops each). The floor runs exactly these products, on the same a(l),
delta(l) and Theta(l) that the gradient sees, into preallocated C-ordered outputs, in the
orientation the bound cost function runs them: a(1) = [1 X] with one row per example, every later
a(l) and delta(l) with one column per example, so that z(l+1)^T = Theta(l) a(l)^T, Delta(l) =
delta(l+1)^T a(l) and delta(l)^T = Theta(l)[:, 1:]^T delta(l+1)^T. OpenBLAS runs that orientation
faster than the course's rows (0.55 to 0.98 of the time for every z product of the grid from
64-25-10 up); the rows are faster for a few products of the output layer, by 0.5 ms at most in one
gradient (Delta(3) and delta(3) of 1024-1024-1024-10, whose products take 453 ms in all; ``python
-m benchmarks.orientation``). It leaves out every elementwise step
(activations, g', the cost, the bias column, the regularisation), argument checks and allocation:
an implementation faster than it with the same BLAS would have to run the few output-layer
products the other way round, and the ratio of a contestant's time to it says how much time goes
elsewhere.
"""

from __future__ import annotations

import numpy as np

__all__ = ["matrix_products", "floor_flops"]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def matrix_products(problem):
    """A callable that does the floor's products for ``problem`` (a :class:`benchmarks.grid.Problem`)."""
    sizes, theta_vec, X, Y = problem.layer_sizes, problem.theta_vec, problem.X, problem.Y
    thetas, start = [], 0
    for s, s_next in zip(sizes[:-1], sizes[1:]):
        # Theta(l) as the transpose of a C-ordered (s_l + 1, s_{l+1}) block, as theta_vec lays it out.
        thetas.append(theta_vec[start:start + s_next * (s + 1)].reshape(s + 1, s_next).T)
        start += s_next * (s + 1)
    m, L = X.shape[0], len(sizes)
    a = [np.hstack([np.ones((m, 1)), X])]
    for l, Theta in enumerate(thetas[:-1]):
        a.append(np.hstack([np.ones((m, 1)), _sigmoid(a[l] @ Theta.T)]))
    delta = [None] * L
    delta[L - 1] = _sigmoid(a[L - 2] @ thetas[L - 2].T) - Y
    for l in range(L - 2, 0, -1):
        g = a[l][:, 1:]
        delta[l] = (delta[l + 1] @ thetas[l][:, 1:]) * g * (1.0 - g)
    # One column per example from a(2) on (a(1) as X comes), as the bound cost function keeps them.
    a_T = [a[0].T] + [np.ascontiguousarray(a_l.T) for a_l in a[1:]]
    a_cols = [a[0]] + [a_l.T for a_l in a_T[1:]]
    delta_T = [None] + [np.ascontiguousarray(d.T) for d in delta[1:]]
    z_out = [np.empty((Theta.shape[0], m)) for Theta in thetas]
    Delta_out = [np.empty(Theta.shape) for Theta in thetas]
    delta_out = [np.empty((Theta.shape[1] - 1, m)) for Theta in thetas]
    Theta_w_T = [Theta[:, 1:].T for Theta in thetas]

    def products():
        for l in range(L - 1):
            np.matmul(thetas[l], a_T[l], out=z_out[l])
        for l in range(L - 2, -1, -1):
            np.matmul(delta_T[l + 1], a_cols[l], out=Delta_out[l])
            if l > 0:
                np.matmul(Theta_w_T[l], delta_T[l + 1], out=delta_out[l])

    return products


def floor_flops(layer_sizes, m):
    """Floating-point operations of the floor's products: 2 m s_{l+1} (s_l + 1) per product."""
    flops = 0
    for l, (s, s_next) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:])):
        flops += 2 * (2 * m * s_next * (s + 1))  # z(l+1) and Delta(l)
        if l > 0:
            flops += 2 * m * s_next * s  # delta(l)
    return flops
