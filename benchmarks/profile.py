"""Where the time of one gradient goes at the small points, one thread, step by step.

Run from the repository root (in a fresh process: what glibc does with freed memory depends on
what the process did before)::

    python -m benchmarks.profile                      # 64-25-10 m=1797 and 400-25-10 m=5000
    python -m benchmarks.profile --points 784- --keep-freed-memory

For each point it measures, with one BLAS thread (threadpoolctl) and medians of the CPU time over
many calls (steadier than wall time on a shared machine; both are recorded):

* the whole ``nn_cost_function`` call: wall time, user and system CPU time, minor page faults
  (``getrusage`` ``ru_minflt``) per call;
* the argument gate (``unrolling.reshape`` and ``_arguments.network_arguments``) and its
  finiteness check of X alone;
* the anatomy: the course's four equations for sigmoid units and a sigmoid output (as the
  vectorised path ran them before the core's rewrite: a lean forward pass from X without its
  ones, g' read off a(l)) rewritten as their single NumPy operations, each timed alone on arrays
  of the point's shapes: every matrix product, every elementwise pass, every allocation. Each
  step that allocates is timed twice, allocating as the library does (``fresh``) and writing into
  an array kept from the previous call (``kept``); the difference is what allocation and page
  faults cost. The steps' sum against the whole call leaves the Python overhead.

It prints a table per point and writes profile.md and profile.json into ``--out`` (default
benchmarks/results/profile). Measures; asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np

from .report import command_line, write_outputs

__all__ = ["profile_point", "main"]


def _per_call(f, calls):
    """Median CPU seconds of f() over ``calls`` calls (after two warm ones; one thread, so CPU time
    is the time the call took, minus the time other processes took the core from it), the median
    wall seconds, and per call the mean user and system CPU seconds and minor page faults."""
    f()
    f()
    times, walls = np.empty(calls), np.empty(calls)
    before = resource.getrusage(resource.RUSAGE_SELF)
    for i in range(calls):
        t0, w0 = time.process_time(), time.perf_counter()
        f()
        times[i], walls[i] = time.process_time() - t0, time.perf_counter() - w0
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {"median_s": float(np.median(times)), "median_wall_s": float(np.median(walls)), "user_s": (after.ru_utime - before.ru_utime) / calls,
            "system_s": (after.ru_stime - before.ru_stime) / calls,
            "page_faults": (after.ru_minflt - before.ru_minflt) / calls}


def _like(array):
    """A copy of ``array`` with the same strides (a strided view stays a strided view)."""
    if array.flags.c_contiguous:
        return array.copy()
    base = np.empty((array.shape[0], array.shape[1] + 1))[:, 1:]
    base[...] = array
    return base


def _sigmoid_passes(z, out, where, *, allocates=False):
    """The library's sigmoid, 1 / (1 + exp(-z)), as its four passes (steps of :func:`anatomy`),
    each reading its own input of realistic values and writing ``out`` (so that repeating a step
    neither overflows nor drifts into subnormals); with ``allocates`` the first pass writes a new
    array in the fresh variant."""
    n = _like(z)
    np.negative(z, out=n)
    e = _like(z)
    np.exp(n, out=e)
    p = _like(z)
    np.add(e, 1.0, out=p)
    first = (lambda: np.negative(z)) if allocates else (lambda: np.negative(z, out=out))
    return [(f"{where}: sigmoid, -z", "pass", first, (lambda: np.negative(z, out=out)) if allocates else None),
            (f"{where}: sigmoid, exp", "pass", lambda: np.exp(n, out=out), None),
            (f"{where}: sigmoid, + 1", "pass", lambda: np.add(e, 1.0, out=out), None),
            (f"{where}: sigmoid, 1 / x", "pass", lambda: np.reciprocal(p, out=out), None)]


def anatomy(problem):
    """The default path as a list of (name, kind, fresh call, kept call or None), in order.

    ``kind`` is "product" (BLAS), "pass" (one elementwise pass or reduction) or "copy".
    """
    from manual_backprop.bound import theta_views
    from manual_backprop.unrolling import theta_shapes

    p = problem
    sizes, X, Y, lam = p.layer_sizes, p.X, p.Y, p.lam
    m, L = X.shape[0], len(sizes)
    grad_vec = np.empty_like(p.theta_vec)
    thetas, D = theta_views(p.theta_vec, theta_shapes(sizes)), theta_views(grad_vec, theta_shapes(sizes))
    steps = []  # (name, kind, fresh, kept)

    # Forward: a(l+1) = [1 g(a(l) Theta(l)^T)], z(2) from X without the ones (the lean pass).
    a = [X]
    for l, Theta in enumerate(thetas[:-1]):
        a_next = np.empty((m, Theta.shape[0] + 1))
        a_next[:, 0] = 1.0
        g = a_next[:, 1:]
        where = f"forward {l + 1}->{l + 2}"
        prev = a[l]
        if l == 0:
            steps.append((f"{where}: z = X Theta[:, 1:]^T", "product",
                          lambda Theta=Theta, prev=prev, s=Theta.shape[0]: np.matmul(prev, Theta[:, 1:].T, out=np.empty((m, s + 1))[:, 1:]),
                          lambda Theta=Theta, prev=prev, g=g: np.matmul(prev, Theta[:, 1:].T, out=g)))
            z_src = _like(g)
            steps.append((f"{where}: z += Theta[:, 0]", "pass", lambda g=g, z=z_src, b=Theta[:, 0]: np.add(z, b, out=g), None))
        else:
            steps.append((f"{where}: z = a Theta^T", "product",
                          lambda Theta=Theta, prev=prev, s=Theta.shape[0]: np.matmul(prev, Theta.T, out=np.empty((m, s + 1))[:, 1:]),
                          lambda Theta=Theta, prev=prev, g=g: np.matmul(prev, Theta.T, out=g)))
            np.matmul(prev, Theta.T, out=g)
        if l == 0:
            np.matmul(prev, Theta[:, 1:].T, out=g)
            g += Theta[:, 0]
            z_src[...] = g
        steps += _sigmoid_passes(_like(g), g, where)
        steps.append((f"{where}: a[:, 0] = 1", "pass", lambda a_next=a_next: a_next[:, :1].fill(1.0), None))
        g[...] = 1.0 / (1.0 + np.exp(-g))
        a.append(a_next)
    Theta = thetas[-1]
    prev = a[-1]
    bias_split = L == 2
    z_L = np.matmul(prev, Theta[:, 1:].T) + Theta[:, 0] if bias_split else prev @ Theta.T
    z_kept = np.empty_like(z_L)
    steps.append(("forward output: z(L) = a Theta^T", "product",
                  lambda: prev @ Theta.T, lambda: np.matmul(prev, Theta.T, out=z_kept)))

    # The cost from z(L): sum softplus((1 - 2Y) z) / m + regularisation.
    sign = 1.0 - 2.0 * Y
    kept = np.empty_like(z_L)
    steps.append(("cost: 2 Y", "pass", lambda: 2.0 * Y, lambda: np.multiply(Y, 2.0, out=kept)))
    steps.append(("cost: 1 - 2Y", "pass", lambda: 1.0 - sign, lambda: np.subtract(1.0, kept, out=kept)))
    steps.append(("cost: (1 - 2Y) z", "pass", lambda: sign * z_L, lambda: np.multiply(sign, z_L, out=kept)))
    steps.append(("cost: softplus = logaddexp(0, x)", "pass", lambda: np.logaddexp(0.0, kept),
                  lambda: np.logaddexp(0.0, kept, out=kept)))
    steps.append(("cost: sum", "pass", lambda: kept.sum(), None))
    for l, Th in enumerate(thetas):
        steps.append((f"cost: regularisation, Theta({l + 1})^2 summed", "pass",
                      lambda Th=Th: (Th[:, 1:] * Th[:, 1:]).sum(), None))

    # delta(L) = (1 - 2y) g((1 - 2y) z): sign again, the sigmoid, the sign.
    delta_L = np.empty_like(z_L)
    steps.append(("delta(L): 1 - 2Y", "pass", lambda: 1.0 - 2.0 * Y, None))
    steps.append(("delta(L): (1 - 2Y) z", "pass", lambda: sign * z_L, lambda: np.multiply(sign, z_L, out=delta_L)))
    steps += _sigmoid_passes(sign * z_L, delta_L, "delta(L)", allocates=True)
    steps.append(("delta(L): (1 - 2Y) g", "pass", lambda: sign * delta_L, lambda: np.multiply(sign, delta_L, out=delta_L)))
    delta_L[...] = sign * (1.0 / (1.0 + np.exp(-sign * z_L)))

    # Backward: Delta(l) = delta(l+1)^T a(l) into grad_vec; delta(l) = delta(l+1) Theta(l)[:, 1:] .* a(1 - a).
    delta = delta_L
    for l in range(L - 2, -1, -1):
        Th, al = thetas[l], a[l]
        if l > 0:
            Delta_kept = np.empty(Th.shape)
            steps.append((f"backward {l + 1}: Delta = delta^T a", "product", lambda d=delta, al=al: d.T @ al,
                          lambda d=delta, al=al, out=Delta_kept: np.matmul(d.T, al, out=out)))
            steps.append((f"backward {l + 1}: Delta into grad_vec", "copy",
                          lambda Dl=D[l], src=Delta_kept: Dl.__setitem__(Ellipsis, src), None))
            new_delta = delta @ Th[:, 1:]
            kept_delta = np.empty_like(new_delta)
            steps.append((f"backward {l + 1}: delta Theta[:, 1:]", "product", lambda d=delta, Th=Th: d @ Th[:, 1:],
                          lambda d=delta, Th=Th, out=kept_delta: np.matmul(d, Th[:, 1:], out=out)))
            g = al[:, 1:]
            one_minus = 1.0 - g
            steps.append((f"backward {l + 1}: g' = a (1 - a), 1 - a", "pass", lambda g=g: 1.0 - g,
                          lambda g=g, out=one_minus: np.subtract(1.0, g, out=out)))
            steps.append((f"backward {l + 1}: g' = a (1 - a), a *", "pass", lambda g=g, o=one_minus: g * o,
                          lambda g=g, o=one_minus: np.multiply(g, o, out=o)))
            gp = g * (1.0 - g)
            steps.append((f"backward {l + 1}: delta *= g'", "pass",
                          lambda d=new_delta, k=kept_delta, gp=gp: np.multiply(d, gp, out=k), None))
            delta = new_delta * gp
        else:
            Delta_kept = np.empty((Th.shape[0], Th.shape[1] - 1))
            steps.append(("backward 1: Delta[:, 1:] = delta^T X", "product", lambda d=delta: d.T @ X,
                          lambda d=delta, out=Delta_kept: np.matmul(d.T, X, out=out)))
            steps.append(("backward 1: Delta[:, 0] = sum of delta", "pass", lambda d=delta: d.sum(axis=0), None))
            steps.append(("backward 1: Delta into grad_vec", "copy",
                          lambda Dl=D[0], src=Delta_kept: Dl[:, 1:].__setitem__(Ellipsis, src), None))
    Delta_vec = grad_vec.copy()
    steps.append(("D = Delta / m", "pass", lambda: np.divide(Delta_vec, m, out=grad_vec), None))
    for l, (Th, Dl) in enumerate(zip(thetas, D)):
        reg = np.empty((Th.shape[0], Th.shape[1] - 1))
        steps.append((f"D({l + 1}) += lambda/m Theta, the product", "pass", lambda Th=Th: (lam / m) * Th[:, 1:],
                      lambda Th=Th, out=reg: np.multiply(Th[:, 1:], lam / m, out=out)))
        steps.append((f"D({l + 1}) += lambda/m Theta, the sum", "pass",
                      lambda Dl=Dl, reg=reg: np.add(Dl[:, 1:], reg, out=Dl[:, 1:]), None))
    return steps


def alternatives(problem, calls):
    """Elementwise passes of the default path against NumPy-only replacements that give the same
    numbers (to rounding), timed on the point's arrays: (what, current, proposed) rows."""
    p = problem
    rng = np.random.default_rng(0)
    m, K, s = p.X.shape[0], p.layer_sizes[-1], p.layer_sizes[1]
    t = rng.standard_normal((m, K)) * 2  # (1 - 2y) z(L) of a network in training
    u, o = np.empty_like(t), np.empty_like(t)
    h = np.empty((m, s + 1))[:, 1:]
    h[...] = 1.0 + np.exp(-rng.standard_normal((m, s)))

    def softplus_passes():
        np.abs(t, out=u)
        np.negative(u, out=u)
        np.exp(u, out=u)
        np.log1p(u, out=u)
        np.maximum(t, 0.0, out=o)
        return np.add(o, u, out=o)

    a1 = np.hstack([np.ones((m, 1)), p.X])  # a(1) = [1 X]
    delta2 = rng.standard_normal((m, s))  # delta(2)
    Delta1, D1 = np.empty((s, a1.shape[1])), np.empty(s * a1.shape[1])
    D1_T = D1.reshape(a1.shape[1], s)  # D(1) in theta_vec's column-major layout, as its transpose

    def Delta_then_copy():
        np.matmul(delta2.T, a1, out=Delta1)
        np.copyto(D1_T.T, Delta1)

    # Two blocks' Delta(1), each (s_2, s_1 + 1) C-ordered as a block keeps it, summed into D(1).
    Delta_a, Delta_b = rng.standard_normal(Delta1.shape), rng.standard_normal(Delta1.shape)
    sum_a = np.empty_like(Delta_a)

    def sum_in_grad_layout():
        np.copyto(D1_T.T, Delta_a)
        D1_T.T[...] += Delta_b

    def sum_then_copy():
        np.add(Delta_a, Delta_b, out=sum_a)
        np.copyto(D1_T.T, sum_a)

    # The squares of Theta(1)[:, 1:]: as theta_vec holds them (contiguous, column by column), or
    # through the C-ordered scratch of a block's Delta(1).
    w = p.theta_vec[s:s * a1.shape[1]]
    Theta_w, scratch, free = w.reshape(a1.shape[1] - 1, s).T, np.empty_like(w), np.empty((s, a1.shape[1] - 1))

    def squares_through_scratch():
        return np.multiply(Theta_w, Theta_w, out=free).sum()

    def squares_contiguous():
        return np.multiply(w, w, out=scratch).sum()

    reference = np.logaddexp(0.0, t)
    Delta_then_copy()
    copied = D1.copy()
    np.matmul(a1.T, delta2, out=D1_T)
    differences = {"softplus": float(np.max(np.abs(softplus_passes() - reference) / reference)),
                   "sigmoid": float(np.max(np.abs(np.divide(1.0, h) - np.reciprocal(h)) * h)),
                   "Delta": float(np.max(np.abs(D1 - copied)) / np.max(np.abs(copied)))}
    sum_in_grad_layout()
    summed = D1.copy()
    sum_then_copy()
    differences["blocks"] = float(np.max(np.abs(D1 - summed)) / np.max(np.abs(summed)))
    differences["squares"] = float(abs(squares_contiguous() - squares_through_scratch()) / squares_through_scratch())
    rows = [("softplus((1 - 2y) z) on (m, K): np.logaddexp(0, t) -> max(t, 0) + log1p(exp(-|t|)), 6 passes",
             _per_call(lambda: np.logaddexp(0.0, t, out=o), calls), _per_call(softplus_passes, calls)),
            ("sigmoid's last pass on a(2), (m, s_2) strided: np.reciprocal(x) -> np.divide(1, x)",
             _per_call(lambda: np.reciprocal(h, out=h), calls), _per_call(lambda: np.divide(1.0, h, out=h), calls)),
            ("Delta(1), (s_2, s_1 + 1): delta(2)^T a(1) then copied into grad_vec's column-major layout -> "
             "a(1)^T delta(2) computed there, no copy (slower: kept as it is)",
             _per_call(Delta_then_copy, calls), _per_call(lambda: np.matmul(a1.T, delta2, out=D1_T), calls)),
            ("D(1) from two blocks' Delta(1): copied into grad_vec's column-major layout and the second added "
             "there -> added in the blocks' layout, then one copy",
             _per_call(sum_in_grad_layout, calls), _per_call(sum_then_copy, calls)),
            ("sum of the squares of Theta(1)[:, 1:]: through a C-ordered scratch -> as theta_vec holds them",
             _per_call(squares_through_scratch, calls), _per_call(squares_contiguous, calls))]
    return [{"what": what, "current": a, "proposed": b, "largest_relative_difference": d}
            for (what, a, b), d in zip(rows, differences.values())]


def profile_point(point, calls=200):
    from manual_backprop import nn_cost, nn_cost_function
    from manual_backprop._arguments import _check_finite, network_arguments
    from manual_backprop.unrolling import reshape

    from .floor import matrix_products
    from .grid import make_problem

    p = make_problem(point)
    args = (p.theta_vec, p.layer_sizes, p.X, p.y, p.lam)
    record = {"network": point.name, "calls": calls}
    record["whole"] = _per_call(lambda: nn_cost_function(*args), calls)
    record["cost_only"] = _per_call(lambda: nn_cost(*args), calls)
    record["gate"] = _per_call(lambda: network_arguments(reshape(p.theta_vec, p.layer_sizes), p.X, p.y, p.lam), calls)
    record["check_finite_X"] = _per_call(lambda: _check_finite("X", p.X), calls)
    record["floor"] = _per_call(matrix_products(p), calls)
    from manual_backprop.bound import BoundCost

    bound = BoundCost(p.layer_sizes, p.X, p.y, p.lam, blocks=1)
    record["bound"] = _per_call(lambda: bound(p.theta_vec), calls)
    record["alternatives"] = alternatives(p, calls)
    rows = []
    for name, kind, fresh, kept in anatomy(p):
        row = {"step": name, "kind": kind, "fresh": _per_call(fresh, calls)}
        if kept is not None:
            row["kept"] = _per_call(kept, calls)
        rows.append(row)
    record["steps"] = rows
    totals = {}
    for row in rows:
        for variant in ("fresh", "kept"):
            entry = row.get(variant, row["fresh"])
            key = (row["kind"], variant)
            totals[key] = totals.get(key, 0.0) + entry["median_s"]
    record["totals"] = {f"{k}_{v}": t for (k, v), t in totals.items()}
    record["sum_fresh_s"] = sum(t for (k, v), t in totals.items() if v == "fresh")
    record["sum_kept_s"] = sum(t for (k, v), t in totals.items() if v == "kept")
    return record


def markdown(records, command, info):
    lines = ["# Where the time of one gradient goes (one thread)", "",
             f"Command: `{command}`. {info}", ""]
    for r in records:
        w = r["whole"]
        lines += [f"## {r['network']}", "",
                  "| what | CPU ms per call | wall ms | user ms | system ms | page faults per call |",
                  "|---|---:|---:|---:|---:|---:|"]
        for key, label in (("whole", "nn_cost_function, the whole call"), ("cost_only", "nn_cost (forward and J)"),
                           ("gate", "argument gate, reshape + network_arguments"), ("check_finite_X", "of which: X finite"),
                           ("floor", "the matrix products alone (floor)"),
                           ("bound", "the bound cost function (manual_backprop.bound), one block")):
            e = r[key]
            lines.append(f"| {label} | {e['median_s'] * 1e3:.3f} | {e['median_wall_s'] * 1e3:.3f} | {e['user_s'] * 1e3:.3f} "
                         f"| {e['system_s'] * 1e3:.3f} | {e['page_faults']:.1f} |")
        t = r["totals"]
        lines += ["", f"Anatomy: the sum of the steps below is {r['sum_fresh_s'] * 1e3:.3f} ms allocating as the "
                  f"library does, {r['sum_kept_s'] * 1e3:.3f} ms into kept arrays, against {w['median_s'] * 1e3:.3f} ms "
                  "for the whole call (the rest: Python, the gate, NumPy's call overhead). By kind, fresh (kept): "
                  + ", ".join(f"{kind} {t.get(f'{kind}_fresh', 0) * 1e3:.3f} ({t.get(f'{kind}_kept', 0) * 1e3:.3f}) ms"
                              for kind in ("product", "pass", "copy")) + ".", "",
                  "| step | kind | CPU ms fresh | page faults fresh | CPU ms kept | page faults kept |",
                  "|---|---|---:|---:|---:|---:|"]
        for row in r["steps"]:
            f, k = row["fresh"], row.get("kept")
            lines.append(f"| {row['step']} | {row['kind']} | {f['median_s'] * 1e3:.4f} | {f['page_faults']:.1f} | "
                         + (f"{k['median_s'] * 1e3:.4f} | {k['page_faults']:.1f} |" if k else "- | - |"))
        lines += ["", "Replacements (NumPy only, the same numbers to rounding):", "",
                  "| pass | CPU ms before | CPU ms replaced | largest relative difference |", "|---|---:|---:|---:|"]
        for row in r["alternatives"]:
            lines.append(f"| {row['what']} | {row['current']['median_s'] * 1e3:.4f} | "
                         f"{row['proposed']['median_s'] * 1e3:.4f} | {row['largest_relative_difference']:.1e} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", default="64-25-10,400-25-10 m=5000",
                        help="comma-separated substrings of grid point names (default: the two small points)")
    parser.add_argument("--calls", type=int, default=200, help="calls per measurement (default 200)")
    parser.add_argument("--keep-freed-memory", action="store_true", help="glibc keeps freed memory (mallopt)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/profile"))
    args = parser.parse_args(argv)
    import threadpoolctl

    from . import machine
    from .grid import GRID
    from .load import load_average
    from .run import _keep_freed_memory

    kept = _keep_freed_memory() if args.keep_freed_memory else None
    limiter = threadpoolctl.threadpool_limits(1)  # noqa: F841 (kept alive for the run)
    points = [p for p in GRID if any(s in p.name for s in args.points.split(","))]
    before = load_average()
    records = [profile_point(point, args.calls) for point in points]
    info = machine.describe()
    text = (f"Machine: {info['cpu']}, {info['cores']} cores, NumPy {info['numpy']}, one BLAS thread; load average "
            f"{before[0]:.2f} at the start, {load_average()[0]:.2f} at the end"
            + ("; glibc keeps freed memory (--keep-freed-memory)" if kept else "") + ".")
    command = command_line("benchmarks.profile", argv)
    md = markdown(records, command, text)
    print(md)
    suffix = "-kept-memory" if kept else ""
    write_outputs(args.out, f"profile{suffix}", md, {"command": command, "machine": info, "points": records})
    return records


if __name__ == "__main__":
    main()
