"""What one example of the property suite costs, by network size.

The property tests draw a network and data per Hypothesis example, then either compare our J and
gradient with JAX's, or check the whole gradient by central differences. This times those two
operations directly, per network size, as one example does them:

* ``jax_comparison_new_shape``: our nn_cost_function plus ``reference.autodiff.nn_cost_function``
  for a network shape JAX has not compiled yet (Hypothesis draws new shapes all the time, so
  most examples pay the compilation);
* ``jax_comparison_cached``: the same for a shape already compiled;
* ``central_difference_check``: our nn_cost_function plus the full gradApprox, 2P evaluations of
  ``nn_cost``.
"""

from __future__ import annotations

import importlib
import time

import numpy as np

from manual_backprop import nn_cost, nn_cost_function

from .grid import Point, make_problem, n_params

__all__ = ["SUITE_SIZES", "time_suite"]

# Networks of the sizes the property strategies draw, from the smallest to their upper bound.
SUITE_SIZES = [
    Point((2, 2), 3),
    Point((3, 5, 3), 5),
    Point((6, 8, 8, 4), 10),
    Point((12, 12, 12, 12, 12), 20),
]


def _median_time(f, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def time_suite(sizes=SUITE_SIZES, repeats=3):
    """A list of dicts, one per network size: P and the seconds of each operation per example."""
    try:
        autodiff = importlib.import_module("reference.autodiff")
        jax, _ = autodiff.jax_modules()
    except ImportError as error:
        autodiff, jax_note = None, f"JAX comparison skipped: {error}"
    from reference.finite_difference import central_difference

    rows = []
    for point in sizes:
        p = make_problem(point)
        row = {"network": point.name, "layer_sizes": list(point.layer_sizes), "m": point.m,
               "P": n_params(point.layer_sizes)}

        def ours():
            return nn_cost_function(p.theta_vec, p.layer_sizes, p.X, p.y, p.lam)

        def cost(theta):
            return nn_cost(theta, p.layer_sizes, p.X, p.y, p.lam)

        ours()
        if autodiff is not None:
            def compare_new_shape():
                jax.clear_caches()  # as for a shape never seen: trace and compile again
                ours()
                autodiff.nn_cost_function(p.theta_vec, p.layer_sizes, p.X, p.y, p.lam)

            def compare_cached():
                ours()
                autodiff.nn_cost_function(p.theta_vec, p.layer_sizes, p.X, p.y, p.lam)

            row["jax_comparison_new_shape_s"] = _median_time(compare_new_shape, repeats)
            compare_cached()
            row["jax_comparison_cached_s"] = _median_time(compare_cached, max(repeats, 10))
        else:
            row["note"] = jax_note
        row["central_difference_check_s"] = _median_time(
            lambda: (ours(), central_difference(cost, p.theta_vec)), repeats)
        rows.append(row)
    return rows
