"""Argument checks shared by the public functions (private module).

Every check raises ``ValueError`` (a wrong value or shape) or ``TypeError`` (a wrong kind of
object) whose message names the argument, what was expected and what came. Nothing here
modifies its input: conversions return new arrays or read-only views of the old ones.
"""

from __future__ import annotations

import numbers
import operator
from contextlib import contextmanager

import numpy as np

from .activations import get_activation
from .cost import get_output

_REAL_KINDS = "biuf"  # bool, signed and unsigned integers, floats


def as_count(name, value, minimum=1, note=""):
    """``value`` as a Python int >= ``minimum``; TypeError for a non-integer (bool included),
    ValueError naming ``name``, the minimum and the value otherwise (``note`` explains the minimum)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}{note}, got {value}")
    return int(value)


def as_layer_sizes(layer_sizes, name="layer_sizes"):
    """(s_1, ..., s_L) as a tuple of Python ints, L >= 2 and every s_l >= 1."""
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
        raise TypeError(f"{name} must be a sequence of integers (s_1, ..., s_L), got {layer_sizes!r}")
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


def theta_shapes(layer_sizes):
    """Shapes of Theta(1), ..., Theta(L-1): (s_{l+1}, s_l + 1)."""
    return [(s_next, s + 1) for s, s_next in zip(layer_sizes[:-1], layer_sizes[1:])]


def n_params(layer_sizes):
    """Length of theta_vec: sum over l of s_{l+1} (s_l + 1)."""
    return sum(r * c for r, c in theta_shapes(layer_sizes))


def compute_dtype(*arrays):
    """The dtype the computation runs in: complex when any input is complex, float32 when every
    input is float32 (an integer X with float32 weights is not: its values may need float64),
    float64 otherwise."""
    if any(a.dtype.kind == "c" for a in arrays):
        return np.dtype(np.complex128)
    if all(a.dtype == np.float32 for a in arrays):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


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
    check_finite(name, array)
    return array


def as_ndarray(name, value):
    """np.asarray(value), with an error naming the argument when value is a ragged nesting or a
    masked array with masked entries (whose mask np.asarray would silently drop)."""
    if isinstance(value, np.ma.MaskedArray) and np.ma.getmaskarray(value).any():
        n = int(np.ma.getmaskarray(value).sum())
        raise TypeError(f"{name} is a masked array with {n} masked entries; the network has no notion of a "
                        "missing value: fill or drop them first")
    try:
        return np.asarray(value)
    except ValueError as error:
        raise ValueError(f"{name} must be a rectangular array of numbers, got a ragged sequence ({error})") from None


def check_finite(name, array):
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


def as_lambda(lam, name="lam"):
    """The regularisation parameter lambda: a finite real number >= 0."""
    if isinstance(lam, (bool, np.bool_)) or not isinstance(lam, numbers.Real):
        raise TypeError(f"{name} (lambda) must be a real number, got {lam!r}")
    lam = float(lam)
    if not np.isfinite(lam) or lam < 0:
        raise ValueError(f"{name} (lambda) must be a finite number >= 0, got {lam}")
    return lam


def as_input_matrix(X, n_inputs, name="X"):
    """X as an (m, s_1) array; integer and boolean X are accepted as numbers."""
    X = as_array(name, X, ndim=2)
    if X.shape[1] != n_inputs:
        raise ValueError(
            f"{name} must have shape (m, {n_inputs}) (one row per example, s_1 = {n_inputs} columns), got {X.shape}"
        )
    return X


def as_label_matrix(y, m, K, *, output="sigmoid", name="y"):
    """The labels as the (m, K) 0-1 matrix Y that the cost compares with h.

    ``y`` is either integer labels 0..K-1 of shape (m,) (one-hot encoded here; with K = 1,
    the binary labels 0 and 1 are the single output's target), or an (m, K) matrix of 0s and
    1s (one-hot or multi-label). A softmax output needs exactly one 1 per row.
    """
    y = as_ndarray(name, y)
    if y.dtype.kind not in _REAL_KINDS:
        raise TypeError(f"{name} must hold integer labels or a 0-1 matrix, got dtype {y.dtype}")
    if y.ndim == 1:
        if y.shape[0] != m:
            raise ValueError(f"{name} must have shape ({m},) to match the {m} rows of X, got {y.shape}")
        check_finite(name, y)
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
        Y = np.zeros((m, K))
        Y[np.arange(m), labels] = 1.0  # one-hot: one 1 per row, as a softmax output needs
        return Y
    if y.ndim == 2:
        if y.shape != (m, K):
            raise ValueError(
                f"{name} as a label matrix must have shape ({m}, {K}) (m examples by K outputs), got {y.shape}"
            )
        check_finite(name, y)
        if not np.all((y == 0) | (y == 1)):
            bad = y[(y != 0) & (y != 1)][0]
            raise ValueError(f"{name} as a label matrix must contain only 0 and 1, got {bad}")
        Y = y.astype(np.float64)
        check_softmax_rows(Y, output, name)
        return Y
    raise ValueError(f"{name} must have shape ({m},) (labels) or ({m}, {K}) (0-1 matrix), got {y.shape}")


def check_softmax_rows(Y, output, name):
    if output == "softmax":
        counts = Y.sum(axis=1)
        if not np.all(counts == 1):
            t = int(np.argmax(counts != 1))
            raise ValueError(
                f"{name} for a softmax output must have exactly one 1 per row (one-hot), "
                f"got {int(counts[t])} in row {t}"
            )


def layer_sizes_of(thetas):
    """The layer sizes (s_1, ..., s_L) that the matrices Theta(1), ..., Theta(L-1) imply.

    Raises ``ValueError`` when consecutive shapes do not chain: Theta(l+1) must have
    s_{l+1} + 1 columns when Theta(l) has s_{l+1} rows.
    """
    if isinstance(thetas, np.ndarray) or not hasattr(thetas, "__len__"):
        raise TypeError(f"thetas must be a sequence of 2-D arrays Theta(1), ..., Theta(L-1), got {type(thetas).__name__}")
    if len(thetas) == 0:
        raise ValueError("thetas must hold at least one matrix, got an empty sequence")
    shapes = [np.shape(Theta) for Theta in thetas]
    for l, shape in enumerate(shapes, start=1):
        if len(shape) != 2 or shape[1] < 2 or shape[0] < 1:
            raise ValueError(f"Theta {l} must have shape (s_{l + 1}, s_{l} + 1) with s >= 1, got {shape}")
    sizes = [shapes[0][1] - 1] + [shape[0] for shape in shapes]
    for l in range(1, len(shapes)):
        if shapes[l][1] != shapes[l - 1][0] + 1:
            raise ValueError(
                f"Theta {l + 1} must have {shapes[l - 1][0] + 1} columns (s_{l + 1} + 1 with "
                f"s_{l + 1} = {shapes[l - 1][0]}, the rows of Theta {l}), got shape {shapes[l]}"
            )
    return tuple(sizes)


def check_theta_vec(theta_vec, layer_sizes, name="theta_vec"):
    """theta_vec as a 1-D finite array of the length that ``layer_sizes`` needs."""
    layer_sizes = as_layer_sizes(layer_sizes)
    theta_vec = as_array(name, theta_vec, ndim=1, allow_complex=True)
    expected = n_params(layer_sizes)
    if theta_vec.shape[0] != expected:
        terms = " + ".join(f"{r}*{c}" for r, c in theta_shapes(layer_sizes))
        raise ValueError(
            f"{name} must have length {expected} (= {terms} for layer sizes {layer_sizes}), got {theta_vec.shape[0]}"
        )
    return theta_vec


def theta_views(theta_vec, layer_sizes):
    """Theta(l) as views into theta_vec (no copy when theta_vec is contiguous).

    Each view is the transpose of a C-contiguous (s_l + 1, s_{l+1}) block, so ``Theta.T``
    goes to BLAS without a copy.
    """
    thetas, start = [], 0
    for rows, cols in theta_shapes(as_layer_sizes(layer_sizes)):
        stop = start + rows * cols
        thetas.append(theta_vec[start:stop].reshape(cols, rows).T)
        start = stop
    return thetas


def as_network_arguments(theta_vec, layer_sizes, X, y=None, lam=0.0, *, activation="sigmoid", output="sigmoid"):
    """Check and convert the arguments of a network function in one place.

    Returns (layer_sizes, theta_vec, thetas, X, Y, lam, act, out): theta_vec contiguous in the
    compute dtype, thetas its Theta(l) views, X converted to the same dtype, Y the (m, K)
    label matrix (None when y is None), act and out the activation and output objects.
    """
    layer_sizes = as_layer_sizes(layer_sizes)
    theta_vec = check_theta_vec(theta_vec, layer_sizes)
    act = get_activation(activation)
    out = get_output(output)
    if out.name == "softmax" and layer_sizes[-1] < 2:
        raise ValueError(f"a softmax output needs K >= 2 output units, got layer sizes {layer_sizes}")
    X = as_input_matrix(X, layer_sizes[0])
    lam = as_lambda(lam)
    dtype = compute_dtype(theta_vec, X)
    if dtype.kind == "c" and act.name == "relu":
        raise TypeError("relu is not analytic: a complex theta_vec (complex-step check) cannot go through a relu network")
    theta_vec = np.ascontiguousarray(theta_vec, dtype=dtype)
    X = np.asarray(X, dtype=dtype)
    Y = None
    if y is not None:
        Y = as_label_matrix(y, X.shape[0], layer_sizes[-1], output=out.name).astype(np.finfo(dtype).dtype, copy=False)
    return layer_sizes, theta_vec, theta_views(theta_vec, layer_sizes), X, Y, lam, act, out


@contextmanager
def overflow_is_an_error(dtype, theta_vec, X, lam, what="the cost or its gradient"):
    """Run a computation on checked, finite arguments; an overflow (or the inf - inf it leads
    to) inside it raises ``OverflowError`` saying what did not fit, instead of a warning and an
    inf or NaN result. Underflow keeps the caller's setting: it is the correct rounding of a
    tiny value, not an error. The NumPy error state is restored on exit. The message names
    ``what`` overflowed, the dtype, the largest inputs and lambda (``lam=None``: no lambda).
    """
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            yield
    except FloatingPointError as error:
        if "underflow" in str(error):
            raise
        raise OverflowError(
            f"{what} does not fit in {dtype} ({error}): largest |theta_vec| = "
            f"{np.max(np.abs(theta_vec)):.3g}, largest |X| = {np.max(np.abs(X)):.3g}"
            + ("" if lam is None else f", lambda = {lam:.3g}") + "; "
            + ("compute in float64 or scale the inputs down" if dtype == np.float32 else "scale the inputs down")
        ) from None
