"""Which way round the products run: examples as rows (the course's) or as columns (the bound cost function's).

Run from the repository root::

    python -m benchmarks.orientation

Backpropagation's products can be written with one row per example, as the course writes them
and ``nn_cost_function`` runs them,

    z(l+1) = a(l) Theta(l)^T,   delta(l) = delta(l+1) Theta(l)[:, 1:],   Delta(l) = delta(l+1)^T a(l),

or with one column per example, on the transposes,

    z(l+1)^T = Theta(l) a(l)^T,   delta(l)^T = Theta(l)[:, 1:]^T delta(l+1)^T,   Delta(l) = delta(l+1)^T a(l),

where a(1) = [1 X] stays as X comes (one row per example) and the later a(l), delta(l) are kept
transposed. The same numbers either way; OpenBLAS blocks them differently. For every product of
every grid point from 64-25-10 up, one BLAS thread, the process's CPU time, interleaved rounds:
the median time of each form and the median of the per-round ratios (columns / rows). Writes
orientation.md and orientation.json into ``--out`` (default benchmarks/results/profile).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from .grid import GRID
from .load import load_average
from .report import command_line, write_outputs
from .timing import interleaved, summarise

__all__ = ["products", "main"]


def products(layer_sizes, m, rng):
    """(name, rows form, columns form) for each product of one gradient, on random arrays."""
    pairs = []
    for l, (s, h) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:])):
        Theta = rng.standard_normal((s + 1, h)).T  # as theta_vec lays Theta(l) out: a transposed C block
        a = rng.standard_normal((m, s + 1))  # a(1) as X comes; a later a(l) is kept transposed
        a_T = a.T if l == 0 else np.ascontiguousarray(a.T)
        a_rows = a if l == 0 else a_T.T
        delta, delta_T = rng.standard_normal((m, h)), rng.standard_normal((h, m))
        z, z_T, D = np.empty((m, h)), np.empty((h, m)), np.empty((h, s + 1))
        pairs.append((f"z({l + 2}) = a({l + 1}) Theta({l + 1})^T, {m} x {s + 1} by {s + 1} x {h}",
                      lambda a=a, Theta=Theta, z=z: np.matmul(a, Theta.T, out=z),
                      lambda a_T=a_T, Theta=Theta, z_T=z_T: np.matmul(Theta, a_T, out=z_T)))
        pairs.append((f"Delta({l + 1}) = delta({l + 2})^T a({l + 1}), {h} x {m} by {m} x {s + 1}",
                      lambda delta=delta, a=a, D=D: np.matmul(delta.T, a, out=D),
                      lambda delta_T=delta_T, a_rows=a_rows, D=D: np.matmul(delta_T, a_rows, out=D)))
        if l > 0:
            previous, previous_T = np.empty((m, s)), np.empty((s, m))
            pairs.append((f"delta({l + 1}) = delta({l + 2}) Theta({l + 1})[:, 1:], {m} x {h} by {h} x {s}",
                          lambda delta=delta, Theta=Theta, out=previous: np.matmul(delta, Theta[:, 1:], out=out),
                          lambda delta_T=delta_T, Theta=Theta, out=previous_T: np.matmul(Theta[:, 1:].T, delta_T,
                                                                                         out=out)))
    return pairs


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.orientation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=float, default=1.0, help="seconds of rounds per product (default 1)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/profile"),
                        help="where orientation.md and orientation.json are written (default benchmarks/results/profile)")
    args = parser.parse_args(argv)
    command = command_line("benchmarks.orientation", argv)
    import threadpoolctl

    rows, before = [], load_average()
    with threadpoolctl.threadpool_limits(1):
        for point in [p for p in GRID if p.m >= 500 or p.layer_sizes[0] >= 64]:
            rng = np.random.default_rng(0)
            for name, by_rows, by_columns in products(point.layer_sizes, point.m, rng):
                summary = summarise(interleaved({"rows": by_rows, "columns": by_columns}, min_rounds=7, max_rounds=400,
                                                budget_s=args.budget, clock=time.process_time),
                                    references=("rows",), leads=())
                row = {"network": point.name, "product": name, "rows_ms": summary["rows"]["median_s"] * 1e3,
                       "columns_ms": summary["columns"]["median_s"] * 1e3,
                       "columns_over_rows": summary["columns"]["ratio_to_rows"]}
                rows.append(row)
                print(f"{point.name:26s} {name:60s} rows {row['rows_ms']:8.3f} ms  columns {row['columns_ms']:8.3f} ms"
                      f"  x{row['columns_over_rows']:.2f}", flush=True)
    lines = ["# Products with the examples as rows or as columns, one BLAS thread", "",
             f"Command: `{command}`; load average {before[0]:.2f} at the start, "
             f"{load_average()[0]:.2f} at the end. CPU time, medians; the ratio is the median of the per-round ratios.",
             "", "| network | product | rows ms | columns ms | columns / rows |", "|---|---|---:|---:|---:|"]
    lines += [f"| {r['network']} | {r['product']} | {r['rows_ms']:.3f} | {r['columns_ms']:.3f} | "
              f"{r['columns_over_rows']:.2f} |" for r in rows]
    write_outputs(args.out, "orientation", "\n".join(lines), {"rows": rows})
    return rows


if __name__ == "__main__":
    main()
