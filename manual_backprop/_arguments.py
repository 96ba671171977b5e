"""The argument gate: every public function checks and converts its arguments here (private module).

Each check raises ``ValueError`` (a wrong value or shape) or ``TypeError`` (a wrong kind of object)
whose message names the argument, what was expected and what came. Nothing here modifies its
input: conversions return new arrays or read-only views of the old ones.

A network function passes through :func:`network_arguments` once and works on the
:class:`Arguments` record it returns. The shapes of Theta(l) are unrolling's business
(:mod:`manual_backprop.unrolling`), which uses the checks below.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Mapping, Set
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np

from .activations import Activation, get_activation
from .cost import Output, get_output

__all__ = ["as_count", "as_layer_sizes", "as_real", "as_lambda", "as_rng", "as_array", "as_ndarray", "Arguments",
           "network_arguments", "overflow_is_an_error"]

_REAL_KINDS = "biuf"  # bool, signed and unsigned integers, floats
_UNLABELLED = object()  # network_arguments called for a forward pass, without y


def as_count(name, value, minimum=1, note=""):
    """``value`` as a Python int >= ``minimum``; TypeError for a non-integer (bool included),
    ValueError naming ``name``, the minimum and the value otherwise (``note`` explains the minimum)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}{note}, got {value}")
    return int(value)


def as_layer_sizes(layer_sizes, name="layer_sizes"):
    """(s_1, ..., s_L) as a tuple of Python ints, L >= 2 and every s_l >= 1.

    An ordered sequence only: a dict or a set (whose order is not the layers') is refused.
    """
    if (isinstance(layer_sizes, (str, bytes, Mapping, Set)) or not hasattr(layer_sizes, "__len__")
            or not hasattr(layer_sizes, "__getitem__")):
        kind = type(layer_sizes).__name__
        raise TypeError(f"{name} must be a sequence of integers (s_1, ..., s_L), got {kind} {layer_sizes!r}")
    sizes = []
    for l, s in enumerate(layer_sizes, start=1):
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral):
            raise TypeError(f"{name}[{l - 1}] (s_{l}) must be an integer, got {s!r}")
        sizes.append(operator.index(s))
    if len(sizes) < 2:
        raise ValueError(f"{name} must have at least 2 layers (input and output), got {len(sizes)}: {tuple(sizes)}")
    for l, s in enumerate(sizes, start=1):
        if s < 1:
            raise ValueError(f"{name}[{l - 1}] (s_{l}) must be at least 1, got {s}")
    return tuple(sizes)


def as_real(name, value, *, maximum=np.inf, note=""):
    """``value`` as a finite Python float in [0, ``maximum``]; TypeError for a non-number (bool
    included), ValueError naming ``name``, the range and the value otherwise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    if value > maximum:
        raise ValueError(f"{name} must be at most {maximum:.6g}{note}, got {value}")
    return value


def as_lambda(lam, name="lam"):
    """The regularisation parameter lambda: a finite real number >= 0."""
    return as_real(f"{name} (lambda)", lam)


def as_rng(rng):
    """A numpy.random.Generator: ``rng`` itself, or a fresh unseeded one when it is None."""
    if rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def as_ndarray(name, value):
    """np.asarray(value), with an error naming the argument for a ragged nesting, a masked array
    with masked entries (whose mask np.asarray would drop) or a pandas column with missing
    values; pandas nullable columns (Float64, Int64) without missing values become float64."""
    if isinstance(value, np.ma.MaskedArray) and np.ma.getmaskarray(value).any():
        n = int(np.ma.getmaskarray(value).sum())
        raise TypeError(f"{name} is a masked array with {n} masked entries; the network has no notion of a "
                        "missing value: fill or drop them first")
    pandas = hasattr(value, "isna") and hasattr(value, "to_numpy")
    if pandas and (n := int(np.asarray(value.isna()).sum())):
        raise TypeError(f"{name} holds {n} missing values (pandas NA); the network has no notion of a "
                        "missing value: fill or drop them first")
    try:
        array = np.asarray(value)
    except ValueError as error:
        raise ValueError(f"{name} must be a rectangular array of numbers, got a ragged sequence ({error})") from None
    if pandas and array.dtype == object:  # nullable Float64 / Int64 columns
        try:
            return value.to_numpy(dtype=np.float64)
        except (TypeError, ValueError):
            pass  # not numbers: the caller's dtype check names it
    return array


def as_array(name, value, *, ndim, allow_complex=False):
    """``value`` as an ndarray of ``ndim`` dimensions with a numeric dtype, non-empty and finite."""
    array = as_ndarray(name, value)
    kinds = _REAL_KINDS + ("c" if allow_complex else "")
    if array.dtype.kind not in kinds:
        expected = "real or complex numbers" if allow_complex else "real numbers"
        raise TypeError(f"{name} must be an array of {expected}, got dtype {array.dtype}")
    if array.dtype.kind == "f" and array.dtype.itemsize > 8 or array.dtype.kind == "c" and array.dtype.itemsize > 16:
        raise TypeError(f"{name} must be float32, float64 or complex128, got dtype {array.dtype}")
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got {array.ndim} dimensions with shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    _check_finite(name, array)
    return array


def _check_finite(name, array):
    if array.dtype.kind not in "fc":
        return
    # One reduction, no temporary: a sum of finite numbers is finite unless it overflows, so only
    # an infinite or NaN sum needs the elementwise look.
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(array)):
            return
    if not np.isfinite(array).all():
        bad = np.argwhere(~np.isfinite(array))[0]
        where = tuple(int(i) for i in bad)
        where = where[0] if len(where) == 1 else where
        raise ValueError(f"{name} must be finite, got {array[tuple(bad)]} at index {where}")


def _as_label_matrix(y, m, K, output, name="y"):
    """The labels as the (m, K) 0-1 matrix Y that the cost compares with h.

    ``y`` is either integer labels 0..K-1 of shape (m,) (one-hot encoded here; with K = 1, the
    binary labels 0 and 1 are the single output's target), or an (m, K) matrix of 0s and 1s
    (one-hot or multi-label). A softmax output needs exactly one 1 per row.
    """
    if y is None:
        raise TypeError(f"{name} must be integer labels of shape ({m},) or an ({m}, {K}) 0-1 matrix, got None")
    y = as_ndarray(name, y)
    if y.dtype.kind not in _REAL_KINDS:
        raise TypeError(f"{name} must hold integer labels or a 0-1 matrix, got dtype {y.dtype}")
    if y.ndim == 1:
        if y.shape[0] != m:
            raise ValueError(f"{name} must have shape ({m},) to match the {m} rows of X, got {y.shape}")
        _check_finite(name, y)
        if y.dtype.kind == "f" and not np.array_equal(y, np.round(y)):
            bad = y[y != np.round(y)][0]
            raise ValueError(f"{name} must hold integer labels 0..{max(K, 2) - 1}, got the non-integer {bad}")
        n_classes = 2 if K == 1 else K
        if y.min() < 0 or y.max() > n_classes - 1:
            bad = y[(y < 0) | (y > n_classes - 1)][0]
            raise ValueError(f"{name} must hold labels in 0..{n_classes - 1} (K = {K}), got {bad}")
        labels = y.astype(np.intp)
        if K == 1:
            return labels[:, None].astype(np.float64)
        return np.eye(K)[labels]  # one-hot: one 1 per row, as a softmax output needs
    if y.ndim == 2:
        if y.shape != (m, K):
            raise ValueError(
                f"{name} as a label matrix must have shape ({m}, {K}) (m examples by K outputs), got {y.shape}"
            )
        _check_finite(name, y)
        if not np.all((y == 0) | (y == 1)):
            bad = y[(y != 0) & (y != 1)][0]
            raise ValueError(f"{name} as a label matrix must contain only 0 and 1, got {bad}")
        Y = y.astype(np.float64)
        if output == "softmax" and not np.all(Y.sum(axis=1) == 1):
            t = int(np.argmax(Y.sum(axis=1) != 1))
            raise ValueError(f"{name} for a softmax output must have exactly one 1 per row (one-hot), "
                             f"got {int(Y[t].sum())} in row {t}")
        return Y
    raise ValueError(f"{name} must have shape ({m},) (labels) or ({m}, {K}) (0-1 matrix), got {y.shape}")


class Arguments(NamedTuple):
    """The checked arguments of one network call, all in the dtype the computation runs in.

    thetas : list of Theta(l), (s_{l+1}, s_l + 1)
    X : (m, s_1)
    Y : (m, K) 0-1 label matrix (None for a forward pass, which has no labels)
    lam : float >= 0, lambda
    act : the hidden layers' :class:`~manual_backprop.activations.Activation`
    out : the output layer's :class:`~manual_backprop.cost.Output`
    """

    thetas: list
    X: np.ndarray
    Y: np.ndarray | None
    lam: float
    act: Activation
    out: Output


def network_arguments(thetas, X, y=_UNLABELLED, lam=0.0, *, activation="sigmoid", output="sigmoid"):
    """Check and convert the arguments of a network function in one place.

    ``thetas`` must already chain (:func:`manual_backprop.unrolling.layer_sizes_of` or
    :func:`~manual_backprop.unrolling.reshape` saw to it); here each Theta(l) must hold finite
    numbers. The computation runs in complex128 when a weight is complex (the complex-step
    check), in float32 when every Theta(l) and X are float32, in float64 otherwise.
    Without ``y`` (a forward pass) the record's Y is None.
    """
    thetas = [as_array(f"Theta {l}", Theta, ndim=2, allow_complex=True) for l, Theta in enumerate(thetas, start=1)]
    act, out = get_activation(activation), get_output(output)
    K = thetas[-1].shape[0]
    if out.name == "softmax" and K < 2:
        raise ValueError(f"a softmax output needs K >= 2 output units, got K = {K}")
    s_1 = thetas[0].shape[1] - 1
    X = as_array("X", X, ndim=2)
    if X.shape[1] != s_1:
        raise ValueError(f"X must have shape (m, {s_1}) (one row per example, s_1 = {s_1} columns), got {X.shape}")
    lam = as_lambda(lam)
    if any(Theta.dtype.kind == "c" for Theta in thetas):
        if act.name == "relu":
            raise TypeError("relu is not analytic: complex weights (complex-step check) cannot go through a relu network")
        dtype = np.dtype(np.complex128)
    elif X.dtype == np.float32 and all(Theta.dtype == np.float32 for Theta in thetas):
        dtype = np.dtype(np.float32)
    else:  # an integer X with float32 weights is not float32: its values may need float64
        dtype = np.dtype(np.float64)
    if y is not _UNLABELLED:  # labels in the real dtype of the computation
        y = _as_label_matrix(y, X.shape[0], K, out.name).astype(np.finfo(dtype).dtype, copy=False)
    return Arguments([np.asarray(Theta, dtype) for Theta in thetas], np.asarray(X, dtype),
                     None if y is _UNLABELLED else y, lam, act, out)


@contextmanager
def overflow_is_an_error(args, what="the cost or its gradient"):
    """Run a computation on checked arguments (an :class:`Arguments` record); an overflow (or the
    inf - inf it leads to) inside it raises ``OverflowError`` saying what did not fit, instead of
    a warning and an inf or NaN result. Underflow keeps the caller's setting: it is the correct
    rounding of a tiny value, not an error. The NumPy error state is restored on exit.
    """
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            yield
    except FloatingPointError as error:
        if "underflow" in str(error):
            raise
        dtype = args.X.dtype
        largest = max(np.max(np.abs(Theta)) for Theta in args.thetas)
        raise OverflowError(
            f"{what} does not fit in {dtype} ({error}): largest |Theta| = {largest:.3g}, "
            f"largest |X| = {np.max(np.abs(args.X)):.3g}"
            + ("" if args.Y is None else f", lambda = {args.lam:.3g}") + "; "
            + ("compute in float64 or scale the inputs down" if dtype == np.float32 else "scale the inputs down")
        ) from None

