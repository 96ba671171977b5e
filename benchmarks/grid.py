"""The grid of networks and batch sizes, from the course's gradient-check network to a large MLP.

Each point is a network (layer sizes) and a batch size m; its problem is drawn once from a
seeded Generator: weights as the course initialises them (uniform in +-sqrt(6)/sqrt(s_l + s_{l+1})),
standard normal inputs, uniformly random labels, lambda = 1, sigmoid hidden units and outputs.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Point", "Problem", "GRID", "make_problem", "n_params"]


class Point(NamedTuple):
    layer_sizes: tuple
    m: int
    note: str = ""

    @property
    def name(self):
        return "-".join(map(str, self.layer_sizes)) + f" m={self.m}"


GRID = [
    Point((3, 5, 3), 5, "the course's gradient check"),
    Point((10, 20, 20, 4), 100, "small"),
    Point((64, 25, 10), 1797, "scikit-learn digits"),
    Point((400, 25, 10), 500, "ex4 network, small batch"),
    Point((400, 25, 10), 5000, "ex4, the course's digits"),
    Point((256, 128, 10), 2048, "medium"),
    Point((784, 256, 256, 10), 1024, "MNIST-sized MLP"),
    Point((1024, 1024, 1024, 10), 2048, "large"),
]


class Problem(NamedTuple):
    """The inputs every contestant gets: theta_vec (P,), X (m, s_1), labels y (m,), Y (m, K), lambda."""

    point: Point
    theta_vec: np.ndarray
    X: np.ndarray
    y: np.ndarray
    Y: np.ndarray
    lam: float

    @property
    def layer_sizes(self):
        return self.point.layer_sizes


def n_params(layer_sizes):
    """P = sum_l s_{l+1} (s_l + 1)."""
    return sum(b * (a + 1) for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


def make_problem(point, *, lam=1.0, seed=0):
    """The problem of one grid point, drawn from ``numpy.random.default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    blocks = []
    for s, s_next in zip(point.layer_sizes[:-1], point.layer_sizes[1:]):
        eps_init = np.sqrt(6.0) / np.sqrt(s + s_next)
        blocks.append(rng.uniform(-eps_init, eps_init, size=s_next * (s + 1)))
    theta_vec = np.concatenate(blocks)
    X = rng.standard_normal((point.m, point.layer_sizes[0]))
    K = point.layer_sizes[-1]
    y = rng.integers(0, K, size=point.m)
    Y = np.zeros((point.m, K))
    Y[np.arange(point.m), y] = 1.0
    return Problem(point, theta_vec, X, y, Y, lam)
