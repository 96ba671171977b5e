"""What the gradient checker tells a user in the cases the mutation run showed untested: the whole
message for each malformed cost_fn result, the complex step taken at the h asked for, the reason of a
pass decided by error bounds, the state of each part under the directional method, and a diagnosis
that must leave the bias column and the rounding of right entries out of its fit.
"""

import numpy as np
import pytest

import manual_backprop as mb
from tests.test_report_text import check, complex_check, linear_cost, one_parameter_relu

# --- a cost_fn whose result is not (J, gradient of theta's shape, float, finite)


@pytest.mark.parametrize("cost_fn, theta, error, message", [
    (lambda t: 1.0, np.ones(2), TypeError,
     "cost_fn must return (J, grad_vec), like the course's costFunc; got float"),
    (lambda t: (1.0, np.ones(3)), np.ones(2), ValueError,
     "cost_fn returned a gradient of shape (3,) for parameters of shape (2,)"),
    (lambda t: (1.0, np.ones(2, dtype=np.int64)), np.ones(2), TypeError,
     "cost_fn returned a gradient of dtype int64; it must be float64 or float32"),
    (lambda t: (1.0, np.array([np.nan, np.inf, 1.0])), np.ones(3), FloatingPointError,
     "cost_fn returned a gradient with 2 non-finite entries"),
], ids=["not a pair", "gradient of another shape", "integer gradient", "non-finite gradient"])
def test_a_malformed_cost_fn_result_is_refused_with_the_whole_message(cost_fn, theta, error, message):
    with pytest.raises(error) as raised:
        mb.check_gradients(cost_fn, theta)
    assert str(raised.value) == message


def test_an_integer_J_from_cost_fn_is_compared_with_cost_as_a_float64_value():
    # J = 3 (an int) from cost_fn and 3.0 from cost: the same J, so the check runs and passes.
    report = mb.check_gradients(lambda t: (3, np.zeros(2)), np.zeros(2), cost=lambda t: 3.0 + 0.0 * (t @ t))
    assert report.verdict == "passed"


# --- the complex step at the h the caller gives


def test_the_complex_step_is_taken_at_the_h_the_caller_gives():
    # J = theta^3 at 1: Im J(1 + i h) / h = 3 - h^2, so h = 1e-5 leaves 3 - 1e-10, where the default
    # h = 1e-20 gives 3 exactly.
    h = 1e-5
    report = mb.check_gradients(lambda t: (t[0] ** 3, 3 * t ** 2), np.ones(1), method="complex", h=h)
    assert report.numerical[0] == np.imag((1 + 1j * h) ** 3) / h
    assert report.numerical[0] != 3.0


# --- the verdict's reason


def test_a_directional_pass_decided_by_error_bounds_says_every_direction_agrees():
    report = check(linear_cost(), method="directional", n_directions=2, eps="auto")
    assert (report.verdict, report.reason) == (
        "passed", "every direction agrees within 10 times its error bound; relative difference 0")


def test_a_coordinate_pass_decided_by_error_bounds_says_every_entry_agrees():
    report = check(linear_cost(), eps="auto")
    assert (report.verdict, report.reason) == (
        "passed", "every entry agrees within 10 times its error bound; relative difference 0")


def test_an_unconfirmed_complex_step_gives_the_verdict_cannot_tell():
    # t + max(t, 0) at 0: the complex step takes the left piece (slope 1, the analytical value), real
    # differences straddle the kink at every step and cannot confirm it.
    report = complex_check(one_parameter_relu(0.0))
    assert report.verdict == "cannot tell"
    assert report.reason.startswith("the complex step is unconfirmed: a kink within the step")


# --- the parts under the directional method: one direction per part


def part_lines(report):
    lines = str(report).splitlines()
    start = lines.index("By part (layer l is Theta(l), counted from 1 as in the course; rows and columns from 0):")
    return [line.split(":")[0].strip() + " " + line.rsplit("  ", 1)[1] for line in lines[start + 1:start + 5]]


def test_a_part_whose_direction_was_not_refined_after_the_check_failed_is_shown_wrong():
    # max_wrong = 1: the first wrong direction ends the refinement; the part's own direction still
    # disagrees, and its part is wrong, not "cannot tell".
    report = check(linear_cost({2: 0.25}), method="directional", n_directions=2, max_wrong=1)
    assert part_lines(report) == [
        "Theta(1) bias     (   2 entries) ok",
        "Theta(1) weights  (   4 entries) WRONG",
        "Theta(2) bias     (   1 entries) ok",
        "Theta(2) weights  (   2 entries) ok",
    ]
    assert [part.status for part in report.parts] == ["ok", "wrong", "ok", "ok"]


def test_a_part_whose_direction_crosses_a_kink_is_shown_cannot_tell():
    report = check(linear_cost(relu=2), method="directional", n_directions=2)
    assert report.verdict == "cannot tell"
    assert part_lines(report) == [
        "Theta(1) bias     (   2 entries) ok",
        "Theta(1) weights  (   4 entries) CANNOT TELL",
        "Theta(2) bias     (   1 entries) ok",
        "Theta(2) weights  (   2 entries) ok",
    ]
    assert [part.status for part in report.parts] == ["ok", "cannot tell", "ok", "ok"]


def test_a_part_with_an_unsettled_entry_is_shown_cannot_tell():
    # J = 1 + 1000 x^3 in theta[2] at 0 (gradient 0 there, right): its truncation outlasts the steps that
    # rounding allows, so the entry stays unsettled (tests/test_refinement_paths.py) and so does its part.
    def cost_fn(theta):
        return 1.0 + 1000.0 * theta[2] * theta[2] * theta[2], np.zeros(theta.size)

    report = check(cost_fn)
    assert report.verdict == "cannot tell"
    assert [part.status for part in report.parts] == ["ok", "cannot tell", "ok", "ok"]


@pytest.mark.parametrize("method", ["central", "directional"])
def test_an_empty_array_among_the_parameters_has_a_name_but_no_part_to_judge(method):
    # The directional method drew a direction within each part and refused an empty one ("the support
    # of the directions is empty"); an empty array has no entry to judge under any method.
    report = mb.check_gradients(lambda p: (float(p[1] @ p[1]), [np.zeros(0), 2 * p[1]]),
                                [np.zeros(0), np.ones(2)], method=method, rng=np.random.default_rng(0))
    assert report.verdict == "passed"
    assert [(part.block, part.size) for part in report.parts] == [("params[1]", 2)]
