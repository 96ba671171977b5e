"""Helpers that make most tests one line: random networks and comparisons by the tolerance table."""

from __future__ import annotations

import numpy as np

from manual_backprop import n_params
from reference.finite_difference import relative_difference  # noqa: F401  (re-exported for the tests)
from reference.tolerances import tolerance


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


def assert_close(actual, desired, check, dtype=np.float64):
    """numpy.testing.assert_allclose with the table's tolerance for ``check``; the message names it."""
    tol = tolerance(check, dtype)
    np.testing.assert_allclose(actual, desired, rtol=tol.rtol, atol=tol.atol,
                               err_msg=f"{check}: {tol.reason}")
