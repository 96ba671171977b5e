"""The diagnosis table: each catalogued backprop bug (tests/mutants.py) -> what the gradient check says.

For every bug in ``tests.mutants.CATALOGUE`` (whatever it holds today), the bug is planted in the
library and backprop is checked by central differences on the course's debug network (3-5-3,
lambda = 3, m = 5; 3-4-5 for a bug that needs s_{l+1} = s_l + 1), with lambda and m given to the
diagnosis. The table shows the verdict, the failing parts and the cause the report names.

    python -m tests.diagnosis_table                  # a Markdown table, as in docs/gradient-check.md
    python -m tests.diagnosis_table --method complex
"""

from __future__ import annotations

import argparse

import numpy as np

import manual_backprop as mb
from manual_backprop.debug import debug_network
from tests.mutants import CATALOGUE, planted

__all__ = ["row", "table", "main"]

LAM = 3.0


def _network(bug):
    if "transposed" in bug.name.lower():
        return debug_network(hidden_layer_size=4, num_labels=5)
    return debug_network()


def row(bug, method="central"):
    """(bug name, verdict, failing parts, diagnosis) for one catalogued bug."""
    theta_vec, layer_sizes, X, y = _network(bug)
    network = "-".join(map(str, layer_sizes))
    try:
        with planted(bug):
            report = mb.check_gradients(lambda t: mb.nn_cost_function(t, layer_sizes, X, y, LAM), theta_vec,
                                        layer_sizes, method=method, rng=np.random.default_rng(0),
                                        cost=lambda t: mb.nn_cost(t, layer_sizes, X, y, LAM), lam=LAM, m=X.shape[0])
    except Exception as error:  # noqa: BLE001  (the table reports what happened, whatever it was)
        return bug.name, network, f"raises {type(error).__name__}", "-", str(error).split(":")[0][:80]
    parts = ", ".join(f"{p.block} {p.part}" for p in report.failing_parts) or "-"
    causes = "; ".join(f"{d.block} {d.region}: {d.cause}" for d in report.diagnoses)
    if not causes:
        causes = "- (" + (bug.note or "the gradient is right for the J it is checked against") + ")" \
            if report.passed else report.reason[:100]
    return bug.name, network, report.verdict, parts, causes


def table(method="central"):
    lines = ["| bug | network | verdict | failing parts | the report's diagnosis |", "| --- | --- | --- | --- | --- |"]
    rows = [row(bug, method) for bug in CATALOGUE]
    lines += [f"| {' | '.join(r)} |" for r in rows]
    failed = sum(r[2] == "failed" for r in rows)
    lines += ["", f"{len(rows)} catalogued bugs, method {method}: {failed} failed, "
                  f"{sum(r[2].startswith('raises') for r in rows)} raise before any check, "
                  f"{sum(r[2] == 'passed' for r in rows)} passed (bugs no gradient check can see)"]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.diagnosis_table", description=__doc__.splitlines()[0])
    parser.add_argument("--method", default="central", choices=mb.gradient_check.METHODS)
    args = parser.parse_args(argv)
    print(table(args.method))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
