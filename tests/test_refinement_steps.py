"""The refinement's automatic step and its reading of kinks, checked where the answer is known
exactly (manual_backprop.refinement): a cubic, whose third derivative is 6, and a ReLU network
with a kink at theta, whose sides each analytical value must be matched to."""

import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop.refinement import Line, auto_step
from tests import kinks
from tests.helpers import assert_close


@pytest.mark.parametrize("theta_0", [0.0, 0.3, -1.7, 2.0])
@pytest.mark.parametrize("rho", [1e-16, 1e-13, 1e-11])
def test_the_automatic_step_balances_truncation_and_rounding_for_a_known_third_derivative(theta_0, rho):
    theta = np.array([theta_0, 0.5, -0.5])
    grad = np.array([3 * theta_0 ** 2, 1.0, -1.0])
    J = lambda x: float(x[0] ** 3 + np.sum(x[1:] ** 2))  # noqa: E731  (J''' = 6 along theta_0)
    s, bound, central, analytical = auto_step(Line(J, theta, 0, grad, J(theta)), rho)
    # s minimises (s^2 / 6) J''' + rho / s, so the two terms are rho / (2 s) and rho / s there.
    assert_close(s, (3 * rho / 6) ** (1 / 3), "auto_step_on_a_cubic")
    assert_close(bound, 1.5 * rho / s, "auto_step_on_a_cubic")
    assert analytical == grad[0] * ((theta_0 + s) - (theta_0 - s)) / (2 * s)


def test_each_entry_at_a_kink_is_matched_to_the_side_of_the_kink_whose_slope_it_has():
    theta_vec, layer_sizes, X, y, lam, _ = kinks.relu_near_kink(np.random.default_rng(3), 0.0)
    report = mb.check_gradients(lambda t: mb.nn_cost_function(t, layer_sizes, X, y, lam, activation="relu"),
                                theta_vec, layer_sizes, cost=lambda t: mb.nn_cost(t, layer_sizes, X, y, lam,
                                                                                  activation="relu"))
    sides = {entry.index: entry.evidence.partition(" matches the ")[2].partition(" slope")[0]
             for entry in report.refined}
    # The backprop gradient is the left slope for the bias and the first weight, the right one for the others.
    assert sides == {3: "left", 7: "left", 11: "right", 15: "right"}


@pytest.mark.parametrize("distance, kink, smooth", [(1e-6, "right", "left"), (-1e-6, "left", "right")])
def test_a_kink_beside_theta_is_placed_on_its_side_and_the_gradient_judged_on_the_other(distance, kink, smooth):
    theta_vec, layer_sizes, X, y, lam, _ = kinks.relu_near_kink(np.random.default_rng(4), distance)
    report = mb.check_gradients(lambda t: mb.nn_cost_function(t, layer_sizes, X, y, lam, activation="relu"),
                                theta_vec, layer_sizes, cost=lambda t: mb.nn_cost(t, layer_sizes, X, y, lam,
                                                                                  activation="relu"))
    judged = [entry.evidence for entry in report.refined if "a kink on the" in entry.evidence]
    assert report.passed and judged
    assert all(evidence.startswith(f"a kink on the {kink} within s = 1e-04") for evidence in judged)
    assert all(f"theta's side agrees: {smooth} derivative " in evidence for evidence in judged)


def test_a_wrong_entry_at_a_kink_is_wrong_because_it_matches_neither_side_and_the_evidence_says_so():
    theta_vec, layer_sizes, X, y, lam, (_, j) = kinks.relu_near_kink(np.random.default_rng(3), 0.0)

    def wrong(t):
        J, grad = mb.nn_cost_function(t, layer_sizes, X, y, lam, activation="relu")
        grad[j] += 1e-3  # the bias weight of the unit whose z(2) sits on its kink
        return J, grad

    report = mb.check_gradients(wrong, theta_vec, layer_sizes,
                                cost=lambda t: mb.nn_cost(t, layer_sizes, X, y, lam, activation="relu"))
    (entry,) = [entry for entry in report.refined if entry.status == "wrong"]
    assert report.verdict == "failed" and entry.index == j
    assert entry.evidence.startswith("on a kink within s = 1e-08, and the analytical value ")
    assert " matches neither side: left " in entry.evidence and "(and at s = 1e-07: " in entry.evidence


def test_a_refinement_counts_only_its_own_evaluations_of_a_line_already_used():
    from manual_backprop.refinement import refine

    theta = np.array([0.3, -0.2])
    J = lambda x: float(np.sum(x ** 3))  # noqa: E731
    wrong_grad = 3 * theta ** 2 * (1 + 1e-3)
    line = Line(J, theta, 0, wrong_grad, J(theta))
    line.point(1e-4), line.point(-1e-4)  # the first pass
    refined = refine(line, 1e-4, 1e-16, lambda analytical, numerical: 1e-9)
    assert refined.outcome == "wrong"
    assert refined.evaluations == line.evaluations - 2 == 2 * len(refined.steps)
