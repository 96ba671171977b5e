"""The command line's contract with its user: one line on stderr for every mistake, the right exit
status, no traceback; Ctrl-C and a missing extra handled the same way; help and version."""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
from scipy.io import savemat

from manual_backprop import __version__
from manual_backprop.cli import EXIT_DATA, EXIT_INTERRUPTED, EXIT_USAGE, main
from reference.tolerances import tolerance

ROOT = Path(__file__).resolve().parents[1]
QUICK = ["--hidden", "3", "--max-iter", "2", "--no-baseline"]  # what a bad input must stop before


def course_file(path, X, y=None, **others):
    """A .mat file as the course's ex4data1.mat, with X, y (labels 1..10 as a column) and others."""
    variables = {"X": X, **others}
    if y is not None:
        variables["y"] = y
    savemat(path, variables)
    return str(path)


def good_y(m):
    return (np.arange(m) % 10 + 1)[:, None]


def read_only_folder(tmp_path):
    """A folder in which no file can be created, even by root (who ignores permission bits)."""
    if os.geteuid() == 0:
        return "/sys/manual-backprop-out"  # sysfs refuses new entries to everyone
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o555)
    return str(folder)


def bad_inputs(tmp_path):
    """(name, argv, exit status, a fragment of the message) for every bad input the issue lists."""
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(40, 4))
    (tmp_path / "folder").mkdir()
    (tmp_path / "random.mat").write_bytes(rng.bytes(2000))
    (tmp_path / "empty.mat").write_bytes(b"")
    (tmp_path / "a-file").write_text("not a folder")
    files = {
        "other names": course_file(tmp_path / "other.mat", X, features=X),
        "y shape": course_file(tmp_path / "yshape.mat", X, good_y(39)),
        "labels": course_file(tmp_path / "labels.mat", X, good_y(40) - 1),
        "nan": course_file(tmp_path / "nan.mat", np.where(X > 0.9, np.nan, X), good_y(40)),
        "3-D": course_file(tmp_path / "3d.mat", X.reshape(40, 2, 2), good_y(40)),
        "string": course_file(tmp_path / "string.mat", "forty examples", good_y(40)),
        "complex": course_file(tmp_path / "complex.mat", X + 1j, good_y(40)),
        "sparse": course_file(tmp_path / "sparse.mat", scipy.sparse.csr_matrix(X), good_y(40)),
        "cell": course_file(tmp_path / "cell.mat", np.array([X, X[:3]], dtype=object), good_y(40)),
        "five": course_file(tmp_path / "five.mat", X[:5], good_y(5)),
    }
    out = ["--out", str(tmp_path / "out")]
    data = {name: ["train", *QUICK, "--data", path, *out] for name, path in files.items()}
    return [
        ("--data a missing file", ["train", *QUICK, "--data", str(tmp_path / "nothing.mat"), *out], EXIT_USAGE,
         "nothing.mat: no such file"),
        ("--data a folder", ["train", *QUICK, "--data", str(tmp_path / "folder"), *out], EXIT_USAGE,
         "folder is a folder, not a .mat file"),
        ("--data random bytes", ["train", *QUICK, "--data", str(tmp_path / "random.mat"), *out], EXIT_DATA,
         "random.mat is not a .mat file that scipy.io can read"),
        ("--data an empty file", ["train", *QUICK, "--data", str(tmp_path / "empty.mat"), *out], EXIT_DATA,
         "empty.mat is empty, not a .mat file"),
        ("other variable names", data["other names"], EXIT_DATA, "missing ['y']; found ['X', 'features']"),
        ("y of the wrong shape", data["y shape"], EXIT_DATA, "y in"),
        ("labels outside 1..10", data["labels"], EXIT_DATA, "course labels must be integers 1..10"),
        ("NaN in X", data["nan"], EXIT_DATA, "entries that are NaN or infinite"),
        ("3-D X", data["3-D"], EXIT_DATA, "X in"),
        ("string X", data["string"], EXIT_DATA, "is a string (char array), not a full numeric matrix"),
        ("complex X", data["complex"], EXIT_DATA, "is complex; it must be real"),
        ("sparse X", data["sparse"], EXIT_DATA, "sparse.mat is a sparse matrix"),
        ("cell X", data["cell"], EXIT_DATA, "cell.mat is a cell array"),
        ("5 examples", data["five"], EXIT_DATA, "leaves the test set empty"),
        ("--test-size 0.999", ["train", *QUICK, "--test-size", "0.999", *out], EXIT_DATA,
         "leaves the training set empty"),
        ("--seed -1", ["train", "--seed", "-1"], EXIT_USAGE, "argument --seed: expected an integer >= 0, got -1"),
        ("--out an existing file", ["train", *QUICK, "--out", str(tmp_path / "a-file")], EXIT_USAGE,
         "a-file is a file, not a folder"),
        ("--out under a file", ["train", *QUICK, "--out", str(tmp_path / "a-file" / "sub")], EXIT_USAGE,
         "cannot be written"),
        ("--out read-only", ["train", *QUICK, "--out", read_only_folder(tmp_path)], EXIT_USAGE,
         "cannot be written"),
        ("--hidden 0", ["train", "--hidden", "0"], EXIT_USAGE, "argument --hidden: expected an integer >= 1, got 0"),
        ("--hidden abc", ["train", "--hidden", "abc"], EXIT_USAGE, "expected an integer >= 1, got 'abc'"),
        ("--lambda -1", ["train", "--lambda", "-1"], EXIT_USAGE, "expected a finite number >= 0, got -1"),
        ("--lambda nan", ["train", "--lambda", "nan"], EXIT_USAGE, "expected a finite number >= 0, got nan"),
        ("--test-size 1", ["train", "--test-size", "1"], EXIT_USAGE, "expected a finite number > 0 and < 1, got 1"),
        ("--max-iter 0", ["train", "--max-iter", "0"], EXIT_USAGE, "expected an integer >= 1, got 0"),
        ("--learning-rate 0", ["train", "--learning-rate", "0"], EXIT_USAGE, "expected a finite number > 0, got 0"),
        ("--init ones", ["train", "--init", "ones"], EXIT_USAGE, "invalid choice: 'ones'"),
        ("an unknown option", ["train", "--hiden", "3"], EXIT_USAGE, "unrecognized arguments: --hiden"),
        ("no command", [], EXIT_USAGE, "the following arguments are required"),
        ("demo --lambda -1", ["demo", "--lambda", "-1"], EXIT_USAGE, "expected a finite number >= 0, got -1"),
        ("check --method", ["check", "--method", "forward"], EXIT_USAGE, "invalid choice: 'forward'"),
        ("check --plot a file", ["check", "--plot", str(tmp_path / "a-file")], EXIT_USAGE,
         "--plot " + str(tmp_path / "a-file") + " is a file, not a folder"),
        ("check --plot directional", ["check", "--method", "directional", "--plot", str(tmp_path / "plots")],
         EXIT_USAGE, "which the directional method does not have; use --method central or complex"),
    ]


@pytest.fixture
def cases(tmp_path):
    return {name: (argv, status, message) for name, argv, status, message in bad_inputs(tmp_path)}


CASE_NAMES = ["--data a missing file", "--data a folder", "--data random bytes", "--data an empty file",
              "other variable names", "y of the wrong shape", "labels outside 1..10", "NaN in X", "3-D X",
              "string X", "complex X", "sparse X", "cell X", "5 examples", "--test-size 0.999", "--seed -1",
              "--out an existing file", "--out under a file", "--out read-only", "--hidden 0", "--hidden abc",
              "--lambda -1", "--lambda nan", "--test-size 1", "--max-iter 0", "--learning-rate 0", "--init ones",
              "an unknown option", "no command", "demo --lambda -1", "check --method", "check --plot a file",
              "check --plot directional"]


def test_the_table_names_every_case_it_builds(tmp_path):
    assert [case[0] for case in bad_inputs(tmp_path)] == CASE_NAMES


@pytest.mark.parametrize("name", CASE_NAMES)
def test_a_bad_input_gives_one_line_naming_it_and_an_exit_status(capsys, cases, name):
    argv, status, message = cases[name]
    assert main(argv) == status
    out, err = capsys.readouterr()
    assert out == ""  # stopped before any step: nothing trained, nothing lost
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert message in err and "Traceback" not in err
    assert "_integer" not in err and "_number" not in err and "invalid parse value" not in err


def test_the_module_entry_point_prints_the_same_single_line(cases):
    argv, status, message = cases["sparse X"]
    result = subprocess.run([sys.executable, "-m", "manual_backprop", *argv], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == status and result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_a_bad_output_folder_stops_the_run_before_training_and_leaves_no_file(capsys, tmp_path):
    (tmp_path / "a-file").write_text("keep me")
    assert main(["train", "--out", str(tmp_path / "a-file")]) == EXIT_USAGE
    assert capsys.readouterr().out == "" and (tmp_path / "a-file").read_text() == "keep me"


def test_ctrl_c_during_training_prints_one_line_and_exits_130(tmp_path):
    # Ctrl-C at a terminal reaches a process whose SIGINT is in its default state, where Python raises
    # KeyboardInterrupt. A test runner may have set SIGINT to ignored (mutmut's workers do), which a child
    # inherits and Python then keeps: so the child restores Python's handler and runs the module as
    # `python -m manual_backprop` would.
    start = ("import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
             "sys.argv[0] = 'manual-backprop'; runpy.run_module('manual_backprop', run_name='__main__', alter_sys=True)")
    command = [sys.executable, "-u", "-c", start, "train", "--optimizer", "gd", "--max-iter", "1000000",
               "--no-baseline", "--out", str(tmp_path)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in process.stdout:
            if line.startswith("training:"):
                break
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == EXIT_INTERRUPTED
    assert err == "manual-backprop: interrupted\n"


@pytest.mark.parametrize("module", ["threadpoolctl", "tqdm"])
def test_a_missing_train_extra_is_named_with_the_command_that_installs_it(capsys, monkeypatch, tmp_path, module):
    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed: importing it fails
    assert main(["train", "--out", str(tmp_path)]) == EXIT_DATA
    out, err = capsys.readouterr()
    assert out == "" and err == (f"manual-backprop: this command needs the train extra ({module} is missing): "
                                 'pip install "manual-backprop[train]"\n')


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out == f"manual-backprop {__version__}\n"


@pytest.mark.parametrize("argv", [["--help"], ["train", "--help"], ["check", "--help"], ["demo", "--help"]])
def test_help_is_plain_text_and_every_command_has_a_description(capsys, argv):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    out = capsys.readouterr().out
    assert exit_.value.code == 0 and "``" not in out and ":func:" not in out
    paragraphs = out.split("\n\n")
    assert len(paragraphs) >= 3 and not paragraphs[1].startswith(("positional", "options"))  # a description


def test_demo_prints_the_cost_and_a_relative_difference_below_the_course_bound():
    result = subprocess.run([sys.executable, "-m", "manual_backprop", "demo", "--lambda", "3"],
                            capture_output=True, text=True, check=True, cwd=ROOT, timeout=120)
    assert "network 3-5-3, m = 5, lambda = 3" in result.stdout
    assert len(re.findall(r"^\s*-?\d+\.\d{10}\s+-?\d+\.\d{10}$", result.stdout, re.M)) == 38
    rel = float(result.stdout.strip().rsplit("=", 1)[1])
    assert rel < tolerance("central_difference").rtol
