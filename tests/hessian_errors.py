"""Measured errors behind the second-order entries of reference/tolerances.py.

Draws networks as manual_backprop.strategies.networks() does (2 to 5 layers of 1 to 12 units,
weights and inputs uniform in [-1, 1], m <= 10, lambda in [0, 10], every activation and output)
with a direction v uniform in [-1, 1], and prints, for each comparison of the property suite
(tests/test_hessian.py), the largest error in the units of its tolerance:

    python -m tests.hessian_errors 300        # 300 networks (about a minute)
"""

from __future__ import annotations

import sys

import numpy as np

from manual_backprop import n_params
from manual_backprop.hessian import gauss_newton_vector_product, hessian_vector_product
from reference import second_order


def draw(rng):
    L = int(rng.integers(2, 6))
    sizes = tuple(int(s) for s in rng.integers(1, 13, size=L))
    activation = str(rng.choice(["sigmoid", "tanh", "relu"]))
    output = "softmax" if sizes[-1] >= 2 and rng.random() < 0.5 else "sigmoid"
    m = int(rng.integers(1, 11))
    P = n_params(sizes)
    theta = rng.uniform(-1, 1, P)
    X = rng.uniform(-1, 1, (m, sizes[0]))
    y = rng.integers(0, max(2, sizes[-1]), m)
    lam = float(rng.uniform(0, 10))
    v, w = rng.uniform(-1, 1, P), rng.uniform(-1, 1, P)
    return sizes, activation, output, theta, X, y, lam, v, w


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    n = int(argv[0]) if argv else 300
    rng = np.random.default_rng(int(argv[1]) if len(argv) > 1 else 0)
    worst = {}

    def record(name, value):
        worst[name] = max(worst.get(name, 0.0), float(value))

    for _ in range(n):
        sizes, act, out, theta, X, y, lam, v, w = draw(rng)
        kw = dict(activation=act, output=out)
        args = (theta, sizes, X, y, lam)
        Hv = hessian_vector_product(*args, v, **kw)
        Hv_loop = hessian_vector_product(*args, v, **kw, method="loop")
        Hw = hessian_vector_product(*args, w, **kw)
        Gv = gauss_newton_vector_product(*args, v, **kw)
        Gv_loop = gauss_newton_vector_product(*args, v, **kw, method="loop")
        jax_Hv = second_order.hessian_vector_product(*args, v, **kw)
        jax_Gv = second_order.gauss_newton_vector_product(*args, v, **kw)
        scale = np.abs(jax_Hv).max()
        record("autodiff: max|Hv - jax| / max|jax|", np.abs(Hv - jax_Hv).max() / scale)
        record("autodiff: max|Gv - jax| / max|jax|", np.abs(Gv - jax_Gv).max() / np.abs(jax_Gv).max())
        record("loop: max|loop - vec| / max|vec|", max(np.abs(Hv - Hv_loop).max() / np.abs(Hv).max(),
                                                      np.abs(Gv - Gv_loop).max() / np.abs(Gv).max()))
        record("symmetry: |w.Hv - v.Hw| / (|w||Hv| + |v||Hw|)",
               abs(w @ Hv - v @ Hw) / (np.linalg.norm(w) * np.linalg.norm(Hv) + np.linalg.norm(v) * np.linalg.norm(Hw)))
        alpha, beta = 0.7, -1.3
        Hvw = hessian_vector_product(*args, alpha * v + beta * w, **kw)
        record("linearity: max|H(av+bw) - aHv - bHw| / max(|aHv| + |bHw|)",
               np.abs(Hvw - alpha * Hv - beta * Hw).max() / (np.abs(alpha * Hv) + np.abs(beta * Hw)).max())
        record("PSD: -v.Gv / (|v| |Gv|)", -(v @ Gv) / (np.linalg.norm(v) * np.linalg.norm(Gv)))
        norm_v = np.linalg.norm(v)
        for eps in (1e-3, 1e-4, 1e-5, 1e-6):
            fd = second_order.gradient_central_difference(*args, v, **kw, eps=eps)
            stable = True
            if act == "relu":
                # the signs of every hidden z must stay put over theta +- eps u
                from manual_backprop import forward_propagation, reshape
                u = v / norm_v
                def signs(t):
                    return [zz > 0 for zz in forward_propagation(reshape(t, sizes), X, **kw).z[1:-1]]
                s0 = signs(theta)
                stable = all(all(np.array_equal(a, b) for a, b in zip(signs(theta + s * eps * u), s0))
                             for s in (1, -1))
            if stable:
                record(f"central difference eps={eps:g}: max|Hv - fd| / |v|", np.abs(Hv - fd).max() / norm_v)
        if act != "relu":
            cs = second_order.gradient_complex_step(*args, v, **kw)
            record("complex step: max|Hv - cs| / max|cs|", np.abs(Hv - cs).max() / np.abs(cs).max())
    for name, value in worst.items():
        print(f"{name:70s} {value:.3g}")
    print(f"({n} networks)")


if __name__ == "__main__":
    main()
