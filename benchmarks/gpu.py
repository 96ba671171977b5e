"""The grid on an accelerator: JAX's jitted value_and_grad, float64 and float32, one script.

Run from the repository root, on a machine whose ``jax`` sees a GPU::

    python -m benchmarks.gpu OUTPUT_FOLDER

It prints ``jax.devices()`` first (on a machine whose jax has no CUDA plugin, the devices are
CPUs and the table says so), then for each grid point of :mod:`benchmarks.grid` the median time of
one jitted ``value_and_grad`` of ``reference.autodiff.make_cost`` (the same cost as the CPU
benchmark), of the forward cost alone, and of the floor's matrix products in ``jax.numpy``, in
float64 and float32. Writes gpu.md and gpu.json into OUTPUT_FOLDER. The hand-written NumPy
backprop is a CPU library and has no place in this table. Needs numpy and jax only; finishes in
about a minute on one GPU (compilation dominates).
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.grid import GRID, make_problem, n_params  # noqa: E402
from benchmarks.report import write_outputs  # noqa: E402

BUDGET_S = 0.5  # timed seconds per measurement, after compilation
MAX_REPEATS = 200


def _jax():
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    return jax, jnp


def _cost_function(layer_sizes):
    from reference.autodiff import make_cost

    return make_cost(layer_sizes)


def _products(layer_sizes):
    """The floor's matrix products (see benchmarks/floor.py) as one jitted function."""
    jax, jnp = _jax()

    def products(a_list, deltas, thetas):
        out = []
        for a, Theta in zip(a_list, thetas):
            out.append(a @ Theta.T)
        for l, (a, Theta) in enumerate(zip(a_list, thetas)):
            out.append(deltas[l].T @ a)
            if l > 0:
                out.append(deltas[l] @ Theta[:, 1:])
        return out

    return jax.jit(products)


def _time(call, jax):
    t0 = time.perf_counter()
    jax.block_until_ready(call())  # compile and run once
    first = time.perf_counter() - t0
    times, start = [], time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start < BUDGET_S and len(times) < MAX_REPEATS):
        t0 = time.perf_counter()
        jax.block_until_ready(call())
        times.append(time.perf_counter() - t0)
    return first, float(np.median(times)), len(times)


def run(out):
    jax, jnp = _jax()
    devices = jax.devices()
    print("jax", jax.__version__, "devices:", devices, "backend:", jax.default_backend(), flush=True)
    device = devices[0]
    rows = []
    for dtype in (np.float64, np.float32):
        for point in GRID:
            p = make_problem(point)
            sizes, m = point.layer_sizes, point.m
            args = [jax.device_put(np.asarray(x, dtype=dtype), device) for x in (p.theta_vec, p.X, p.Y)]
            lam = dtype(p.lam)
            cost = _cost_function(sizes)
            value_and_grad = jax.jit(jax.value_and_grad(cost))
            cost_only = jax.jit(cost)
            first, grad_s, n = _time(lambda: value_and_grad(*args, lam), jax)
            _, cost_s, _ = _time(lambda: cost_only(*args, lam), jax)
            rng = np.random.default_rng(0)
            thetas = [jax.device_put(rng.standard_normal((b, a + 1)).astype(dtype), device)
                      for a, b in zip(sizes[:-1], sizes[1:])]
            a_list = [jax.device_put(rng.standard_normal((m, a + 1)).astype(dtype), device) for a in sizes[:-1]]
            deltas = [jax.device_put(rng.standard_normal((m, b)).astype(dtype), device) for b in sizes[1:]]
            products = _products(sizes)
            _, floor_s, _ = _time(lambda: products(a_list, deltas, thetas), jax)
            J, grad = value_and_grad(*args, lam)
            row = {"network": point.name, "layer_sizes": list(sizes), "m": m, "P": n_params(sizes),
                   "dtype": np.dtype(dtype).name, "value_and_grad_s": grad_s, "cost_s": cost_s,
                   "floor_s": floor_s, "first_call_s": first, "repeats": n,
                   "finite": bool(np.isfinite(float(J)) and np.all(np.isfinite(np.asarray(grad))))}
            rows.append(row)
            print(f"{row['dtype']:8s} {point.name:28s} P={row['P']:>9,d}  value_and_grad {grad_s * 1e3:9.3f} ms  "
                  f"cost {cost_s * 1e3:8.3f} ms  floor {floor_s * 1e3:8.3f} ms  (compile+first {first:.2f} s)",
                  flush=True)
    info = {"jax": jax.__version__, "devices": [str(d) for d in devices], "backend": jax.default_backend(),
            "device_kind": getattr(device, "device_kind", None), "platform": platform.platform(),
            "python": sys.version.split()[0], "numpy": np.__version__}
    lines = [f"# JAX on {info['device_kind'] or info['backend']} ({info['backend']}), jax {info['jax']}", "",
             f"Devices: {', '.join(info['devices'])}. Command: `python -m benchmarks.gpu OUT`.", "",
             "| network | m | P | dtype | value_and_grad ms | cost only ms | matrix products ms | compile + first call s |",
             "|---|---:|---:|---|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['network'].split(' ')[0]} | {r['m']} | {r['P']:,} | {r['dtype']} | "
                     f"{r['value_and_grad_s'] * 1e3:.3g} | {r['cost_s'] * 1e3:.3g} | {r['floor_s'] * 1e3:.3g} | "
                     f"{r['first_call_s']:.2f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    write_outputs(out, "gpu", text, {"machine": info, "rows": rows})
    return rows


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.gpu", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", metavar="OUTPUT_FOLDER", help="where gpu.md and gpu.json are written")
    return run(parser.parse_args(argv).out)


if __name__ == "__main__":
    main()
