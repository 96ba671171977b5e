"""Second-order benchmarks: H v by the R-operator against our gradient, jitted JAX and PyTorch,
and Newton-type training on the digits (``python -m benchmarks.hessian``).

    python -m benchmarks.hessian                  # the grid, default threads then one thread
    python -m benchmarks.hessian --quick          # fewer rounds (a few minutes)
    python -m benchmarks.hessian --points 64-     # grid points whose name contains "64-"
    python -m benchmarks.hessian --training       # Newton-CG, trust-ncg, trust-krylov against L-BFGS-B

Grid: every point of :data:`benchmarks.grid.GRID`, its problem drawn by :func:`make_problem`
(sigmoid units and outputs, lambda = 1) and a direction v of standard normal entries. Contestants,
each computing one product in float64 on the same arrays:

* ``hv``: ``manual_backprop.hessian_vector_product`` (vectorised), the reference of the ratios;
* ``gv``: ``manual_backprop.gauss_newton_vector_product``;
* ``gradient``: ``manual_backprop.nn_cost_function``, J and DVec (H v should cost 2-3 of these);
* ``jax-jit``: ``jax.jit`` of ``jax.jvp(jax.grad(cost), (theta,), (v,))``, forward over reverse,
  with the cost of :mod:`reference.autodiff`;
* ``torch``: PyTorch double backward, g = grad(J, theta, create_graph=True), then grad(g . v, theta).

Timings are interleaved (:func:`benchmarks.timing.interleaved`: every contestant once per round,
the order rotated, round 0 dropped) and each ratio is the median of the per-round ratios. The
default-threads run measures wall time; the single-threaded one (every library held to one
thread, in a fresh process since XLA reads its thread flags at start) measures CPU time. Results go
to benchmarks/results/hessian.{md,json} (a partial or quick run: benchmarks/results/partial/).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from .report import command_line

__all__ = ["main", "run_grid", "run_training"]

CONFIGS = {
    "full": dict(min_rounds=7, max_rounds=40, budget_s=8.0),
    "quick": dict(min_rounds=3, max_rounds=10, budget_s=1.0),
}
TARGET_FROM_P = 1885  # the (64, 25, 10) network: "no slower than jitted JAX from 64-25-10 up"


# --- contestants ---------------------------------------------------------------------------------

def _ours(problem, v, product):
    from manual_backprop import nn_cost_function
    from manual_backprop.hessian import gauss_newton_vector_product, hessian_vector_product

    p = problem
    if product == "gradient":
        return lambda: nn_cost_function(p.theta_vec, p.layer_sizes, p.X, p.y, p.lam)[1]
    f = hessian_vector_product if product == "hv" else gauss_newton_vector_product
    return lambda: f(p.theta_vec, p.layer_sizes, p.X, p.y, p.lam, v)


def _jax(problem, v):
    from reference import autodiff

    jax, jnp = autodiff.jax_modules()
    p = problem
    grad = jax.grad(autodiff.make_cost(p.layer_sizes))

    def hvp(theta, X, Y, lam, v):
        return jax.jvp(lambda t: grad(t, X, Y, lam), (theta,), (v,))[1]

    hvp = jax.jit(hvp)
    args = [jax.device_put(jnp.asarray(x)) for x in (p.theta_vec, p.X, p.Y)]
    v_ = jax.device_put(jnp.asarray(v))
    return lambda: jax.block_until_ready(hvp(args[0], args[1], args[2], p.lam, v_))


def _torch(problem, v):
    import torch

    from .contestants import torch_cost

    p = problem
    theta = torch.tensor(p.theta_vec, dtype=torch.float64, requires_grad=True)
    v_ = torch.from_numpy(np.asarray(v))
    cost = torch_cost(torch, p.layer_sizes, p.X, p.Y, p.lam)  # reference.autodiff.make_cost, term for term

    def call():
        (g,) = torch.autograd.grad(cost(theta), theta, create_graph=True)
        (Hv,) = torch.autograd.grad(g @ v_, theta)
        return Hv

    return call


def _as_numpy(x):
    if hasattr(x, "detach"):
        x = x.detach().numpy()
    return np.asarray(x, dtype=np.float64)


def run_point(point, config, clock, log=print):
    from benchmarks.grid import make_problem, n_params
    from benchmarks.timing import interleaved, summarise

    problem = make_problem(point)
    v = np.random.default_rng(1).standard_normal(n_params(point.layer_sizes))
    calls = {"hv": _ours(problem, v, "hv"), "gv": _ours(problem, v, "gv"), "gradient": _ours(problem, v, "gradient")}
    skipped = {}
    try:
        calls["jax-jit"] = _jax(problem, v)
    except ImportError as error:
        skipped["jax-jit"] = f"JAX is not available ({error})"
    try:
        calls["torch"] = _torch(problem, v)
    except ImportError:
        skipped["torch"] = "PyTorch is not installed: pip install torch==2.13.0 (the 'bench' extra)"
    reference = _as_numpy(calls["hv"]())
    agreement, first_call = {}, {}
    for name, call in calls.items():
        t0 = time.perf_counter()
        result = _as_numpy(call())  # the first call: JAX traces and compiles here
        first_call[name] = time.perf_counter() - t0
        if name in ("jax-jit", "torch"):
            agreement[name] = float(np.linalg.norm(result - reference) / np.linalg.norm(result + reference))
    times = interleaved(calls, clock=clock, **config)
    summary = summarise(times, references=("hv", "gradient"))
    record = {"network": point.name, "layer_sizes": list(point.layer_sizes), "m": point.m,
              "P": n_params(point.layer_sizes), "note": point.note, "timings": summary,
              "agreement_with_hv": agreement, "first_call_s": first_call, "skipped": skipped}
    t = summary
    parts = [f"{point.name:28s} P={record['P']:>9,d}  H v {t['hv']['median_s'] * 1e3:9.3f} ms  "
             f"= {t['hv']['ratio_to_gradient']:.2f} gradients"]
    for name in ("gv", "jax-jit", "torch"):
        if name in t:
            parts.append(f"{name} x{t[name]['ratio_to_hv']:.3g}")
    log("  ".join(parts), flush=True)
    return record


def _set_threads(n):
    """Hold BLAS, torch and XLA to n threads; must run before JAX is imported."""
    if n == 1:
        flags = os.environ.get("XLA_FLAGS", "")
        os.environ["XLA_FLAGS"] = (flags + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()
    import threadpoolctl

    limiter = threadpoolctl.threadpool_limits(n)
    try:
        import torch

        torch.set_num_threads(n)
        torch.set_num_interop_threads(n)
    except ImportError:
        pass
    return limiter


def run_grid(args):
    from benchmarks import machine
    from benchmarks.grid import GRID

    limiter = _set_threads(args.threads) if args.threads else None  # noqa: F841 (kept alive for the run)
    config = CONFIGS["quick" if args.quick else "full"]
    clock = time.process_time if args.threads == 1 else time.perf_counter
    points = [p for p in GRID if not args.points or any(s in p.name for s in args.points.split(","))]
    info = machine.describe()
    started = time.time()
    label = "one thread, CPU time" if args.threads == 1 else "default threads, wall time"
    print(f"{label}: {len(points)} grid points", flush=True)
    records = [run_point(point, config, clock) for point in points]
    after = machine.describe()
    after["load_average_before"] = info["load_average"]
    return {"threads": args.threads, "clock": "cpu" if args.threads == 1 else "wall", "seconds": time.time() - started,
            "machine": after, "points": records}


# --- the report ----------------------------------------------------------------------------------

def _ratio(entry, key):
    return f"{entry[key]:.2f}" if entry and key in entry else "-"


def markdown(result):
    lines = [
        "# Benchmark: Hessian-vector products, float64",
        "",
        f"Command: `{result['command']}` ({result['seconds']:.0f} s). Reproduce with the same command.",
        "",
        "H v by the R-operator (`manual_backprop.hessian_vector_product`) against our gradient, the Gauss-Newton",
        "product, jitted JAX forward-over-reverse and PyTorch double backward, on the grid of benchmarks/grid.py",
        "(sigmoid units and outputs, lambda = 1). Ratios are medians of per-round ratios from interleaved rounds.",
    ]
    for run in result["runs"]:
        info = run["machine"]
        blas = "; ".join(f"{b.get('internal_api')} {b.get('version')} {b.get('architecture')}, "
                         f"{b.get('num_threads')} threads" for b in info["blas"] if "internal_api" in b)
        load = info.get("load_average_before")
        title = "One thread (CPU time)" if run["threads"] == 1 else "Default threads (wall time)"
        lines += [
            "",
            f"## {title}",
            "",
            f"Machine: {info['cpu']}, {info['cores']} cores, load average {load[0]:.1f} before / "
            f"{info['load_average'][0]:.1f} after; NumPy {info['numpy']} ({blas}); JAX {info['jax']}; "
            f"torch {info['torch']}.",
            "",
            "| network | m | P | H v (ms) | H v / gradient | G v / H v | JAX-jit / H v | torch / H v | "
            "no slower than JAX? |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for p in run["points"]:
            t = p["timings"]
            jax_ratio = t.get("jax-jit", {}).get("ratio_to_hv")
            verdict = "-" if p["P"] < TARGET_FROM_P or jax_ratio is None else ("yes" if jax_ratio >= 1.0 else "**no**")
            lines.append(
                f"| {'-'.join(map(str, p['layer_sizes']))} | {p['m']} | {p['P']:,} | {t['hv']['median_s'] * 1e3:.3g} "
                f"| {_ratio(t['hv'], 'ratio_to_gradient')} | {_ratio(t['gv'], 'ratio_to_hv')} "
                f"| {_ratio(t.get('jax-jit'), 'ratio_to_hv')} | {_ratio(t.get('torch'), 'ratio_to_hv')} | {verdict} |")
    lines += ["", "A ratio X / H v above 1 means X is slower than ours. The target (issue 16): no slower than jitted",
              "JAX from 64-25-10 up (P >= 1,885)."]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hessian", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds per point")
    parser.add_argument("--points", default="", help="comma-separated substrings of grid point names")
    parser.add_argument("--threads", type=int, default=None,
                        help="run only this thread setting (1: one thread, CPU time) and print its JSON")
    parser.add_argument("--training", action="store_true",
                        help="Newton-type training on the digits instead of the grid (see run_training)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default benchmarks/results)")
    args = parser.parse_args(argv)

    if args.training:
        return run_training(args)
    if args.threads is not None:  # one setting, as a child of the full run
        print("JSON " + json.dumps(run_grid(args)), flush=True)
        return 0

    started = time.time()
    runs = [run_grid(args)]
    child = [sys.executable, "-m", "benchmarks.hessian", "--threads", "1"] + (["--quick"] if args.quick else []) + (
        ["--points", args.points] if args.points else [])
    output = subprocess.run(child, capture_output=True, text=True, check=True).stdout
    for line in output.splitlines():
        if line.startswith("JSON "):
            runs.append(json.loads(line[5:]))
        else:
            print(line, flush=True)
    command = command_line("benchmarks.hessian", argv)
    result = {"command": command, "seconds": time.time() - started, "runs": runs}
    partial = args.quick or args.points
    out = args.out or Path("benchmarks/results") / ("partial" if partial else "")
    out.mkdir(parents=True, exist_ok=True)
    (out / "hessian.json").write_text(json.dumps(result, indent=1) + "\n")
    (out / "hessian.md").write_text(markdown(result))
    print(f"done in {result['seconds']:.0f} s: {out / 'hessian.md'}, {out / 'hessian.json'}", flush=True)
    return 0


# --- Newton-type training on the digits ----------------------------------------------------------

def run_training(args):
    """L-BFGS-B for 400 iterations sets the target J; Newton-CG, trust-ncg and trust-krylov (with
    H v, and Newton-CG with G v) then run until they converge, and we report when each first
    reached that J: iterations, gradient and H v evaluations, seconds, and the accuracies."""
    from scipy.optimize import minimize
    import threadpoolctl

    from benchmarks import machine
    from manual_backprop import nn_cost_function, predict, reshape
    from manual_backprop.data import load_digits_split
    from manual_backprop.hessian import make_hessp
    from manual_backprop.train import initial_weights

    threadpoolctl.threadpool_limits(1)  # as `manual-backprop train` (--blas-threads 1)
    digits = load_digits_split()
    layer_sizes, lam = (64, 25, 10), 1.0
    theta0 = initial_weights(layer_sizes, "random", rng=np.random.default_rng(0))
    X, y = digits.X_train, digits.y_train

    def accuracy(theta, X_, y_):
        return float(np.mean(predict(reshape(theta, layer_sizes), X_) == y_))

    def run(method, max_iter, hessp=None, target=None):
        counts = {"gradient": 0, "hessp": 0}
        trace = []

        def fun(theta):
            counts["gradient"] += 1
            return nn_cost_function(theta, layer_sizes, X, y, lam)

        def hp(theta, p):
            counts["hessp"] += 1
            return hessp(theta, p)

        start = time.perf_counter()

        def callback(intermediate_result):
            trace.append((time.perf_counter() - start, float(intermediate_result.fun), dict(counts)))

        options = {"maxiter": max_iter}
        if method == "Newton-CG":
            options["xtol"] = 1e-12
        elif method in ("trust-ncg", "trust-krylov"):
            options["gtol"] = 1e-8
        result = minimize(fun, theta0, jac=True, method=method, hessp=None if hessp is None else hp,
                          callback=callback, options=options)
        seconds = time.perf_counter() - start
        entry = {"method": method, "iterations": int(result.nit), "final_J": float(result.fun), "seconds": seconds,
                 "gradient_evaluations": counts["gradient"], "hessp_evaluations": counts["hessp"],
                 "message": str(result.message), "train_accuracy": accuracy(result.x, X, y),
                 "test_accuracy": accuracy(result.x, digits.X_test, digits.y_test)}
        if target is not None:
            reached = next(((i + 1, t, c) for i, (t, J, c) in enumerate(trace) if J <= target), None)
            entry["reached_target"] = reached is not None
            if reached:
                entry.update(iterations_to_target=reached[0], seconds_to_target=reached[1],
                             gradient_evaluations_to_target=reached[2]["gradient"],
                             hessp_evaluations_to_target=reached[2]["hessp"])
        return entry

    info = machine.describe()
    rows = [run("L-BFGS-B", 400)]
    target = rows[0]["final_J"]
    hessp = make_hessp(layer_sizes, X, y, lam)
    gauss_newton = make_hessp(layer_sizes, X, y, lam, gauss_newton=True)
    for method, product, label in (("Newton-CG", hessp, "H v"), ("Newton-CG", gauss_newton, "G v"),
                                   ("trust-ncg", hessp, "H v"), ("trust-krylov", hessp, "H v")):
        entry = run(method, 200, product, target)
        entry["product"] = label
        rows.append(entry)
    rows[0]["product"] = "-"
    lines = [f"Digits (scikit-learn load_digits, {len(y)} training examples), 64-25-10 sigmoid, lambda 1, one BLAS "
             f"thread; target J = {target:.6f}, L-BFGS-B's after 400 iterations. {info['cpu']}, load "
             f"{info['load_average'][0]:.1f}.",
             "",
             "| method | product | iterations to target | gradients | products | seconds to target | final J | "
             "iterations | seconds | train acc. | test acc. |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        if r["method"] == "L-BFGS-B":
            to_target = (r["iterations"], r["gradient_evaluations"], 0, r["seconds"])
        elif r.get("reached_target"):
            to_target = (r["iterations_to_target"], r["gradient_evaluations_to_target"],
                         r["hessp_evaluations_to_target"], r["seconds_to_target"])
        else:
            to_target = ("not reached", "-", "-", None)
        seconds = "-" if to_target[3] is None else f"{to_target[3]:.2f}"
        lines.append(f"| {r['method']} | {r['product']} | {to_target[0]} | {to_target[1]} | {to_target[2]} | {seconds} "
                     f"| {r['final_J']:.6f} | {r['iterations']} | {r['seconds']:.2f} | {r['train_accuracy']:.4f} "
                     f"| {r['test_accuracy']:.4f} |")
    text = "\n".join(lines)
    print(text, flush=True)
    out = args.out or Path("benchmarks/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "hessian-training.json").write_text(json.dumps({"command": "python -m benchmarks.hessian --training",
                                                            "machine": info, "rows": rows}, indent=1) + "\n")
    (out / "hessian-training.md").write_text("# Newton-type training on the digits\n\nCommand: "
                                             "`python -m benchmarks.hessian --training`.\n\n" + text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
