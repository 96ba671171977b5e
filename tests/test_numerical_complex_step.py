"""The complex step's refusals name what the cost did, and its real-difference confirmation runs
with the step the user chose, "auto" included (manual_backprop.numerical, the complex method)."""

import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop import numerical
from tests.test_gradient_check import check, debug_problem


def refuses_complex(theta):
    if np.iscomplexobj(theta):
        raise TypeError("no complex here")
    return float(np.sum(theta ** 2))


def test_a_cost_that_raises_on_complex_input_is_refused_naming_the_error_and_where():
    with pytest.raises(numerical.NotComplexSafeError,
                       match=r"^the cost refuses complex input \(TypeError at theta \+ i h e_0: no complex here\); "
                             r"use central differences$"):
        numerical.complex_step_gradient(refuses_complex, np.ones(3))


@pytest.mark.parametrize("eps", ["auto", 1e-5])
def test_the_complex_method_confirms_a_right_gradient_with_any_real_step(eps):
    report = check(debug_problem()[2], method="complex", eps=eps)
    assert report.passed and not report.notes


@pytest.mark.parametrize("eps", ["auto", 1e-4])
def test_the_directional_method_finds_the_wrong_entry_with_any_step(eps):
    from tests.test_gradient_check import one_entry_off

    report = check(lambda t: one_entry_off(t, factor=1.01), method="directional", eps=eps)
    assert report.verdict == "failed" and [(entry.index, entry.status) for entry in report.worst] == [(7, "wrong")]


def test_the_directional_method_names_each_direction_and_the_entry_its_bisection_found():
    from tests.test_gradient_check import one_entry_off

    report = check(lambda t: one_entry_off(t, factor=1.01), method="directional")
    (found,) = report.worst
    assert (found.index, found.status, found.evidence) == (7, "wrong", "found by bisection at step 1e-08")
    assert report.reason.startswith("8 directions wrong (and 1 more disagreeing, not refined)")
    names = [entry.name for entry in report.refined]
    assert names[0] == "random direction 0" and names[-1] == "the direction within Theta(1) weights"


@pytest.mark.parametrize("where", ["theta + eps u", "theta - eps u"])
def test_a_directional_difference_at_a_non_finite_cost_names_the_point(where):
    u = np.array([1.0, 0.0])
    side = 1.0 if "+" in where else -1.0
    J = lambda t: np.inf if np.sign(t[0]) == side else float(t @ t)  # noqa: E731
    with pytest.raises(FloatingPointError, match=f"^J is inf at {where.replace('+', '[+]')}: no numerical derivative there$"):
        numerical.directional_difference(J, np.zeros(2), u)


def test_check_vjp_passes_its_options_on_to_the_check():
    from manual_backprop.gradient_check import check_vjp

    W = np.array([[1.0, -2.0], [0.5, 3.0]])
    report = check_vjp(lambda x: x @ W, lambda x, up: up @ W.T, np.array([[0.3, -0.7]]), np.array([[1.0, 2.0]]),
                       eps=1e-5, n_worst=1, rng=np.random.default_rng(0))
    assert report.passed and report.step == 1e-5 and len(report.worst) == 1


def test_the_complex_step_calls_wrong_an_entry_too_close_for_real_differences_and_says_why():
    from tests.test_gradient_check import one_entry_off

    # 3e-8 relative on one entry: real differences cannot tell, the exact complex step can.
    wrong = lambda t: one_entry_off(t, factor=1 + 3e-8)  # noqa: E731
    assert check(wrong, method="central").verdict == "cannot tell"
    report = check(wrong, method="complex")
    (entry,) = report.refined
    assert report.verdict == "failed" and (entry.index, entry.status) == (7, "wrong")
    assert entry.evidence.startswith("the complex step (exact to rounding) gives 0.05933555648")


@pytest.mark.parametrize("eps", [float("inf"), float("nan"), 1j, -1e-4])
def test_a_step_that_is_not_a_finite_positive_real_number_is_refused_naming_it(eps):
    with pytest.raises(ValueError, match=f"^eps must be a finite number > 0, got {eps}$"):
        numerical.compute_numerical_gradient(lambda t: float(np.sum(t ** 2)), np.ones(3), eps=eps)


def test_a_gradient_below_the_rounding_floor_cannot_be_told_and_the_reason_says_it_is_too_small():
    J = lambda t: float(1.0 + 1e-13 * np.sum(t ** 2))  # noqa: E731  (a gradient of ~1e-13 beside J ~ 1)
    report = mb.check_gradients(lambda t: (J(t), 2e-13 * t), np.linspace(-1, 1, 5), cost=J,
                                rng=np.random.default_rng(0))
    assert report.verdict == "cannot tell"
    assert report.reason.startswith("every entry agrees to within the rounding floor 1e-10 max(1, |J|), but the "
                                    "relative difference ")
    assert report.reason.endswith(": the gradient is too small for differences to judge it")
