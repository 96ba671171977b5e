"""The mutation-testing setup checked: what mutmut mutates, which tests it runs, and that its
forked workers cannot hang (pyproject.toml's [tool.mutmut], tests/mutation_plugin.py,
docs/mutation-testing.md)."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.mutation_plugin import BLAS_THREADS

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
CORE = ["_arguments", "activations", "cost", "forward", "backprop", "unrolling", "initialization", "predict"]
CHECKER = ["gradient_check", "numerical", "thresholds", "refinement", "diagnosis", "_layout", "debug", "testing"]
SECOND_ORDER = ["hessian", "hessian_check", "bound"]  # and the bound cost function, the training loop's J and grad
ABOVE_THE_CORE = ["cli", "train", "data", "plots", "estimator", "network", "strategies", "__main__", "__init__"]
# The tests of the test tooling, which mutmut leaves out (see the comment in pyproject.toml).
TOOLING = {"tests/test_profiles.py", "tests/test_benchmarks.py", "tests/test_mutation_setup.py"}

# Collects the suite the way mutmut's fork server does before it forks a worker per mutant, and
# reports the test ids and the threads the process holds afterwards.
COLLECT = """
import json, os, sys, pytest

class Collected:
    ids, phases = [], set()
    def pytest_collection_finish(self, session):
        items = session.items  # after deselection
        Collected.ids = [item.nodeid for item in items]
        Collected.phases = {tuple(phase.name for phase in item.obj._hypothesis_internal_use_settings.phases)
                            for item in items if hasattr(item.obj, "hypothesis")}

code = pytest.main(["--collect-only", "-qq", "-p", "no:cacheprovider", *sys.argv[1:]], plugins=[Collected()])
from hypothesis import settings
print("COLLECTED " + json.dumps({"exit": int(code), "ids": Collected.ids, "phases": sorted(Collected.phases),
                                 "derandomize": settings.default.derandomize,
                                 "threads": len(os.listdir("/proc/self/task"))}))
"""


def test_mutmut_mutates_the_core_and_the_checker_and_every_other_module_is_named_above_them():
    modules = {path.stem for path in (ROOT / "manual_backprop").glob("*.py")}
    mutated = {Path(path).stem for path in MUTMUT["only_mutate"]}
    assert all((ROOT / path).is_file() for path in MUTMUT["only_mutate"]), MUTMUT["only_mutate"]
    assert set(CORE) | set(CHECKER) | set(SECOND_ORDER) <= mutated
    assert not mutated & set(ABOVE_THE_CORE)
    # A new module fails here until it is either mutated or named above the core.
    assert modules == mutated | set(ABOVE_THE_CORE)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads through Linux's /proc")
def test_mutmut_collects_every_test_of_the_library_and_nothing_else_into_a_single_threaded_process():
    args = [*MUTMUT["pytest_add_cli_args"], *MUTMUT["pytest_add_cli_args_test_selection"]]
    env = {name: value for name, value in os.environ.items() if name not in BLAS_THREADS}
    result = subprocess.run([sys.executable, "-c", COLLECT, *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, check=True)
    report = json.loads(result.stdout.rpartition("COLLECTED ")[2])
    files = {nodeid.partition("::")[0] for nodeid in report["ids"]}
    harness = {f"tests/{path.name}" for path in (ROOT / "tests").glob("test_mutants*.py")}
    others = {f"tests/{path.name}" for path in (ROOT / "tests").glob("test_*.py")} - harness
    deselected = [arg.partition("=")[2] for arg in args if arg.startswith("--deselect=")]
    assert report["exit"] == 0
    # The harness edits the library's source, which under mutmut is a trampoline: it stays out,
    # and so do the other tests that plant its bugs (each still exists, so the list is not stale).
    assert harness and not files & harness
    assert files == others - TOOLING
    assert not set(deselected) & set(report["ids"])
    for nodeid in deselected:
        path, _, name = nodeid.partition("::")
        assert f"def {name}(" in (ROOT / path).read_text(), nodeid
    # One thread: no BLAS or XLA thread pool whose locks a forked worker would inherit held.
    assert report["threads"] == 1
    # Every property draws the same examples on every run and stops at its first failing one.
    assert report["derandomize"]
    assert report["phases"] == [["explicit", "reuse", "generate", "target"]]
