import io
import json

import numpy as np
import pytest
from scipy.io import savemat

from manual_backprop.cli import CHECKS, ProgressBar, _report, main
from manual_backprop.plots import HIDDEN_UNITS_PIXELS, LEARNING_CURVE_PIXELS
from tests.test_plots import png_size

SMALL = ["--hidden", "6", "--max-iter", "15"]  # a quick run; the default one is measured in the README


def run(capsys, *argv):
    """main(argv) in this process: (exit status, stdout, stderr)."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_train_json_reports_settings_accuracies_the_baseline_and_the_learning_curve(capsys, tmp_path):
    status, out, err = run(capsys, "train", *SMALL, "--lambda", "0.5", "--seed", "3", "--json", "--out", str(tmp_path))
    result = json.loads(out)
    assert status == 0
    assert result["settings"]["layer_sizes"] == [64, 6, 10] and result["settings"]["lambda"] == 0.5
    assert result["gradient_check"]["passed"] and result["gradient_check"]["layer_sizes"] == [3, 5, 3]
    assert all(0.0 <= result[k] <= 1.0 for k in ("train_accuracy", "test_accuracy", "baseline_test_accuracy"))
    assert len(result["cost_history"]) == result["iterations"] + 1 and result["iterations"] <= 15
    assert result["cost_history"][-1] < result["cost_history"][0] and result["seconds"] > 0
    assert not result["hidden_units_identical"]
    assert "iteration 15/15" in err  # the progress bar
    assert png_size(tmp_path / "learning_curve.png") == LEARNING_CURVE_PIXELS
    assert png_size(tmp_path / "hidden_units.png") == HIDDEN_UNITS_PIXELS


def test_train_prints_both_accuracies_side_by_side(capsys, tmp_path):
    status, out, _ = run(capsys, "train", *SMALL, "--optimizer", "cg", "--no-progress", "--out", str(tmp_path))
    assert status == 0 and "relative difference" in out
    assert out.count("\n", out.index("manual-backprop (this run)"), out.index("scikit-learn MLPClassifier")) == 1


@pytest.mark.parametrize("init", ["zeros", "constant"])
def test_train_from_all_equal_weights_reports_that_the_hidden_units_stayed_identical(capsys, tmp_path, init):
    status, out, _ = run(capsys, "train", *SMALL, "--init", init, "--no-baseline", "--no-progress",
                         "--out", str(tmp_path))
    assert status == 0
    assert "the 6 hidden units stayed identical" in out and "test accuracy 0." in out


def test_check_prints_one_passing_row_per_network(capsys):
    status, out, _ = run(capsys, "check")
    rows = [line for line in out.splitlines() if line.endswith(("passed", "FAILED"))]
    assert status == 0 and len(rows) == len(CHECKS) and all(row.endswith("passed") for row in rows)


@pytest.mark.parametrize("argv, message", [
    (["train", "--hidden", "0"], "must be an integer >= 1, got 0"),
    (["train", "--lambda", "-1"], "must be a finite number >= 0, got -1"),
    (["train", "--init", "ones"], "invalid choice: 'ones'"),
    (["demo", "--lambda", "-1"], "must be a finite number >= 0, got -1"),
    (["demo", "--lambda", "nan"], "must be a finite number >= 0, got nan"),
])
def test_train_refuses_bad_options_naming_them(capsys, argv, message):
    with pytest.raises(SystemExit):
        main(argv)
    assert message in capsys.readouterr().err


def test_the_progress_bar_ends_on_the_last_iteration_even_when_the_optimiser_stops_early():
    stream = io.StringIO()
    bar = ProgressBar(100, stream=stream, width=10)
    for iteration in range(38):
        bar(iteration, 1.0 / (1 + iteration))
    bar.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 5 and lines[-1] == "[####------] iteration 37/100  J = 0.026316"


def test_train_reads_a_course_data_file_and_maps_its_labels(capsys, tmp_path):
    X = np.random.default_rng(0).uniform(size=(40, 4))  # 2x2 "images"
    savemat(tmp_path / "data.mat", {"X": X, "y": (np.arange(40) % 10 + 1)[:, None]})
    status, out, _ = run(capsys, "train", *SMALL, "--data", str(tmp_path / "data.mat"), "--json", "--no-progress",
                         "--out", str(tmp_path))
    result = json.loads(out)
    assert status == 0 and result["settings"]["layer_sizes"] == [4, 6, 10]
    assert (result["settings"]["m_train"], result["settings"]["m_test"]) == (30, 10)


def test_the_symmetry_verdict_names_the_units_of_every_hidden_layer():
    summary = {"settings": {"layer_sizes": [64, 6, 4, 10]}, "train_accuracy": 0.2, "test_accuracy": 0.1,
               "hidden_units_identical": True, "hidden_unit_spread": [0.0, 0.0], "total_seconds": 1.0,
               "figures": {"learning_curve": "a.png", "hidden_units": "b.png"}}
    assert "the hidden units of each of the 2 hidden layers (6, 4 units) stayed identical" in _report(summary)
