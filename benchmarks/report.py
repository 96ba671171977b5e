"""The report of a run: results.md (tables and targets), results.json (every number), results.png."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["write_report", "write_outputs", "command_line", "markdown", "targets", "plot"]


def command_line(module, argv=None):
    """The command that ran ``python -m MODULE`` with ``argv`` (sys.argv[1:] when None), for the outputs."""
    import sys

    return " ".join(["python -m", module] + list(sys.argv[1:] if argv is None else argv))


def write_outputs(out, name, text, data):
    """Write ``text`` to OUT/NAME.md and ``data`` to OUT/NAME.json, making OUT if needed."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.md").write_text(text if text.endswith("\n") else text + "\n")
    (out / f"{name}.json").write_text(json.dumps(data, indent=1) + "\n")

RATIO_COLUMNS = ["ours-bound", "jax-jit", "torch", "sklearn", "jax", "loop", "directional", "central-diff"]
VERSUS = ["jax-jit", "torch", "sklearn"]
LARGE_P = 1885  # targets apply from the (64, 25, 10) network up
LOAD_NAMES = {"quiet": "the machine as it was", "busy": "one core kept busy by a spinning process"}


def _ms(seconds):
    if seconds is None:
        return "-"
    ms = seconds * 1e3
    return f"{ms:,.0f}" if ms >= 1000 else f"{ms:.3g}"


def _ratio(entry, key="ratio_to_ours"):
    if entry is None or key not in entry:
        return "-"
    value = entry[key]
    text = f"{value:,.0f}" if value >= 1000 else f"{value:.3g}" if value >= 0.01 else f"{value:.2g}"
    return text + ("*" if entry.get("extrapolated") else "")


def _runs(result):
    """(setting name, load, worker JSON) for every setting and load measured, single first."""
    for name, worker in result["settings"].items():
        for load in worker["loads"]:
            yield name, load, worker


def _title(name, load, worker):
    if name == "single":
        return "One thread per library, CPU time"
    return f"Default threads, wall-clock time, {LOAD_NAMES[load]}"


LEADS = {"ours": "nn_cost_function", "ours-bound": "bound cost function"}


def _over(t, lead, other):
    """Median over rounds of t_lead / t_other, or None."""
    entry = t.get(other)
    return None if entry is None or lead not in t else entry.get("over", {}).get(lead)


def targets(result):
    """The issue's targets, each as (setting, point, target, measured, met), for each lead (ours as
    nn_cost_function and, where measured, as the bound cost function)."""
    rows = []
    for name, load, worker in _runs(result):
        title = "1 thread" if name == "single" else f"default threads, {load}"
        for p in worker["points"]:
            if p["P"] < LARGE_P:
                continue
            t = p["loads"][load]["timings"]
            for lead, lead_name in LEADS.items():
                if lead not in t:
                    continue
                checks = []

                def versus(c, bound):
                    # The floor's time over c's: no implementation on the same BLAS products goes below it
                    # with one thread; on a quiet machine with default threads, the same products on the
                    # BLAS's threads (under load their waits make the floor no bound at all).
                    least = (1.0 / t[c]["ratio_to_floor"] if (name == "single" or load == "quiet")
                             and "ratio_to_floor" in t[c] else None)
                    checks.append((f"/ {c} <= {bound}", _over(t, lead, c), bound, least))

                if name == "single":
                    checks.append(("/ floor <= 1.3", t[lead]["ratio_to_floor"], 1.3, 1.0))
                elif load == "quiet":
                    for c in ("jax-jit",):
                        if c in t:
                            versus(c, 0.8)
                else:
                    for c in ("jax-jit", "torch"):
                        if c in t:
                            versus(c, 1.0)
                if "sklearn" in t:
                    versus("sklearn", 0.7)
                faults = p.get("page_faults_fresh_process", {}).get(lead)
                if faults is not None:
                    checks.append(("page faults per call (fresh process) <= 1", faults, 1.0, None))
                if "memory" in p and lead == "ours":
                    checks.append(("peak memory / (params + grads + stored activations) <= 1.5", p["memory"]["ratio"],
                                   1.5, None))
                rows += [(title, p["network"], f"{lead_name} {target}", value, value <= bound, least)
                         for target, value, bound, least in checks if value is not None]
    return rows


def _usage_text(usage):
    if not usage:
        return "-"
    others = usage.get("others_cores")
    text = "-" if others is None else f"{others:.2f}"
    if "spinner_cpu_share" in usage:
        text += f" (+ spinner {usage['spinner_cpu_share']:.2f})"
    return text


def _machine_text(info):
    blas = "; ".join(f"{b.get('internal_api')} {b.get('version')} kernel {b.get('architecture')}, "
                     f"{b.get('num_threads')} threads" for b in info["blas"] if "internal_api" in b)
    env = ", ".join(f"{k}={v}" for k, v in info["environment"].items() if v) or "none of the BLAS/thread variables set"
    return (f"{info['cpu']}, {info['cores']} cores; Python {info['python']}, NumPy {info['numpy']} ({blas}), "
            f"JAX {info['jax']}, PyTorch {info['torch']}, scikit-learn {info.get('sklearn')}; environment: {env}")


def markdown(result):
    info = result["machine"]
    before, after = info.get("load_average"), info.get("load_average_after")
    lines = [
        f"# Benchmark: one gradient (J and all of dJ/dtheta), float64 ({result['mode']} run)",
        "",
        f"Command: `{result['command']}` ({result['seconds']:.0f} s)"
        + (f" at commit {info['commit']}." if info.get("commit") else "."),
        f"Machine: {_machine_text(info)}.",
        f"Load average (1, 5, 15 min) {', '.join(f'{v:.2f}' for v in before)} at the start, "
        f"{', '.join(f'{v:.2f}' for v in after)} at the end." if before and after else "",
        "",
    ]
    for name, worker in result["settings"].items():
        w = worker["machine"]
        threads = ", ".join(f"{b.get('internal_api')} {b.get('num_threads')}" for b in w["blas"] if "internal_api" in b)
        usage = [p["loads"][load]["usage"].get("others_cores") for p in worker["points"] for load in worker["loads"]]
        usage = [u for u in usage if u is not None]
        lines.append(f"- **{name}**: {worker['description']} ({worker['seconds']:.0f} s; BLAS threads: {threads}; "
                     f"torch threads {w.get('torch_threads')}; XLA_FLAGS={w['environment'].get('XLA_FLAGS')}); load "
                     f"average {w['load_average_before'][0]:.2f} at its start"
                     + (f"; other processes used {min(usage):.2f} to {max(usage):.2f} cores while it timed" if usage else "")
                     + ".")
    busiest = max([p["loads"][load]["usage"].get("others_cores") or 0.0 for worker in result["settings"].values()
                   for p in worker["points"] for load in worker["loads"]], default=0.0)
    if busiest > 0.25:
        lines += ["", f"**Other processes were running during this run** (up to {busiest:.2f} of the {info['cores']} "
                  "cores while a point was timed, besides the benchmark's own spinner): the \"quiet\" figures are "
                  "not from an idle machine, and the default-thread figures depend on that load."]
    lines += [
        "",
        "In the tables by setting, \"/ X\" is the median over interleaved rounds of our time over X's time in "
        "the same round (below 1: ours is faster), for ours as `nn_cost_function` (one call, as a user calls it "
        "once) and as the cost function bound to the network and the data (as a training loop calls it). `floor` is the matrix products alone (benchmarks/floor.py). "
        "\"Others' cores\": how many cores processes other than the benchmark (and its spinner) kept busy "
        "while the point was timed (/proc/stat); the spinner's own CPU share follows in brackets. Page faults: "
        "minor faults (getrusage) per call after a warm call, in a fresh interpreter that imports only NumPy and "
        "the library, as a user's script (in the benchmark's own process, glibc has already stopped returning "
        "freed memory, so the per-contestant tables show fewer).",
        "",
    ]
    for name, load, worker in _runs(result):
        lines += [f"## {_title(name, load, worker)}", "",
                  "| network | m | P | ours as | ms | / floor | " + " | ".join(f"/ {c}" for c in VERSUS)
                  + " | page faults per call | others' cores |",
                  "|---|---:|---:|---|---:|---:|" + "---:|" * len(VERSUS) + "---:|---:|"]
        for p in worker["points"]:
            t = p["loads"][load]["timings"]
            for lead, lead_name in LEADS.items():
                if lead not in t:
                    continue
                cells = ["-".join(map(str, p["layer_sizes"])), str(p["m"]), f"{p['P']:,}", lead_name,
                         _ms(t[lead]["median_s"]), f"{t[lead]['ratio_to_floor']:.2f}"]
                cells += ["-" if _over(t, lead, c) is None else f"{_over(t, lead, c):.3g}" for c in VERSUS]
                faults = p.get("page_faults_fresh_process", {}).get(lead)
                cells += ["-" if faults is None else f"{faults:,.0f}", _usage_text(p["loads"][load]["usage"])]
                lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    single = result["settings"].get("single")
    if single:
        lines += ["## Every contestant against ours, one thread", "",
                  "Each contestant's time over ours (above 1: ours is faster); * marks central differences "
                  "extrapolated as (2P + 1) cost evaluations. Peak memory: the most bytes one call of ours had "
                  "allocated at once (tracemalloc), over the budget of parameters, gradients and the activations the "
                  "course stores (a(1) = [1 X], z(l), a(l)); in brackets over parameters, gradients and the a(l) and "
                  "z(L) that our lean forward pass keeps (benchmarks/memory.py).", "",
                  "| network | m | P | floor ms | ours ms | ours / floor | " + " | ".join(RATIO_COLUMNS)
                  + " | peak memory MB | / budget (/ kept) |",
                  "|---|---:|---:|---:|---:|---:|" + "---:|" * len(RATIO_COLUMNS) + "---:|---:|"]
        for p in single["points"]:
            t = p["loads"]["quiet"]["timings"]
            cells = ["-".join(map(str, p["layer_sizes"])), str(p["m"]), f"{p['P']:,}", _ms(t["floor"]["median_s"]),
                     _ms(t["ours"]["median_s"]), f"{t['ours']['ratio_to_floor']:.2f}"]
            cells += [_ratio(t.get(name)) for name in RATIO_COLUMNS]
            mem = p.get("memory")
            cells += [f"{mem['peak_bytes'] / 1e6:.3g}", f"{mem['ratio']:.2f} ({mem['ratio_to_kept']:.2f})"] if mem else ["-", "-"]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["## Targets", "",
              "\"Least possible\": for a ratio to X, the floor's time over X's (the matrix products alone, which "
              "every implementation on this BLAS must do). With one thread a target below it cannot be met by any "
              "implementation; with default threads on the quiet machine it is the same products on the BLAS's "
              "own threads, about the least that two cores give them (not given under load, where the BLAS's "
              "threads wait for each other).", "",
              "| setting | point | target | measured | met | least possible |", "|---|---|---|---:|---|---:|"]
    for setting, network, target, value, met, least in targets(result):
        measured = f"{value:.3f}" if abs(value) < 100 else f"{value:,.0f}"  # 1.003 does not read as 1.00, "no"
        lines.append(f"| {setting} | {network} | {target} | {measured} | {'yes' if met else '**no**'} | "
                     f"{'-' if least is None else f'{least:.2f}'} |")
    lines.append("")
    default = result["settings"].get("default")
    if default and default.get("training"):
        for load, entry in default["training"].items():
            lines += [f"## Training on the digits, default threads, {LOAD_NAMES[load]}", "",
                      f"64-25-10 on all {entry['m']} digits, lambda = {entry['lam']}, {entry['max_iter']} iterations "
                      f"at most, the same initial weights (benchmarks/training.py); target J = {entry['target_J']:.6f} "
                      f"(the largest final J, so that every contestant reaches it); others' cores "
                      f"{_usage_text(entry.get('usage'))}.", "",
                      "| contestant | iterations | cost evaluations | final J | ms per iteration | ms to the target J "
                      "| evaluations to it | ours / it, per iteration | ours / it, to the target |",
                      "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
            for name, e in entry["results"].items():
                lines.append(f"| {name} | {e['iterations']} | {e['evaluations']} | {e['final_J']:.6f} | "
                             f"{_ms(e['seconds_per_iteration'])} | {_ms(e['seconds_to_target'])} | "
                             f"{e['evaluations_to_target']} | {e.get('ours_over_seconds_per_iteration', float('nan')):.2f} | "
                             f"{e.get('ours_over_seconds_to_target', float('nan')):.2f} |")
            for name, why in entry.get("skipped", {}).items():
                lines.append(f"| {name} | skipped: {why} | | | | | | | |")
            lines.append("")
    for name, load, worker in _runs(result):
        lines += [f"## Every contestant: {_title(name, load, worker).lower()}", "",
                  "| network | contestant | ms per gradient (IQR) | ours / it | it / floor | rounds | first call ms "
                  "| page faults per call | agreement with ours |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---|"]
        for p in worker["points"]:
            for c, e in p["loads"][load]["timings"].items():
                iqr = f" ({_ms(e['q25_s'])}-{_ms(e['q75_s'])})" if "q25_s" in e else ""
                agree = p["agreement"].get(c) or {}
                agree_text = ", ".join(f"{k.replace('_relative_difference', '')} {v:.1e}" for k, v in agree.items())
                faults = p.get("page_faults_per_call", {}).get(c)
                lines.append(f"| {p['network']} | {c} | {_ms(e['median_s'])}{iqr} | {_ratio(e, 'ours_over')} | "
                             f"{_ratio(e, 'ratio_to_floor')} | {e.get('rounds', '-')} | {_ms(p['first_call_s'].get(c))} | "
                             f"{'-' if faults is None else f'{faults:,.0f}'} | {agree_text} |")
            for c, why in p["skipped"].items():
                if c not in p["loads"][load]["timings"]:
                    lines.append(f"| {p['network']} | {c} | skipped: {why} | | | | | | |")
        lines.append("")
    suite = single.get("suite") if single else None
    if suite:
        lines += ["## The property suite, per example", "",
                  "| network | m | P | JAX comparison, new shape s | JAX comparison, compiled s | full central differences s |",
                  "|---|---:|---:|---:|---:|---:|"]
        for row in suite:
            cells = [row["network"].split(" ")[0], str(row["m"]), str(row["P"])]
            cells += [f"{row[k]:.3g}" if k in row else "-" for k in
                      ("jax_comparison_new_shape_s", "jax_comparison_cached_s", "central_difference_check_s")]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(line for line in lines if line is not None) + "\n"


def plot(result, path):
    """Log-log plots of seconds per gradient against P: one thread (every contestant) on the left,
    default threads on the right (solid: quiet, dashed: one core busy)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    styles = {"ours": ("C0", "o", 2.5), "ours-bound": ("C9", "h", 2.5), "floor": ("k", "s", 1.5), "jax-jit": ("C1", "^", 1.5),
              "jax": ("C1", "v", 1), "torch": ("C3", "D", 1.5), "sklearn": ("C8", "*", 1.5), "loop": ("C2", "x", 1),
              "cost-only": ("C7", ".", 1), "directional": ("C4", "+", 1), "central-diff": ("C5", "P", 1.5)}
    labels = {"ours": "ours (NumPy backprop)", "ours-bound": "ours, bound cost function", "floor": "matrix-product floor", "sklearn": "sklearn _loss_grad_lbfgs",
              "central-diff": "central differences (hollow: extrapolated)"}
    panels = [(n, l, w) for n, l, w in _runs(result)]
    single = [r for r in panels if r[0] == "single"]
    default = [r for r in panels if r[0] == "default"]
    fig, axes = plt.subplots(1, 1 + bool(single and default), figsize=(14 if single and default else 8, 5.5),
                             squeeze=False)
    for ax, runs in zip(axes[0], [r for r in (single, default) if r]):
        for name, load, worker in runs:
            points = sorted(worker["points"], key=lambda p: p["P"])
            dashed = load == "busy"
            for c, (color, marker, width) in styles.items():
                xs, ys, extrapolated = [], [], []
                for p in points:
                    e = p["loads"][load]["timings"].get(c)
                    if e:
                        xs.append(p["P"])
                        ys.append(e["median_s"])
                        extrapolated.append(bool(e.get("extrapolated")))
                if not xs:
                    continue
                label = labels.get(c, c) + (" (one core busy)" if dashed else "")
                ax.plot(xs, ys, marker + ("--" if dashed else "-"), color=color, lw=width, label=label,
                        alpha=0.6 if dashed else 1.0)
                hollow = [(x, y) for x, y, e in zip(xs, ys, extrapolated) if e]
                if hollow:
                    ax.plot(*zip(*hollow), "P", color=color, markerfacecolor="white", markersize=9)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("parameters P")
        ax.set_ylabel("seconds per gradient (J and dJ/dtheta)")
        ax.set_title(_title(*runs[0]) if runs[0][0] == "single" else "Default threads, wall-clock time "
                     "(dashed: one core busy)", fontsize=10)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    fig.suptitle(f"One gradient, float64, {result['machine']['cpu']} ({result['machine']['cores']} cores)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write_report(result, out):
    out = Path(out)
    paths = [out / "results.md", out / "results.json", out / "results.png"]
    paths[0].write_text(markdown(result))
    paths[1].write_text(json.dumps(result, indent=1, default=float) + "\n")
    try:
        plot(result, paths[2])
    except ImportError:
        print("note: matplotlib not installed, no plot")
        paths.pop()
    return paths
