import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.io import savemat

from manual_backprop.cli import CHECKS, _report, main
from manual_backprop.plots import HIDDEN_UNITS_PIXELS, LEARNING_CURVE_PIXELS
from tests.test_plots import png_size

ROOT = Path(__file__).resolve().parents[1]

SMALL = ["--hidden", "6", "--max-iter", "15"]  # a quick run; the default one is measured in the README


def run(capsys, *argv):
    """main(argv) in this process: (exit status, stdout, stderr)."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_train_json_reports_settings_accuracies_the_baseline_and_the_learning_curve(capsys, tmp_path):
    status, out, err = run(capsys, "train", *SMALL, "--lambda", "0.5", "--seed", "3", "--json", "--progress",
                           "--out", str(tmp_path))
    result = json.loads(out)
    assert status == 0
    assert result["settings"]["layer_sizes"] == [64, 6, 10] and result["settings"]["lambda"] == 0.5
    assert result["gradient_check"]["passed"] and result["gradient_check"]["layer_sizes"] == [3, 5, 3]
    assert all(0.0 <= result[k] <= 1.0 for k in ("train_accuracy", "test_accuracy", "baseline_test_accuracy"))
    assert len(result["cost_history"]) == result["iterations"] + 1 and result["iterations"] <= 15
    assert result["cost_history"][-1] < result["cost_history"][0] and result["seconds"] > 0
    assert not result["hidden_units_identical"]
    assert len(result["gradient_norm_history"]) == len(result["cost_history"])
    assert "15/15" in err and f"J = {result['cost_history'][-1]:.6f}" in err  # the progress bar, asked for
    assert png_size(tmp_path / "learning_curve.png") == LEARNING_CURVE_PIXELS
    assert png_size(tmp_path / "hidden_units.png") == HIDDEN_UNITS_PIXELS


def test_train_prints_both_accuracies_side_by_side(capsys, tmp_path):
    status, out, err = run(capsys, "train", *SMALL, "--optimizer", "cg", "--out", str(tmp_path))
    assert status == 0 and "relative difference" in out
    assert err == ""  # no progress bar when stderr is not a terminal
    assert out.count("\n", out.index("manual-backprop (this run)"), out.index("scikit-learn MLPClassifier")) == 1


@pytest.mark.parametrize("init", ["zeros", "constant"])
def test_train_from_all_equal_weights_reports_that_the_hidden_units_stayed_identical(capsys, tmp_path, init):
    status, out, _ = run(capsys, "train", *SMALL, "--init", init, "--no-baseline",
                         "--out", str(tmp_path))
    assert status == 0
    assert "the 6 hidden units stayed identical" in out and "test accuracy 0." in out


@pytest.mark.parametrize("method", ["central", "directional", "complex"])
def test_check_prints_one_passing_row_per_network(capsys, method):
    status, out, _ = run(capsys, "check", "--method", method)
    rows = [line for line in out.splitlines() if line.endswith(("passed", "FAILED"))]
    analytic = [c for c in CHECKS if c[1] != "relu"]  # the complex step needs an analytic cost
    assert status == 0 and len(rows) == len(analytic if method == "complex" else CHECKS)
    assert all(row.endswith("passed") for row in rows)


def test_the_progress_bar_shows_the_iteration_J_the_rate_and_the_time_left(capsys, tmp_path):
    status, _, err = run(capsys, "train", *SMALL, "--no-baseline", "--progress", "--out", str(tmp_path))
    last = err.replace("\r", "\n").strip().splitlines()[-1]
    assert status == 0 and last.startswith("training: 100%")
    assert "15/15, J = " in last and "<00:00" in last and "it/s" in last


def test_quiet_prints_the_result_only_even_when_a_progress_bar_is_asked_for(capsys, tmp_path):
    status, out, err = run(capsys, "train", *SMALL, "--quiet", "--progress", "--out", str(tmp_path))
    assert status == 0 and err == ""
    assert out.lstrip().startswith("accuracy") and "gradient check" not in out and "training:" not in out


def test_train_reads_a_course_data_file_and_maps_its_labels(capsys, tmp_path):
    X = np.random.default_rng(0).uniform(size=(40, 4))  # 2x2 "images"
    savemat(tmp_path / "data.mat", {"X": X, "y": (np.arange(40) % 10 + 1)[:, None]})
    status, out, _ = run(capsys, "train", *SMALL, "--data", str(tmp_path / "data.mat"), "--json",
                         "--out", str(tmp_path))
    result = json.loads(out)
    assert status == 0 and result["settings"]["layer_sizes"] == [4, 6, 10]
    assert (result["settings"]["m_train"], result["settings"]["m_test"]) == (30, 10)


def test_the_symmetry_verdict_names_the_units_of_every_hidden_layer():
    summary = {"settings": {"layer_sizes": [64, 6, 4, 10]}, "train_accuracy": 0.2, "test_accuracy": 0.1,
               "hidden_units_identical": True, "hidden_unit_spread": [0.0, 0.0], "total_seconds": 1.0,
               "figures": {"learning_curve": "a.png", "hidden_units": "b.png"}}
    assert "the hidden units of each of the 2 hidden layers (6, 4 units) stayed identical" in _report(summary)


BLAS_DURING_TRAINING = """
import json, sys
import manual_backprop.train as training
from manual_backprop.cli import main
from threadpoolctl import threadpool_info

assert "scipy" not in sys.modules  # SciPy's own BLAS is not loaded yet, as in a fresh command
seen = []
plain = training.train_network

def watched(*args, callback=None, **kwargs):
    def record(iteration, J):
        seen.append([(i["filepath"], i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"])
        if callback is not None:
            callback(iteration, J)
    return plain(*args, callback=record, **kwargs)

training.train_network = watched
status = main(sys.argv[1:])
print(json.dumps({"status": status, "seen": seen}))
"""


def test_train_runs_with_every_loaded_blas_limited_to_the_threads_asked_for(tmp_path):
    result = subprocess.run([sys.executable, "-c", BLAS_DURING_TRAINING, "train", *SMALL, "--no-baseline", "--quiet",
                             "--blas-threads", "1", "--out", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300, check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == 0 and len(report["seen"]) == 16  # iteration 0 and 15 more
    libraries = {path for snapshot in report["seen"] for path, _ in snapshot}
    assert any("scipy" in path and "numpy" not in path for path in libraries)  # SciPy's BLAS was seen, and
    assert all(threads == 1 for snapshot in report["seen"] for _, threads in snapshot)  # every BLAS had 1 thread


def test_on_a_terminal_the_progress_bar_is_redrawn_in_place_without_being_asked(tmp_path):
    pty = pytest.importorskip("pty", reason="pseudo-terminals are POSIX-only")
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "manual_backprop", "train", *SMALL, "--no-baseline",
                                "--out", str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, stderr=terminal)
    os.close(terminal)
    drawn = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        drawn += chunk
    process.communicate(timeout=120)
    os.close(controller)
    states = [s for s in drawn.decode().split("\r") if s.startswith("training:")]
    assert process.returncode == 0 and len(states) >= 2  # one line, drawn again in place
    assert "15/15, J = " in states[-1]


def test_a_network_too_large_for_memory_is_one_line_not_a_traceback(capsys, tmp_path):
    status, _, err = run(capsys, "train", "--hidden", "100000000000", "--no-baseline", "--out", str(tmp_path))
    assert status == 1 and err == "manual-backprop train: not enough memory to train the network 64-100000000000-10\n"


def test_check_plot_writes_one_heat_map_per_network_it_checked(capsys, tmp_path):
    status, out, _ = run(capsys, "check", "--method", "complex", "--plot", str(tmp_path / "plots"))
    rows = [line for line in out.splitlines() if line.endswith("passed")]
    pictures = sorted((tmp_path / "plots").iterdir())
    assert status == 0 and len(pictures) == len(rows) and all(p.read_bytes()[:4] == b"\x89PNG" for p in pictures)
    assert (tmp_path / "plots" / "check-3-5-5-3-tanh-softmax-lambda3.png") in pictures
