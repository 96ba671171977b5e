"""The benchmark run: every grid point, every contestant, then the report (``python -m benchmarks``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from . import machine
from .contestants import CONTESTANTS, Skip
from .floor import floor_flops
from .grid import GRID, make_problem, n_params
from .memory import peak_memory
from .timing import interleaved, summarise

__all__ = ["main", "run_point", "CONFIGS"]

# Rounds and seconds per grid point. A contestant whose single call takes longer than slow_s
# is timed apart, in a few rounds interleaved with ours and the floor.
# max_P skips a contestant above that many parameters (quick mode leaves out the slowest).
CONFIGS = {
    "full": dict(min_rounds=7, max_rounds=60, budget_s=12.0, slow_s=0.5, slow_rounds=3,
                 fd_max_evaluations=4000, loop_max_work=60_000, max_P={}),
    "quick": dict(min_rounds=2, max_rounds=15, budget_s=0.5, slow_s=0.25, slow_rounds=1,
                  fd_max_evaluations=400, loop_max_work=10_000,
                  max_P={"jax": 0, "directional": 300_000, "loop": 20_000}),
}


def _as_numpy(x):
    if hasattr(x, "detach"):  # torch
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=np.float64)


def agreement(name, result, reference):
    """How far a contestant's answer is from ours: relative differences of J and the gradient."""
    if name == "floor":
        return None
    J0, g0 = reference
    J, g = result
    entry = {"J_relative_difference": float(abs(float(J) - J0) / abs(J0))}
    if name == "directional":
        along_gradient, slope = (float(v) for v in g)
        entry["slope_relative_difference"] = abs(along_gradient - slope) / (abs(along_gradient) + abs(slope))
    elif g is not None:
        g = _as_numpy(g)
        entry["gradient_relative_difference"] = float(np.linalg.norm(g - g0) / np.linalg.norm(g + g0))
    return entry


def run_point(point, config, names=None, clock=time.perf_counter, log=print):
    """Time one grid point; returns its JSON record."""
    problem = make_problem(point)
    P = n_params(point.layer_sizes)
    record = {"network": point.name, "layer_sizes": list(point.layer_sizes), "m": point.m, "P": P,
              "note": point.note, "floor_gflop": floor_flops(point.layer_sizes, point.m) / 1e9,
              "skipped": {}, "first_call_s": {}, "agreement": {}}
    calls = {}
    for contestant in CONTESTANTS:
        if names and contestant.name not in names and contestant.name not in ("ours", "floor"):
            continue
        max_P = config["max_P"].get(contestant.name)
        try:
            if max_P is not None and P > max_P:
                raise Skip(f"left out above P = {max_P:,} in this mode")
            if contestant.name == "central-diff":
                calls[contestant.name] = contestant.prepare(problem, config["fd_max_evaluations"])
            elif contestant.name == "loop":
                calls[contestant.name] = contestant.prepare(problem, config["loop_max_work"])
            else:
                calls[contestant.name] = contestant.prepare(problem)
        except Skip as reason:
            record["skipped"][contestant.name] = str(reason)
    reference = calls["ours"]()
    reference = (float(reference[0]), reference[1])
    single = {}
    for name, call in calls.items():
        t0 = time.perf_counter()
        result = call()  # the first call: JAX traces and compiles here
        record["first_call_s"][name] = time.perf_counter() - t0
        record["agreement"][name] = agreement(name, result, reference)
        t0 = time.perf_counter()
        call()
        single[name] = time.perf_counter() - t0
        print(f"    {point.name} {name}: first call {record['first_call_s'][name]:.3g} s, "
              f"then {single[name]:.3g} s", file=sys.stderr, flush=True)
    slow = [n for n in calls if single[n] > config["slow_s"] and n not in ("ours", "floor")]
    fast = [n for n in calls if n not in slow]
    times = interleaved({n: calls[n] for n in fast}, min_rounds=config["min_rounds"],
                        max_rounds=config["max_rounds"], budget_s=config["budget_s"], clock=clock)
    summary = summarise(times)
    if slow:
        slow_times = interleaved({n: calls[n] for n in ["ours", "floor"] + slow},
                                 min_rounds=config["slow_rounds"], max_rounds=config["slow_rounds"], budget_s=0,
                                 clock=clock)
        for name, entry in summarise(slow_times).items():
            if name in slow:
                summary[name] = entry
    if "central-diff" not in calls and "cost-only" in summary:
        # gradApprox costs 2P evaluations of the cost, plus J itself.
        estimate = (2 * P + 1) * summary["cost-only"]["median_s"]
        summary["central-diff"] = {
            "median_s": estimate, "extrapolated": True,
            "ratio_to_ours": (2 * P + 1) * summary["cost-only"]["ratio_to_ours"],
            "ratio_to_floor": (2 * P + 1) * summary["cost-only"]["ratio_to_floor"],
        }
    record["timings"] = summary
    record["memory"] = peak_memory(calls["ours"], point.layer_sizes, point.m)
    ours = summary["ours"]
    parts = [f"{point.name:28s} P={P:>9,d}  ours {ours['median_s'] * 1e3:9.3f} ms  "
             f"floor x{ours['ratio_to_floor']:.2f}"]
    for name in ("jax-jit", "torch", "jax", "loop", "central-diff"):
        if name in summary:
            parts.append(f"{name} x{summary[name]['ratio_to_ours']:.3g}")
    log("  ".join(parts), flush=True)
    return record


def _set_threads(n):
    """Run every contestant's BLAS and thread pools with n threads; must come before JAX loads."""
    flags = os.environ.get("XLA_FLAGS", "")
    if n == 1:
        os.environ["XLA_FLAGS"] = (flags + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()
    import threadpoolctl

    limiter = threadpoolctl.threadpool_limits(n)
    try:
        import torch

        torch.set_num_threads(n)
    except ImportError:
        pass
    return limiter


def _keep_freed_memory():
    """Ask glibc to keep freed blocks (up to 32 MB) for reuse instead of returning them to the
    system, so that a repeated call does not page-fault its arrays in again. Applies to the
    whole process, so to every contestant alike; returns whether glibc accepted."""
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    return bool(libc.mallopt(M_MMAP_THRESHOLD, 32 * 2**20)) and bool(libc.mallopt(M_TRIM_THRESHOLD, 2**30))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="fewer rounds, one thread and CPU time unless --threads is given: under two minutes")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default benchmarks/results; benchmarks/results/quick with --quick, "
                             "benchmarks/results/partial with --points or --only)")
    parser.add_argument("--only", default="", help="comma-separated contestants (ours and floor always run)")
    parser.add_argument("--points", default="", help="comma-separated substrings of grid point names, e.g. '784-,m=5000'")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for every contestant (BLAS, torch, XLA); default: each library's own")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall: elapsed time (default); cpu: the process's CPU time, all threads "
                             "together (steadier on a busy machine, best with --threads 1)")
    parser.add_argument("--keep-freed-memory", action="store_true",
                        help="glibc keeps freed memory for reuse (mallopt), so repeated calls page-fault "
                             "no fresh memory in; applies to every contestant in the process")
    parser.add_argument("--no-suite", action="store_true", help="skip timing the property-suite operations")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    mode = "quick" if args.quick else "full"
    config = CONFIGS[mode]
    # Only a full run of the whole grid replaces the committed results; a quick or partial run
    # writes beside them.
    partial = args.points or args.only
    out = args.out or Path("benchmarks/results") / ("quick" if args.quick else "partial" if partial else "")
    out.mkdir(parents=True, exist_ok=True)
    if args.quick and args.threads is None:
        # Quick runs one thread per library, by CPU time: on a shared machine, OpenBLAS threads
        # that wait for a busy core make a gradient 50 times slower and the run far longer.
        args.threads, args.clock = 1, "cpu"
    limiter = _set_threads(args.threads) if args.threads else None  # noqa: F841 (kept alive for the run)
    kept = _keep_freed_memory() if args.keep_freed_memory else None
    names = [n for n in args.only.split(",") if n]
    points = [p for p in GRID if not args.points or any(s in p.name for s in args.points.split(","))]

    started = time.time()
    info_before = machine.describe()
    for line in machine.environment_warnings(info_before):
        print("note:", line, flush=True)
    print(f"{mode} run: {len(points)} grid points, writing to {out}", flush=True)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    records = [run_point(point, config, names, clock=clock) for point in points]
    suite = None
    if not args.no_suite:
        from .suite import time_suite

        suite = time_suite(repeats=2 if args.quick else 3)
        for row in suite:
            print(f"suite {row['network']:28s} " + "  ".join(
                f"{k[:-2]} {v:.3g} s" for k, v in row.items() if k.endswith("_s")), flush=True)
    info = machine.describe()  # after the run: JAX and torch are loaded, their versions known
    info["load_average_before"] = info_before["load_average"]
    info["threads_option"] = args.threads
    info["clock"] = args.clock
    info["keep_freed_memory"] = kept
    result = {"mode": mode, "command": "python -m benchmarks" + " ".join([""] + (argv or sys.argv[1:])),
              "seconds": time.time() - started, "machine": info, "config": config,
              "points": records, "suite": suite}
    from .report import write_report

    paths = write_report(result, out)
    print(f"done in {result['seconds']:.0f} s: " + ", ".join(map(str, paths)), flush=True)
    return result
