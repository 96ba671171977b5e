"""The score of a mutation run, per module and per part, from mutmut's results in mutants/.

    mutmut run --max-children 2 "manual_backprop.cost.*" ...     # docs/mutation-testing.md
    python -m tests.mutation_score                # core and checker: mutants, checked, killed, survived, score
    python -m tests.mutation_score --survivors    # the survivors that are not listed as equivalent
    python -m tests.mutation_score --survivors --diffs   # the same, each with its diff (Markdown)
    python -m tests.mutation_score --part "second order"
    python -m tests.mutation_score --part all     # every mutated module: core, checker, second order, bound

A mutant is *equivalent* when no input a user can give tells it from the original; each is listed
with its reason in tests/mutation_equivalents.md (a table whose first column is the mutant's name).
The score is killed / (checked - equivalent), a timeout counting as killed (an infinite loop is
noticed); mutants not yet checked are counted apart, never as killed.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENTS = ROOT / "tests" / "mutation_equivalents.md"

PARTS = {
    "core": ["_arguments", "activations", "cost", "forward", "backprop", "unrolling", "initialization", "predict"],
    "checker": ["gradient_check", "numerical", "thresholds", "refinement", "diagnosis", "_layout", "debug", "testing"],
    "second order": ["hessian", "hessian_check"],
    "bound cost function": ["bound"],
}

# mutmut's exit codes (mutmut.stats.status_by_exit_code): 1 and 3 killed, 0 survived, None not checked,
# 36 and +-24 (SIGXCPU) timeouts; anything else (no tests, skipped, suspicious) is "other".
KILLED, SURVIVED, TIMEOUTS = {1, 3}, {0}, {36, 24, -24}


def equivalent_names(path=EQUIVALENTS):
    """The mutant names in the first column of the equivalents table."""
    if not path.exists():
        return set()
    return set(re.findall(r"^\|\s*(manual_backprop\.\S+?)\s*\|", path.read_text(), flags=re.MULTILINE))


def results(module):
    """{mutant name: exit code or None} of one module, from mutants/manual_backprop/<module>.py.meta."""
    meta = ROOT / "mutants" / "manual_backprop" / f"{module}.py.meta"
    return json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}


def diff(name, module):
    """mutmut's diff of one mutant against the original function."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    return get_diff_for_mutant(name, path=f"manual_backprop/{module}.py")


def tally(codes, equivalent):
    row = Counter(mutants=len(codes))
    for name, code in codes.items():
        if code is None:
            row["unchecked"] += 1
        elif code in KILLED or code in TIMEOUTS:
            row["killed"] += 1
        elif code in SURVIVED:
            row["equivalent" if name in equivalent else "survived"] += 1
        else:
            row["other"] += 1
    return row


def score(row):
    denominator = row["killed"] + row["survived"] + row["other"]
    return row["killed"] / denominator if denominator else float("nan")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", action="append", choices=list(PARTS) + ["all"],
                        help="a part of the package (default: core and checker; all: every part); repeat for several")
    parser.add_argument("--survivors", action="store_true", help="list the survivors not listed as equivalent")
    parser.add_argument("--diffs", action="store_true", help="with --survivors: each survivor's diff, in Markdown")
    args = parser.parse_args(argv)
    parts = args.part or ["core", "checker"]
    if "all" in parts:
        parts = list(PARTS)
    equivalent = equivalent_names()
    columns = ("mutants", "unchecked", "killed", "survived", "equivalent", "other")
    if not args.survivors:
        print(f"{'module':<22}" + "".join(f"{c:>11}" for c in columns) + f"{'score':>9}")
    everything = Counter()
    for part in parts:
        total = Counter()
        for module in PARTS[part]:
            codes = results(module)
            if args.survivors:
                for name, code in sorted(codes.items()):
                    if code in SURVIVED and name not in equivalent:
                        print(f"### {name}\n\n```diff\n{diff(name, module)}\n```\n" if args.diffs else name)
                continue
            row = tally(codes, equivalent)
            total.update(row)
            print(f"{module:<22}" + "".join(f"{row[c]:>11}" for c in columns) + f"{score(row):>9.1%}")
        if not args.survivors:
            everything.update(total)
            print(f"{part:<22}" + "".join(f"{total[c]:>11}" for c in columns) + f"{score(total):>9.1%}")
    if not args.survivors and len(parts) > 1:
        name = "all" if parts == list(PARTS) else " and ".join(parts)
        print(f"{name:<22}" + "".join(f"{everything[c]:>11}" for c in columns)
              + f"{score(everything):>9.1%}")


if __name__ == "__main__":
    main()
