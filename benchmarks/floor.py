"""The BLAS floor: the matrix products that any gradient of the network must do, and nothing else.

For a network with Theta(1), ..., Theta(L-1) and a batch of m examples, backpropagation needs

    z(l+1)   = a(l) Theta(l)^T              forward product, every layer      (m, s_{l+1})
    Delta(l) = delta(l+1)^T a(l)            weight-gradient product, every layer (s_{l+1}, s_l + 1)
    delta(l) = delta(l+1) Theta(l)[:, 1:]   delta product, every layer but the first (m, s_l)

(about 2 m s_{l+1} (s_l + 1) flops each). The floor runs exactly these products, on the same a(l),
delta(l) and Theta(l) that the gradient sees, into preallocated C-ordered outputs, with the
matrices in the orientation the formulas above give (the one ``manual_backprop`` uses). It
leaves out every elementwise step (activations, g', the cost, the bias column, the
regularisation), argument checks and allocation: no implementation can be faster than it
with the same BLAS, and the ratio of a contestant's time to it says how much time goes
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
    z_out = [np.empty((m, Theta.shape[0])) for Theta in thetas]
    Delta_out = [np.empty(Theta.shape) for Theta in thetas]
    delta_out = [np.empty((m, Theta.shape[1] - 1)) for Theta in thetas]
    Theta_T = [Theta.T for Theta in thetas]  # C-ordered (s_l + 1, s_{l+1})
    Theta_w = [Theta[:, 1:] for Theta in thetas]

    def products():
        for l in range(L - 1):
            np.matmul(a[l], Theta_T[l], out=z_out[l])
        for l in range(L - 2, -1, -1):
            np.matmul(delta[l + 1].T, a[l], out=Delta_out[l])
            if l > 0:
                np.matmul(delta[l + 1], Theta_w[l], out=delta_out[l])

    return products


def floor_flops(layer_sizes, m):
    """Floating-point operations of the floor's products: 2 m s_{l+1} (s_l + 1) per product."""
    flops = 0
    for l, (s, s_next) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:])):
        flops += 2 * (2 * m * s_next * (s + 1))  # z(l+1) and Delta(l)
        if l > 0:
            flops += 2 * m * s_next * s  # delta(l)
    return flops
