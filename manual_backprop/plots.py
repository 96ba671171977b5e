"""Pictures of a training run, written as PNG files: the learning curve and the hidden units.

* :func:`plot_learning_curve`: J against the iteration, the curve to look at first when training
  misbehaves (a rising or flat J means a learning rate or a gradient to look at).
* :func:`plot_hidden_units`: the course's displayData picture of Theta(1): each hidden unit's input
  weights (its row of Theta(1) without the bias) drawn as an image of the input's shape, scaled to
  its own largest |weight|, so one sees which pixels each unit responds to.

Figures are drawn with matplotlib's Agg canvas (``matplotlib.figure.Figure``, no pyplot and no
display), so nothing here touches global plotting state. Each PNG has a fixed size in pixels.
Left out: interactive display and other file formats.
"""

from __future__ import annotations

import math
import os

import numpy as np
from matplotlib.figure import Figure

__all__ = ["plot_learning_curve", "plot_hidden_units", "display_grid", "LEARNING_CURVE_PIXELS",
           "HIDDEN_UNITS_PIXELS"]

_DPI = 100
LEARNING_CURVE_PIXELS = (640, 400)  # (width, height) of the learning-curve PNG
HIDDEN_UNITS_PIXELS = (480, 480)  # (width, height) of the hidden-units PNG


def _save(fig, path):
    path = os.fspath(path)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fig.savefig(path, format="png", dpi=_DPI)
    return path


def plot_learning_curve(cost_history, path, *, title="Learning curve"):
    """Write J against the iteration to ``path`` as a PNG of :data:`LEARNING_CURVE_PIXELS`.

    Parameters
    ----------
    cost_history : sequence of floats, J at iteration 0, 1, ... (``TrainingResult.cost_history``)
    path : str or path-like, the PNG to write (its folder is created)
    title : str

    Returns
    -------
    path : str
    """
    J = np.asarray(cost_history, dtype=np.float64)
    if J.ndim != 1 or J.size == 0:
        raise ValueError(f"cost_history must be a non-empty sequence of costs, got shape {J.shape}")
    fig = Figure(figsize=(LEARNING_CURVE_PIXELS[0] / _DPI, LEARNING_CURVE_PIXELS[1] / _DPI), dpi=_DPI)
    ax = fig.add_subplot()
    ax.plot(np.arange(J.size), J, color="tab:blue", linewidth=1.5)
    if J.min() > 0 and J.max() / J.min() > 10:
        ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost J")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
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
    grid = display_grid(Theta1[:, 1:], image_shape, order=order)
    fig = Figure(figsize=(HIDDEN_UNITS_PIXELS[0] / _DPI, HIDDEN_UNITS_PIXELS[1] / _DPI), dpi=_DPI)
    ax = fig.add_subplot()
    ax.imshow(grid, cmap="gray", vmin=-1.0, vmax=1.0, interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(title)
    fig.tight_layout()
    return _save(fig, path)
