"""The second-order properties checked: every planted R-pass bug still applies to the current
source and is caught, and the Hessian-vector check localises each one (the full table:
``python -m tests.mutants_second_order``)."""

import numpy as np
import pytest

from manual_backprop.hessian_check import check_hessian_vector_products
from tests.mutants import planted
from tests.mutants_second_order import CATALOGUE, run_bug

BUGS = {bug.name: bug for bug in CATALOGUE}


@pytest.mark.parametrize("name", BUGS)
def test_every_planted_r_pass_bug_is_caught_by_the_second_order_properties(name):
    result = run_bug(BUGS[name], stop_at_first=True)
    assert result.caught, f"no property caught {name!r}: " + ", ".join(
        f"{o.property} ({o.examples} examples)" for o in result.outcomes)


def network(activation, output):
    rng = np.random.default_rng(7)
    sizes = (4, 5, 4, 3)
    P = sum(b * (a + 1) for a, b in zip(sizes[:-1], sizes[1:]))
    return rng.uniform(-1, 1, P), sizes, rng.uniform(-1, 1, (6, 4)), rng.integers(0, 3, 6), 0.5


# The Gauss-Newton bug leaves H v alone, so the check of H v has nothing to find there.
HESSIAN_BUGS = [name for name in BUGS if not name.startswith("Gauss-Newton")]


@pytest.mark.parametrize("name", HESSIAN_BUGS)
def test_the_hessian_vector_check_reports_every_planted_bug_in_some_block(name):
    output = "softmax" if "softmax" in name else "sigmoid"
    theta_vec, sizes, X, y, lam = network("sigmoid", output)
    with planted(BUGS[name]):
        report = check_hessian_vector_products(theta_vec, sizes, X, y, lam, activation="sigmoid", output=output,
                                               rng=np.random.default_rng(0))
    assert not report.passed and report.failing_blocks, str(report)
