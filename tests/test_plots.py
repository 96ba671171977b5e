import numpy as np
import pytest

from manual_backprop.plots import (
    HIDDEN_UNITS_PIXELS,
    LEARNING_CURVE_PIXELS,
    check_output_folder,
    display_grid,
    plot_hidden_units,
    plot_learning_curve,
    plot_training_run,
)


def png_size(path):
    """(width, height) from a PNG's IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_the_learning_curve_is_a_png_of_its_stated_size(tmp_path):
    path = plot_learning_curve(np.geomspace(7.0, 0.3, 50), tmp_path / "new" / "curve.png")
    assert png_size(tmp_path / "new" / "curve.png") == LEARNING_CURVE_PIXELS and path.endswith("curve.png")


def test_the_hidden_units_picture_is_a_png_of_its_stated_size(tmp_path):
    Theta1 = np.random.default_rng(0).standard_normal((25, 65))
    plot_hidden_units(Theta1, tmp_path / "units.png")
    assert png_size(tmp_path / "units.png") == HIDDEN_UNITS_PIXELS


def test_display_grid_tiles_each_unit_scaled_to_its_largest_weight():
    W = np.arange(1.0, 1 + 10 * 6).reshape(10, 6)
    grid = display_grid(W, (2, 3), pad=1)
    assert grid.shape == (1 + 3 * 3, 1 + 4 * 4)  # floor(sqrt(10)) = 3 rows, ceil(10 / 3) = 4 columns
    assert np.array_equal(grid[1:3, 1:4], W[0].reshape(2, 3) / 6.0)
    assert np.array_equal(grid[4:6, 1:4], W[4].reshape(2, 3) / 30.0)
    assert np.all(grid[0] == -1.0) and np.all(grid[7:, 9:] == -1.0)  # background and the two empty cells


def test_display_grid_reads_column_major_images_as_the_course_stores_them():
    w = np.arange(1.0, 7.0)
    assert np.array_equal(display_grid(w[None], (2, 3), order="F", pad=0), w.reshape((2, 3), order="F") / 6.0)


def test_plots_refuse_inputs_of_the_wrong_shape(tmp_path):
    with pytest.raises(ValueError, match=r"W must have shape \(n_images, 64\) for images 8x8, got \(3, 10\)"):
        display_grid(np.ones((3, 10)), (8, 8))
    with pytest.raises(ValueError, match="cost_history must be a non-empty sequence"):
        plot_learning_curve([], tmp_path / "c.png")


def test_a_training_run_s_two_pictures_are_written_with_the_gradient_norm_panel(tmp_path):
    J = np.geomspace(7.0, 0.5, 30)
    paths = plot_training_run(tmp_path / "run", J, np.ones((4, 65)), gradient_norm_history=np.geomspace(3, 1e-4, 30),
                              title="64-4-10", note="test accuracy 0.5")
    assert png_size(tmp_path / "run" / "learning_curve.png") == LEARNING_CURVE_PIXELS
    assert png_size(tmp_path / "run" / "hidden_units.png") == HIDDEN_UNITS_PIXELS
    assert sorted(paths) == ["hidden_units", "learning_curve"]


def test_the_learning_curve_refuses_gradient_norms_that_do_not_match_the_costs(tmp_path):
    with pytest.raises(ValueError, match=r"gradient_norm_history must have the shape of cost_history \(3,\), got \(2,\)"):
        plot_learning_curve([3.0, 2.0, 1.0], tmp_path / "c.png", gradient_norm_history=[1.0, 0.5])


def test_the_hidden_units_picture_refuses_a_theta1_that_does_not_fit_the_images(tmp_path):
    with pytest.raises(ValueError, match=r"Theta1 must have 64 \+ 1 columns for images 8x8, got shape \(3, 10\)"):
        plot_hidden_units(np.ones((3, 10)), tmp_path / "u.png")


def test_the_output_folder_is_made_and_proven_writable_before_training(tmp_path):
    assert check_output_folder(tmp_path / "a" / "b") == str(tmp_path / "a" / "b")
    assert list((tmp_path / "a" / "b").iterdir()) == []  # the test file is gone
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError, match="file is a file, not a folder"):
        check_output_folder(tmp_path / "file")
