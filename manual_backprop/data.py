"""Data to train on: scikit-learn's bundled handwritten digits, and the course's ``.mat`` files.

* :func:`load_digits_split`: the 1,797 8x8 digit images that ship with scikit-learn (no download),
  pixels scaled from 0..16 to [0, 1], split into train and test sets by class with a fixed seed.
* :func:`load_course_data`: an ``ex4data1.mat``-style file, ``X`` (m, 400) 20x20 images stored
  column by column, ``y`` (m, 1) with the course's labels 1..10.
* :func:`load_course_split`: the same, split into train and test like the digits.
* :func:`load_split`: either of the two splits, by path (None for the digits), with a line naming
  the source; the first step of ``manual-backprop train`` and of ``examples/ex4.py``.
* :func:`load_course_weights`: an ``ex4weights.mat``-style file, ``Theta1``, ``Theta2``, ...

The course is written in Octave, whose indices start at 1: its labels are 1..10 with the digit 0
stored as 10, and its output unit k (1..10) stands for label k. This project's labels are 0..K-1
with output unit k (0-based) for label k. The mapping is explicit, never implied:

    digit = course_label mod 10        course_label = digit, or 10 for the digit 0
    course_label = output unit (0-based) + 1    for weights trained by the course (ex4weights.mat)

A ``.mat`` file is examined with ``scipy.io.whosmat`` before anything is loaded: the variables must
be there, be full numeric matrices (not sparse, cell, struct or char) of the expected number of
dimensions, and together take at most :data:`MAX_MAT_BYTES` as float64; only then are they read,
and then refused when complex or not finite. Every refusal names the file and the variable: a
missing path raises FileNotFoundError, a folder IsADirectoryError, anything else ValueError.

SciPy (``scipy.io``) and scikit-learn are imported only by the functions that need them.
Left out: other data sets, downloads, MATLAB v7.3 (HDF5) files, feature scaling other than the
pixel range.
"""

from __future__ import annotations

import math
import os
import re
from typing import NamedTuple

import numpy as np

from .unrolling import layer_sizes_of

__all__ = [
    "Digits",
    "load_digits_split",
    "load_split",
    "stratified_split",
    "load_course_data",
    "load_course_split",
    "load_course_weights",
    "course_labels_to_digits",
    "digits_to_course_labels",
    "course_units_to_digits",
    "SPLIT_SEED",
    "MAX_MAT_BYTES",
]

SPLIT_SEED = 0  # the fixed seed of the train/test split of the digits

# The most memory the variables read from one .mat file may take as float64: 1 GiB, 64 times the
# course's X (5000 x 400 doubles, 16 MB). The declared shapes are checked before loading: a small
# compressed file can declare a matrix of many gigabytes.
MAX_MAT_BYTES = 2**30

# MATLAB classes that load as a full real or integer matrix; "logical" loads as 0/1.
_NUMERIC_CLASSES = {"double", "single", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
                    "logical"}
_CLASS_NAMES = {"sparse": "a sparse matrix", "cell": "a cell array", "char": "a string (char array)",
                "struct": "a struct", "object": "a MATLAB object", "function": "a function handle"}


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

    Raises
    ------
    ValueError
        when test_size is not in (0, 1), or when the split leaves the training or the test set empty
        (too few examples for the fraction asked).
    """
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size}")
    test = []
    for c in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == c))
        test.append(members[: int(round(test_size * members.size))])
    test = np.sort(np.concatenate(test)) if test else np.zeros(0, dtype=np.intp)
    train = np.setdiff1d(np.arange(len(y)), test)
    if train.size == 0 or test.size == 0:
        empty = "training" if train.size == 0 else "test"
        raise ValueError(f"test_size {test_size} of {len(y)} examples ({np.unique(y).size} classes) leaves the "
                         f"{empty} set empty; use more examples or another test_size")
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


def _one_line(error):
    return " ".join(str(error).split()) or type(error).__name__


def _declared(path):
    """{name: (shape, MATLAB class)} of the variables in a .mat file, read without loading them."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path} is a folder, not a .mat file")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    if os.path.getsize(path) == 0:
        raise ValueError(f"{path} is empty, not a .mat file")
    from scipy.io import whosmat

    try:
        return {name: (tuple(shape), cls) for name, shape, cls in whosmat(path, appendmat=False)}
    except NotImplementedError:
        raise ValueError(f"{path} is a MATLAB v7.3 (HDF5) file, which scipy.io cannot read; "
                         "save it with save -v7") from None
    except Exception as error:  # scipy.io raises several kinds (MatReadError, ValueError, ...) on a bad file
        raise ValueError(f"{path} is not a .mat file that scipy.io can read ({_one_line(error)})") from None


def _load_variables(path, wanted, ndim, max_bytes):
    """The variables ``wanted`` of a .mat file as real, finite float64 arrays, checked before loading.

    ``ndim[name]`` is the number of dimensions the variable must have (MATLAB stores at least 2).
    """
    path = os.fspath(path)
    declared = _declared(path)
    missing = [name for name in wanted if name not in declared]
    if missing:
        raise ValueError(f"{path} must hold the variables {list(wanted)}, missing {missing}; "
                         f"found {sorted(declared)}")
    total = 0
    for name in wanted:
        shape, cls = declared[name]
        if cls not in _NUMERIC_CLASSES:
            what = _CLASS_NAMES.get(cls, f"of MATLAB class {cls!r}")
            raise ValueError(f"{name} in {path} is {what}, not a full numeric matrix")
        if len(shape) != ndim[name]:
            raise ValueError(f"{name} in {path} must be {ndim[name]}-dimensional, got shape {shape}")
        total += math.prod(shape) * 8
    if total > max_bytes:
        raise ValueError(f"{path} declares {', '.join(f'{n} {declared[n][0]}' for n in wanted)}: {total:,} bytes "
                         f"as float64, above the limit of {max_bytes:,} bytes (MAX_MAT_BYTES)")
    from scipy.io import loadmat

    try:
        contents = loadmat(path, appendmat=False, variable_names=list(wanted))
    except Exception as error:  # a file whose header reads but whose data does not
        raise ValueError(f"{path} could not be read by scipy.io ({_one_line(error)})") from None
    arrays = {}
    for name in wanted:
        value = np.asarray(contents[name])
        if np.iscomplexobj(value):
            raise ValueError(f"{name} in {path} is complex; it must be real")
        value = value.astype(np.float64)
        bad = np.count_nonzero(~np.isfinite(value))
        if bad:
            raise ValueError(f"{name} in {path} has {bad} entries that are NaN or infinite; all must be finite")
        arrays[name] = value
    return arrays


def course_labels_to_digits(y):
    """The course's labels 1..10 as digits 0..9: 10 is the digit 0, k is k otherwise."""
    y = np.asarray(y)
    if y.size and (y.dtype.kind not in "biuf" or not np.all(np.isfinite(y)) or np.any(y != np.round(y))
                   or y.min() < 1 or y.max() > 10):
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


def load_course_data(path, *, max_bytes=MAX_MAT_BYTES):
    """An ``ex4data1.mat``-style file: (X, y) with the course's labels mapped to digits.

    Parameters
    ----------
    path : str or path-like, a MATLAB file holding ``X`` (m, n) and ``y`` (m, 1) or (1, m) with
        labels 1..10 (10 for the digit 0)
    max_bytes : int, the most memory X and y may take as float64 (checked before loading)

    Returns
    -------
    X : float64 array (m, n); for the course's file, 20x20 images stored column by column ("F" order)
    y : int array (m,), digits 0..9 (``course_labels_to_digits`` of the stored labels)

    Raises
    ------
    FileNotFoundError, IsADirectoryError
        for a path that does not exist or is a folder
    ValueError
        naming the file and the variable for everything else (see the module docstring)
    """
    path = os.fspath(path)
    contents = _load_variables(path, ["X", "y"], {"X": 2, "y": 2}, max_bytes)
    X, y = contents["X"], contents["y"]
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X in {path} must have at least one example and one feature, got shape {X.shape}")
    if y.size != X.shape[0] or 1 not in y.shape:
        raise ValueError(f"y in {path} must have shape ({X.shape[0]}, 1) to match X {X.shape}, got {y.shape}")
    try:
        digits = course_labels_to_digits(y.ravel())
    except ValueError as error:
        raise ValueError(f"y in {path}: {error}") from None
    return X, digits


def load_course_weights(path, *, max_bytes=MAX_MAT_BYTES):
    """An ``ex4weights.mat``-style file: [Theta1, Theta2, ...] as float64 arrays.

    Parameters
    ----------
    path : str or path-like, a MATLAB file holding Theta1, Theta2, ..., Theta(L-1) (consecutive names
        from Theta1), Theta(l) of shape (s_{l+1}, s_l + 1)
    max_bytes : int, the most memory the matrices may take together as float64 (checked before loading)

    Returns
    -------
    thetas : list of arrays; their output unit k (0-based) stands for the course's label k + 1
        (see :func:`course_units_to_digits`).

    Raises
    ------
    FileNotFoundError, IsADirectoryError, ValueError : as for :func:`load_course_data`; also
        when the numbers of the Theta matrices have a gap (Theta1 and Theta3 without Theta2) or
        their shapes do not chain.
    """
    path = os.fspath(path)
    numbers = sorted(int(match[1]) for name in _declared(path) if (match := re.fullmatch(r"Theta(\d+)", name)))
    if not numbers or numbers[0] != 1:
        found = ", ".join(f"Theta{n}" for n in numbers) or "none"
        raise ValueError(f"{path} must hold Theta1, Theta2, ...; found Theta matrices: {found}")
    gaps = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
    if gaps:
        raise ValueError(f"{path} holds {', '.join(f'Theta{n}' for n in numbers)} without "
                         f"{', '.join(f'Theta{n}' for n in gaps)}: the layers must be numbered from 1 without a gap")
    names = [f"Theta{n}" for n in numbers]
    contents = _load_variables(path, names, dict.fromkeys(names, 2), max_bytes)
    thetas = [contents[name] for name in names]
    try:
        layer_sizes_of(thetas)  # raises when consecutive shapes do not chain
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    return thetas


def load_course_split(path, *, test_size=0.25, rng=None):
    """:func:`load_course_data`, split by class into train and test like :func:`load_digits_split`.

    Returns Digits with the labels mapped to digits 0..9; for n = s^2 inputs the images are s x s,
    stored column by column as the course stores its 20x20 images (Octave's X(:)); otherwise each
    row is drawn as a 1 x n strip.
    """
    X, y = load_course_data(path)
    rng = np.random.default_rng(SPLIT_SEED) if rng is None else rng
    try:
        train, test = stratified_split(y, test_size, rng)
    except ValueError as error:
        raise ValueError(f"{os.fspath(path)}: {error}") from None
    side = math.isqrt(X.shape[1])
    image_shape, order = ((side, side), "F") if side * side == X.shape[1] else ((1, X.shape[1]), "C")
    return Digits(X[train], y[train], X[test], y[test], image_shape, order)


def load_split(path=None, *, test_size=0.25):
    """The data of a training run: the digits (``path`` None) or a course file, split by class.

    Returns
    -------
    digits : :class:`Digits`
    source : str, one line that says where the data came from and how it was prepared
    """
    if path is None:
        return (load_digits_split(test_size=test_size),
                "scikit-learn's load_digits, 8x8 images, pixels scaled to [0, 1]")
    return (load_course_split(path, test_size=test_size),
            f"{os.fspath(path)}, course labels 1..10 mapped to digits (10 is 0)")
