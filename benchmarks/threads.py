"""From what size threads pay: the bound cost function on one thread against blocks on every core.

Run from the repository root, on a machine as quiet as it gets::

    python -m benchmarks.threads

For networks from 3-5-3 (m = 5) to the grid's points, interleaved rounds of: the bound cost
function with one block (one thread), with one block per core on as many threads (forced, whatever
the load), with one block on the BLAS's own threads (``blas_threads=None``), ``nn_cost_function``
with the BLAS's own threads, and jitted JAX where it is installed. Prints, per network, the flops
of its products, the median times, the median of the per-round ratios (to one block, and to JAX)
and how many cores other processes used meanwhile: the flops where blocks / one block falls below 1
on a quiet machine is the threshold ``PARALLEL_ABOVE_FLOPS``. With ``--busy`` the same with one core kept
busy. Each contestant is timed in steady state, as a training loop calls it (``--settle`` seconds of
untimed calls, then ``--burst`` timed ones; see :mod:`benchmarks.timing`); ``--settle 0`` times
single calls between the neighbours, whose BLAS threads may still be spinning. Writes threads.md
and threads.json into ``--out`` (default benchmarks/results/profile; with ``--settle 0``, the
names end in -single-calls).
"""

from __future__ import annotations

import argparse
from contextlib import nullcontext
from pathlib import Path

from manual_backprop.bound import BoundCost, _cores, _products_flops
from .contestants import Skip, by_name
from .grid import GRID, Point, make_problem
from .load import CpuMeter, busy_core, load_average
from .report import command_line, write_outputs
from .timing import interleaved, summarise

__all__ = ["main"]

SIZES = [Point((3, 5, 3), 5), Point((10, 20, 20, 4), 100), Point((64, 25, 10), 200), Point((64, 25, 10), 500),
         Point((64, 25, 10), 1000)] + [p for p in GRID if p.m >= 500]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.threads", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--busy", action="store_true", help="keep one core busy while timing")
    parser.add_argument("--budget", type=float, default=2.0, help="seconds of rounds per network (default 2)")
    parser.add_argument("--settle", type=float, default=0.2,
                        help="seconds of untimed calls before each contestant's timed calls in a round (default 0.2; "
                             "0: single calls, one per round)")
    parser.add_argument("--burst", type=int, default=3, help="timed calls per contestant and round (default 3)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/profile"))
    args = parser.parse_args(argv)
    from manual_backprop import nn_cost_function

    cores = _cores()
    rows = []
    before = load_average()
    with busy_core(600) if args.busy else nullcontext():
        for point in SIZES:
            p = make_problem(point)
            one = BoundCost(p.layer_sizes, p.X, p.y, p.lam, blocks=1)
            split = BoundCost(p.layer_sizes, p.X, p.y, p.lam, blocks=cores)
            blas = BoundCost(p.layer_sizes, p.X, p.y, p.lam, blocks=1, blas_threads=None)
            calls = {"ours": lambda: nn_cost_function(p.theta_vec, p.layer_sizes, p.X, p.y, p.lam),
                     "one block": lambda: one(p.theta_vec), "blocks": lambda: split(p.theta_vec),
                     "one block, BLAS threads": lambda: blas(p.theta_vec)}
            try:
                calls["jax-jit"] = by_name("jax-jit").prepare(p)
            except Skip:
                pass
            meter = CpuMeter().start()
            summary = summarise(interleaved(calls, min_rounds=5, max_rounds=400, budget_s=args.budget,
                                             settle_s=args.settle, burst=args.burst if args.settle > 0 else 1),
                                references=("one block", "jax-jit"), leads=("one block",))
            usage = meter.stop()
            row = {"network": point.name, "flops": _products_flops(point.layer_sizes, point.m),
                   "one_block_ms": summary["one block"]["median_s"] * 1e3, "blocks_ms": summary["blocks"]["median_s"] * 1e3,
                   "blas_threads_ms": summary["ours"]["median_s"] * 1e3,
                   "blocks_over_one": summary["blocks"]["ratio_to_one block"],
                   "blas_threads_over_one": summary["ours"]["ratio_to_one block"],
                   "bound_blas_threads_ms": summary["one block, BLAS threads"]["median_s"] * 1e3,
                   "bound_blas_threads_over_one": summary["one block, BLAS threads"]["ratio_to_one block"],
                   "others_cores": usage["others_cores"]}
            if "jax-jit" in calls:  # medians of the per-round ratios to jitted JAX
                row["jax_ms"] = summary["jax-jit"]["median_s"] * 1e3
                row["over_jax"] = {name: summary[name]["ratio_to_jax-jit"]
                                   for name in ("one block", "blocks", "one block, BLAS threads")}
            rows.append(row)
            jax = row.get("over_jax", {})
            print(f"{point.name:28s} {row['flops'] / 1e6:9.2f} Mflop  one block {row['one_block_ms']:8.3f} ms  "
                  f"{cores} blocks x{row['blocks_over_one']:.2f}  one block on BLAS threads "
                  f"x{row['bound_blas_threads_over_one']:.2f}  nn_cost_function x{row['blas_threads_over_one']:.2f}"
                  + ("  / JAX: " + ", ".join(f"{k} {v:.2f}" for k, v in jax.items()) if jax else "")
                  + f"  others used {row['others_cores']:.2f} cores", flush=True)
    command = command_line("benchmarks.threads", argv)
    lines = [f"# Threads: one block, {cores} blocks on {cores} threads, one block on the BLAS's threads"
             + (" (one core busy)" if args.busy else ""),
             "", f"Command: `{command}`; load average {before[0]:.2f} at the start, {load_average()[0]:.2f} at the end. "
             "Times in ms (medians); ratios are medians of per-round ratios. "
             + (f"Steady state: in each round, {args.settle:g} s of untimed calls, then the median of {args.burst} timed calls."
                if args.settle > 0 else "Single calls: one call per contestant and round, right after its neighbour's."),
             "", "| network | Mflop | one block ms | blocks / one | one block, BLAS threads / one | nn_cost_function "
             "(BLAS threads) / one | one block / JAX | blocks / JAX | one block, BLAS threads / JAX | others' cores |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        jax = r.get("over_jax")
        over_jax = (f"{jax['one block']:.2f} | {jax['blocks']:.2f} | {jax['one block, BLAS threads']:.2f}" if jax
                    else "- | - | -")
        lines.append(f"| {r['network']} | {r['flops'] / 1e6:.2f} | {r['one_block_ms']:.3f} | {r['blocks_over_one']:.2f} | "
                     f"{r['bound_blas_threads_over_one']:.2f} | {r['blas_threads_over_one']:.2f} | {over_jax} | "
                     f"{r['others_cores']:.2f} |")
    name = ("threads-busy" if args.busy else "threads") + ("" if args.settle > 0 else "-single-calls")
    write_outputs(args.out, name, "\n".join(lines), {"command": command, "rows": rows})
    return rows


if __name__ == "__main__":
    main()
