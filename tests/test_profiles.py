"""A failing property reports what a user needs: the shrunk network and the seed that reproduces it."""

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FAILING_PROPERTY = """
from hypothesis import given
from manual_backprop.strategies import networks

@given(net=networks())
def test_every_hidden_layer_has_a_single_unit(net):
    assert all(s == 1 for s in net.layer_sizes[1:-1])
"""


def test_a_failing_property_prints_the_shrunk_network_and_a_seed_that_reproduces_it(pytester, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("HYPOTHESIS_PROFILE", raising=False)
    pytester.makepyfile(test_shrinking=FAILING_PROPERTY)
    # The project's own configuration (warnings are errors) and conftest (profiles, report).
    options = ("-c", str(ROOT / "pyproject.toml"), "-p", "tests.conftest", "test_shrinking.py")
    first = pytester.runpytest_subprocess(*options)
    first.assert_outcomes(failed=1)
    output = first.stdout.str()
    assert "NetworkProblem(layer_sizes=(1, 2, 1), activation='sigmoid', output='sigmoid', lam=0.0" in output
    assert "@reproduce_failure(" in output
    seed = re.search(r"--hypothesis-seed=(\d+)", output).group(1)

    shutil.rmtree(pytester.path / ".hypothesis", ignore_errors=True)  # the seed alone must find it again
    again = pytester.runpytest_subprocess(*options, f"--hypothesis-seed={seed}")
    again.assert_outcomes(failed=1)
    assert "NetworkProblem(layer_sizes=(1, 2, 1)" in again.stdout.str()
