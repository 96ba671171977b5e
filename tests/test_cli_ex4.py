"""examples/ex4.py, the course's ex4.m section by section: on the digits, on .mat files, and with the
course's own trained weights where they lie beside the project."""

import importlib.util
from collections import namedtuple
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.io import savemat

from manual_backprop import nn_cost, unroll
from manual_backprop.data import load_course_weights
from manual_backprop.plots import HIDDEN_UNITS_PIXELS
from reference.tolerances import tolerance
from tests.test_data import course_weights_file
from tests.test_plots import png_size

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ["Loading the data", "Loading the parameters", "Compute cost (feed-forward)", "Implement regularisation",
            "Sigmoid gradient", "Initialising parameters", "Implement backpropagation", "Implement regularisation",
            "Training the network", "Visualising the hidden layer", "Prediction accuracy"]


COURSE_WEIGHTS = course_weights_file()


def load_ex4():
    spec = importlib.util.spec_from_file_location("ex4", ROOT / "examples" / "ex4.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EX4 = load_ex4()


Run = namedtuple("Run", "returncode stdout stderr")


def ex4(capsys, *argv):
    """examples/ex4.py's main(argv) in this process: returncode, stdout, stderr."""
    status = EX4.main(list(argv))
    out, err = capsys.readouterr()
    return Run(status, out, err)


def printed_costs(stdout):
    """{lambda: J} from the lines 'cost at ..., lambda = L: J = ...'."""
    return {float(lam): float(J) for lam, J in re.findall(r"lambda = ([\d.]+): J = ([\d.]+)", stdout)}


def test_ex4_runs_every_section_of_the_course_on_the_digits_from_a_clone(tmp_path):
    result = subprocess.run([sys.executable, "examples/ex4.py", "--max-iter", "10", "--out", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    titles = re.findall(r"^== (\d+)\. (.*)$", result.stdout, re.M)
    assert [int(n) for n, _ in titles] == list(range(1, 12))
    assert all(title.startswith(expected) for (_, title), expected in zip(titles, SECTIONS))
    assert "[0.196612 0.235004 0.25     0.235004 0.196612]" in result.stdout  # ex4.m's sigmoidGradient line
    assert result.stdout.count(": passed") == 2
    assert png_size(tmp_path / "hidden_units.png") == HIDDEN_UNITS_PIXELS


def test_ex4_reads_course_mat_files_and_uses_the_weights_for_the_costs(capsys, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(40, 4))
    y = np.arange(40) % 10 + 1
    thetas = [rng.standard_normal((3, 5)), rng.standard_normal((10, 4))]
    savemat(tmp_path / "data.mat", {"X": X, "y": y[:, None]})
    savemat(tmp_path / "weights.mat", {"Theta1": thetas[0], "Theta2": thetas[1]})
    result = ex4(capsys, "--data", str(tmp_path / "data.mat"), "--weights", str(tmp_path / "weights.mat"),
                 "--hidden", "3", "--max-iter", "5", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    costs = printed_costs(result.stdout)
    digits = y % 10  # these weights are not the course's: output unit k is the digit k
    for lam in (0.0, 1.0, 3.0):
        assert abs(costs[lam] - nn_cost(unroll(thetas), (4, 3, 10), X, digits, lam)) \
            <= tolerance("printed_6_decimals").atol
    assert "Theta1 (3, 5), Theta2 (10, 4)" in result.stdout and "course's value" not in result.stdout


def test_ex4_refuses_weights_that_do_not_fit_the_data_in_one_line(capsys, tmp_path):
    savemat(tmp_path / "weights.mat", {"Theta1": np.ones((3, 5)), "Theta2": np.ones((10, 4))})
    result = ex4(capsys, "--weights", str(tmp_path / "weights.mat"), "--out", str(tmp_path))
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1
    assert "are 4-3-10: they need 4 inputs" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(COURSE_WEIGHTS is None,
                    reason="the course's ex4weights.mat is not in shared/data beside the project or above it")
def test_ex4_with_the_course_weights_prints_the_course_costs_regularisation(capsys, tmp_path):
    # The course's ex4data1.mat is not available, so its costs 0.287629 and 0.383770 cannot be
    # computed here; their difference, the regularisation lambda / (2m) sum Theta^2 = 0.096141 at
    # lambda = 1 and m = 5000, depends on the weights and m alone, and is checked on any 5000 examples.
    X = np.zeros((5000, 400))
    y = np.arange(5000) % 10 + 1
    savemat(tmp_path / "ex4data1.mat", {"X": X, "y": y[:, None]}, do_compression=True)
    result = ex4(capsys, "--data", str(tmp_path / "ex4data1.mat"), "--weights", str(COURSE_WEIGHTS),
                 "--max-iter", "1", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    costs = printed_costs(result.stdout)
    atol = tolerance("printed_6_decimals").atol
    assert "(the course's value with its own files: 0.287629)" in result.stdout
    assert "(the course's value with its own files: 0.383770)" in result.stdout
    thetas = load_course_weights(COURSE_WEIGHTS)
    units = y - 1  # the course's output unit k (0-based) is its label k + 1
    theta_vec = unroll(thetas)
    J = {lam: nn_cost(theta_vec, (400, 25, 10), X, units, lam) for lam in (0.0, 1.0)}
    assert all(abs(costs[lam] - J[lam]) <= atol for lam in J)
    assert abs((J[1.0] - J[0.0]) - 0.096141) <= atol  # ex4.m: 0.383770 - 0.287629, the regularisation at m = 5000
