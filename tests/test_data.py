from pathlib import Path

import numpy as np
import pytest
from scipy.io import savemat

import scipy.io
import scipy.sparse

from manual_backprop.cost import regularization_cost
from manual_backprop.data import (
    MAX_MAT_BYTES,
    load_split,
    course_labels_to_digits,
    course_units_to_digits,
    digits_to_course_labels,
    load_course_data,
    load_course_split,
    load_course_weights,
    load_digits_split,
)
from tests.helpers import assert_close

ROOT = Path(__file__).resolve().parents[1]


def course_weights_file():
    """The course's ex4weights.mat in shared/data beside the project or a folder above it, or None
    (it is never copied into the project)."""
    for folder in ROOT.parents:
        candidate = folder / "shared" / "data" / "ex4weights.mat"
        if candidate.exists():
            return candidate
    return None


SHARED_WEIGHTS = course_weights_file()


def test_course_label_10_is_the_digit_0_and_back():
    assert course_labels_to_digits(np.arange(1, 11)).tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]
    assert digits_to_course_labels(np.arange(10)).tolist() == [10, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert course_labels_to_digits(np.array([10.0, 3.0])).tolist() == [0, 3]


def test_a_course_network_output_unit_k_is_the_course_label_k_plus_1():
    assert course_units_to_digits(np.arange(10)).tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]


@pytest.mark.parametrize("labels", [[0, 1], [11], [1.5]])
def test_course_labels_outside_1_to_10_are_refused(labels):
    with pytest.raises(ValueError, match="course labels must be integers 1..10"):
        course_labels_to_digits(np.array(labels))


def test_course_data_loads_with_its_labels_mapped_to_digits(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((12, 400))
    y = np.arange(12)[:, None] % 10 + 1  # (m, 1) labels 1..10, as Octave saves them
    savemat(tmp_path / "ex4data1.mat", {"X": X, "y": y.astype(np.uint8)})
    X_loaded, digits = load_course_data(tmp_path / "ex4data1.mat")
    assert np.array_equal(X_loaded, X)
    assert digits.tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2]


def test_course_data_splits_like_the_digits_with_20x20_images_stored_column_by_column(tmp_path):
    savemat(tmp_path / "ex4data1.mat", {"X": np.ones((40, 400)), "y": np.arange(40)[:, None] % 10 + 1})
    split = load_course_split(tmp_path / "ex4data1.mat")
    assert (split.y_train.size, split.y_test.size) == (30, 10) and np.array_equal(np.sort(split.y_test), np.arange(10))
    assert split.image_shape == (20, 20) and split.order == "F"


def test_course_weights_load_as_thetas_in_order(tmp_path):
    thetas = [np.arange(15.0).reshape(3, 5), np.arange(8.0).reshape(2, 4), np.ones((4, 3))]
    savemat(tmp_path / "w.mat", {"Theta3": thetas[2], "Theta1": thetas[0], "Theta2": thetas[1]})
    loaded = load_course_weights(tmp_path / "w.mat")
    assert len(loaded) == 3 and all(np.array_equal(a, b) for a, b in zip(loaded, thetas))


def test_course_files_with_missing_or_mismatched_variables_are_refused(tmp_path):
    savemat(tmp_path / "w.mat", {"Theta1": np.ones((3, 5)), "Theta2": np.ones((2, 5))})
    with pytest.raises(ValueError, match="Theta 2 must have 4 columns"):
        load_course_weights(tmp_path / "w.mat")
    savemat(tmp_path / "d.mat", {"X": np.ones((3, 4))})
    with pytest.raises(ValueError, match=r"missing \['y'\]; found \['X'\]"):
        load_course_data(tmp_path / "d.mat")
    savemat(tmp_path / "d.mat", {"X": np.ones((3, 4)), "y": np.ones((2, 1))})
    with pytest.raises(ValueError, match=r"y in .* must have shape \(3, 1\)"):
        load_course_data(tmp_path / "d.mat")


@pytest.mark.skipif(SHARED_WEIGHTS is None,
                    reason="the course's ex4weights.mat is not in shared/data beside the project or above it")
def test_the_course_weights_load_with_their_published_shapes_and_regularisation():
    thetas = load_course_weights(SHARED_WEIGHTS)
    assert [Theta.shape for Theta in thetas] == [(25, 401), (10, 26)]
    # ex4.m: lambda = 1 and m = 5000 add lambda / (2m) * 961.40694 = 0.096141 to the cost
    assert_close(regularization_cost(thetas, 1.0, 5000), 0.096141, "printed_6_decimals")


def test_the_digits_split_keeps_a_quarter_of_each_digit_for_testing_the_same_way_every_time():
    digits = load_digits_split()
    assert digits.X_train.shape == (1347, 64) and digits.X_test.shape == (450, 64)
    assert 0.0 <= digits.X_train.min() and digits.X_train.max() == 1.0
    all_y = np.concatenate([digits.y_train, digits.y_test])
    assert np.array_equal(np.bincount(digits.y_test), np.round(0.25 * np.bincount(all_y)).astype(int))
    again = load_digits_split()
    assert np.array_equal(again.X_test, digits.X_test) and np.array_equal(again.y_train, digits.y_train)
    assert digits.image_shape == (8, 8) and digits.order == "C"


def test_declared_shapes_above_the_limit_are_refused_before_anything_is_loaded(tmp_path, monkeypatch):
    savemat(tmp_path / "big.mat", {"X": np.zeros((100, 400)), "y": np.ones((100, 1))}, do_compression=True)
    monkeypatch.setattr(scipy.io, "loadmat", lambda *a, **k: pytest.fail("loadmat was called"))
    with pytest.raises(ValueError, match=r"X \(100, 400\), y \(100, 1\): 320,800 bytes as float64, above the "
                                         r"limit of 320,000 bytes"):
        load_course_data(tmp_path / "big.mat", max_bytes=320_000)
    assert MAX_MAT_BYTES >= 5000 * 401 * 8  # the course's own file (X and y) fits


@pytest.mark.parametrize("X, message", [
    (np.ones((12, 4)) + 1j, "X in .*x.mat is complex; it must be real"),
    (scipy.sparse.csr_matrix(np.eye(12, 4)), "X in .*x.mat is a sparse matrix, not a full numeric matrix"),
    (np.array([np.ones((2, 2)), np.ones(3)], dtype=object), "X in .*x.mat is a cell array"),
    ("twelve", "X in .*x.mat is a string"),
    (np.ones((12, 2, 2)), r"X in .*x.mat must be 2-dimensional, got shape \(12, 2, 2\)"),
    (np.full((12, 4), np.inf), "X in .*x.mat has 48 entries that are NaN or infinite"),
])
def test_course_data_that_is_not_a_real_full_finite_matrix_is_refused_naming_file_and_variable(tmp_path, X, message):
    savemat(tmp_path / "x.mat", {"X": X, "y": np.arange(12)[:, None] % 10 + 1})
    with pytest.raises(ValueError, match=message):
        load_course_data(tmp_path / "x.mat")


def test_weights_with_a_gap_in_their_numbers_are_refused(tmp_path):
    savemat(tmp_path / "w.mat", {"Theta1": np.ones((3, 5)), "Theta3": np.ones((2, 4))})
    with pytest.raises(ValueError, match="w.mat holds Theta1, Theta3 without Theta2"):
        load_course_weights(tmp_path / "w.mat")


def test_paths_that_are_not_files_are_named_as_what_they_are(tmp_path):
    with pytest.raises(IsADirectoryError, match=f"{tmp_path} is a folder, not a .mat file"):
        load_course_data(tmp_path)
    with pytest.raises(FileNotFoundError, match="none.mat: no such file"):
        load_course_weights(tmp_path / "none.mat")
    (tmp_path / "noise.mat").write_bytes(np.random.default_rng(0).bytes(500))
    with pytest.raises(ValueError, match="noise.mat is not a .mat file that scipy.io can read"):
        load_course_data(tmp_path / "noise.mat")


def test_a_split_that_leaves_a_set_empty_is_refused_naming_the_file(tmp_path):
    savemat(tmp_path / "five.mat", {"X": np.ones((5, 4)), "y": np.arange(1, 6)[:, None]})
    with pytest.raises(ValueError, match=r"five.mat: test_size 0.25 of 5 examples \(5 classes\) leaves the test set "
                                         "empty"):
        load_split(tmp_path / "five.mat")
    with pytest.raises(ValueError, match="leaves the training set empty"):
        load_split(None, test_size=0.999)
