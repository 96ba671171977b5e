"""Right ReLU gradients placed near kinks: the checker must never call them wrong.

A ReLU network in which one hidden pre-activation z(2) of one example lies at a distance d from 0
(1e-9 <= d <= 1e-3, log-uniform), so that J has a kink within eps = 1e-4 of theta along the
coordinates that move it. The gradient is the library's backprop, which is right (checked against
JAX in tests/test_autodiff.py): every verdict must be "passed" or "cannot tell", never "failed".

    python -m tests.kinks 1000          # 1000 trials per method; prints the counts of each verdict
    python -m tests.kinks 1000 --wrong  # the same with one entry near the kink made wrong: never "passed"
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

import numpy as np

import manual_backprop as mb

__all__ = ["relu_near_kink", "complex_safe_relu_cost", "trial", "run"]

METHODS = ("central", "directional", "complex")


def complex_safe_relu_cost(layer_sizes, X, y, lam):
    """J of a ReLU network with a sigmoid output, written so that complex theta goes through.

    ReLU is applied as where(Re z > 0, z, 0): piecewise analytic, so the complex step gives the
    derivative of the piece theta lies on. Equal to nn_cost(..., activation="relu") for real theta.
    """
    Y = np.eye(max(layer_sizes[-1], 2))[y][:, : layer_sizes[-1]] if layer_sizes[-1] > 1 else y[:, None] * 1.0
    m = X.shape[0]

    def cost(theta_vec):
        thetas, start = [], 0
        for s, s_next in zip(layer_sizes[:-1], layer_sizes[1:]):
            size = s_next * (s + 1)
            thetas.append(theta_vec[start:start + size].reshape((s_next, s + 1), order="F"))
            start += size
        a = X
        for l, Theta in enumerate(thetas):
            z = np.hstack([np.ones((m, 1)), a]) @ Theta.T
            a = np.where(z.real > 0, z, 0) if l < len(thetas) - 1 else 1 / (1 + np.exp(-z))
        J = -np.sum(Y * np.log(a) + (1 - Y) * np.log(1 - a)) / m
        return J + lam / (2 * m) * sum(np.sum(Theta[:, 1:] ** 2) for Theta in thetas)

    return cost


def relu_near_kink(rng, distance, layer_sizes=(3, 4, 2), m=4, lam=1.0):
    """(theta_vec, layer_sizes, X, y, lam, (example, unit)) with z(2)[example, unit] = +-distance."""
    theta_vec = rng.uniform(-1, 1, mb.n_params(layer_sizes))
    X = rng.uniform(-1, 1, (m, layer_sizes[0]))
    y = rng.integers(0, max(layer_sizes[-1], 2), m)
    Theta1 = mb.reshape(theta_vec, layer_sizes)[0]
    z2 = np.hstack([np.ones((m, 1)), X]) @ Theta1.T
    i, j = rng.integers(m), rng.integers(layer_sizes[1])
    target = distance * rng.choice([-1.0, 1.0])
    theta_vec[j] += target - z2[i, j]  # Theta(1)[j, 0], the bias of unit j, comes first in theta_vec
    return theta_vec, layer_sizes, X, y, lam, (i, j)


def trial(rng, distance, method, wrong=False):
    """One check of a ReLU gradient near a kink: the report.

    With ``wrong``, one entry that moves the unit near its kink (its bias or one of its weights)
    is made wrong by 1e-5 to 1e-2 relative (log-uniform; relative to max(|entry|, 1e-3)).
    """
    theta_vec, layer_sizes, X, y, lam, (_, unit) = relu_near_kink(rng, distance)
    k = unit + layer_sizes[1] * int(rng.integers(layer_sizes[0] + 1))  # Theta(1)[unit, column], column-major
    size = 10.0 ** rng.uniform(-5, -2)

    def cost_fn(t):
        J, grad = mb.nn_cost_function(t, layer_sizes, X, y, lam, activation="relu")
        if wrong:
            grad[k] += size * max(abs(grad[k]), 1e-3)
        return J, grad

    if method == "complex":
        cost = complex_safe_relu_cost(layer_sizes, X, y, lam)
    else:
        cost = lambda t: mb.nn_cost(t, layer_sizes, X, y, lam, activation="relu")  # noqa: E731
    return mb.check_gradients(cost_fn, theta_vec, layer_sizes, method=method, cost=cost,
                              rng=np.random.default_rng(rng.integers(2 ** 32)))


def run(n, seed=0, methods=METHODS, wrong=False):
    """{method: Counter of verdicts} over n trials each, distances log-uniform in [1e-9, 1e-3]."""
    counts = {}
    for method in methods:
        rng = np.random.default_rng(seed)
        counts[method] = Counter()
        for _ in range(n):
            distance = 10.0 ** rng.uniform(-9, -3)
            report = trial(rng, distance, method, wrong)
            counts[method][report.verdict] += 1
            if report.verdict == ("passed" if wrong else "failed"):
                print(f"{report.verdict} on a {'wrong' if wrong else 'right'} gradient ({method}, distance "
                      f"{distance:.3g}):\n{report}", file=sys.stderr)
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.kinks", description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=1000, help="trials per method (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--wrong", action="store_true",
                        help="make one entry of the unit near its kink wrong by 1e-5 to 1e-2 relative")
    args = parser.parse_args(argv)
    counts = run(args.n, args.seed, wrong=args.wrong)
    for method, c in counts.items():
        print(f"{method:>12}: {args.n} trials of a {'wrong' if args.wrong else 'right'} gradient, passed "
              f"{c['passed']}, cannot tell {c['cannot tell']}, failed {c['failed']}")
    return 1 if any(c["passed" if args.wrong else "failed"] for c in counts.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
