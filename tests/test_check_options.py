"""What the two ready-made checks do with their arguments: check_nn_gradients (the course's
checkNNGradients on the 3-5-3 debug network) and check_vjp (one layer's backward pass).

check_nn_gradients checks nn_cost_function; to see what it reports about a wrong one, the tests put
a wrong nn_cost_function in its place, as a student's own nnCostFunction would be.
"""

import re

import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop import gradient_check
from manual_backprop.debug import debug_network
from manual_backprop.gradient_check import NotComplexSafeError, check_vjp


def course_title(report, what="central differences, eps = 0.0001"):
    return f"Gradient check ({what}): network 3-5-3, 38 parameters, cost J = {report.cost:.10g}"


# --- check_nn_gradients


def test_check_nn_gradients_checks_the_unregularised_cost_of_the_3_5_3_network_by_default():
    theta_vec, layer_sizes, X, y = debug_network()
    report = mb.check_nn_gradients()
    assert report.cost == mb.nn_cost(theta_vec, layer_sizes, X, y, 0.0)
    assert str(report).splitlines()[0] == course_title(report)
    assert report.verdict == "passed"


@pytest.mark.parametrize("method, what", [("directional", "13 directional differences, eps = 0.0001"),
                                          ("complex", "complex step, h = 1e-20")])
def test_check_nn_gradients_checks_by_the_method_asked_for(method, what):
    report = mb.check_nn_gradients(method=method, n_directions=9, rng=np.random.default_rng(0))
    assert str(report).splitlines()[0] == course_title(report, what)
    assert report.method == method and report.verdict == "passed"


def test_check_nn_gradients_passes_its_options_on():
    report = mb.check_nn_gradients(eps="auto", n_worst=2)
    assert str(report).splitlines()[0] == course_title(report, "central differences, eps = auto")
    assert report.bounds is not None and len(report.worst) == 2


def test_a_missing_1_over_m_in_nn_cost_function_is_diagnosed_with_the_debug_networks_m(monkeypatch):
    right = mb.nn_cost_function

    def without_1_over_m(theta_vec, layer_sizes, X, y, lam):
        J, grad = right(theta_vec, layer_sizes, X, y, lam)
        return J, grad * X.shape[0]

    monkeypatch.setattr(gradient_check, "nn_cost_function", without_1_over_m)
    report = mb.check_nn_gradients()
    assert report.verdict == "failed"
    assert [(d.block, d.region, d.cause) for d in report.diagnoses] == [
        (f"Theta({l})", "all entries", "1/m missing: analytical = m x numerical with m = 5") for l in (1, 2)]


def test_check_nn_gradients_refuses_an_nn_cost_function_whose_J_is_not_the_courses(monkeypatch):
    # J and its gradient both doubled: consistent with each other, but not the course's cost.
    right = mb.nn_cost_function

    def doubled(theta_vec, layer_sizes, X, y, lam):
        J, grad = right(theta_vec, layer_sizes, X, y, lam)
        return 2 * J, 2 * grad

    monkeypatch.setattr(gradient_check, "nn_cost_function", doubled)
    with pytest.raises(ValueError, match=r"^cost and cost_fn disagree at theta: cost\(theta\) = "):
        mb.check_nn_gradients()


# --- check_vjp: the backward pass of tanh, J(x) = sum(tanh(x) * upstream)

X = np.array([[0.5, -1.0], [2.0, 0.25]])
UPSTREAM = np.array([[1.0, 2.0], [0.5, -1.0]])


def tanh(x):
    return np.tanh(x)


def tanh_backward(x, upstream):
    return upstream * (1 - np.tanh(x) ** 2)


def test_an_upstream_gradient_that_only_broadcasts_to_f_of_x_is_refused_naming_both_shapes():
    with pytest.raises(ValueError, match=r"^upstream must have the shape of f\(x\), \(2, 2\), got \(2,\)$"):
        check_vjp(tanh, tanh_backward, X, UPSTREAM[0])


def test_the_backward_pass_runs_once_on_the_upstream_gradient_in_float64():
    seen = []

    def backward(x, upstream):
        seen.append(upstream.dtype)
        return tanh_backward(x, upstream)

    report = check_vjp(tanh, backward, X, UPSTREAM.astype(np.float32))
    assert seen == [np.float64]
    assert report.verdict == "passed" and report.gradient_dtype == "float64"


def test_check_vjp_checks_by_the_method_asked_for_with_the_directions_of_the_generator_given():
    reports = [check_vjp(tanh, tanh_backward, X, UPSTREAM, method="directional", n_directions=3,
                         rng=np.random.default_rng(5)) for _ in range(2)]
    assert [report.method for report in reports] == ["directional"] * 2
    np.testing.assert_array_equal(reports[0].directions, reports[1].directions)
    assert reports[0].passed


# --- the complex step is confirmed by real differences at the step eps


def with_real_part(theta):
    """J(t) = 2 t + Re(t): np.real hides a slope of 1 from the complex step; the gradient 3 is right."""
    return 2 * theta[0] + np.real(theta[0]), np.array([3.0])


# Steps eps, eps / 10, eps / 100 (1e-4 for "auto"): wrong at the last two, the rounding of J / s at the last.
@pytest.mark.parametrize("eps, second_step, rounding", [(1e-2, "1e-03", "1.8e-11"), ("auto", "1e-05", "1.8e-09"),
                                                        (1e-4, "1e-05", "1.8e-09")])
def test_a_cost_that_is_not_complex_safe_is_refused_with_what_real_differences_from_eps_down_say(
        eps, second_step, rounding):
    message = ("the cost is not complex-safe: along a random unit direction u the complex-step gradient gives "
               "u . grad = 2, but real differences say: wrong at every step: the numerical slope settles at 3 "
               f"(s = {second_step}: 3) away from the analytical 2, error 1 > allowed 3.1e-09 + rounding {rounding}; "
               "no kink (the one-sided asymmetry shrinks with s). Some operation (abs, maximum, a comparison, "
               "np.real) is not analytic: use central differences")
    with pytest.raises(NotComplexSafeError) as refusal:
        mb.check_gradients(with_real_part, np.zeros(1), method="complex", eps=eps,
                           cost=lambda t: with_real_part(t)[0], rng=np.random.default_rng(0))
    assert str(refusal.value) == message


# --- the options of check_gradients: each bad value refused naming it, each edge value taken

def linear(theta):
    """J(theta) = sum(theta), with its gradient."""
    return np.sum(theta), np.ones_like(theta)


OPTIONS = "['eps', 'h', 'lam', 'm', 'max_wrong', 'n_directions', 'n_worst']"


@pytest.mark.parametrize("options, error, message", [
    (dict(method="backward"), ValueError, "method must be one of ('central', 'directional', 'complex'), got 'backward'"),
    (dict(tolerance=1e-6, detect_kinks=False), TypeError,
     f"unknown option(s) detect_kinks, tolerance; the options are {OPTIONS}"),
    (dict(eps=0.0), ValueError, "eps must be a finite number > 0 or 'auto', got 0.0"),
    (dict(eps=np.inf), ValueError, "eps must be a finite number > 0 or 'auto', got inf"),
    (dict(eps=True), ValueError, "eps must be a finite number > 0 or 'auto', got True"),
    (dict(h=-1e-20), ValueError, "h must be a finite number > 0, got -1e-20"),
    (dict(n_directions=-1), ValueError, "n_directions must be at least 0, got -1"),
    (dict(n_worst=-1), ValueError, "n_worst must be at least 0, got -1"),
    (dict(max_wrong=0), ValueError, "max_wrong must be at least 1, got 0"),
    (dict(max_wrong=2.0), TypeError, "max_wrong must be an integer, got 2.0"),
    (dict(m=0), ValueError, "m must be at least 1, got 0"),
    (dict(m=5.0), TypeError, "m must be an integer, got 5.0"),
    (dict(method="directional", n_directions=0), ValueError,
     "n_directions must be at least 1 without layer parts (no layer sizes), got 0"),
])
def test_a_bad_option_is_refused_with_one_message_naming_it_and_its_value(options, error, message):
    with pytest.raises(error) as refusal:
        mb.check_gradients(linear, np.zeros(3), rng=np.random.default_rng(0), **options)
    assert str(refusal.value) == message


@pytest.mark.parametrize("layer_sizes, options", [
    ((1, 1), dict(method="directional", n_directions=0)),  # the directions within the layer parts only
    ((1, 1), dict(n_directions=0)),
    (None, dict(n_directions=0)),
    (None, dict(method="directional", n_directions=1)),
    (None, dict(n_worst=0, max_wrong=1, m=1, lam=0.0, eps=1, h=1)),
])
def test_the_smallest_allowed_options_are_taken(layer_sizes, options):
    report = mb.check_gradients(linear, np.zeros(2), layer_sizes, rng=np.random.default_rng(0), **options)
    assert report.passed


def test_without_a_generator_the_directional_check_draws_its_directions_from_a_fresh_one():
    reports = [mb.check_gradients(linear, np.zeros(3), method="directional", n_directions=2) for _ in range(2)]
    assert all(report.passed for report in reports)
    assert not np.array_equal(reports[0].directions, reports[1].directions)


def test_a_cost_that_is_not_cost_fns_j_is_refused_with_both_values_and_their_relative_difference():
    def cost_fn(theta):
        return float(theta @ theta), 2 * theta

    message = ("cost and cost_fn disagree at theta: cost(theta) = 5.75 but cost_fn(theta)[0] = 5.25 (relative "
               "difference 0.087, more than the rounding of J, 1e-12): they are not the same J, so no gradient "
               "check of one against the other means anything")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        mb.check_gradients(cost_fn, np.array([0.5, -1.0, 2.0]), cost=lambda theta: float(theta @ theta) + 0.5)


def quadratic_with_planted_errors(planted):
    """(J, grad) of sum(theta^2) / 2 + v . theta on a dict {"a", "b"} of three entries each, ``planted``
    (six entries, a's then b's) added to the gradient."""
    v = np.linspace(0.5, 1.5, 6)

    def cost_fn(params):
        theta = np.concatenate([params["a"], params["b"]])
        grad = theta + v + planted
        return float(theta @ theta / 2 + v @ theta), {"a": grad[:3], "b": grad[3:]}

    return cost_fn


def test_entries_left_unrefined_once_the_check_has_failed_disagree_and_fail_their_part():
    cost_fn = quadratic_with_planted_errors(np.array([3e-3, 0, 0, 1e-3, 2e-3, 0]))
    report = mb.check_gradients(cost_fn, {"a": np.zeros(3), "b": np.zeros(3)}, max_wrong=1, n_worst=6)
    assert report.verdict == "failed"
    assert [(entry.name, entry.status) for entry in report.worst] == [
        ("a[0]", "wrong"), ("b[1]", "disagrees"), ("b[0]", "disagrees")]
    assert [entry.evidence for entry in report.worst[1:]] == ["not refined: the check had already failed"] * 2
    assert [(part.block, part.status) for part in report.parts] == [("a", "wrong"), ("b", "wrong")]


@pytest.mark.parametrize("dtype, verdict", [(np.float32, "passed"), (np.float64, "failed")])
def test_with_the_automatic_step_a_gradient_off_by_1e_6_is_within_float32_rounding_but_wrong_in_float64(
        dtype, verdict):
    theta = np.linspace(0.0, 1.0, 5)
    report = mb.check_gradients(lambda t: (float(np.sum(np.sin(t))), (np.cos(t) * (1 + 1e-6)).astype(dtype)),
                                theta, eps="auto")
    assert report.verdict == verdict


def test_with_the_automatic_step_a_right_float32_gradient_passes():
    theta = np.linspace(0.0, 1.0, 5)
    report = mb.check_gradients(lambda t: (float(np.sum(np.sin(t))), np.cos(t).astype(np.float32)), theta,
                                eps="auto")
    assert report.verdict == "passed"


@pytest.mark.parametrize("method", ["central", "directional", "complex"])
def test_the_report_carries_the_reason_of_the_threshold_it_was_judged_by(method):
    from manual_backprop.thresholds import threshold

    report = mb.check_gradients(lambda t: (np.sum(t ** 4), 4 * t ** 3), np.array([0.5, -1.0]),
                                method=method, rng=np.random.default_rng(0))
    assert report.tolerance_reason == threshold(method, np.float64).reason


def test_a_part_with_an_entry_on_a_relu_kink_cannot_tell_while_the_other_parts_pass():
    def cost_fn(params):
        a, b = params["a"], params["b"]
        return float(max(a[0], 0.0) + a[1] ** 2 + b[0] ** 2), {"a": np.array([0.0, 2 * a[1]]), "b": 2 * b}

    report = mb.check_gradients(cost_fn, {"a": np.array([0.0, 1.0]), "b": np.array([1.0])})
    assert report.verdict == "cannot tell"
    assert [(part.block, part.status) for part in report.parts] == [("a", "cannot tell"), ("b", "ok")]
