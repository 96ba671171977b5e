"""Every way the step refinement can decide a disagreement, each on a cost whose derivatives are known
exactly, with the verdict and the evidence text a user reads (manual_backprop.refinement).

The costs are one-parameter polynomials, |x| and max(0, x) written with Python floats: their values,
and so every printed digit of the evidence, are the same on every machine. The checker's own rounding
of J (rho = 16 u max(1, |J|)) and tolerances (1e-9 relative, 1e-10 max(1, |J|) absolute) are the
ones ``check_gradients`` passes to ``refine``.
"""

import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop.refinement import Line, auto_step, refine, refinement_steps
from manual_backprop.thresholds import threshold
from tests.helpers import assert_close

THETA = np.array([0.0])  # every line starts at 0: J(0 + t) is the polynomial itself


def refined_entry(J, g, theta=THETA):
    """The one refined entry of check_gradients on J (a function of the 1-vector x) with gradient g."""
    report = mb.check_gradients(lambda x: (J(x), np.array([g])), theta)
    (entry,) = report.refined
    return report, entry


def checker_line(J, g, theta=THETA, v=0):
    """(line, rho, allowed) as check_gradients builds them, the line already used by a first pass."""
    J0 = J(theta)
    rho = threshold("rounding_of_J").atol * max(1.0, abs(J0))
    tol = threshold("central")
    line = Line(J, theta, v, np.atleast_1d(np.array(g, dtype=float)), J0)
    line.point(1e-4), line.point(-1e-4)  # the first pass, which found the disagreement
    return line, rho, lambda a, c: tol.rtol * max(abs(a), abs(c)) + tol.atol * max(1.0, abs(J0))


def relu(x):
    return max(0.0, x[0])


# --- "agrees": the disagreement was truncation, or a kink that a shorter step leaves behind


def test_a_disagreement_that_is_truncation_agrees_at_a_shorter_step_and_says_so():
    # J = x + 1000 x^3 at 0.01: J' = 1.3, J''' = 6000, so eps = 1e-4 is off by (eps^2 / 6) 6000 = 1e-5.
    report, entry = refined_entry(lambda x: x[0] + 1000 * x[0] ** 3, 1.3, np.array([0.01]))
    assert report.verdict == "passed" and entry.status == "agrees"
    assert entry.evidence == (
        "agrees at step 1e-06 (truncation (resolved by a shorter step): s = 1e-06: numerical 1.300000001, "
        "analytical 1.3, error 1e-09 (allowed 1.4e-09, rounding 1.8e-09); one-sided 1.29997 | 1.30003")


def test_a_kink_within_the_first_step_that_a_shorter_step_leaves_behind_agrees_and_names_the_kink():
    # J = x + 0.5 max(0, x - 3e-6): the kink lies within the steps 1e-4 and 1e-5, beyond 1e-6.
    report, entry = refined_entry(lambda x: x[0] + 0.5 * max(0.0, x[0] - 3e-6), 1.0)
    assert report.verdict == "passed" and entry.status == "agrees"
    assert entry.evidence == (
        "agrees at step 1e-06 (a kink within the step s = 1e-04 (resolved by a shorter step): s = 1e-06: "
        "numerical 1, analytical 1, error 0 (allowed 1.1e-09, rounding 1.8e-09); one-sided 1 | 1")


@pytest.mark.parametrize("mirror", [1.0, -1.0], ids=["steep-left", "steep-right"])
def test_a_smooth_line_whose_one_sided_slopes_differ_widely_is_never_taken_for_a_kink(mirror):
    # J = -x/4 + 5000 x^2 + x^3 + 2.5e6 x^4: at s = 1e-4 the one-sided slopes are -0.75 and 0.25; the
    # asymmetry a(s) = s J'' + s^3 J^(4) / 12 departs from a(1e-4) / 10 at 1e-5 by 5e-7, below 1e-6 of
    # the steepest slope 0.75 (a kink), above 1e-6 of the others. Mirrored (x -> -x), the steep side is the right.
    J = lambda x: -(mirror * x[0]) / 4 + 5000 * x[0] ** 2 + (mirror * x[0]) ** 3 + 2.5e6 * x[0] ** 4  # noqa: E731
    report, entry = refined_entry(J, -0.25 * mirror)
    assert report.verdict == "passed" and entry.status == "agrees"
    assert entry.evidence.startswith("agrees at step 1e-05 (truncation (resolved by a shorter step): ")


@pytest.mark.parametrize("mirror", [1.0, -1.0], ids=["steep-left", "steep-right"])
def test_a_smooth_line_whose_shorter_step_has_the_steepest_slope_is_never_taken_for_a_kink(mirror):
    # J = -0.9 x + 25 x^2 + 1000 x^3 + x^4 / 6 with eps = 0.03: the one-sided slopes are -0.75 and 0.75 at
    # 3e-2, -0.966 and -0.816 at 3e-3; a(3e-3) departs from a(3e-2) / 10 by 8.9e-7, below 1e-6 of the
    # steepest slope 0.966 (a kink), above 1e-6 of the others. Truncation s^2 1000 fades by 3e-7.
    # Mirrored (x -> -x), the steepest slope is the right one.
    J = lambda x: -0.9 * mirror * x[0] + 25 * x[0] ** 2 + 1000 * (mirror * x[0]) ** 3 + x[0] ** 4 / 6  # noqa: E731
    report = mb.check_gradients(lambda x: (J(x), np.array([-0.9 * mirror])), THETA, eps=3e-2)
    (entry,) = report.refined
    assert report.verdict == "passed" and entry.status == "agrees"
    assert entry.evidence.startswith("agrees at step 3e-07 (truncation (resolved by a shorter step): ")


def test_a_kink_beside_theta_is_judged_on_theta_s_side_by_second_order_one_sided_differences():
    # J = x + 0.5 max(0, x - 5e-7): left of the kink J' = 1 exactly; steps below 1e-6 cannot confirm
    # (their rounding exceeds ten times the tolerance), so theta's own side decides.
    report, entry = refined_entry(lambda x: x[0] + 0.5 * max(0.0, x[0] - 5e-7), 1.0)
    assert report.verdict == "passed" and entry.status == "agrees"
    assert entry.evidence == (
        "a kink on the right within s = 1e-04 (the one-sided slopes there bend with 1 / s); theta's side "
        "agrees: left derivative 1 (second order at t = 1e-04 and 5e-05, extrapolated), analytical 1, "
        "error 0 (allowed 1.1e-09, rounding 2.8e-10, truncation 0)")


def test_a_kink_on_the_left_of_theta_is_judged_on_the_right_side_whatever_the_constant_in_j():
    # J = 2 - x + 0.5 max(0, -x - 5e-7): right of the kink J' = -1 exactly; rho = 16 u |J| = 32 u.
    report, entry = refined_entry(lambda x: 2 - x[0] + 0.5 * max(0.0, -x[0] - 5e-7), -1.0)
    assert report.verdict == "passed" and entry.status == "agrees"
    assert entry.evidence == (
        "a kink on the left within s = 1e-04 (the one-sided slopes there bend with 1 / s); theta's side "
        "agrees: right derivative -1 (second order at t = 1e-04 and 5e-05, extrapolated), analytical -1, "
        "error 5.8e-12 (allowed 1.2e-09, rounding 5.7e-10, truncation 1.5e-12)")


def test_a_kink_a_few_rounding_units_beside_theta_is_still_placed_on_its_side():
    # J = x + 0.5 max(0, x - 3.5e-14): the right one-sided slopes bend by (3.5e-14 / s) 0.5, about 5 times
    # their rounding 2 rho / s at every step, beyond the fit's 4: the right side is not smooth, the left is.
    report, entry = refined_entry(lambda x: x[0] + 0.5 * max(0.0, x[0] - 3.5e-14), 1.0)
    assert report.verdict == "passed" and entry.status == "agrees"
    assert entry.evidence.startswith("a kink on the right within s = 1e-04 (the one-sided slopes there bend with "
                                     "1 / s); theta's side agrees: left derivative 1 ")


def test_theta_s_side_of_a_kink_is_extrapolated_past_the_truncation_of_its_curvature():
    # J = 1 + x + x^3 + 0.5 max(0, x - 5e-7): on the left J' = 1 and J^(3) = 6; the second-order differences
    # at t and t / 2 carry (t^2 / 3) J^(3) and a quarter of it, which Richardson extrapolation removes.
    report, entry = refined_entry(lambda x: 1 + x[0] + x[0] ** 3 + 0.5 * max(0.0, x[0] - 5e-7), 1.0)
    assert report.verdict == "passed" and entry.status == "agrees"
    assert entry.evidence == (
        "a kink on the right within s = 1e-04 (the one-sided slopes there bend with 1 / s); theta's side "
        "agrees: left derivative 1 (second order at t = 1e-04 and 5e-05, extrapolated), analytical 1, "
        "error 1e-12 (allowed 1.1e-09, rounding 2.8e-10, truncation 5e-09)")


def test_theta_s_side_agrees_within_its_tolerance_plus_its_rounding():
    # J = x + 0.5 max(0, x - 5e-7) and an analytical value 1.2e-9 above J' = 1: beyond the tolerance
    # 1.1e-9 by less than the rounding 2.8e-10 of the second-order differences.
    report, entry = refined_entry(lambda x: x[0] + 0.5 * max(0.0, x[0] - 5e-7), 1 + 1.2e-9)
    assert report.verdict == "passed" and entry.status == "agrees"
    assert "; theta's side agrees: left derivative 1 (second order at " in entry.evidence


# --- "wrong": the gradient disagrees at every step, or on theta's side of a kink, or with both sides


def test_a_wrong_derivative_of_a_polynomial_is_wrong_at_every_step_with_the_numbers_that_show_it():
    # J = x^3 at 0.3: J' = 0.27; the analytical value is 0.1 % too large.
    report, entry = refined_entry(lambda x: x[0] ** 3, 0.27027, np.array([0.3]))
    assert report.verdict == "failed" and entry.status == "wrong"
    assert entry.evidence == (
        "wrong at every step: the numerical slope settles at 0.27 (s = 1e-05: 0.2700000001) away from the "
        "analytical 0.27027, error 0.00027 > allowed 3.7e-10 + rounding 1.8e-09; no kink (the one-sided "
        "asymmetry shrinks with s)")


def test_a_wrong_derivative_beside_a_kink_is_wrong_on_theta_s_side():
    report, entry = refined_entry(lambda x: x[0] + 0.5 * max(0.0, x[0] - 5e-7), 1.000001)
    assert report.verdict == "failed" and entry.status == "wrong"
    assert entry.evidence == (
        "a kink on the right within s = 1e-04 (the one-sided slopes there bend with 1 / s); theta's side "
        "disagrees: left derivative 1 (second order at t = 1e-04 and 5e-05, extrapolated), analytical "
        "1.000001, error 1e-06 (allowed 1.1e-09, rounding 2.8e-10, truncation 0)")


def test_a_slope_of_abs_at_zero_that_matches_neither_side_is_wrong():
    report, entry = refined_entry(lambda x: abs(x[0]), 0.3)
    assert report.verdict == "failed" and entry.status == "wrong"
    assert entry.evidence == ("on a kink within s = 1e-08, and the analytical value 0.3 matches neither side: "
                              "left -1, right 1 (and at s = 1e-07: -1, 1)")


# --- "kink": on a kink no step resolves, the analytical value matches one side


@pytest.mark.parametrize("J, g, side, slopes", [
    (relu, 0.0, "left", "left 0, right 1"),
    (relu, 1.0, "right", "left 0, right 1"),
    (lambda x: abs(x[0]), -1.0, "left", "left -1, right 1"),
    (lambda x: abs(x[0]), 1.0, "right", "left -1, right 1"),
    # within a hundredth of the jump 2 from the left slope -1: still the left one
    (lambda x: abs(x[0]), -0.985, "left", "left -1, right 1"),
], ids=["relu-left", "relu-right", "abs-left", "abs-right", "abs-near-left"])
def test_a_kink_at_theta_is_a_kink_whose_evidence_names_the_side_the_analytical_value_matches(J, g, side, slopes):
    report, entry = refined_entry(J, g)
    assert report.verdict == "cannot tell" and entry.status == "kink"
    assert entry.evidence == ("a kink within the step that a step down to 1e-08 does not resolve; the analytical "
                              f"value {g:g} matches the {side} slope ({slopes})")
    assert report.reason == f"1 undecided, e.g. theta_vec[0]: {entry.evidence}"


def test_an_analytical_value_between_the_sides_of_a_small_kink_beyond_their_rounding_matches_neither():
    # J = 2e-6 max(0, x), analytical 7e-7: off the left slope by twice the rounding 2 rho / s at s = 1e-8
    # plus a hundredth of the jump, and further off the right one.
    report, entry = refined_entry(lambda x: 2e-6 * max(0.0, x[0]), 7e-7)
    assert report.verdict == "failed" and entry.status == "wrong"
    assert entry.evidence == ("on a kink within s = 1e-08, and the analytical value 7e-07 matches neither side: "
                              "left 0, right 2e-06 (and at s = 1e-07: 0, 2e-06)")


def test_a_slope_off_a_side_of_a_small_kink_by_less_than_the_rounding_there_still_matches_that_side():
    # J = 2e-6 max(0, x): the analytical 1e-7 is off the left slope 0 by half the rounding 2 rho / s of a
    # one-sided slope at s = 1e-8 (3.6e-7), and by 5 times one hundredth of the jump.
    report, entry = refined_entry(lambda x: 2e-6 * max(0.0, x[0]), 1e-7)
    assert report.verdict == "cannot tell" and entry.status == "kink"
    assert entry.evidence == ("a kink within the step that a step down to 1e-08 does not resolve; the analytical "
                              "value 1e-07 matches the left slope (left 0, right 2e-06)")


def test_a_side_matched_only_at_the_longer_of_the_two_shortest_steps_is_still_named():
    # J = |x| + 0.1 max(0, |x| - 5e-8): kinks at 0 and at +-5e-8, between the steps 1e-8 and 1e-7. At 1e-7
    # the right slope is 1 + 0.1 / 2 = 1.05, the analytical value; at 1e-8 it is 1, beyond a hundredth of the jump.
    report, entry = refined_entry(lambda x: abs(x[0]) + 0.1 * max(0.0, abs(x[0]) - 5e-8), 1.05)
    assert report.verdict == "cannot tell" and entry.status == "kink"
    assert entry.evidence == ("a kink within the step that a step down to 1e-08 does not resolve; the analytical "
                              "value 1.05 matches the right slope (left -1, right 1)")


def test_the_entry_s_own_tolerance_widens_the_match_to_a_side_of_a_kink():
    # refine's caller may allow an entry more than the jump's hundredth: 0.05 off the left slope 0 of
    # max(0, x) is within an allowed 0.1, though the central difference 0.5 is not.
    line, rho, _ = checker_line(relu, 0.05)
    refined = refine(line, 1e-4, rho, lambda analytical, numerical: 0.1)
    assert refined.outcome == "kink"
    assert refined.evidence == ("a kink within the step that a step down to 1e-08 does not resolve; the analytical "
                                "value 0.05 matches the left slope (left 0, right 1)")


# --- "unsettled": no step both confirms and refutes


def test_a_right_gradient_whose_truncation_outlasts_the_steps_that_rounding_allows_is_unsettled():
    # J = 1 + 1000 x^3 at 0: J' = 0. At s = 1e-5 truncation s^2 J''' / 6 = 1e-7 exceeds the tolerance;
    # at 1e-6 and below the rounding rho / s exceeds ten times the tolerance: nothing decides.
    report, entry = refined_entry(lambda x: 1 + 1000 * x[0] * x[0] * x[0], 0.0)
    assert report.verdict == "cannot tell" and entry.status == "unsettled"
    assert entry.evidence == "the difference does not settle: error 0 at s = 1e-08 against rounding 1.8e-07 there"
    assert report.reason == f"1 undecided, e.g. theta_vec[0]: {entry.evidence}"


def test_a_right_gradient_beside_a_kink_on_a_strongly_curved_side_is_unsettled_not_wrong():
    # J = 1e4 x^3 + 0.5 max(0, x - 5e-7): on the left side the second-order difference carries a
    # truncation (t^2 / 12) J''' ~ 5e-5 that its extrapolation removes: the side can neither confirm
    # nor refute the analytical 0.
    report, entry = refined_entry(lambda x: 1e4 * x[0] * x[0] * x[0] + 0.5 * max(0.0, x[0] - 5e-7), 0.0)
    assert report.verdict == "cannot tell" and entry.status == "unsettled"
    assert entry.evidence == "the difference does not settle: error 1e-12 at s = 1e-08 against rounding 1.8e-07 there"


def test_a_kink_whose_jump_is_below_the_rounding_at_the_shortest_step_is_unsettled_not_a_kink():
    # J = 1e-6 max(0, x), analytical 0 (the left slope): at s = 1e-8 the jump 1e-6 is within the rounding
    # 8 rho / s = 1.4e-6 of the asymmetry, so no kink is seen there.
    report, entry = refined_entry(lambda x: 1e-6 * max(0.0, x[0]), 0.0)
    assert report.verdict == "cannot tell" and entry.status == "unsettled"
    assert entry.evidence == "the difference does not settle: error 5e-07 at s = 1e-08 against rounding 1.8e-07 there"


def test_an_error_that_only_one_shorter_step_can_see_is_unsettled_not_wrong():
    # J = x^2 at its minimum, analytical 1e-9: beyond the tolerance 1e-10 and the rounding at s = 1e-5,
    # within the rounding 1.8e-9 at s = 1e-6. "wrong" needs two steps in a row.
    report, entry = refined_entry(lambda x: x[0] * x[0], 1e-9)
    assert report.verdict == "cannot tell" and entry.status == "unsettled"
    assert entry.evidence == "the difference does not settle: error 1e-09 at s = 1e-08 against rounding 1.8e-07 there"


def test_an_unsettled_line_reports_its_smallest_error_beyond_rounding_among_the_shorter_steps():
    # J = 1e-6 max(0, x - 5e-9), analytical 1e-6 (the slope beyond the kink): every step holds the kink,
    # too small to be seen above the rounding; the error 5e-7 stands out of the rounding most at 1e-5.
    report, entry = refined_entry(lambda x: 1e-6 * max(0.0, x[0] - 5e-9), 1e-6)
    assert report.verdict == "cannot tell" and entry.status == "unsettled"
    assert entry.evidence == "the difference does not settle: error 5e-07 at s = 1e-05 against rounding 1.8e-10 there"


def test_a_wrong_gradient_beside_a_small_kink_is_wrong_at_the_first_two_steps_clear_of_it():
    # J = 1000 x^2 + x^3 + 1e-6 max(0, x + 5e-7) with eps = 0.01: J' = 1e-6 right of the kink, analytical
    # 2e-6; the steps down to 1e-6 hold the kink, 1e-7 and 1e-8 are clear of it and both disagree.
    J = lambda x: 1000 * x[0] * x[0] + x[0] * x[0] * x[0] + 1e-6 * max(0.0, x[0] + 5e-7)  # noqa: E731
    report = mb.check_gradients(lambda x: (J(x), np.array([2e-6])), THETA, eps=1e-2)
    (entry,) = report.refined
    assert report.verdict == "failed" and entry.status == "wrong"
    assert entry.evidence == (
        "wrong at every step: the numerical slope settles at 1e-06 (s = 1e-07: 1.00000001e-06) away from the "
        "analytical 2e-06, error 1e-06 > allowed 1e-10 + rounding 1.8e-07; no kink (the one-sided asymmetry "
        "shrinks with s)")


def test_an_error_on_theta_s_side_within_tolerance_truncation_and_rounding_there_is_not_called_wrong():
    # J = x + 1000 x^3 + 0.5 max(0, x - 5e-7): theta's side has truncation 5e-6 (its second-order
    # differences at t = 1e-4 and 5e-5 differ by 1.5e-5) and rounding 2.8e-10; an analytical value off J' = 1
    # by 5.00124e-6 exceeds tolerance (1.1e-9) plus truncation by half that rounding: it cannot be judged.
    report, entry = refined_entry(lambda x: x[0] + 1000 * x[0] ** 3 + 0.5 * max(0.0, x[0] - 5e-7), 1 + 5.00124e-6)
    assert report.verdict == "cannot tell" and entry.status == "unsettled"
    assert entry.evidence == "the difference does not settle: error 5e-06 at s = 1e-08 against rounding 1.8e-07 there"


# --- what every path reports besides its verdict


@pytest.mark.parametrize("J, theta, g, outcome, extra, kink_seen", [
    (lambda x: x[0] ** 3, 0.3, 0.27027, "wrong", 0, False),
    (lambda x: x[0] + 0.5 * max(0.0, x[0] - 3e-6), 0.0, 1.001, "wrong", 0, True),
    (lambda x: abs(x[0]), 0.0, 0.3, "wrong", 0, True),
    (relu, 0.0, 0.0, "kink", 0, True),
    (lambda x: 1 + 1000 * x[0] * x[0] * x[0], 0.0, 0.0, "unsettled", 0, False),
    (lambda x: 1e4 * x[0] * x[0] * x[0] + 0.5 * max(0.0, x[0] - 5e-7), 0.0, 0.0, "unsettled", 4, True),
    (lambda x: x[0] + 0.5 * max(0.0, x[0] - 5e-7), 0.0, 1.0, "agrees", 4, True),
    (lambda x: x[0] + 0.5 * max(0.0, x[0] - 3e-6), 0.0, 1.0, "agrees", 0, True),
    (lambda x: x[0] + 1000 * x[0] ** 3, 0.01, 1.3, "agrees", 0, False),
], ids=["wrong", "wrong-beside-a-kink", "wrong-on-a-kink", "kink", "unsettled", "unsettled-beside-a-kink",
        "theta-side", "resolved", "truncation"])
def test_a_refinement_counts_its_own_evaluations_and_says_whether_it_saw_a_kink(J, theta, g, outcome, extra,
                                                                               kink_seen):
    # theta's side is judged (4 more evaluations) only where one side is smooth and the other is not.
    line, rho, allowed = checker_line(J, g, np.array([theta]))
    refined = refine(line, 1e-4, rho, allowed)
    assert refined.outcome == outcome
    assert refined.evaluations == line.evaluations - 2 == 2 * len(refined.steps) + extra
    assert refined.kink_seen is kink_seen


def test_the_settled_numbers_of_a_refinement_are_those_of_its_last_step_or_of_theta_s_side():
    line, rho, allowed = checker_line(lambda x: x[0] ** 3, 0.27027, np.array([0.3]))
    refined = refine(line, 1e-4, rho, allowed)
    assert (refined.numerical, refined.analytical) == (refined.steps[-1].central, refined.steps[-1].analytical)
    # A kink 5e-9 to the right lies within every step: the last central difference is 1.125, yet J' = 1
    # on theta's side, and that is the number the refinement settles on.
    line, rho, allowed = checker_line(lambda x: x[0] + 0.5 * max(0.0, x[0] - 5e-9), 1.0)
    refined = refine(line, 1e-4, rho, allowed)
    assert refined.outcome == "agrees" and refined.evidence.startswith("a kink on the right within s = 1e-04")
    assert (refined.numerical, refined.analytical, refined.steps[-1].central) == (1.0, 1.0, 1.125)


def test_the_steps_go_down_tenfold_to_the_smallest_step_and_at_least_two_below_the_first():
    assert [f"{s:.0e}" for s in refinement_steps(1e-4)] == ["1e-04", "1e-05", "1e-06", "1e-07", "1e-08"]
    assert [f"{s:.0e}" for s in refinement_steps(1e-8)] == ["1e-08", "1e-09", "1e-10"]


# --- along a direction, and where J is not finite


@pytest.mark.parametrize("g, outcome, evidence", [
    ((0.75, -1.0), "agrees", ("agrees at step 1e-05 (truncation (resolved by a shorter step): s = 1e-05: numerical "
                              "-0.35, analytical -0.35, error 2.2e-11 (allowed 4.5e-10, rounding 1.8e-10); one-sided "
                              "-0.350018 | -0.349982")),
    ((0.75, -1.001), "wrong", ("wrong at every step: the numerical slope settles at -0.35 (s = 1e-05: -0.35) away "
                               "from the analytical -0.3508, error 0.0008 > allowed 4.5e-10 + rounding 1.8e-09; no "
                               "kink (the one-sided asymmetry shrinks with s)")),
])
def test_a_line_along_a_direction_compares_the_slope_of_j_with_u_dot_grad(g, outcome, evidence):
    # J = x0^3 + 2 x1^2 at (0.5, -0.25), u = (0.6, 0.8): the slope along u is 0.6 * 0.75 - 0.8 * 1 = -0.35.
    J = lambda x: x[0] ** 3 + 2 * x[1] ** 2  # noqa: E731
    line, rho, allowed = checker_line(J, g, np.array([0.5, -0.25]), np.array([0.6, 0.8]))
    refined = refine(line, 1e-4, rho, allowed)
    assert (refined.outcome, refined.evidence) == (outcome, evidence)
    assert refined.evaluations == 2 * len(refined.steps)


def test_a_cost_that_is_infinite_at_a_shorter_step_is_refused_with_the_point_named():
    # J = 1 + 1000 x^3 (a right gradient 0 that no step settles) with a pole at x = -1e-7.
    J = lambda x: float("inf") if abs(x[0] + 1e-7) < 1e-9 else 1 + 1000 * x[0] ** 3  # noqa: E731
    with pytest.raises(FloatingPointError, match=r"^J is inf at theta \+ \(-1e-07\) v: no numerical derivative there$"):
        mb.check_gradients(lambda x: (J(x), np.array([0.0])), THETA)


# --- eps = "auto" where J''' is known


@pytest.mark.parametrize("rho", [1e-16, 1e-13])
def test_the_automatic_step_on_a_quadratic_stays_near_the_probe_because_its_j3_estimate_is_rounding(rho):
    # A cubic whose x^3 coefficient is 0: J''' = 0, so the estimate is floored at 6 rho / p^3 (p = 1e-3),
    # s = (3 rho / (6 rho / p^3))^(1/3) = p / 2^(1/3) and the bound (s^2 / 6) 6 rho / p^3 + rho / s is
    # (2^(-2/3) + 2^(1/3)) rho / p: within the cubic's tolerance (measured 4.4e-16 relative).
    theta = np.array([0.4])
    J = lambda x: float(2 * x[0] ** 2 - x[0])  # noqa: E731
    s, bound, central, analytical = auto_step(Line(J, theta, 0, np.array([0.6]), J(theta)), rho)
    assert_close(s, 1e-3 / 2 ** (1 / 3), "auto_step_on_a_cubic")
    assert_close(bound, (2 ** (-2 / 3) + 2 ** (1 / 3)) * rho / 1e-3, "auto_step_on_a_cubic")
    assert analytical == 0.6 * ((0.4 + s) - (0.4 - s)) / (2 * s)
    assert_close(central, 0.6, "central_difference")  # no truncation on a quadratic
