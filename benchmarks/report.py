"""The report of a run: results.md (tables and targets), results.json (every number), results.png."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["write_report", "markdown", "targets", "plot"]

RATIO_COLUMNS = ["jax-jit", "torch", "jax", "loop", "directional", "central-diff"]
LARGE_P = 1885  # targets apply from the (64, 25, 10) network up


def _ms(seconds):
    if seconds is None:
        return "-"
    ms = seconds * 1e3
    return f"{ms:,.0f}" if ms >= 1000 else f"{ms:.3g}"


def _ratio(entry, key="ratio_to_ours"):
    if entry is None or key not in entry:
        return "-"
    value = entry[key]
    text = f"{value:,.0f}" if value >= 1000 else f"{value:.3g}"
    return text + ("*" if entry.get("extrapolated") else "")


def targets(result):
    """The issue's targets, each with the measured value and whether it is met."""
    points = [p for p in result["points"] if p["P"] >= LARGE_P]
    rows = []
    for p in points:
        t = p["timings"]
        floor_ms = t["floor"]["median_s"] * 1e3
        for name in ("jax-jit", "torch"):
            if name not in t:
                continue
            ours_over = 1.0 / t[name]["ratio_to_ours"]
            bound = 0.7 if floor_ms < 10 else 1.0
            rows.append((p["network"], f"ours / {name} <= {bound}", ours_over, ours_over <= bound))
    for p in sorted(result["points"], key=lambda p: p["P"])[-2:]:
        ratio = p["timings"]["ours"]["ratio_to_floor"]
        rows.append((p["network"], "ours / floor <= 1.15", ratio, ratio <= 1.15))
    for p in points:
        ratio = p["memory"]["ratio"]
        rows.append((p["network"], "peak memory / (params + grads + stored activations) <= 1.5", ratio, ratio <= 1.5))
    return rows


def markdown(result):
    info = result["machine"]
    blas = "; ".join(f"{b.get('internal_api')} {b.get('version')} kernel {b.get('architecture')}, "
                     f"{b.get('num_threads')} threads" for b in info["blas"] if "internal_api" in b)
    env = ", ".join(f"{k}={v}" for k, v in info["environment"].items() if v) or "none of the BLAS/thread variables set"
    load = info.get("load_average_before")
    lines = [
        f"# Benchmark: one gradient (J and all of dJ/dtheta), float64 ({result['mode']} run)",
        "",
        f"Command: `{result['command']}` ({result['seconds']:.0f} s).",
        f"Machine: {info['cpu']}, {info['cores']} cores, load average {load[0]:.2f} at start; "
        f"Python {info['python']}, NumPy {info['numpy']} ({blas}), JAX {info['jax']}, "
        f"PyTorch {info['torch']} ({info.get('torch_threads')} threads); environment: {env}; "
        f"threads option: {info.get('threads_option') or 'none (each library its own)'}; "
        f"clock: {info.get('clock', 'wall')}"
        + ("; glibc keeps freed memory (--keep-freed-memory)." if info.get("keep_freed_memory") else "."),
        "",
        "Times are medians over interleaved rounds; a ratio is the median over rounds of the "
        "contestant's time over ours in the same round (above 1: ours is faster). `floor` is the "
        "matrix products alone (benchmarks/floor.py); * marks central differences extrapolated "
        "as (2P + 1) cost evaluations. Peak memory: the most bytes one call of ours had allocated at "
        "once (tracemalloc), over the budget of parameters, gradients and the activations the course "
        "stores (a(1) = [1 X], z(l), a(l)); in brackets over parameters, gradients and the a(l) and z(L) "
        "that our lean forward pass keeps (benchmarks/memory.py).",
        "",
        "| network | m | P | floor ms | ours ms | ours / floor | " + " | ".join(RATIO_COLUMNS) + " | peak memory MB | / budget (/ kept) |",
        "|---|---:|---:|---:|---:|---:|" + "---:|" * len(RATIO_COLUMNS) + "---:|---:|",
    ]
    for p in result["points"]:
        t = p["timings"]
        sizes = "-".join(map(str, p["layer_sizes"]))
        cells = [sizes, str(p["m"]), f"{p['P']:,}", _ms(t["floor"]["median_s"]), _ms(t["ours"]["median_s"]),
                 f"{t['ours']['ratio_to_floor']:.2f}"]
        cells += [_ratio(t.get(name)) for name in RATIO_COLUMNS]
        mem = p["memory"]
        cells += [f"{mem['peak_bytes'] / 1e6:.3g}", f"{mem['ratio']:.2f} ({mem['ratio_to_kept']:.2f})"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Targets", "", "| point | target | measured | met |", "|---|---|---:|---|"]
    for network, target, value, met in targets(result):
        lines.append(f"| {network} | {target} | {value:.2f} | {'yes' if met else '**no**'} |")
    lines += ["", "## Every contestant", "",
              "| network | contestant | ms per gradient (IQR) | / ours | / floor | rounds | first call ms | agreement with ours |",
              "|---|---|---:|---:|---:|---:|---:|---|"]
    for p in result["points"]:
        for name, e in p["timings"].items():
            iqr = f" ({_ms(e['q25_s'])}-{_ms(e['q75_s'])})" if "q25_s" in e else ""
            agree = p["agreement"].get(name) or {}
            agree_text = ", ".join(f"{k.replace('_relative_difference', '')} {v:.1e}" for k, v in agree.items())
            first = p["first_call_s"].get(name)
            lines.append(f"| {p['network']} | {name} | {_ms(e['median_s'])}{iqr} | {_ratio(e)} | "
                         f"{_ratio(e, 'ratio_to_floor')} | {e.get('rounds', '-')} | {_ms(first)} | {agree_text} |")
        for name, why in p["skipped"].items():
            if name not in p["timings"]:
                lines.append(f"| {p['network']} | {name} | skipped: {why} | | | | | |")
    if result.get("suite"):
        lines += ["", "## The property suite, per example", "",
                  "| network | m | P | JAX comparison, new shape s | JAX comparison, compiled s | full central differences s |",
                  "|---|---:|---:|---:|---:|---:|"]
        for row in result["suite"]:
            cells = [row["network"].split(" ")[0], str(row["m"]), str(row["P"])]
            cells += [f"{row[k]:.3g}" if k in row else "-" for k in
                      ("jax_comparison_new_shape_s", "jax_comparison_cached_s", "central_difference_check_s")]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def plot(result, path):
    """Log-log plot of seconds per gradient against P, one line per contestant."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    styles = {"ours": ("C0", "o-", 2.5), "floor": ("k", "s:", 1.5), "jax-jit": ("C1", "^-", 1.5),
              "jax": ("C1", "v--", 1), "torch": ("C3", "D-", 1.5), "loop": ("C2", "x--", 1),
              "cost-only": ("C7", ".--", 1), "directional": ("C4", "+-", 1), "central-diff": ("C5", "P-", 1.5)}
    fig, ax = plt.subplots(figsize=(8, 5.5))
    points = sorted(result["points"], key=lambda p: p["P"])
    for name, (color, style, width) in styles.items():
        xs, ys, extrapolated = [], [], []
        for p in points:
            e = p["timings"].get(name)
            if e:
                xs.append(p["P"])
                ys.append(e["median_s"])
                extrapolated.append(bool(e.get("extrapolated")))
        if not xs:
            continue
        label = {"ours": "ours (NumPy backprop)", "floor": "matrix-product floor",
                 "central-diff": "central differences (hollow: extrapolated)"}.get(name, name)
        ax.plot(xs, ys, style, color=color, lw=width, label=label, markerfacecolor=color)
        hollow = [(x, y) for x, y, e in zip(xs, ys, extrapolated) if e]
        if hollow:
            ax.plot(*zip(*hollow), "P", color=color, markerfacecolor="white", markersize=9)
    for p in points:  # the batch size of each point, under the floor's marker
        ax.annotate(f"m={p['m']}", (p["P"], p["timings"]["floor"]["median_s"]), textcoords="offset points",
                    xytext=(0, -14), ha="center", fontsize=7, color="0.3")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("parameters P")
    ax.set_ylabel("seconds per gradient (J and dJ/dtheta)")
    cpu = result["machine"]["cpu"]
    threads = result["machine"].get("threads_option")
    ax.set_title(f"One gradient, float64, {cpu} ({result['machine']['cores']} cores; "
                 f"{f'{threads} thread' if threads else 'default threads'}, {result['machine'].get('clock', 'wall')} time)",
                 fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
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
