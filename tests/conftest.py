"""Hypothesis profiles, registered once for the whole suite, and what a failing property prints.

Profiles, chosen with the ``HYPOTHESIS_PROFILE`` environment variable:

* ``default``: 30 examples per property, which keeps the whole suite well inside three minutes
  on two cores: ``python -m pytest -n auto`` (the README's command).
* ``thorough``: 2000 examples per property, on request, spread over every core:
  ``HYPOTHESIS_PROFILE=thorough python -m pytest -n auto``.

When the ``CI`` environment variable is set (to anything but "", "0" or "false"), either profile
is derandomised (the examples follow from each test's source, not from a random seed) and keeps
no example database, so two CI runs test the same examples and report the same result. Runs
with pytest-xdist (``-n auto``) give the same results as serial runs.

A failing property prints the shrunk example (for the property suite, a
:class:`manual_backprop.strategies.NetworkProblem` whose repr rebuilds it), the
``@reproduce_failure`` blob that replays it, and a section "Hypothesis: to reproduce" with the
seed and the command that reruns the same search.
"""

import os

# scikit-learn's estimator check check_array_api_input runs only when SciPy's array API support is
# switched on, which must happen before SciPy is first imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

pytest_plugins = ["pytester"]

CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false")

_common = dict(
    deadline=None,  # timings on a shared two-core machine are noise, not failures
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=CI,
    **({"database": None} if CI else {}),
)
settings.register_profile("default", max_examples=30, **_common)
settings.register_profile("thorough", max_examples=2000, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def reproduction_hint(test, nodeid, forced_seed=None):
    """How to rerun the search that failed: the seed, or the derandomised command; None for a
    test that is not a Hypothesis property."""
    if not hasattr(test, "hypothesis"):
        return None
    profile = os.environ.get("HYPOTHESIS_PROFILE", "default")
    env = "" if profile == "default" else f"HYPOTHESIS_PROFILE={profile} "
    seed = forced_seed if forced_seed is not None else getattr(test, "_hypothesis_internal_use_generated_seed", None)
    if seed is not None:
        return (f"seed {seed}: rerun the same search with\n"
                f"    {env}python -m pytest '{nodeid}' --hypothesis-seed={seed}\n"
                f"or decorate the test with @hypothesis.seed({seed}); the @reproduce_failure line above "
                "replays the shrunk example alone.")
    if settings.default.derandomize:
        return (f"derandomised run (CI is set): the examples follow from the test's source; rerun with\n"
                f"    CI=1 {env}python -m pytest '{nodeid}'")
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        hint = reproduction_hint(getattr(item, "obj", None), item.nodeid,
                                 item.config.getoption("hypothesis_seed", None))
        if hint:
            report.sections.append(("Hypothesis: to reproduce", hint))
    return report


@pytest.fixture
def figures(monkeypatch):
    """The figures ``report.plot`` draws, kept open for inspection after it has saved them."""
    import matplotlib.pyplot as plt

    drawn, close = [], plt.close
    monkeypatch.setattr(plt, "close", drawn.append)
    yield drawn
    for figure in drawn:
        close(figure)
