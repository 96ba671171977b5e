"""Benchmarks: the hand-written gradient against autodiff, finite differences and the BLAS floor.

Run from the repository root::

    python -m benchmarks            # the full grid, into benchmarks/results/
    python -m benchmarks --quick    # every grid point with fewer repetitions (under two minutes)

Every contestant computes the cost J and its full gradient, in float64, on the same inputs:

* ``ours``: ``manual_backprop.nn_cost_function`` (vectorised backprop), the reference for ratios;
* ``loop``: the same with ``method="loop"``, the course's per-example loop (small sizes only);
* ``jax-jit`` and ``jax``: ``jax.value_and_grad`` of ``reference.autodiff.make_cost``, jitted and not;
* ``torch``: the same cost in PyTorch, ``backward()`` (skipped with a note when torch is absent);
* ``central-diff``: the course's gradApprox, 2P cost evaluations (run up to a size, extrapolated
  beyond from the measured time of one cost evaluation);
* ``directional``: the cheap check, our gradient plus one central difference along a random
  direction (2 cost evaluations);
* ``cost-only``: ``manual_backprop.nn_cost``, the forward pass alone, for scale;
* ``floor``: the matrix products any gradient must do, on the same arrays (see :mod:`.floor`).

Timings are interleaved (every contestant once per round, the order rotated each round), the
warm-up round is dropped, and each ratio to ``ours`` is the median of the per-round ratios, so
that a burst of load on a shared machine hits both sides of a ratio alike.

The benchmark measures; it asserts nothing. Correctness is the test suite's job, but each
contestant's gradient is compared with ours once (recorded in the JSON), so a fast wrong
answer cannot win. Not covered: float32, training time, GPUs (see ``benchmarks/gpu.py``).
"""
