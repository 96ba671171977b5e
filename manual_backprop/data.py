"""Data to train on: scikit-learn's bundled handwritten digits, and the course's ``.mat`` files.

* :func:`load_digits_split`: the 1,797 8x8 digit images that ship with scikit-learn (no download),
  pixels scaled from 0..16 to [0, 1], split into train and test sets by class with a fixed seed.
* :func:`load_course_data`: an ``ex4data1.mat``-style file, ``X`` (m, 400) 20x20 images stored
  column by column, ``y`` (m, 1) with the course's labels 1..10.
* :func:`load_course_split`: the same, split into train and test like the digits.
* :func:`load_course_weights`: an ``ex4weights.mat``-style file, ``Theta1``, ``Theta2``, ...

The course is written in Octave, whose indices start at 1: its labels are 1..10 with the digit 0
stored as 10, and its output unit k (1..10) stands for label k. This project's labels are 0..K-1
with output unit k (0-based) for label k. The mapping is explicit, never implied:

    digit = course_label mod 10        course_label = digit, or 10 for the digit 0
    course_label = output unit (0-based) + 1    for weights trained by the course (ex4weights.mat)

SciPy (``scipy.io``) and scikit-learn are imported only by the functions that need them.
Left out: other data sets, downloads, feature scaling other than the pixel range.
"""

from __future__ import annotations

import math
import os
from typing import NamedTuple

import numpy as np

from ._arguments import layer_sizes_of

__all__ = [
    "Digits",
    "load_digits_split",
    "stratified_split",
    "load_course_data",
    "load_course_split",
    "load_course_weights",
    "course_labels_to_digits",
    "digits_to_course_labels",
    "course_units_to_digits",
    "SPLIT_SEED",
]

SPLIT_SEED = 0  # the fixed seed of the train/test split of the digits


class Digits(NamedTuple):
    """A train/test split of digit images, one image per row, labels 0..9.

    X_train (m_train, n), y_train (m_train,), X_test (m_test, n), y_test (m_test,); each row is an
    image of ``image_shape`` flattened in ``order`` ("C" row by row, "F" column by column).
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    image_shape: tuple
    order: str


def stratified_split(y, test_size, rng):
    """Indices (train, test) that put a fraction ``test_size`` of each class in the test set.

    Parameters
    ----------
    y : integer labels (m,)
    test_size : float in (0, 1)
    rng : numpy.random.Generator

    Returns
    -------
    train, test : sorted integer arrays that partition 0..m-1; class c contributes
        round(test_size * m_c) test examples.
    """
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size}")
    test = []
    for c in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == c))
        test.append(members[: int(round(test_size * members.size))])
    test = np.sort(np.concatenate(test))
    train = np.setdiff1d(np.arange(len(y)), test)
    return train, test


def load_digits_split(*, test_size=0.25, rng=None):
    """scikit-learn's ``load_digits``, pixels scaled to [0, 1], split by class into train and test.

    Parameters
    ----------
    test_size : float in (0, 1), the fraction of each digit held out (default 0.25: 450 of 1,797)
    rng : numpy.random.Generator, optional; default ``numpy.random.default_rng(SPLIT_SEED)``, so
        every run gets the same split

    Returns
    -------
    Digits with X (m, 64) float64 in [0, 1] (the 0..16 gray levels divided by 16), y in 0..9,
    images 8x8 stored row by row.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    X, y = digits.data / 16.0, digits.target.astype(np.intp)
    rng = np.random.default_rng(SPLIT_SEED) if rng is None else rng
    train, test = stratified_split(y, test_size, rng)
    return Digits(X[train], y[train], X[test], y[test], (8, 8), "C")


def _loadmat(path, keys):
    from scipy.io import loadmat

    contents = loadmat(os.fspath(path))
    found = sorted(k for k in contents if not k.startswith("__"))
    missing = [k for k in keys if k not in contents]
    if missing:
        raise KeyError(f"{os.fspath(path)} must hold the variables {keys}, missing {missing}; found {found}")
    return contents


def course_labels_to_digits(y):
    """The course's labels 1..10 as digits 0..9: 10 is the digit 0, k is k otherwise."""
    y = np.asarray(y)
    if y.size and (y.dtype.kind not in "biuf" or np.any(y != np.round(y)) or y.min() < 1 or y.max() > 10):
        raise ValueError(f"course labels must be integers 1..10 (10 for the digit 0), got values "
                         f"{np.unique(y)[:10].tolist()}")
    return y.astype(np.intp) % 10


def digits_to_course_labels(digits):
    """Digits 0..9 as the course's labels 1..10: the digit 0 becomes 10."""
    digits = np.asarray(digits)
    if digits.size and (digits.dtype.kind not in "biu" or digits.min() < 0 or digits.max() > 9):
        raise ValueError(f"digits must be integers 0..9, got values {np.unique(digits)[:10].tolist()}")
    return np.where(digits == 0, 10, digits).astype(np.intp)


def course_units_to_digits(units):
    """Output units 0..9 (0-based) of a network trained by the course, as digits: unit k is label k + 1."""
    return course_labels_to_digits(np.asarray(units) + 1)


def load_course_data(path):
    """An ``ex4data1.mat``-style file: (X, y) with the course's labels mapped to digits.

    Parameters
    ----------
    path : str or path-like, a MATLAB file holding ``X`` (m, n) and ``y`` (m, 1) or (1, m) with
        labels 1..10 (10 for the digit 0)

    Returns
    -------
    X : float64 array (m, n); for the course's file, 20x20 images stored column by column ("F" order)
    y : int array (m,), digits 0..9 (``course_labels_to_digits`` of the stored labels)
    """
    contents = _loadmat(path, ["X", "y"])
    X = np.asarray(contents["X"], dtype=np.float64)
    y = np.asarray(contents["y"])
    if X.ndim != 2:
        raise ValueError(f"X in {os.fspath(path)} must be 2-dimensional (m, n), got shape {X.shape}")
    if y.size != X.shape[0] or y.ndim != 2 or 1 not in y.shape:
        raise ValueError(f"y in {os.fspath(path)} must have shape ({X.shape[0]}, 1) to match X {X.shape}, "
                         f"got {y.shape}")
    return X, course_labels_to_digits(y.ravel())


def load_course_weights(path):
    """An ``ex4weights.mat``-style file: [Theta1, Theta2, ...] as float64 arrays.

    Parameters
    ----------
    path : str or path-like, a MATLAB file holding Theta1, Theta2, ..., Theta(L-1) (consecutive names
        from Theta1), Theta(l) of shape (s_{l+1}, s_l + 1)

    Returns
    -------
    thetas : list of arrays; their output unit k (0-based) stands for the course's label k + 1
        (see :func:`course_units_to_digits`).
    """
    contents = _loadmat(path, ["Theta1"])
    thetas, l = [], 1
    while f"Theta{l}" in contents:
        thetas.append(np.asarray(contents[f"Theta{l}"], dtype=np.float64))
        l += 1
    layer_sizes_of(thetas)  # raises when consecutive shapes do not chain
    return thetas


def load_course_split(path, *, test_size=0.25, rng=None):
    """:func:`load_course_data`, split by class into train and test like :func:`load_digits_split`.

    Returns Digits with the labels mapped to digits 0..9; for n = s^2 inputs the images are s x s,
    stored column by column as the course stores its 20x20 images (Octave's X(:)); otherwise each
    row is drawn as a 1 x n strip.
    """
    X, y = load_course_data(path)
    rng = np.random.default_rng(SPLIT_SEED) if rng is None else rng
    train, test = stratified_split(y, test_size, rng)
    side = math.isqrt(X.shape[1])
    image_shape, order = ((side, side), "F") if side * side == X.shape[1] else ((1, X.shape[1]), "C")
    return Digits(X[train], y[train], X[test], y[test], image_shape, order)
