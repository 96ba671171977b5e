"""The benchmark run: every grid point in three settings, digits training, then the report.

``python -m benchmarks`` runs two worker processes, one after the other, and writes one report:

* ``single``: one thread per library (BLAS, torch, XLA) and the process's CPU time, every
  contestant: what each implementation costs, independent of thread pools and of the load;
* ``default``: each library's own threads (two here) and wall-clock time, as a user runs them,
  first on the machine as it is (``quiet``), then with one core kept busy by a spinning process
  that the worker starts and stops (``busy``); the contestants that matter to a user (ours, the
  floor, jitted JAX, torch, scikit-learn), then digits training in both loads.

Each setting needs its own process because JAX fixes its thread pool when it loads. Ratios are
always taken within one setting and one load, round by round (see :mod:`benchmarks.timing`).
Around every measurement the worker records the load average and how many cores other processes
used meanwhile (:class:`benchmarks.load.CpuMeter`), so a table says how quiet "quiet" was.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np

from . import machine
from .contestants import CONTESTANTS, Skip
from .floor import floor_flops
from .grid import GRID, make_problem, n_params
from .load import CpuMeter, busy_core, load_average
from .memory import peak_memory
from .timing import interleaved, summarise

__all__ = ["main", "run_point", "CONFIGS", "SETTINGS", "HEADLINE"]

ROOT = Path(__file__).resolve().parent.parent

# Rounds and seconds per grid point and load. A contestant whose single call takes longer than
# slow_s is timed apart, in a few rounds interleaved with ours and the floor (never one of the
# HEADLINE contestants). max_P skips a contestant above that many parameters. settle_s and burst:
# the default-threads setting times each contestant in steady state, as a training loop calls it
# (benchmarks/timing.py): settle_s seconds of untimed calls, then the median of burst timed calls.
CONFIGS = {
    "full": dict(min_rounds=5, max_rounds=60, budget_s=4.0, slow_s=0.5, slow_rounds=3,
                 fd_max_evaluations=4000, loop_max_work=4000, max_P={}, fault_calls=10,
                 training_iterations=100, training_rounds=3, busy_max_s=900, points=None, settle_s=0.2, burst=3),
    "quick": dict(min_rounds=3, max_rounds=15, budget_s=0.3, slow_s=0.25, slow_rounds=1,
                  fd_max_evaluations=400, loop_max_work=2000, fault_calls=3,
                  max_P={"jax": 0, "directional": 300_000, "loop": 20_000},
                  training_iterations=10, training_rounds=1, busy_max_s=120, points=("3-5-3", "64-25-10"),
                  settle_s=0.02, burst=2),
}

# The contestants of the default-threads setting: the ones a user would pick between.
HEADLINE = ("ours", "ours-bound", "floor", "jax-jit", "torch", "sklearn")

SETTINGS = {
    "single": dict(threads=1, clock="cpu", loads=("quiet",), contestants=None, memory=True, suite=True,
                   training=False, steady=False, description="one thread per library, the process's CPU time"),
    "default": dict(threads=None, clock="wall", loads=("quiet", "busy"), contestants=HEADLINE, memory=False,
                    suite=False, training=True, steady=True,
                    description="each library's default threads, wall-clock time, in steady state"),
}


def _as_numpy(x):
    if hasattr(x, "detach"):  # torch
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=np.float64)


def agreement(name, result, reference, to_theta=None):
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
        if to_theta is not None:
            g = to_theta(g)
        entry["gradient_relative_difference"] = float(np.linalg.norm(g - g0) / np.linalg.norm(g + g0))
    return entry


def page_faults_per_call(call, calls):
    """Minor page faults (getrusage ru_minflt) per call, over ``calls`` calls after a warm one."""
    call()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        call()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls


_FRESH = """
import json, resource, sys
from benchmarks.contestants import by_name
from benchmarks.grid import GRID, make_problem
point = next(p for p in GRID if p.name == sys.argv[1])
problem, calls, result = make_problem(point), int(sys.argv[2]), {}
for name in sys.argv[3].split(","):
    call = by_name(name).prepare(problem)
    call()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        call()
    result[name] = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls
print(json.dumps(result))
"""


def page_faults_fresh_process(point, calls, names=("ours", "ours-bound")):
    """Page faults per call (after a warm call) in a new interpreter that imports only NumPy and
    the library, as a user's training script: in the benchmark's own process, the large arrays that
    JAX and torch freed have already raised glibc's threshold for returning memory to the system,
    which hides the faults a user sees."""
    completed = subprocess.run([sys.executable, "-c", _FRESH, point.name, str(calls), ",".join(names)], cwd=ROOT,
                               capture_output=True, text=True, timeout=600)
    if completed.returncode != 0:
        return {"error": completed.stderr[-500:]}
    return json.loads(completed.stdout)


def _time_load(calls, fast, slow, config, clock, load, steady=False):
    """Time the contestants under one load (in steady state if ``steady``); returns (summary, usage)."""
    meter = CpuMeter().start()
    spinning = busy_core(config["busy_max_s"]) if load == "busy" else nullcontext()
    settling = dict(settle_s=config["settle_s"], burst=config["burst"]) if steady else {}
    with spinning as spinner:
        times = interleaved({n: calls[n] for n in fast}, min_rounds=config["min_rounds"],
                            max_rounds=config["max_rounds"], budget_s=config["budget_s"], clock=clock, **settling)
        summary = summarise(times)
        if slow:
            slow_times = interleaved({n: calls[n] for n in ["ours", "floor"] + slow},
                                     min_rounds=config["slow_rounds"], max_rounds=config["slow_rounds"], budget_s=0,
                                     clock=clock)
            for name, entry in summarise(slow_times).items():
                if name in slow:
                    summary[name] = entry
    spinner_s = spinner["cpu_share"] * spinner["wall_s"] if spinner else 0.0
    usage = meter.stop(exclude_s=spinner_s)
    if spinner:
        usage["spinner_cpu_share"] = spinner["cpu_share"]
    return summary, usage


def run_point(point, config, names=None, clock=time.perf_counter, loads=("quiet",), memory=True, log=print,
              steady=False):
    """Time one grid point under each load (in steady state if ``steady``); returns its JSON record."""
    problem = make_problem(point)
    P = n_params(point.layer_sizes)
    record = {"network": point.name, "layer_sizes": list(point.layer_sizes), "m": point.m, "P": P,
              "note": point.note, "floor_gflop": floor_flops(point.layer_sizes, point.m) / 1e9,
              "skipped": {}, "first_call_s": {}, "agreement": {}, "loads": {}}
    calls = {}
    for contestant in CONTESTANTS:
        if names and contestant.name not in names and contestant.name not in ("ours", "ours-bound", "floor"):
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
        record["agreement"][name] = agreement(name, result, reference, getattr(call, "to_theta", None))
        t0 = time.perf_counter()
        call()
        single[name] = time.perf_counter() - t0
        print(f"    {point.name} {name}: first call {record['first_call_s'][name]:.3g} s, "
              f"then {single[name]:.3g} s", file=sys.stderr, flush=True)
    slow = [n for n in calls if single[n] > config["slow_s"] and n not in HEADLINE]
    fast = [n for n in calls if n not in slow]
    for load in loads:
        summary, usage = _time_load(calls, fast, slow, config, clock, load, steady)
        if "central-diff" not in calls and "cost-only" in summary:
            # gradApprox costs 2P evaluations of the cost, plus J itself.
            estimate = (2 * P + 1) * summary["cost-only"]["median_s"]
            summary["central-diff"] = {
                "median_s": estimate, "extrapolated": True,
                "ratio_to_ours": (2 * P + 1) * summary["cost-only"]["ratio_to_ours"],
                "ratio_to_floor": (2 * P + 1) * summary["cost-only"]["ratio_to_floor"],
                "ours_over": summary["cost-only"]["ours_over"] / (2 * P + 1),
            }
        record["loads"][load] = {"timings": summary, "usage": usage}
        ours = summary["ours"]
        parts = [f"{load:5s} {point.name:28s} P={P:>9,d}  ours {ours['median_s'] * 1e3:9.3f} ms  "
                 f"ours/floor {ours['ratio_to_floor']:.2f}"]
        for name in ("ours-bound", "jax-jit", "torch", "sklearn"):
            if name in summary:
                parts.append(f"ours/{name} {summary[name]['ours_over']:.3g}")
        if "ours-bound" in summary:
            bound = summary["ours-bound"]
            parts.append(f"| bound {bound['median_s'] * 1e3:.3f} ms, bound/floor {bound['ratio_to_floor']:.2f}")
            parts += [f"bound/{n} {summary[n]['over']['ours-bound']:.3g}" for n in ("jax-jit", "torch", "sklearn")
                      if n in summary]
        others = usage.get("others_cores")
        parts.append(f"(others used {others:.2f} cores)" if others is not None else "")
        log("  ".join(parts), flush=True)
    record["page_faults_per_call"] = {n: page_faults_per_call(calls[n], config["fault_calls"]) for n in fast}
    if memory:
        record["memory"] = peak_memory(calls["ours"], point.layer_sizes, point.m)
        record["page_faults_fresh_process"] = page_faults_fresh_process(point, config["fault_calls"])
    return record


def _set_threads(n):
    """Run every contestant's BLAS and thread pools with n threads; must come before JAX loads."""
    flags = os.environ.get("XLA_FLAGS", "")
    if n == 1:
        os.environ["XLA_FLAGS"] = (flags + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()
    import threadpoolctl

    try:  # load SciPy's own BLAS now, so that the limit reaches it too (threadpoolctl sees loaded libraries only)
        import scipy.linalg  # noqa: F401
    except ImportError:
        pass
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
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="two grid points (3-5-3, 64-25-10), fewer rounds, 10 training iterations, "
                             "no property-suite timing: well under a minute on a quiet machine")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default benchmarks/results; benchmarks/results/quick with --quick, "
                             "benchmarks/results/partial with --points, --only or --settings)")
    parser.add_argument("--settings", default="single,quiet,busy",
                        help="comma-separated: single (one thread, CPU time), quiet and busy (default threads, "
                             "wall time, without and with a busy core); default all three")
    parser.add_argument("--only", default="", help="comma-separated contestants (ours and floor always run)")
    parser.add_argument("--points", default="", help="comma-separated substrings of grid point names, e.g. '784-,m=5000'")
    parser.add_argument("--keep-freed-memory", action="store_true",
                        help="glibc keeps freed memory for reuse (mallopt), so repeated calls page-fault "
                             "no fresh memory in; applies to every contestant in the process")
    parser.add_argument("--no-suite", action="store_true", help="skip timing the property-suite operations")
    parser.add_argument("--no-training", action="store_true", help="skip the digits training")
    parser.add_argument("--worker", choices=sorted(SETTINGS), help=argparse.SUPPRESS)
    parser.add_argument("--loads", default="quiet", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _points(args, config):
    if args.points:
        return [p for p in GRID if any(s in p.name for s in args.points.split(","))]
    if config["points"]:
        return [p for p in GRID if any(p.name.startswith(s) or s == p.name for s in config["points"])]
    return list(GRID)


def worker(args):
    """One setting in this process: every point under each load, then training and the suite."""
    mode = "quick" if args.quick else "full"
    config, setting = CONFIGS[mode], SETTINGS[args.worker]
    limiter = _set_threads(setting["threads"]) if setting["threads"] else None  # noqa: F841 (kept alive)
    kept = _keep_freed_memory() if args.keep_freed_memory else None
    loads = [load for load in args.loads.split(",") if load in setting["loads"]]
    names = [n for n in args.only.split(",") if n] or list(setting["contestants"] or [])
    if args.only and setting["contestants"]:
        names = [n for n in names if n in setting["contestants"]]
    clock = time.process_time if setting["clock"] == "cpu" else time.perf_counter
    started, load_before = time.time(), load_average()
    print(f"{args.worker} ({setting['description']}), loads {', '.join(loads)}", flush=True)
    records = [run_point(point, config, names, clock=clock, loads=loads, memory=setting["memory"], steady=setting["steady"])
               for point in _points(args, config)]
    training = None
    if setting["training"] and not args.no_training:
        from .training import time_training

        training = {}
        for load in loads:
            meter = CpuMeter().start()
            with (busy_core(config["busy_max_s"]) if load == "busy" else nullcontext()) as spinner:
                entry = time_training(max_iter=config["training_iterations"], rounds=config["training_rounds"],
                                      names=[n for n in args.only.split(",") if n] or None,
                                      log=lambda *a, **k: print(load, *a, **k))
            entry["usage"] = meter.stop(exclude_s=spinner["cpu_share"] * spinner["wall_s"] if spinner else 0.0)
            training[load] = entry
    suite = None
    if setting["suite"] and not args.no_suite and not args.quick:
        from .suite import time_suite

        suite = time_suite(repeats=3)
        for row in suite:
            print(f"suite {row['network']:28s} " + "  ".join(
                f"{k[:-2]} {v:.3g} s" for k, v in row.items() if k.endswith("_s")), flush=True)
    info = machine.describe()  # after the run: JAX and torch are loaded, their versions and threads known
    info["load_average_before"] = load_before
    info["keep_freed_memory"] = kept
    result = {"setting": args.worker, "description": setting["description"], "threads": setting["threads"],
              "clock": setting["clock"], "loads": loads, "seconds": time.time() - started, "machine": info,
              "points": records, "training": training, "suite": suite}
    args.json.write_text(json.dumps(result, default=float) + "\n")
    return result


def _run_worker(name, loads, args, argv):
    passed = [a for a in ("--quick", "--keep-freed-memory", "--no-suite", "--no-training") if getattr(args, a[2:].replace("-", "_"))]
    for option in ("points", "only"):
        if getattr(args, option):
            passed += [f"--{option}", getattr(args, option)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.json"
        command = [sys.executable, "-m", "benchmarks", "--worker", name, "--loads", ",".join(loads),
                   "--json", str(path)] + passed
        completed = subprocess.run(command, cwd=ROOT, timeout=3600)
        if completed.returncode != 0:
            raise RuntimeError(f"the {name} worker failed (exit status {completed.returncode}): {' '.join(command)}")
        return json.loads(path.read_text())


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    mode = "quick" if args.quick else "full"
    wanted = [s for s in args.settings.split(",") if s]
    unknown = set(wanted) - {"single", "quiet", "busy"}
    if unknown:
        raise SystemExit(f"--settings takes single, quiet and busy, got {sorted(unknown)}")
    # Only a full run of the whole grid in every setting replaces the committed results; a quick
    # or partial run writes beside them.
    partial = args.points or args.only or set(wanted) != {"single", "quiet", "busy"}
    out = args.out or Path("benchmarks/results") / ("quick" if args.quick else "partial" if partial else "")
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    info = machine.describe()
    for line in machine.environment_warnings(info):
        print("note:", line, flush=True)
    print(f"{mode} run, settings {', '.join(wanted)}: writing to {out}", flush=True)
    settings = {}
    if "single" in wanted:
        settings["single"] = _run_worker("single", ["quiet"], args, argv)
    default_loads = [load for load in ("quiet", "busy") if load in wanted]
    if default_loads:
        settings["default"] = _run_worker("default", default_loads, args, argv)
    info["load_average_after"] = load_average()
    result = {"mode": mode, "command": "python -m benchmarks" + " ".join([""] + list(argv if argv is not None else sys.argv[1:])),
              "seconds": time.time() - started, "machine": info, "configs": CONFIGS[mode], "settings": settings}
    from .report import write_report

    paths = write_report(result, out)
    print(f"done in {result['seconds']:.0f} s: " + ", ".join(map(str, paths)), flush=True)
    return result
