"""A seeded sample of mutmut's mutants, for a run that cannot afford them all.

mutmut names each mutant ``module.x_function__mutmut_N``; this lists the same names by mutating
the files of ``[tool.mutmut] only_mutate`` the way mutmut does, and draws the same fraction of each
module's mutants (a stratified sample, so a large module does not crowd out a small one):

    mutmut run --max-children 2 $(python -m tests.mutation_sample --fraction 0.15 --seed 0)
    python -m tests.mutation_sample --fraction 0.15 --seed 0 --module gradient_check --count
    python -m tests.mutation_sample --fraction 0.15 --seed 0 --score     # after the run, from mutants/

The score of a sample estimates the score of all the mutants; docs/mutation-testing.md gives the
fraction, the seed and the interval. ``--score`` reads mutmut's results for the sampled mutants
and prints, per module, how many were checked, killed (a timeout counts as killed) and survived.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import tomllib
from collections import Counter
from pathlib import Path

from mutmut.mutation.file_mutation import mutate_file_contents
from mutmut.utils.format_utils import get_mutant_name

ROOT = Path(__file__).resolve().parents[1]


def mutant_names(path):
    """Every mutant mutmut makes of the file at ``path`` (relative to the repository root), by name."""
    mutated = mutate_file_contents(str(path), (ROOT / path).read_text(), None, None)
    return sorted(get_mutant_name(Path(path), name) for name in mutated.mutant_names)


def sample(fraction, seed, modules=None):
    """{path: sorted names}: round(fraction * n) of each mutated file's n mutants, drawn with ``seed``."""
    paths = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]["only_mutate"]
    drawn = {}
    for path in paths:
        if modules and Path(path).stem not in modules:
            continue
        names = mutant_names(path)
        drawn[path] = sorted(random.Random(f"{seed}:{path}").sample(names, round(fraction * len(names))))
    return drawn


def wilson(k, n, z=1.96):
    """The 95 % Wilson interval of a proportion k / n."""
    if n == 0:
        return 0.0, 1.0
    p, d = k / n, z * z / n
    centre, half = (p + d / 2) / (1 + d), z * math.sqrt(p * (1 - p) / n + d / (4 * n)) / (1 + d)
    return centre - half, centre + half


def score(drawn):
    """Print, per module and for all, the sampled mutants' results from mutants/*.meta."""
    from mutmut.stats import status_by_exit_code

    total = Counter()
    print(f"{'module':<34} {'sampled':>7} {'checked':>7} {'killed':>6} {'survived':>8} {'other':>5}")
    for path, names in drawn.items():
        meta = ROOT / "mutants" / f"{path}.meta"
        codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        statuses = Counter(status_by_exit_code[codes.get(name)] for name in names)
        row = Counter(sampled=len(names), checked=len(names) - statuses["not checked"],
                      killed=statuses["killed"] + statuses["timeout"], survived=statuses["survived"])
        row["other"] = row["checked"] - row["killed"] - row["survived"]
        total.update(row)
        print(f"{path:<34} {row['sampled']:>7} {row['checked']:>7} {row['killed']:>6} {row['survived']:>8} {row['other']:>5}")
    low, high = wilson(total["killed"], total["checked"])
    print(f"{'all':<34} {total['sampled']:>7} {total['checked']:>7} {total['killed']:>6} {total['survived']:>8} "
          f"{total['other']:>5}")
    print(f"killed {total['killed']} of {total['checked']} checked = {total['killed'] / max(total['checked'], 1):.1%} "
          f"(95 % interval {low:.1%} to {high:.1%}), before any survivor is called equivalent")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, required=True, help="the share of each module's mutants, 0 to 1")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--module", action="append", help="only this module (e.g. cost); repeat for several")
    parser.add_argument("--count", action="store_true", help="print how many per module instead of the names")
    parser.add_argument("--score", action="store_true", help="print the sample's results from mutants/")
    args = parser.parse_args(argv)
    drawn = sample(args.fraction, args.seed, args.module)
    if args.score:
        return score(drawn)
    for path, names in drawn.items():
        print(f"{path}: {len(names)} of {len(mutant_names(path))}" if args.count else "\n".join(names))


if __name__ == "__main__":
    main()
