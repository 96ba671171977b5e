"""Pictures of a training run, written as PNG files: the learning curve and the hidden units.

* :func:`plot_learning_curve`: J against the iteration on a linear axis, the final J marked, and
  below it norm(grad_vec) on a log axis: the curves to look at first when training misbehaves (a
  rising or flat J means a learning rate or a gradient to look at).
* :func:`plot_hidden_units`: the course's displayData picture of Theta(1): each hidden unit's input
  weights (its row of Theta(1) without the bias) drawn as an image of the input's shape, numbered
  1..s_2 (unit j is row j - 1 of Theta(1)), all on one colour scale with a colour bar, so one sees
  which pixels each unit responds to and how strongly, unit against unit.
* :func:`display_grid`: the course's displayData as an array, each image scaled to its own largest
  |weight| as the course does.
* :func:`check_output_folder` and :func:`plot_training_run`: the folder of a run's pictures, checked
  before training, and both pictures written there.

Figures are drawn with matplotlib's Agg canvas (``matplotlib.figure.Figure``, no pyplot and no
display), so nothing here touches global plotting state. Each PNG has a fixed size in pixels.
Left out: interactive display and other file formats.
"""

from __future__ import annotations

import math
import os
import tempfile

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

__all__ = ["plot_learning_curve", "plot_hidden_units", "display_grid", "check_output_folder", "plot_training_run",
           "LEARNING_CURVE_PIXELS", "HIDDEN_UNITS_PIXELS"]

_DPI = 100
LEARNING_CURVE_PIXELS = (640, 520)  # (width, height) of the learning-curve PNG
HIDDEN_UNITS_PIXELS = (600, 520)  # (width, height) of the hidden-units PNG


def _save(fig, path):
    path = os.fspath(path)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fig.savefig(path, format="png", dpi=_DPI)
    return path


def _plain_number(value, _position=None):
    return f"{value:g}"


def plot_learning_curve(cost_history, path, *, title="Learning curve", gradient_norm_history=None, note=None):
    """Write J against the iteration to ``path`` as a PNG of :data:`LEARNING_CURVE_PIXELS`.

    J is drawn on a linear axis (the same for every run), its final value marked and printed. With
    ``gradient_norm_history`` a second panel below shows norm(grad_vec) on a log axis labelled at
    powers of ten (it falls by decades while J barely moves).

    Parameters
    ----------
    cost_history : sequence of floats, J at iteration 0, 1, ... (``TrainingResult.cost_history``)
    path : str or path-like, the PNG to write (its folder is created)
    title : str
    gradient_norm_history : sequence of floats of the same length, optional
        (``TrainingResult.gradient_norm_history``)
    note : str, optional, a line added to the final J's label (e.g. the test accuracy)

    Returns
    -------
    path : str
    """
    J = np.asarray(cost_history, dtype=np.float64)
    if J.ndim != 1 or J.size == 0:
        raise ValueError(f"cost_history must be a non-empty sequence of costs, got shape {J.shape}")
    if gradient_norm_history is not None:
        norms = np.asarray(gradient_norm_history, dtype=np.float64)
        if norms.shape != J.shape:
            raise ValueError(f"gradient_norm_history must have the shape of cost_history {J.shape}, got {norms.shape}")
    fig = Figure(figsize=(LEARNING_CURVE_PIXELS[0] / _DPI, LEARNING_CURVE_PIXELS[1] / _DPI), dpi=_DPI)
    iterations = np.arange(J.size)
    if gradient_norm_history is None:
        ax = fig.add_subplot()
    else:
        ax, ax_grad = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    ax.plot(iterations, J, color="tab:blue", linewidth=1.5)
    ax.set_ylim(bottom=min(0.0, float(J.min())))
    label = f"final J = {J[-1]:.4f} (iteration {J.size - 1})" + (f"\n{note}" if note else "")
    ax.plot([iterations[-1]], [J[-1]], "o", color="tab:red")
    ax.annotate(label, xy=(iterations[-1], J[-1]), xytext=(-8, 12), textcoords="offset points", ha="right",
                va="bottom", color="tab:red")
    ax.set_ylabel("cost J")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    if gradient_norm_history is None:
        ax.set_xlabel("iteration")
    else:
        positive = norms[norms > 0]
        ax_grad.plot(iterations, np.where(norms > 0, norms, np.nan), color="tab:green", linewidth=1.2)
        ax_grad.set_yscale("log")
        if positive.size:  # whole decades, so that at least two labelled ticks show
            low, high = math.floor(math.log10(positive.min())), math.ceil(math.log10(positive.max()))
            ax_grad.set_ylim(10.0**low, 10.0 ** max(high, low + 1))
        ax_grad.yaxis.set_major_locator(LogLocator(base=10, numticks=20))
        ax_grad.yaxis.set_major_formatter(FuncFormatter(_plain_number))
        ax_grad.yaxis.set_minor_formatter(NullFormatter())
        ax_grad.set_ylabel("norm(grad_vec)")
        ax_grad.set_xlabel("iteration")
        ax_grad.grid(True, alpha=0.3)
    fig.tight_layout()
    return _save(fig, path)


def display_grid(W, image_shape, *, order="C", pad=1):
    """The course's displayData: the rows of W as images tiled on a grid, each scaled to [-1, 1].

    Parameters
    ----------
    W : array (n_images, prod(image_shape)), one image per row
    image_shape : (height, width) of one image
    order : "C" (rows stored row by row) or "F" (column by column, as the course's 20x20 images)
    pad : int >= 0, pixels of background (-1) between and around the images

    Returns
    -------
    grid : array (rows (height + pad) + pad, cols (width + pad) + pad), values in [-1, 1], with
        rows = floor(sqrt(n_images)) and cols = ceil(n_images / rows), as in displayData.
    """
    W = np.asarray(W, dtype=np.float64)
    height, width = image_shape
    if W.ndim != 2 or W.shape[1] != height * width:
        raise ValueError(f"W must have shape (n_images, {height * width}) for images {height}x{width}, got {W.shape}")
    n = W.shape[0]
    rows = max(1, math.floor(math.sqrt(n)))
    cols = math.ceil(n / rows)
    grid = -np.ones((pad + rows * (height + pad), pad + cols * (width + pad)))
    for k, w in enumerate(W):
        scale = np.abs(w).max()
        image = w.reshape(image_shape, order=order) / (scale if scale > 0 else 1.0)
        r, c = divmod(k, cols)
        top, left = pad + r * (height + pad), pad + c * (width + pad)
        grid[top:top + height, left:left + width] = image
    return grid


def plot_hidden_units(Theta1, path, *, image_shape=(8, 8), order="C", title="Hidden units: input weights"):
    """Write the hidden units' input weights, Theta(1)[:, 1:] as images, to a PNG of :data:`HIDDEN_UNITS_PIXELS`.

    Unit j (1..s_2, the course's a(2)_j) is row j - 1 of Theta(1), drawn as an image numbered j; every
    unit shares one gray scale from -max|w| (black, inhibits the unit) to +max|w| (white, excites
    it), shown by the colour bar, so that weak and strong units can be told apart.

    Parameters
    ----------
    Theta1 : array (s_2, s_1 + 1), the first weight matrix (bias weights in column 0, not drawn)
    path : str or path-like, the PNG to write (its folder is created)
    image_shape : (height, width) with height * width = s_1
    order : "C" or "F", how the input pixels are stored (see :func:`display_grid`)
    title : str

    Returns
    -------
    path : str
    """
    Theta1 = np.asarray(Theta1, dtype=np.float64)
    if Theta1.ndim != 2:
        raise ValueError(f"Theta1 must be 2-dimensional (s_2, s_1 + 1), got shape {Theta1.shape}")
    W = Theta1[:, 1:]
    height, width = image_shape
    if W.shape[1] != height * width:
        raise ValueError(f"Theta1 must have {height * width} + 1 columns for images {height}x{width}, "
                         f"got shape {Theta1.shape}")
    n = W.shape[0]
    rows = max(1, math.floor(math.sqrt(n)))
    cols = math.ceil(n / rows)
    scale = float(np.abs(W).max()) or 1.0
    # One image of all the tiles (a figure of one Axes draws fast at any s_2), the space between them
    # left blank (NaN) and, up to 100 units, room above each tile for its number.
    numbered = n <= 100
    gap, label = max(1, round(0.1 * width)), (max(2, round(0.3 * height)) if numbered else 1)
    cell_h, cell_w = label + height, gap + width
    grid = np.full((rows * cell_h + gap, cols * cell_w + gap), np.nan)
    for j in range(1, n + 1):
        r, c = divmod(j - 1, cols)
        top, left = r * cell_h + label, c * cell_w + gap
        grid[top:top + height, left:left + width] = W[j - 1].reshape(image_shape, order=order)
    fig = Figure(figsize=(HIDDEN_UNITS_PIXELS[0] / _DPI, HIDDEN_UNITS_PIXELS[1] / _DPI), dpi=_DPI)
    ax = fig.add_axes([0.02, 0.03, 0.78, 0.83])
    cmap = matplotlib.colormaps["gray"].with_extremes(bad="white")
    image = ax.imshow(grid, cmap=cmap, vmin=-scale, vmax=scale, interpolation="nearest")
    if numbered:
        fontsize = max(5, min(9, 60 // cols))
        for j in range(1, n + 1):
            r, c = divmod(j - 1, cols)
            ax.text(c * cell_w + gap + (width - 1) / 2, r * cell_h + label - 1, str(j), ha="center", va="bottom",
                    fontsize=fontsize)
    ax.set_axis_off()
    fig.suptitle(title, fontsize=11)
    colorbar = fig.colorbar(image, cax=fig.add_axes([0.83, 0.1, 0.03, 0.72]))
    colorbar.set_label("input weight, one scale for all units")
    return _save(fig, path)


def check_output_folder(folder):
    """Make ``folder`` (and its parents) and prove that a file can be written there; returns its path.

    Called before training, so that a folder that cannot take the pictures stops the run before
    any work is lost. Raises NotADirectoryError (an existing file, or a file on the way) or
    PermissionError / OSError, each with one line naming the folder.
    """
    folder = os.fspath(folder)
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise NotADirectoryError(f"{folder} is a file, not a folder for the pictures")
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise type(error)(f"{folder} cannot be written: {reason}") from None
    return folder


def plot_training_run(folder, cost_history, Theta1, *, gradient_norm_history=None, image_shape=(8, 8),
                      order="C", title="", note=None):
    """Both pictures of a training run in ``folder``: learning_curve.png and hidden_units.png.

    ``title`` describes the run (network, lambda, optimiser...); ``note`` goes under the final J
    (e.g. the test accuracy). Returns {"learning_curve": path, "hidden_units": path}.
    """
    return {
        "learning_curve": plot_learning_curve(cost_history, os.path.join(folder, "learning_curve.png"),
                                              title=f"Learning curve: {title}" if title else "Learning curve",
                                              gradient_norm_history=gradient_norm_history, note=note),
        "hidden_units": plot_hidden_units(Theta1, os.path.join(folder, "hidden_units.png"), image_shape=image_shape,
                                          order=order, title="Hidden units: input weights"
                                          + (f"\n{title}" if title else "")),
    }
