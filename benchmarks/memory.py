"""Peak memory of one gradient: what ``nn_cost_function`` allocates, against what it must hold.

tracemalloc sees NumPy's array buffers, so its peak during one call is the most memory the call
had allocated at once (the inputs, allocated before, are not counted). Two budgets:

* ``course``: the parameters theta_vec and the gradient grad_vec (P floats each) and the
  activations the course's algorithm stores for the backward pass, a(1) = [1 X], z(2), a(2),
  ..., z(L), a(L) (the issue's "parameters, gradients and stored activations");
* ``kept``: the same with only what our lean forward pass keeps, a(2), ..., a(L) and z(L).
  Backprop needs delta(l) beside a(l) at some point, so a peak near twice the widest hidden
  layer is the least any implementation of the course's formulas reaches against this budget.
"""

from __future__ import annotations

import tracemalloc

__all__ = ["peak_memory"]


def peak_memory(call, layer_sizes, m, itemsize=8):
    """Peak bytes allocated during ``call()``, both budgets and the peak's ratio to each."""
    call()  # warm: first-call allocations (imports, caches) are not the gradient's
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    peak -= base
    sizes = layer_sizes
    P = sum(b * (a + 1) for a, b in zip(sizes[:-1], sizes[1:]))
    hidden_a = sum(m * (s + 1) for s in sizes[1:-1])
    hidden_z = sum(m * s for s in sizes[1:-1])
    out = m * sizes[-1]
    course = itemsize * (2 * P + m * (sizes[0] + 1) + hidden_z + hidden_a + 2 * out)
    kept = itemsize * (2 * P + hidden_a + 2 * out)
    return {"peak_bytes": peak, "budget_bytes": course, "ratio": peak / course,
            "kept_bytes": kept, "ratio_to_kept": peak / kept}
