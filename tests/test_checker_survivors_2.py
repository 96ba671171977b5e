"""What the gradient checker tells a user in more cases the mutation run showed untested: the whole
message for parameters given as a dict of arrays that cannot be checked, the step at which the
directional bisection measures (printed in its evidence), which of equally wrong entries it names,
which entries are refined first when refinement stops early, the order of equal errors, the largest
relative error beside the rounding floor, a float32 gradient refined and judged by error bounds at
the float32 bound, and a complex step whose disagreement real differences resolve beside a kink.

The costs are linear with slopes that are powers of two (or zero) at theta = 0, so every central
difference is exact in binary and each figure compared is the planted one.
"""

import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop.numerical import random_unit_directions
from manual_backprop.thresholds import threshold

RHO = threshold("rounding_of_J").atol  # the rounding of one evaluation of J, for |J| <= 1


def linear(slopes, errors=(), offset=0.0, dtype=np.float64):
    """cost_fn of J(theta) = offset + slopes . theta; its gradient is off by ``errors``, {k: error}, in ``dtype``."""
    slopes = np.asarray(slopes, dtype=np.float64)

    def cost_fn(theta):
        grad = slopes.copy()
        for k, error in dict(errors).items():
            grad[k] += error
        return offset + float(slopes @ theta), grad.astype(dtype)
    return cost_fn


# --- parameters as a dict of arrays that cannot be checked: the whole message


@pytest.mark.parametrize("params, message", [
    ({"W": np.ones((2, 3)), "b": np.nan}, "parameter b must be finite, got nan"),
    ({"W": [[1.0, 2.0, 3.0], [4.0, np.inf, 6.0]]}, "parameter W[1, 1] must be finite, got inf"),
    ({"W": np.zeros((2, 0)), "b": np.zeros(0)}, "the parameters must hold at least one parameter, got none"),
], ids=["a number", "a matrix", "only empty arrays"])
def test_a_dict_of_parameters_that_cannot_be_checked_is_refused_with_the_whole_message(params, message):
    with pytest.raises(ValueError) as raised:
        mb.check_gradients(lambda p: (0.0, p), params)
    assert str(raised.value) == message


def test_a_gradient_with_keys_the_parameters_lack_names_each_of_them():
    with pytest.raises(ValueError) as raised:
        mb.check_gradients(lambda p: (0.0, {**p, "c": 1.0, "d": 2.0}), {"W": np.ones(2)})
    assert str(raised.value) == "the gradient cost_fn returned has entries the parameters lack: 'c', 'd'"


def test_a_float32_forward_pass_in_check_vjp_is_refused_with_the_whole_message():
    with pytest.raises(TypeError) as raised:
        mb.check_vjp(lambda x: x.astype(np.float32), lambda x, upstream: upstream, np.ones(2), np.ones(2))
    assert str(raised.value) == (
        "f returned float32 values; numerical derivatives need the forward pass in float64 (float32 "
        "rounding, u |J| / eps ~ 6e-8 / 1e-4 ~ 6e-4 relative, is far above the course's 1e-9)")


def test_nn_cost_that_overflows_says_so_with_the_sizes_of_the_inputs():
    _, layer_sizes, X, y = mb.debug.debug_network()
    with pytest.raises(OverflowError, match=r"^the cost or its gradient does not fit in float64 \(.+\): "
                                            r"largest \|Theta\| = 1e\+200, largest \|X\| = 0\.1, lambda = 0\.5; "
                                            r"scale the inputs down$"):
        mb.nn_cost(np.full(38, 1e200), layer_sizes, X, y, 0.5)


# --- the directional bisection: the step it measures at, printed in its evidence


@pytest.mark.parametrize("eps, at", [(1e-4, 3e-6), (1e-2, 1.43e-6)])
def test_the_bisection_measures_at_the_settled_step_or_where_rounding_is_a_tenth_of_the_error(eps, at):
    # Layer sizes 1-1: the bias and the weight of Theta(1) are one-entry parts, so the direction within
    # the weights is e_1 itself and the bisection reports at the step it measured. The weight is off by
    # an error e for which the rounding of J, RHO / s, is a tenth of e at s = ``at``. The direction is
    # decided wrong at eps, eps / 10, eps / 100; the bisection measures at the shorter of the last of
    # them and ``at``: 1e-6 (the settled step, shorter than 3e-6) and 1.43e-6 (printed 1e-06).
    error = 10 * RHO / at
    report = mb.check_gradients(linear([1.0, 0.5], {1: error}), np.zeros(2), (1, 1), method="directional",
                                n_directions=0, eps=eps, rng=np.random.default_rng(0))
    assert report.verdict == "failed"
    assert [(entry.name, entry.status, entry.numerical, entry.analytical, entry.evidence) for entry in report.worst] == [
        ("Theta(1)[0, 1] (weight), theta_vec[1]", "wrong", 0.5, 0.5 + error, "found by bisection at step 1e-06")]


def test_the_bisection_from_a_part_whose_settled_slopes_coincide_divides_by_nothing():
    # Layer sizes 1-1 (bias theta_0, weight theta_1): J = |t| + max(t - 1e-6, 0) + 2 max(-t - 1e-6, 0)
    # in t = theta_0, plus theta_1, analytical slopes (0, 1). Along the bias column the difference at
    # eps is -0.495; from s = 1e-7 on it is |t|'s 0 exactly, on a kink that 0 matches on neither side:
    # wrong, its settled slopes equal. With max_wrong = 1 the random direction stays disagreeing, so
    # the report names an entry, and the bisection starts from the bias column's direction: it keeps
    # the settled step (no step is chosen from an error of 0), and no division by zero may raise.
    def cost_fn(theta):
        t = theta[0]
        return abs(t) + max(t - 1e-6, 0.0) + 2 * max(-t - 1e-6, 0.0) + theta[1], np.array([0.0, 1.0])

    with np.errstate(all="raise"):
        report = mb.check_gradients(cost_fn, np.zeros(2), (1, 1), method="directional", n_directions=1,
                                    max_wrong=1, rng=np.random.default_rng(0))
    assert report.verdict == "failed"
    assert [(entry.index, entry.numerical, entry.analytical, entry.evidence) for entry in report.worst] == [
        (0, 0.0, 0.0, "found by bisection at step 1e-08")]


@pytest.mark.parametrize("k", [2, 3])
def test_the_bisection_measures_its_halves_at_the_short_step_where_a_steep_cubic_has_no_truncation(k):
    # J = 1e7 theta_0^3 + theta_1 + theta_2 + theta_3 at 0, entry k off by 1e-3: at eps = 1e-4 the
    # truncation 1e7 eps^2 u_0^3 ~ 2e-2 of the half holding theta_0 outweighs the other half's error
    # u_k 1e-3 ~ 2e-4; at the settled step 1e-8 it is ~1e-9 and the bisection finds entry k.
    def cost_fn(theta):
        grad = np.array([3e7 * theta[0] ** 2, 1.0, 1.0, 1.0])
        grad[k] += 1e-3
        return 1e7 * theta[0] ** 3 + theta[1:].sum(), grad

    report = mb.check_gradients(cost_fn, np.zeros(4), method="directional", n_directions=1,
                                rng=np.random.default_rng(3))
    assert report.verdict == "failed"
    assert [(entry.index, entry.evidence) for entry in report.worst] == [(k, "found by bisection at step 1e-08")]


def test_when_both_halves_err_equally_the_bisection_names_the_entry_that_comes_first():
    # J = 0 with gradient entries g_0 = sign(u_0) |u_1| and g_1 = sign(u_1) |u_0|, u the one random
    # direction: each half's error is |u_0| |u_1|, exactly the same number.
    u = random_unit_directions(2, 1, np.random.default_rng(3))[0]
    grad = np.array([np.sign(u[0]) * abs(u[1]), np.sign(u[1]) * abs(u[0])])
    report = mb.check_gradients(lambda t: (0.0, grad.copy()), np.zeros(2), method="directional",
                                n_directions=1, rng=np.random.default_rng(3))
    assert report.verdict == "failed"
    assert [entry.index for entry in report.worst] == [0]


# --- equal errors: refinement and the report go by entry order


# errors 2, 2, 1, 1, 2, 1, 1, 2 (times a unit): an unstable sort puts entry 7 before entry 4
TIED = [2, 2, 1, 1, 2, 1, 1, 2]


def test_refinement_stopped_early_has_refined_the_first_of_equally_wrong_entries():
    report = mb.check_gradients(linear(np.ones(8), {k: e * 2.0 ** -10 for k, e in enumerate(TIED)}),
                                np.zeros(8), max_wrong=3)
    assert report.reason == (
        "3 entries wrong (and 5 more disagreeing, not refined) (each disagrees at every step, or matches "
        "neither side of a kink): theta_vec[0]; theta_vec[1]; theta_vec[4]")
    assert [entry.index for entry in report.refined] == [0, 1, 4]


def test_equal_largest_errors_of_a_passing_check_are_listed_in_entry_order():
    report = mb.check_gradients(linear(np.ones(8), {k: e * 2.0 ** -40 for k, e in enumerate(TIED)}), np.zeros(8))
    assert report.verdict == "passed"
    assert [entry.index for entry in report.worst] == [0, 1, 4, 7, 2]


# --- the largest relative error: entries within the rounding floor atol max(1, |J|) count 0


@pytest.mark.parametrize("offset, tiny, eps", [
    # |J| = 128: the floor is 1.28e-8, above the entry's 2^-30 ~ 9.3e-10 (eps = 2^-13 keeps J exact)
    (128.0, 2.0 ** -30, 2.0 ** -13),
    # |J| < 1: the floor is atol = 1e-10 itself; an entry of exactly that size is within it
    (0.0, 1e-10, 1e-4),
])
def test_an_entry_within_the_rounding_floor_has_no_relative_error(offset, tiny, eps):
    # Entry 1 has slope 0 (numerical 0) and analytical value ``tiny``: an error of 100 %, but of a size
    # that is rounding noise beside J.
    report = mb.check_gradients(linear([1.0, 0.0], {1: tiny}, offset), np.zeros(2), eps=eps)
    assert report.verdict == "passed"
    assert (report.max_abs_error, report.max_rel_error) == (tiny, 0.0)


def test_an_entry_just_above_the_rounding_floor_has_its_relative_error():
    # slope 2^-33 ~ 1.16e-10, just above atol = 1e-10 (|J| < 1), analytical off by 2^-40
    slope, error = 2.0 ** -33, 2.0 ** -40
    report = mb.check_gradients(linear([1.0, slope], {1: error}), np.zeros(2))
    assert report.verdict == "passed"
    assert report.max_rel_error == error / (slope + error)


# --- which rows are per entry


def test_the_rows_of_a_directional_check_name_no_matrix_entry_and_carry_no_blocks():
    # Directions are not entries: their rows have no layer, row or column, and the report has no
    # per-entry blocks (which only the per-entry plot reads).
    report = mb.check_gradients(linear(np.ones(9), {0: 2.0 ** -40}), np.zeros(9), (2, 2, 1),
                                method="directional", n_directions=2, rng=np.random.default_rng(0))
    assert report.verdict == "passed" and report.worst
    assert {(entry.layer, entry.row, entry.column) for entry in report.worst} == {(None, None, None)}
    assert report.blocks == ()


# --- the float32 bound: in refinement, and with eps = "auto"


def test_a_float32_gradient_refined_by_shorter_steps_is_judged_at_the_float32_bound():
    # J = exp(100 theta) at theta = 0.01: at eps the truncation (eps^2 / 6) J''' ~ 4.5e-3 exceeds the
    # float32 bound, shorter steps resolve it; the float32 gradient still carries its own rounding.
    def cost_fn(theta):
        return float(np.exp(100 * theta[0])), (100 * np.exp(100 * theta)).astype(np.float32)

    theta = np.full(1, 0.01)
    assert float(cost_fn(theta)[1][0]) != 100 * np.exp(1.0)  # the float32 rounding is there
    report = mb.check_gradients(cost_fn, theta)
    assert report.verdict == "passed"
    assert [(entry.index, entry.status) for entry in report.refined] == [(0, "agrees")]


def test_a_float32_gradient_with_eps_auto_is_allowed_its_own_rounding():
    # Slopes 100.1 and 0.3 are not float32 numbers: the float32 gradient is off by its rounding,
    # far more than the error bound of an exact linear J, and within the float32 bound.
    report = mb.check_gradients(linear([100.1, 0.3], dtype=np.float32), np.zeros(2), eps="auto")
    assert report.verdict == "passed"
    assert report.refined == ()


def test_with_eps_auto_a_float64_gradient_is_judged_by_its_error_bound_alone():
    # An error of 5e-10 on a slope of 1 is within the fixed-step bound 1e-9 but far above the error
    # bound of an exact linear J: eps = "auto" finds it wrong, at the first step and at shorter ones.
    report = mb.check_gradients(linear([1.0, 0.5], {0: 5e-10}), np.zeros(2), eps="auto")
    assert report.verdict == "failed"
    assert [(entry.index, entry.status) for entry in report.refined] == [(0, "wrong")]


# --- the complex step beside a kink


def test_a_complex_step_disagreement_that_real_differences_resolve_beside_a_kink_is_not_called_wrong():
    # J(t) = 3 t + max(t - 3e-6, 0) at 0, analytical 3 + 1e-10: the complex step (3, exact) disagrees at
    # its 1e-13; real differences straddle the kink at 1e-4 and 1e-5 and agree at 1e-6, within 1e-9.
    def cost_fn(theta):
        t = theta[0]
        return 3 * t + np.where(t.real > 3e-6, t - 3e-6, 0 * t), np.full(1, 3 + 1e-10)

    report = mb.check_gradients(cost_fn, np.zeros(1), method="complex", cost=lambda t: cost_fn(t)[0],
                                rng=np.random.default_rng(0))
    assert report.verdict != "failed"
    assert [(entry.index, entry.status) for entry in report.refined] == [(0, "agrees")]
    assert report.refined[0].evidence.startswith("agrees at step 1e-06 (a kink within the step s = 1e-04")
