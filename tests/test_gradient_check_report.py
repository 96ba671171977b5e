"""What a gradient check shows its reader: the report's text in the course's layout, the assertion's
message, and the picture of the errors (GradientCheckReport.format, assert_gradients_close, .plot).

A reader finds the wrong entry by these headings, columns and outlines; each test pins what the
reader relies on for one case: a failing check (Theta(1)[2, 1] off by 1e-4 relative on the
course's 3-5-3 debug network), a passing one, and a ReLU network with a kink at theta ("cannot tell").
"""

import matplotlib.image
import numpy as np
import pytest

import manual_backprop as mb
from tests.figures import heat_maps
from manual_backprop.testing import assert_gradients_close
from tests import kinks
from tests.test_gradient_check import check, debug_problem, one_entry_off

COURSE_LINES = ["The above two columns you get should be very similar.",
                "(Left: numerical gradient, right: analytical gradient)", "",
                "If your backpropagation implementation is correct, then"]
BY_PART = "By part (layer l is Theta(l), counted from 1 as in the course; rows and columns from 0):"


def kink_problem():
    theta_vec, layer_sizes, X, y, lam, _ = kinks.relu_near_kink(np.random.default_rng(3), 0.0)
    return (lambda t: mb.nn_cost_function(t, layer_sizes, X, y, lam, activation="relu"), theta_vec, layer_sizes,
            lambda t: mb.nn_cost(t, layer_sizes, X, y, lam, activation="relu"))


def test_a_failing_report_prints_the_courses_columns_and_every_section_in_order():
    report = check(one_entry_off)
    lines = str(report).splitlines()
    assert lines[0].startswith("Gradient check (central differences, eps = 0.0001): network 3-5-3, 38 parameters")
    assert lines[1] == f"{'numerical':>16} {'analytical':>16}"
    assert lines[2] == f"{report.numerical[0]:16.10f} {report.analytical[0]:16.10f}"
    start = lines.index(COURSE_LINES[0])
    assert lines[start:start + 5] == COURSE_LINES + [f"the relative difference will be small (less than {report.tolerance:g})."]
    assert f"Relative Difference: {report.relative_difference:.6g}" in lines
    headings = [BY_PART, "Wrong entries:", "Decided by shorter steps (1):", "Diagnosis:"]
    assert [line for line in lines if line in headings] == headings
    assert lines[lines.index("Wrong entries:") + 1] == f"  {report.worst[0]}"
    assert lines[-1] == f"FAILED: {report.reason} ({report.n_evaluations} cost evaluations)"
    assert report.reason == ("1 entry wrong (each disagrees at every step, or matches neither side of a kink): "
                             "Theta(1)[2, 1] (weight), theta_vec[7]")


def test_a_passing_report_with_automatic_steps_prints_each_bound_and_its_largest_errors():
    report = check(debug_problem()[2], eps="auto")
    lines = str(report).splitlines()
    assert report.passed
    assert lines[1] == f"{'numerical':>16} {'analytical':>16} {'bound':>9}"
    assert lines[2] == f"{report.numerical[0]:16.10f} {report.analytical[0]:16.10f} {report.bounds[0]:9.2g}"
    assert "Largest errors:" in lines and "Wrong entries:" not in lines
    assert lines[-1].startswith("PASSED: ")


def test_a_report_cut_to_a_few_rows_says_how_many_it_left_out():
    report = check(debug_problem()[2])
    lines = report.format(max_rows=3).splitlines()
    assert lines[5] == f"{'...':>16} (35 more rows)" and lines[6] == COURSE_LINES[0]


def test_a_directional_report_names_its_columns_as_slopes():
    lines = str(check(debug_problem()[2], method="directional")).splitlines()
    assert lines[1] == f"{'slope along u':>16} {'u . grad':>16}"


def test_the_failed_assertion_lists_the_wrong_entries_failing_parts_and_diagnosis():
    theta_vec, layer_sizes, _, cost = debug_problem()
    report = check(one_entry_off)
    with pytest.raises(AssertionError) as failure:
        assert_gradients_close(one_entry_off, theta_vec, layer_sizes, cost=cost, rng=np.random.default_rng(7))
    lines = str(failure.value).splitlines()
    assert lines[0] == f"Gradients not close: failed: {report.reason}"
    failing = [f"  {part}" for part in report.parts if not part.passed]
    assert lines[1:] == (["", "Wrong entries:", f"  {report.worst[0]}", "", "Failing parts:", *failing, "", "Diagnosis:"]
                         + [f"  {d}" for d in report.diagnoses]
                         + ["", f"(central, {report.n_evaluations} cost evaluations; print the check's report for all rows)"])


def test_the_assertion_for_a_kink_lists_the_largest_errors_and_each_undecided_entry():
    cost_fn, theta_vec, layer_sizes, cost = kink_problem()
    report = mb.check_gradients(cost_fn, theta_vec, layer_sizes, cost=cost, rng=np.random.default_rng(0))
    with pytest.raises(AssertionError) as failure:
        assert_gradients_close(cost_fn, theta_vec, layer_sizes, cost=cost, rng=np.random.default_rng(0))
    lines = str(failure.value).splitlines()
    undecided = [entry for entry in report.refined if entry.status == "kink"]
    assert report.verdict == "cannot tell" and undecided
    assert lines[0] == f"Gradients not close: cannot tell: {report.reason}"
    assert lines[2] == "Largest errors:"
    start = lines.index("Undecided:")
    assert lines[start + 1:start + 1 + len(undecided)] == [f"  {entry.name}: {entry.evidence}" for entry in undecided]


# --- the picture




def test_the_plot_draws_one_heat_map_per_theta_outlining_the_wrong_entry(tmp_path, figures):
    report = check(one_entry_off)
    path = report.plot(tmp_path / "errors.png")
    (figure,) = figures
    maps = heat_maps(figure)
    assert path == tmp_path / "errors.png"
    assert matplotlib.image.imread(path).shape[:2] == (400, 2 * 450)  # 4.5 x 4 inches per Theta at 100 dpi
    assert [axis.get_title() for axis in maps] == ["Theta(1): log10 |error|", "Theta(2): log10 |error|"]
    assert len(figure.axes) == 2 * len(maps)  # each heat map and its colour bar, nothing else
    assert all(axis.get_xlabel() == "column" and axis.get_ylabel() == "row" for axis in maps)
    assert [axis.get_images()[0].get_array().shape for axis in maps] == [(5, 4), (3, 6)]
    assert [tick.get_text() for tick in maps[0].get_xticklabels()] == ["bias", "1", "2", "3"]
    # theta_vec[7] is Theta(1)[2, 1]: its square, centred on column 1 and row 2, is outlined in red.
    (outline,) = maps[0].patches
    assert outline.get_xy() == (0.5, 1.5) and outline.get_width() == outline.get_height() == 1
    assert not maps[1].patches
    assert figure.texts[0].get_text().startswith("FAILED (central): relative difference")


def test_the_plot_of_parameters_without_layer_sizes_is_one_row_of_entries(tmp_path, figures):
    theta_vec, _, cost_fn, cost = debug_problem()
    report = mb.check_gradients(cost_fn, theta_vec, cost=cost, rng=np.random.default_rng(0))
    report.plot(tmp_path / "errors.png")
    (axis,) = heat_maps(figures[0])
    assert axis.get_images()[0].get_array().shape == (1, theta_vec.size)
    assert axis.get_title() == "theta_vec: log10 |error|"


def test_the_plot_of_a_gradient_without_any_error_is_drawn_at_the_floor(tmp_path, figures):
    theta_vec = np.linspace(-1.0, 1.0, 6)
    report = mb.check_gradients(lambda t: (0.0, np.zeros_like(t)), theta_vec, rng=np.random.default_rng(0))
    report.plot(tmp_path / "errors.png")
    (axis,) = heat_maps(figures[0])
    assert np.all(axis.get_images()[0].get_array() == np.log10(1e-17))


def test_a_directional_check_refuses_to_plot_and_names_the_methods_that_can():
    report = check(debug_problem()[2], method="directional")
    with pytest.raises(ValueError, match=r"^the directional method has no per-entry errors to plot; check with "
                                         r"method='central' or 'complex'$"):
        report.plot("unused.png")


def test_wrong_entries_are_listed_largest_error_first():
    def two_off(t):
        J, grad = debug_problem()[2](t)
        grad[7] *= 1 + 1e-3
        grad[30] *= 1 + 1e-2
        return J, grad

    report = check(two_off)
    errors = [abs(entry.numerical - entry.analytical) for entry in report.worst]
    assert report.verdict == "failed" and {entry.index for entry in report.worst[:2]} == {7, 30}
    assert errors == sorted(errors, reverse=True)
