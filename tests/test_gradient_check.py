"""The gradient check: right gradients pass, wrong ones fail, and what no difference can decide is "cannot tell"."""

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop.debug import debug_network
from manual_backprop.gradient_check import NotComplexSafeError, check_vjp
from manual_backprop.testing import assert_gradients_close
from reference.tolerances import tolerance
from tests import kinks, planted
from tests.helpers import assert_close

ROOT = Path(__file__).resolve().parents[1]
METHODS = ("central", "directional", "complex")
LAM = 3.0


def debug_problem(lam=LAM):
    theta_vec, layer_sizes, X, y = debug_network()
    return (theta_vec, layer_sizes, lambda t: mb.nn_cost_function(t, layer_sizes, X, y, lam),
            lambda t: mb.nn_cost(t, layer_sizes, X, y, lam))


def check(cost_fn, method="central", seed=7, **options):
    theta_vec, layer_sizes, _, cost = debug_problem()
    return mb.check_gradients(cost_fn, theta_vec, layer_sizes, method=method, cost=cost,
                              rng=np.random.default_rng(seed), **options)


def one_entry_off(t, k=7, factor=1 + 1e-4):
    J, grad = debug_problem()[2](t)
    grad[k] *= factor
    return J, grad


# --- The three findings of the issue


def test_a_cost_whose_J_differs_from_cost_fns_is_refused_naming_both_values():
    theta_vec, layer_sizes, _, cost = debug_problem()
    _, _, wrong, _ = debug_problem(lam=30.0)
    with pytest.raises(ValueError, match=r"cost\(theta\) = 2.146359815\d* but cost_fn\(theta\)\[0\] = 2.555043021"):
        mb.check_gradients(wrong, theta_vec, layer_sizes, cost=cost)


def test_a_lambda_off_by_1e_4_in_cost_fn_is_refused_on_the_digits_network_size():
    case = planted.REFUSED["cost and cost_fn with lambda 3 and 3.0001 (400-25-10)"]()
    with pytest.raises(ValueError, match="cost and cost_fn disagree at theta"):
        mb.check_gradients(case.cost_fn, case.theta_vec, case.layer_sizes, cost=case.cost)


@pytest.mark.parametrize("method", METHODS)
def test_a_float32_gradient_with_one_entry_one_percent_off_fails_against_a_float64_cost(method):
    report = planted.check_case(planted.CORPUS["float32 gradient, one entry 1 % off"](), method)
    assert report.verdict == "failed" and report.gradient_dtype == "float32"
    assert report.worst[0].index == 7


@pytest.mark.parametrize("method", METHODS)
def test_right_relu_gradients_near_kinks_are_never_called_wrong(method):
    # 40 trials per method here; 1,000 in the thorough profile (HYPOTHESIS_PROFILE=thorough)
    trials = 1000 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 40
    counts = kinks.run(trials, seed=1, methods=(method,))[method]
    assert counts["failed"] == 0, counts


@pytest.mark.parametrize("method", METHODS)
def test_wrong_relu_gradients_near_kinks_are_never_passed(method):
    trials = 1000 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 40
    counts = kinks.run(trials, seed=2, methods=(method,), wrong=True)[method]
    assert counts["passed"] == 0, counts


def test_a_right_relu_gradient_with_a_kink_at_theta_is_cannot_tell_with_the_kink_as_reason():
    theta_vec, layer_sizes, X, y, lam, (i, j) = kinks.relu_near_kink(np.random.default_rng(3), 0.0)
    report = mb.check_gradients(lambda t: mb.nn_cost_function(t, layer_sizes, X, y, lam, activation="relu"),
                                theta_vec, layer_sizes, cost=lambda t: mb.nn_cost(t, layer_sizes, X, y, lam,
                                                                                  activation="relu"))
    assert report.verdict == "cannot tell" and not report.passed
    assert "a kink within the step that a step down to 1e-08 does not resolve" in report.reason
    assert report.kinks and all(entry.layer == 1 and entry.row == j for entry in report.kinks)


def test_a_wrong_entry_near_a_kink_still_fails():
    theta_vec, layer_sizes, X, y, lam, (i, j) = kinks.relu_near_kink(np.random.default_rng(3), 1e-7)

    def wrong(t):
        J, grad = mb.nn_cost_function(t, layer_sizes, X, y, lam, activation="relu")
        grad[j] += 1e-3  # Theta(1)[j, 0], the coordinate whose kink lies 1e-7 away
        return J, grad

    report = mb.check_gradients(wrong, theta_vec, layer_sizes,
                                cost=lambda t: mb.nn_cost(t, layer_sizes, X, y, lam, activation="relu"))
    assert report.verdict == "failed" and report.worst[0].index == j


@pytest.mark.parametrize("seeds", [(1, 2), (3, 4)])
def test_two_generators_give_the_directional_check_different_directions(seeds):
    first, second = (check(debug_problem()[2], "directional", seed=s).directions for s in seeds)
    assert first.shape == second.shape and not np.allclose(first, second)


@pytest.mark.parametrize("seed", range(3))
def test_errors_of_plus_and_minus_001_at_neighbours_fail_the_directional_check(seed):
    report = planted.check_case(planted.CORPUS["+0.01 at one entry, -0.01 at its neighbour"](), "directional", seed)
    assert report.verdict == "failed" and report.worst[0].index in (7, 8)


# --- Verdicts


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("lam", [0.0, 3.0])
def test_every_method_passes_the_right_gradient_of_the_debug_network(method, lam):
    report = mb.check_nn_gradients(lam, method=method, rng=np.random.default_rng(0))
    assert report.verdict == "passed" and report.passed, str(report)
    assert report.relative_difference <= report.tolerance and report.refined == ()
    assert all(part.passed for part in report.parts)


def test_check_nn_gradients_costs_2p_evaluations_plus_one_for_J_and_meets_the_course_bound():
    report = mb.check_nn_gradients(3.0)
    assert report.n_evaluations == 2 * 38 + 1
    assert report.tolerance == tolerance("central_difference").rtol
    assert report.relative_difference < tolerance("central_difference").rtol


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("kind", planted.CORPUS)
def test_every_planted_wrong_gradient_fails_by_every_method(kind, method):
    report = planted.check_case(planted.CORPUS[kind](), method)
    assert report.verdict == "failed", str(report)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("kind", planted.REFUSED)
def test_every_cost_cost_fn_mismatch_is_refused_by_every_method(kind, method):
    with pytest.raises(ValueError, match="cost and cost_fn disagree at theta"):
        planted.check_case(planted.REFUSED[kind](), method)


CATALOGUED = planted.catalogue_cases()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", CATALOGUED)
def test_every_catalogued_bug_that_changes_the_gradient_fails_by_every_method(name, method):
    bug, network = CATALOGUED[name]
    assert planted.check_catalogued(bug, network, method).verdict == "failed"


def test_a_wrong_gradient_needs_only_a_few_more_evaluations_per_disagreeing_entry():
    report = check(one_entry_off)
    assert report.verdict == "failed"
    assert report.n_evaluations - (2 * 38 + 1) <= 10  # steps 1e-4, 1e-5, 1e-6: 2 evaluations each


def test_refinement_stops_after_max_wrong_entries_and_says_how_many_were_left():
    report = check(lambda t: (debug_problem()[2](t)[0], -debug_problem()[2](t)[1]), max_wrong=2)
    assert report.verdict == "failed" and "2 entries wrong (and 36 more disagreeing, not refined)" in report.reason


# --- eps = "auto"


@pytest.mark.parametrize("method", ["central", "directional"])
def test_automatic_steps_pass_the_right_gradient_and_print_the_bound_beside_each_difference(method):
    report = check(debug_problem()[2], method, eps="auto")
    assert report.passed and report.bounds is not None and np.all(report.bounds > 0)
    assert np.all(np.abs(report.numerical - report.analytical) <= 10 * report.bounds)
    assert "bound" in str(report).splitlines()[1]


def test_automatic_steps_name_a_wrong_entry_with_its_error_and_bound():
    report = check(lambda t: one_entry_off(t, factor=1 + 1e-6), eps="auto")
    assert report.verdict == "failed" and report.worst[0].index == 7
    assert f"wrong by {report.worst[0].abs_error:.3g}, bound {report.worst[0].bound:.2g}" in str(report)


# --- Localisation and diagnosis


@pytest.mark.parametrize("method", METHODS)
def test_one_entry_off_fails_and_the_report_names_the_entry_and_its_part(method):
    report = check(one_entry_off, method)
    worst = report.worst[0]
    assert (worst.layer, worst.row, worst.column, worst.index) == (1, 2, 1, 7)
    assert [(p.layer, p.part) for p in report.failing_parts] == [(1, "weights")]
    assert "Theta(1)[2, 1] (weight)" in str(report) and str(report).splitlines()[-1].startswith("FAILED")


DIAGNOSES = {
    "1/m missing (every D(l) times m)": "1/m missing",
    "lambda/m written as lambda": "lambda/m written as lambda",
    "bias column of Theta(2) regularised": "the bias column is regularised",
    "sign flipped in Theta(2)": "the sign is flipped",
    "a transposed block (Theta(1)'s 3 x 3 weights, network 3-3-3)": "transposed",
    "an all-zero block (Theta(1) detached)": "all zero",
    "one unit's row wrong (Theta(1) row 2, x 1.1)": "confined to row 2",
    "one column wrong (Theta(2) column 3, x 0.9)": "confined to column 3",
    "row-major unrolling of every D(l)": "row-major",
    "two entries swapped": "two entries exchanged",
    "regularisation left out of the gradient": "regularisation left out",
}


@pytest.mark.parametrize("kind", DIAGNOSES)
def test_the_diagnosis_names_the_cause_of_a_planted_bug(kind):
    report = planted.check_case(planted.CORPUS[kind](), "central")
    assert report.diagnoses and all(DIAGNOSES[kind] in d.cause for d in report.diagnoses), report.diagnoses


def test_the_diagnosis_of_the_catalogue_runs_as_a_script():
    from tests.diagnosis_table import table

    text = table()
    assert "| lambda/m written as lambda | 3-5-3 | failed | Theta(1) weights, Theta(2) weights |" in text


def test_the_plot_writes_one_png_with_a_heat_map_per_weight_matrix(tmp_path):
    report = check(one_entry_off)
    path = report.plot(tmp_path / "errors.png")
    assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="directional method has no per-entry errors"):
        check(one_entry_off, "directional").plot(tmp_path / "no.png")


# --- The report


def test_the_report_prints_the_courses_two_columns_then_the_relative_difference_and_the_verdict():
    report = mb.check_nn_gradients()
    lines = str(report).splitlines()
    assert lines[1].split() == ["numerical", "analytical"]
    first = lines[2].split()
    assert_close(float(first[0]), report.numerical[0], "printed_10_decimals")
    assert_close(float(first[1]), report.analytical[0], "printed_10_decimals")
    assert f"Relative Difference: {report.relative_difference:.6g}" in str(report)
    assert lines[-1].startswith("PASSED: relative difference")


@pytest.mark.parametrize("method", ["central", "directional"])
def test_without_layer_sizes_the_report_names_coordinates_of_theta_vec(method):
    report = mb.check_gradients(one_entry_off, debug_network()[0], method=method, rng=np.random.default_rng(3))
    assert report.verdict == "failed" and report.parts == ()
    assert report.worst[0].index == 7 and report.worst[0].layer is None and "theta_vec[7]" in str(report)


def test_a_float32_analytical_gradient_is_judged_by_the_float32_bound():
    theta_vec, layer_sizes, cost_fn, cost = debug_problem()
    report = mb.check_gradients(lambda t: (cost_fn(t)[0], cost_fn(t)[1].astype(np.float32)), theta_vec,
                                layer_sizes, cost=cost)
    assert report.passed and report.tolerance == tolerance("central_difference", np.float32).rtol


def test_float32_theta_is_upcast_and_a_float32_cost_is_refused():
    theta_vec, layer_sizes, cost_fn, cost = debug_problem()
    report = mb.check_gradients(cost_fn, theta_vec.astype(np.float32), layer_sizes, cost=cost)
    assert report.upcast_from == "float32" and "upcast" in str(report)
    with pytest.raises(TypeError, match="float32"):
        mb.check_gradients(cost_fn, theta_vec, layer_sizes, cost=lambda t: np.float32(cost(t)))


def test_the_complex_step_refuses_a_relu_network_and_a_cost_with_abs_inside():
    theta_vec, layer_sizes, X, y, lam, _ = kinks.relu_near_kink(np.random.default_rng(0), 0.1)
    with pytest.raises(NotComplexSafeError):
        mb.check_gradients(lambda t: mb.nn_cost_function(t, layer_sizes, X, y, activation="relu"), theta_vec,
                           layer_sizes, method="complex")
    cost = debug_problem()[3]
    with_abs = lambda t: cost(t) + 1e-3 * np.sum(np.abs(t))  # noqa: E731
    with pytest.raises(NotComplexSafeError, match="not complex-safe"):
        mb.check_gradients(lambda t: (with_abs(t), debug_problem()[2](t)[1]), debug_network()[0], method="complex",
                           cost=with_abs, rng=np.random.default_rng(0))


@pytest.mark.parametrize("options, error, message", [
    (dict(method="backward"), ValueError, "method must be one of"),
    (dict(eps=0.0), ValueError, "eps must be a finite number > 0 or 'auto', got 0.0"),
    (dict(n_worst=-1), ValueError, "n_worst must be at least 0, got -1"),
    (dict(n_directions=1.5), TypeError, "n_directions must be an integer"),
    (dict(detect_kinks=False), TypeError, r"unknown option\(s\) detect_kinks"),
])
def test_bad_options_are_refused_naming_the_option(options, error, message):
    with pytest.raises(error, match=message):
        check(debug_problem()[2], **options)


def test_a_cost_fn_that_does_not_return_J_and_grad_is_refused():
    with pytest.raises(TypeError, match=r"\(J, grad_vec\)"):
        mb.check_gradients(lambda t: debug_problem()[3](t), debug_network()[0])
    with pytest.raises(ValueError, match="layer sizes"):
        mb.check_gradients(debug_problem()[2], debug_network()[0], (3, 4, 3))


# --- Any parameters, any layer; pytest


def linear_layer():
    rng = np.random.default_rng(0)
    x, W, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    upstream = rng.standard_normal((4, 2))
    return x, W, b, upstream


def test_parameters_as_a_dict_of_arrays_name_their_entries_after_the_keys():
    x, W, b, upstream = linear_layer()

    def cost_fn(p, wrong=False):
        y = x @ p["W1"] + p["b1"]
        grad = {"W1": x.T @ upstream, "b1": upstream.sum(axis=0)}
        if wrong:
            grad["W1"] = grad["W1"].copy()
            grad["W1"][2, 1] += 1e-4
        return np.sum(y * upstream), grad

    params = {"W1": W, "b1": b}
    assert mb.check_gradients(cost_fn, params).passed
    report = mb.check_gradients(lambda p: cost_fn(p, wrong=True), params)
    assert report.verdict == "failed" and report.worst[0].name == "W1[2, 1]"
    assert [p.block for p in report.failing_parts] == ["W1"]


def test_parameters_as_a_list_of_arrays_are_named_by_position():
    x, W, b, upstream = linear_layer()
    report = mb.check_gradients(lambda p: (np.sum((x @ p[0] + p[1]) * upstream), [x.T @ upstream, 0 * b]), [W, b])
    assert report.verdict == "failed" and report.worst[0].name.startswith("params[1][")


def test_check_vjp_passes_a_right_backward_and_names_the_wrong_entry_of_a_wrong_one():
    x, W, b, upstream = linear_layer()
    f = lambda p: p["x"] @ p["W"] + p["b"]  # noqa: E731

    def backward(p, dout):
        return {"x": dout @ p["W"].T, "W": p["x"].T @ dout, "b": dout.sum(axis=0)}

    assert check_vjp(f, backward, {"x": x, "W": W, "b": b}, upstream).passed
    report = check_vjp(f, lambda p, dout: {**backward(p, dout), "b": dout.mean(axis=0)},
                       {"x": x, "W": W, "b": b}, upstream)
    assert report.verdict == "failed" and report.failing_parts[0].block == "b"
    assert check_vjp(lambda x: np.tanh(x), lambda x, dout: dout * (1 - np.tanh(x) ** 2), x, upstream[:, :1].repeat(3, 1)).passed


def test_assert_gradients_close_returns_the_report_or_raises_with_the_localisation_and_diagnosis():
    theta_vec, layer_sizes, cost_fn, cost = debug_problem()
    assert assert_gradients_close(cost_fn, theta_vec, layer_sizes, cost=cost).passed
    wrong = planted.CORPUS["lambda/m written as lambda"]()
    with pytest.raises(AssertionError, match=r"(?s)failed.*Theta\(1\).*Diagnosis:.*lambda/m written as lambda"):
        assert_gradients_close(wrong.cost_fn, wrong.theta_vec, wrong.layer_sizes, cost=wrong.cost, lam=LAM, m=5)


# --- Independence from the oracles


def test_the_library_imports_nothing_from_reference():
    for path in (ROOT / "manual_backprop").glob("*.py"):
        if path.name == "cli.py":
            continue  # the command line's own rewrite removes its import (issue 13)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert node.level or not (node.module or "").startswith("reference"), path.name
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("reference") for a in node.names), path.name


def test_the_wheel_ships_only_the_manual_backprop_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["manual_backprop"]


def test_the_gradient_check_never_needs_jax_nor_reference():
    code = ("import sys, manual_backprop; manual_backprop.check_nn_gradients(); "
            "assert 'jax' not in sys.modules and 'reference' not in sys.modules, sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_debug_network_builds_the_deeper_networks_and_stays_importable_from_the_checker():
    from manual_backprop.gradient_check import debug_network as reexported

    assert reexported is debug_network
    theta_vec, layer_sizes, X, y = debug_network(num_labels=2, hidden_layers=3)
    assert layer_sizes == (3, 5, 5, 5, 2) and theta_vec.size == mb.n_params(layer_sizes)
    assert X.shape == (5, 3) and y.tolist() == [1, 0, 1, 0, 1]
    with pytest.raises(ValueError, match="hidden_layers must be at least 0, got -1"):
        debug_network(hidden_layers=-1)
