"""A seeded sample of mutmut's mutants, for a run that cannot afford them all.

mutmut names each mutant ``module.x_function__mutmut_N``; this lists the same names by mutating
the files of ``[tool.mutmut] only_mutate`` the way mutmut does, and draws the same fraction of each
module's mutants (a stratified sample, so a large module does not crowd out a small one):

    mutmut run --max-children 2 $(python -m tests.mutation_sample --fraction 0.15 --seed 0)
    python -m tests.mutation_sample --fraction 0.15 --seed 0 --module gradient_check --count

The score of a sample estimates the score of all the mutants; docs/mutation-testing.md gives the
fraction, the seed and the interval.
"""

from __future__ import annotations

import argparse
import random
import tomllib
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, required=True, help="the share of each module's mutants, 0 to 1")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--module", action="append", help="only this module (e.g. cost); repeat for several")
    parser.add_argument("--count", action="store_true", help="print how many per module instead of the names")
    args = parser.parse_args(argv)
    drawn = sample(args.fraction, args.seed, args.module)
    for path, names in drawn.items():
        print(f"{path}: {len(names)} of {len(mutant_names(path))}" if args.count else "\n".join(names))


if __name__ == "__main__":
    main()
