"""The whole text a gradient check prints, and its picture, for small cases whose every figure is exact.

The cases are network-shaped (layer sizes 2-2-1: Theta(1) is 2 x 3, Theta(2) is 1 x 3, 9
parameters) with J(theta) = SLOPES . theta at theta = 0, and planted errors in the gradient. The
slopes are powers of two and theta +- s is exactly +- s, so every central difference and complex
step is exact in binary: each figure printed is the planted one, never rounding, and the text can be
compared whole. Only the directional method draws directions whose dot products round; there the
parts it decides exactly are compared literally and the rounding-level figures are taken from the
report.
"""

import textwrap

import matplotlib
import matplotlib.image
import numpy as np
import pytest

import manual_backprop as mb
from tests.figures import heat_maps

LAYER_SIZES = (2, 2, 1)
SLOPES = np.array([1.0, -2.0, 0.5, 1.0, -1.0, 2.0, 0.25, -0.5, 1.0])
THETA = np.zeros(SLOPES.size)


def linear_cost(errors=(), relu=None):
    """cost_fn of J(theta) = SLOPES . theta (+ max(theta[relu], 0)); its gradient is off by ``errors``, {k: error}.

    With ``relu``, J has a ReLU kink at theta = 0 and the gradient is its right slope there.
    """
    def cost_fn(theta):
        J, grad = SLOPES @ theta, SLOPES.copy()
        if relu is not None:
            J += max(theta[relu], 0.0)
            grad[relu] += 1.0
        for k, error in dict(errors).items():
            grad[k] += error
        return J, grad
    return cost_fn


def check(cost_fn, **options):
    return mb.check_gradients(cost_fn, THETA, LAYER_SIZES, rng=np.random.default_rng(0), **options)


def text(golden):
    return textwrap.dedent(golden).strip("\n")


COURSE = """\
    The above two columns you get should be very similar.
    (Left: numerical gradient, right: analytical gradient)

    If your backpropagation implementation is correct, then"""

BY_PART = "By part (layer l is Theta(l), counted from 1 as in the course; rows and columns from 0):"
BY_ARRAY = "By part (entries counted from 0):"  # parameters given as a list or dict of arrays have no layers

RIGHT_ROWS = """\
        1.0000000000     1.0000000000
       -2.0000000000    -2.0000000000
        0.5000000000     0.5000000000
        1.0000000000     1.0000000000
       -1.0000000000    -1.0000000000
        2.0000000000     2.0000000000
        0.2500000000     0.2500000000
       -0.5000000000    -0.5000000000
        1.0000000000     1.0000000000"""


def test_a_failing_check_prints_every_section_with_the_wrong_entries_named_and_the_unrefined_one_counted():
    # Two wrong entries, refinement stopped after the first: the second is listed as wrong, not refined.
    report = check(linear_cost({2: 0.25, 7: 0.125}), max_wrong=1)
    assert str(report) == text(f"""
    Gradient check (central differences, eps = 0.0001): network 2-2-1, 9 parameters, cost J = 0
           numerical       analytical
        1.0000000000     1.0000000000
       -2.0000000000    -2.0000000000
        0.5000000000     0.7500000000
        1.0000000000     1.0000000000
       -1.0000000000    -1.0000000000
        2.0000000000     2.0000000000
        0.2500000000     0.2500000000
       -0.5000000000    -0.3750000000
        1.0000000000     1.0000000000
{COURSE}
    the relative difference will be small (less than 1e-09).

    Relative Difference: 0.0393019
    Largest error: 0.25 absolute, 0.333 relative

    {BY_PART}
      Theta(1) bias     (   2 entries): relative difference 0, largest error 0  ok
      Theta(1) weights  (   4 entries): relative difference 0.0494, largest error 0.25  WRONG
      Theta(2) bias     (   1 entries): relative difference 0, largest error 0  ok
      Theta(2) weights  (   2 entries): relative difference 0.0573, largest error 0.125  WRONG

    Wrong entries:
      Theta(1)[0, 1] (weight), theta_vec[2]: numerical 0.5, analytical 0.75, wrong by 0.25 (0.333 relative)
      Theta(2)[0, 1] (weight), theta_vec[7]: numerical -0.5, analytical -0.375, wrong by 0.125 (0.25 relative)

    Decided by shorter steps (1):
      Theta(1)[0, 1] (weight), theta_vec[2]: wrong: wrong at every step: the numerical slope settles at 0.5 (s = 1e-05: 0.5) away from the analytical 0.75, error 0.25 > allowed 8.5e-10 + rounding 1.8e-09; no kink (the one-sided asymmetry shrinks with s)

    Diagnosis:
      Theta(1) weights: one entry is wrong: row 0, column 1 (100 % of the error's square norm there, error 0.25)
      Theta(2) weights: one entry is wrong: row 0, column 1 (100 % of the error's square norm there, error 0.125)

    FAILED: 1 entry wrong (and 1 more disagreeing, not refined) (each disagrees at every step, or matches neither side of a kink): Theta(1)[0, 1] (weight), theta_vec[2] (25 cost evaluations)
    """)
    assert [entry.status for entry in report.worst] == ["wrong", "disagrees"]


def test_a_passing_check_lists_its_largest_error_as_an_error_not_as_wrong():
    report = check(linear_cost({3: 2.0 ** -40}))
    assert str(report) == text(f"""
    Gradient check (central differences, eps = 0.0001): network 2-2-1, 9 parameters, cost J = 0
           numerical       analytical
{RIGHT_ROWS}
{COURSE}
    the relative difference will be small (less than 1e-09).

    Relative Difference: 1.28302e-13
    Largest error: 9.09e-13 absolute, 9.09e-13 relative

    {BY_PART}
      Theta(1) bias     (   2 entries): relative difference 0, largest error 0  ok
      Theta(1) weights  (   4 entries): relative difference 1.82e-13, largest error 9.09e-13  ok
      Theta(2) bias     (   1 entries): relative difference 0, largest error 0  ok
      Theta(2) weights  (   2 entries): relative difference 0, largest error 0  ok

    Largest errors:
      Theta(1)[1, 1] (weight), theta_vec[3]: numerical 1, analytical 1, error 9.09e-13 (9.09e-13 relative)

    PASSED: relative difference 1.28e-13 <= 1e-09 (19 cost evaluations)
    """)


def test_automatic_steps_print_each_rows_bound_and_the_bound_of_the_largest_error():
    report = check(linear_cost({3: 2.0 ** -40}), eps="auto")
    bounded_rows = "\n".join(f"{row}   3.4e-12" for row in RIGHT_ROWS.splitlines())
    assert str(report) == text(f"""
    Gradient check (central differences, eps = auto): network 2-2-1, 9 parameters, cost J = 0
           numerical       analytical     bound
{bounded_rows}
{COURSE}
    the relative difference will be small (less than 1e-09).

    Relative Difference: 1.28302e-13
    Largest error: 9.09e-13 absolute, 9.09e-13 relative

    {BY_PART}
      Theta(1) bias     (   2 entries): relative difference 0, largest error 0  ok
      Theta(1) weights  (   4 entries): relative difference 1.82e-13, largest error 9.09e-13  ok
      Theta(2) bias     (   1 entries): relative difference 0, largest error 0  ok
      Theta(2) weights  (   2 entries): relative difference 0, largest error 0  ok

    Largest errors:
      Theta(1)[1, 1] (weight), theta_vec[3]: numerical 1, analytical 1, error 9.09e-13, bound 3.4e-12 (9.09e-13 relative)

    PASSED: every entry agrees within 10 times its error bound; relative difference 1.28e-13 (55 cost evaluations)
    """)


def test_a_right_gradient_on_a_relu_kink_is_cannot_tell_and_its_part_says_so():
    report = check(linear_cost(relu=4))
    kink = ("a kink within the step that a step down to 1e-08 does not resolve; the analytical value 0 matches "
            "the right slope (left -1, right 0)")
    assert str(report) == text(f"""
    Gradient check (central differences, eps = 0.0001): network 2-2-1, 9 parameters, cost J = 0
           numerical       analytical
        1.0000000000     1.0000000000
       -2.0000000000    -2.0000000000
        0.5000000000     0.5000000000
        1.0000000000     1.0000000000
       -0.5000000000     0.0000000000
        2.0000000000     2.0000000000
        0.2500000000     0.2500000000
       -0.5000000000    -0.5000000000
        1.0000000000     1.0000000000
{COURSE}
    the relative difference will be small (less than 1e-09).

    Relative Difference: 0.0733236
    Largest error: 0.5 absolute, 1 relative

    {BY_PART}
      Theta(1) bias     (   2 entries): relative difference 0, largest error 0  ok
      Theta(1) weights  (   4 entries): relative difference 0.108, largest error 0.5  CANNOT TELL
      Theta(2) bias     (   1 entries): relative difference 0, largest error 0  ok
      Theta(2) weights  (   2 entries): relative difference 0, largest error 0  ok

    Largest errors:
      Theta(1)[0, 2] (weight), theta_vec[4]: numerical -0.5, analytical 0, error 0.5 (1 relative)

    Decided by shorter steps (1):
      Theta(1)[0, 2] (weight), theta_vec[4]: kink: {kink}

    CANNOT TELL: 1 undecided, e.g. Theta(1)[0, 2] (weight), theta_vec[4]: {kink} (29 cost evaluations)
    """)


def test_the_complex_step_prints_its_step_h_and_its_own_bound():
    report = check(linear_cost(), method="complex")
    assert str(report) == text(f"""
    Gradient check (complex step, h = 1e-20): network 2-2-1, 9 parameters, cost J = 0
           numerical       analytical
{RIGHT_ROWS}
{COURSE}
    the relative difference will be small (less than 1e-13).

    Relative Difference: 0
    Largest error: 0 absolute, 0 relative

    {BY_PART}
      Theta(1) bias     (   2 entries): relative difference 0, largest error 0  ok
      Theta(1) weights  (   4 entries): relative difference 0, largest error 0  ok
      Theta(2) bias     (   1 entries): relative difference 0, largest error 0  ok
      Theta(2) weights  (   2 entries): relative difference 0, largest error 0  ok

    PASSED: relative difference 0 <= 1e-13 (12 cost evaluations)
    """)


def test_a_failing_directional_check_prints_slopes_names_its_directions_and_bisects_to_the_wrong_entry():
    report = check(linear_cost({2: 0.25}), method="directional", n_directions=2)
    # Theta(1)'s bias column is right: its direction's error is the rounding of the dot products.
    bias = report.parts[0]
    tail = "no kink (the one-sided asymmetry shrinks with s)"
    assert str(report) == text(f"""
    Gradient check (6 directional differences, eps = 0.0001): network 2-2-1, 9 parameters, cost J = 0
       slope along u         u . grad
        0.6140315060     0.6944397289
       -1.5307031520    -1.5274245316
       -1.4929890541    -1.4929890541
        1.7061371921     1.6856068531
        0.2500000000     0.2500000000
       -1.0548237636    -1.0548237636
{COURSE}
    the relative difference will be small (less than 1e-09).

    Relative Difference: 0.0138067
    Largest error: 0.0804 absolute, 0.116 relative

    {BY_PART}
      Theta(1) bias     (   2 entries): relative difference {bias.relative_difference:.3g}, largest error {bias.max_abs_error:.3g}  ok
      Theta(1) weights  (   4 entries): relative difference 0.00605, largest error 0.0205  WRONG
      Theta(2) bias     (   1 entries): relative difference 0, largest error 0  ok
      Theta(2) weights  (   2 entries): relative difference 0, largest error 0  ok

    Wrong entries:
      Theta(1)[0, 1] (weight), theta_vec[2]: numerical 0.5, analytical 0.75, wrong by 0.25 (0.333 relative)

    Decided by shorter steps (3):
      random direction 0: wrong: wrong at every step: the numerical slope settles at 0.614031506 (s = 1e-05: 0.614031506) away from the analytical 0.6944397289, error 0.08 > allowed 7.9e-10 + rounding 1.8e-09; {tail}
      random direction 1: wrong: wrong at every step: the numerical slope settles at -1.530703152 (s = 1e-05: -1.530703152) away from the analytical -1.527424532, error 0.0033 > allowed 1.6e-09 + rounding 1.8e-09; {tail}
      the direction within Theta(1) weights: wrong: wrong at every step: the numerical slope settles at 1.706137192 (s = 1e-05: 1.706137192) away from the analytical 1.685606853, error 0.021 > allowed 1.8e-09 + rounding 1.8e-09; {tail}

    FAILED: 3 directions wrong (each disagrees at every step, or matches neither side of a kink): random direction 0; random direction 1; the direction within Theta(1) weights (41 cost evaluations)
    """)


# --- the directional method: a wrong direction is bisected down to one wrong entry


def cubic(errors, k, a=1.0):
    """linear_cost's J plus a theta[k]^3: its differences at a step s have the truncation a s^2 at theta = 0."""
    linear = linear_cost(errors)

    def cost_fn(theta):
        J, grad = linear(theta)
        return J + a * theta[k] ** 3, grad
    return cost_fn


REASON = "(each disagrees at every step, or matches neither side of a kink)"
RANDOM = "random direction 0; random direction 1"


@pytest.mark.parametrize("cost_fn, options, wrong_entry, verdict", [
    # Only the direction that errs most is refined; the part's direction, not refined, is still bisected.
    (linear_cost({2: 0.25}), dict(max_wrong=1),
     "Theta(1)[0, 1] (weight), theta_vec[2]: numerical 0.5, analytical 0.75, wrong by 0.25 (0.333 relative)",
     f"1 direction wrong (and 2 more disagreeing, not refined) {REASON}: random direction 0 (29 cost evaluations)"),
    # The bias column's direction is the first part's.
    (linear_cost({0: 0.25}), {},
     "Theta(1)[0, 0] (bias), theta_vec[0]: numerical 1, analytical 1.25, wrong by 0.25 (0.2 relative)",
     f"3 directions wrong {REASON}: {RANDOM}; the direction within Theta(1) bias column (37 cost evaluations)"),
    # Two parts wrong: the part whose direction errs more is bisected.
    (linear_cost({2: 0.5, 7: 0.125}), {},
     "Theta(1)[0, 1] (weight), theta_vec[2]: numerical 0.5, analytical 1, wrong by 0.5 (0.5 relative)",
     f"4 directions wrong {REASON}: {RANDOM}; the direction within Theta(1) weights; ... (47 cost evaluations)"),
    # The part whose direction errs more, not the one whose slope is steeper, is bisected.
    (linear_cost({3: 0.25, 6: 0.5}), {},
     "Theta(2)[0, 0] (bias), theta_vec[6]: numerical 0.25, analytical 0.75, wrong by 0.5 (0.667 relative)",
     f"4 directions wrong {REASON}: {RANDOM}; the direction within Theta(1) weights; ... (39 cost evaluations)"),
    # Two wrong entries in one part, one in each half of its support: the half that errs more is kept,
    # then the error of that half alone decides the next halving.
    (linear_cost({3: 0.25, 4: 0.75}), {},
     "Theta(1)[0, 2] (weight), theta_vec[4]: numerical -1, analytical -0.25, wrong by 0.75 (0.75 relative)",
     f"3 directions wrong {REASON}: {RANDOM}; the direction within Theta(1) weights (41 cost evaluations)"),
    # The halves and the wrong entry's own difference are taken at a step far below eps (its truncation
    # a s^2 would print 0.5001 at eps = 1e-2 and 0.50000001 at 1e-4): the rounding of J allows 1e-8 here.
    (cubic({2: 0.25}, 2), dict(eps=1e-2),
     "Theta(1)[0, 1] (weight), theta_vec[2]: numerical 0.5, analytical 0.75, wrong by 0.25 (0.333 relative)",
     f"3 directions wrong {REASON}: {RANDOM}; the direction within Theta(1) weights (41 cost evaluations)"),
    (cubic({2: 0.25}, 2), dict(eps="auto"),
     "Theta(1)[0, 1] (weight), theta_vec[2]: numerical 0.5, analytical 0.75, wrong by 0.25 (0.333 relative)",
     f"3 directions wrong {REASON}: {RANDOM}; the direction within Theta(1) weights (65 cost evaluations)"),
])
def test_a_failing_directional_check_names_the_wrong_entry_its_bisection_finds(cost_fn, options, wrong_entry, verdict):
    lines = str(check(cost_fn, method="directional", n_directions=2, **options)).splitlines()
    start = lines.index("Wrong entries:")
    assert lines[start:start + 3] == ["Wrong entries:", f"  {wrong_entry}", ""]
    assert lines[-1] == f"FAILED: {verdict}"


def test_a_directional_check_takes_its_differences_at_eps_and_refines_from_there():
    # A right gradient; 0.01 theta[3]^3 puts a truncation 1e-6 u_3^3 into the differences at eps = 1e-2:
    # the directions with a large u_3 disagree there and agree at the next step down.
    report = check(cubic({}, 3, 0.01), method="directional", n_directions=2, eps=1e-2)
    lines = str(report).splitlines()
    start = lines.index("Decided by shorter steps (2):")
    assert lines[start + 1:] == text("""
      random direction 1: agrees: agrees at step 1e-04 (truncation (resolved by a shorter step): s = 1e-04: numerical -1.530703152, analytical -1.530703152, error 4e-11 (allowed 1.6e-09, rounding 1.8e-11); one-sided -1.5307 | -1.5307
      the direction within Theta(1) weights: agrees: agrees at step 1e-04 (truncation (resolved by a shorter step): s = 1e-04: numerical 1.706137192, analytical 1.706137192, error 6.7e-11 (allowed 1.8e-09, rounding 1.8e-11); one-sided 1.70614 | 1.70614

    PASSED: relative difference 2.75e-11 <= 1e-09, 2 decided by shorter steps (25 cost evaluations)
    """).splitlines()


def test_a_directional_check_of_a_dict_names_the_direction_within_each_array_by_the_array():
    def cost_fn(params):
        grad = {"W1": WEIGHTS.copy(), "b1": BIASES.copy()}
        grad["W1"][1, 0] += 0.25
        return np.sum(WEIGHTS * params["W1"]) + BIASES @ params["b1"], grad

    report = mb.check_gradients(cost_fn, {"W1": np.zeros((2, 2)), "b1": np.zeros(2)}, method="directional",
                                n_directions=1, rng=np.random.default_rng(0))
    assert report.reason == ("2 directions wrong (each disagrees at every step, or matches neither side of a kink): "
                             "random direction 0; the direction within W1")
    assert report.worst[0].name == "W1[1, 0]"


# --- the complex step's confirmation by real differences, on a ReLU-like piecewise J of one parameter


def one_parameter_relu(kink):
    """cost_fn of J(t) = t + max(t - kink, 0) at t = 0, complex-safe on each piece; its gradient is 1, the left slope."""
    def cost_fn(theta):
        t = theta[0]
        return t + np.where(t.real > kink, t - kink, 0 * t), np.ones(1)
    return cost_fn


def complex_check(cost_fn):
    return mb.check_gradients(cost_fn, np.zeros(1), method="complex", cost=lambda t: cost_fn(t)[0],
                              rng=np.random.default_rng(0))


ONE_ROW = f"""\
    Gradient check (complex step, h = 1e-20): 1 parameter, cost J = 0
           numerical       analytical
        1.0000000000     1.0000000000
{COURSE}
    the relative difference will be small (less than 1e-13).

    Relative Difference: 0
    Largest error: 0 absolute, 0 relative"""


def test_a_complex_step_on_a_kink_at_theta_is_cannot_tell_and_says_real_differences_do_not_confirm_it():
    # The complex step differentiates theta's piece; real differences straddle the kink at every step.
    report = complex_check(one_parameter_relu(0.0))
    kink = ("a kink within the step that a step down to 1e-08 does not resolve; the analytical value 1 matches "
            "the left slope (left 1, right 2)")
    assert str(report) == text(f"""
{ONE_ROW}
    (the complex step could not be confirmed by real differences along a random direction: {kink})

    CANNOT TELL: the complex step is unconfirmed: {kink} (14 cost evaluations)
    """)


def test_a_complex_step_that_shorter_real_steps_confirm_passes_with_the_evaluations_they_took():
    # The kink lies 2^-15 ~ 3e-5 from theta: within eps = 1e-4, beyond the shorter step 1e-5.
    report = complex_check(one_parameter_relu(2.0 ** -15))
    assert str(report) == text(f"""
{ONE_ROW}

    PASSED: relative difference 0 <= 1e-13 (8 cost evaluations)
    """)


# --- parameters as a dict or a list of arrays: one part per array, entries named after it

WEIGHTS, BIASES = np.array([[1.0, -2.0], [0.5, 0.25]]), np.array([-1.0, 2.0])


def test_a_dict_of_parameters_is_reported_per_array_with_entries_named_after_its_keys():
    def cost_fn(params):
        grad = {"W1": WEIGHTS.copy(), "b1": BIASES.copy()}
        grad["W1"][1, 0] += 0.25
        return np.sum(WEIGHTS * params["W1"]) + BIASES @ params["b1"], grad

    report = mb.check_gradients(cost_fn, {"W1": np.zeros((2, 2)), "b1": np.zeros(2)}, rng=np.random.default_rng(0))
    assert str(report) == text(f"""
    Gradient check (central differences, eps = 0.0001): 6 parameters, cost J = 0
           numerical       analytical
        1.0000000000     1.0000000000
       -2.0000000000    -2.0000000000
        0.5000000000     0.7500000000
        0.2500000000     0.2500000000
       -1.0000000000    -1.0000000000
        2.0000000000     2.0000000000
{COURSE}
    the relative difference will be small (less than 1e-09).

    Relative Difference: 0.0386622
    Largest error: 0.25 absolute, 0.333 relative

    {BY_ARRAY}
      W1                (   4 entries): relative difference 0.0535, largest error 0.25  WRONG
      b1                (   2 entries): relative difference 0, largest error 0  ok

    Wrong entries:
      W1[1, 0]: numerical 0.5, analytical 0.75, wrong by 0.25 (0.333 relative)

    Decided by shorter steps (1):
      W1[1, 0]: wrong: wrong at every step: the numerical slope settles at 0.5 (s = 1e-05: 0.5) away from the analytical 0.75, error 0.25 > allowed 8.5e-10 + rounding 1.8e-09; no kink (the one-sided asymmetry shrinks with s)

    Diagnosis:
      W1 all entries: one entry is wrong: row 1, column 0 (100 % of the error's square norm there, error 0.25)

    FAILED: 1 entry wrong (each disagrees at every step, or matches neither side of a kink): W1[1, 0] (19 cost evaluations)
    """)


def test_a_list_of_parameters_names_each_array_by_its_position_and_an_all_zero_gradient_is_diagnosed():
    report = mb.check_gradients(lambda p: (np.sum(WEIGHTS * p[0]) + BIASES @ p[1], [WEIGHTS, np.zeros(2)]),
                                [np.zeros((2, 2)), np.zeros(2)], rng=np.random.default_rng(0))
    lines = str(report).splitlines()
    start = lines.index(BY_ARRAY)
    assert lines[start:] == text("""
    By part (entries counted from 0):
      params[0]         (   4 entries): relative difference 0, largest error 0  ok
      params[1]         (   2 entries): relative difference 1, largest error 2  WRONG

    Wrong entries:
      params[1][1]: numerical 2, analytical 0, wrong by 2 (1 relative)
      params[1][0]: numerical -1, analytical 0, wrong by 1 (1 relative)

    Decided by shorter steps (2):
      params[1][0]: wrong: wrong at every step: the numerical slope settles at -1 (s = 1e-05: -1) away from the analytical 0, error 1 > allowed 1.1e-09 + rounding 1.8e-09; no kink (the one-sided asymmetry shrinks with s)
      params[1][1]: wrong: wrong at every step: the numerical slope settles at 2 (s = 1e-05: 2) away from the analytical 0, error 2 > allowed 2.1e-09 + rounding 1.8e-09; no kink (the one-sided asymmetry shrinks with s)

    Diagnosis:
      params[1] all entries: the analytical block is all zero (a layer detached from backprop, or a gradient never written) (largest analytical 0, largest numerical 2, 2 entries)

    FAILED: 2 entries wrong (each disagrees at every step, or matches neither side of a kink): params[1][0]; params[1][1] (25 cost evaluations)
    """).splitlines()


# --- the rows decided by shorter steps


def refined_section(report):
    lines = str(report).splitlines()
    start = lines.index(f"Decided by shorter steps ({len(report.refined)}):")
    return lines[start + 1:lines.index("", start)]


@pytest.mark.parametrize("n_wrong, more", [(20, []), (21, ["  ... (1 more)"])])
def test_the_rows_decided_by_shorter_steps_are_listed_up_to_twenty_then_counted(n_wrong, more):
    # J = sum(theta) at theta = 0, the first n_wrong entries of the gradient off by 0.5, all refined.
    def cost_fn(theta):
        grad = np.ones_like(theta)
        grad[:n_wrong] += 0.5
        return np.sum(theta), grad

    report = mb.check_gradients(cost_fn, np.zeros(n_wrong + 1), max_wrong=n_wrong, rng=np.random.default_rng(0))
    evidence = ("wrong at every step: the numerical slope settles at 1 (s = 1e-05: 1) away from the analytical 1.5, "
                "error 0.5 > allowed 1.6e-09 + rounding 1.8e-09; no kink (the one-sided asymmetry shrinks with s)")
    assert len(report.refined) == n_wrong
    assert refined_section(report) == [f"  theta_vec[{k}]: wrong: {evidence}" for k in range(20)] + more


# --- the picture




# A reader's own matplotlib style: the plot keeps its colours, outlines and shapes whatever it says.
READERS_STYLE = {"image.cmap": "gray", "image.aspect": "equal", "patch.linewidth": 0.5, "patch.edgecolor": "blue",
                 "patch.facecolor": "green", "lines.linewidth": 0.5, "figure.titlesize": "large", "savefig.dpi": 50}


def test_the_plot_shows_log10_errors_on_one_scale_for_every_map_and_outlines_every_wrong_entry_refined_or_not(
        tmp_path, figures):
    # Theta(1)[0, 1] and [1, 1] (theta_vec[2], [3]) off by 0.125 and 0.25, all of Theta(2) off by 0.5;
    # only the first wrong entry is refined, the others are wrong but not refined.
    report = check(linear_cost({2: 0.125, 3: 0.25, 6: 0.5, 7: 0.5, 8: 0.5}), max_wrong=1)
    with matplotlib.rc_context(READERS_STYLE):
        path = report.plot(tmp_path / "errors.png")
    (figure,) = figures
    theta1, theta2 = heat_maps(figure)
    assert matplotlib.image.imread(path).shape[:2] == (400, 2 * 450)  # 4.5 x 4 inches per Theta at 100 dpi
    (title,) = figure.texts
    assert title.get_text() == "FAILED (central): relative difference 0.124, wrong entries outlined"
    assert title.get_fontsize() == 9
    # The scale starts at the smallest error (also the colour of the exact entries) and spans at
    # least a decade, the same on both maps, so that their colours compare.
    floor, quarter, half = np.log10([0.125, 0.25, 0.5])
    np.testing.assert_array_equal(theta1.get_images()[0].get_array(), [[floor, floor, floor], [floor, quarter, floor]])
    np.testing.assert_array_equal(theta2.get_images()[0].get_array(), [[half, half, half]])
    outlined = {theta1: [(0.5, -0.5), (0.5, 0.5)], theta2: [(-0.5, -0.5), (0.5, -0.5), (1.5, -0.5)]}
    for axis, corners in outlined.items():
        image = axis.get_images()[0]
        assert image.get_clim() == (floor, np.log10(1.25))
        assert image.get_cmap().name == "viridis"
        assert axis.get_aspect() == "auto"
        assert [outline.get_xy() for outline in axis.patches] == corners
        for outline in axis.patches:
            assert outline.get_width() == outline.get_height() == 1 and not outline.get_fill()
            assert outline.get_edgecolor() == matplotlib.colors.to_rgba("red") and outline.get_linewidth() == 2
    assert list(theta1.get_yticks()) == [0, 1] and list(theta2.get_yticks()) == [0]
    assert [tick.get_text() for tick in theta1.get_xticklabels()] == ["bias", "1", "2"]
    # The bias column is set apart by a white line between columns 0 and 1.
    (line,) = theta1.lines
    assert line.get_xdata() == [0.5, 0.5] and line.get_linewidth() == 2
    assert matplotlib.colors.to_rgba(line.get_color()) == matplotlib.colors.to_rgba("white")


def test_the_plot_of_parameters_without_layer_sizes_marks_no_bias_column(tmp_path, figures):
    report = mb.check_gradients(linear_cost({2: 0.25}), THETA, rng=np.random.default_rng(0))
    report.plot(tmp_path / "errors.png")
    (axis,) = heat_maps(figures[0])
    assert [tick.get_text() for tick in axis.get_xticklabels()] == [str(k) for k in range(THETA.size)]
    assert not axis.lines
    assert axis.patches[0].get_xy() == (1.5, -0.5)


def test_central_differences_are_taken_at_eps_and_refined_from_there():
    # A right gradient; 0.01 theta[3]^3 puts the truncation 1e-6 into the difference at eps = 1e-2.
    lines = str(check(cubic({}, 3, 0.01), eps=1e-2)).splitlines()
    start = lines.index("Decided by shorter steps (1):")
    assert lines[start + 1:] == [
        "  Theta(1)[1, 1] (weight), theta_vec[3]: agrees: agrees at step 1e-04 (truncation (resolved by a shorter "
        "step): s = 1e-04: numerical 1, analytical 1, error 1e-10 (allowed 1.1e-09, rounding 1.8e-11); one-sided 1 | 1",
        "", "PASSED: relative difference 1.41e-11 <= 1e-09, 1 decided by shorter steps (25 cost evaluations)"]


def test_a_complex_step_that_differentiates_the_other_side_of_a_kink_is_undecided_not_wrong():
    # At the kink the complex step takes the left piece (slope 1); the gradient given is the right slope 2.
    left = one_parameter_relu(0.0)
    report = mb.check_gradients(lambda t: (left(t)[0], 2 * left(t)[1]), np.zeros(1), method="complex",
                                cost=lambda t: left(t)[0], rng=np.random.default_rng(0))
    assert report.verdict == "cannot tell"
    assert report.reason == ("1 undecided, e.g. theta_vec[0]: a kink within the step that a step down to 1e-08 does "
                             "not resolve; the analytical value 2 matches the right slope (left 1, right 2)")


def test_a_wrong_entry_of_the_complex_step_is_confirmed_by_real_differences_from_1e_4_when_eps_is_auto():
    report = check(linear_cost({2: 0.25}), method="complex", eps="auto")
    (entry,) = report.refined
    assert entry.evidence == (
        "the complex step (exact to rounding) gives 0.5, analytical 0.75; real differences: wrong at every step: the "
        "numerical slope settles at 0.5 (s = 1e-05: 0.5) away from the analytical 0.75, error 0.25 > allowed 8.5e-10 + "
        "rounding 1.8e-09; no kink (the one-sided asymmetry shrinks with s)")
    assert report.n_evaluations == 18
