"""Numerical derivatives of a cost J: theta -> scalar, the way the course computes them.

The course's computeNumericalGradient perturbs one parameter at a time:

    numgrad_k = (J(theta + eps e_k) - J(theta - eps e_k)) / (2 eps),   eps = 1e-4,

2P evaluations of J for P parameters. Its error is truncation, (eps^2 / 6) J''', plus rounding,
about u |J| / eps (u = 1.1e-16, the float64 unit roundoff). Two relatives of it:

* a directional difference, the same along a unit direction u: (J(theta + eps u) - J(theta - eps u))
  / (2 eps) must equal u . grad J, 2 evaluations whatever P;
* the complex step, Im J(theta + i h e_k) / h with h = 1e-20, for costs written with analytic
  operations: no subtraction, so no cancellation, and no truncation worth the name; exact to the
  rounding of J. A cost that drops the imaginary part (abs, a cast to float, np.real) would give a
  wrong 0, so :func:`complex_step_gradient` refuses it with :class:`NotComplexSafeError`.

:func:`relative_difference` is the course's figure of agreement, norm(a - b) / norm(a + b).
This module only computes; judging the numbers is :mod:`manual_backprop.gradient_check`'s work.
Every function takes theta as a 1-D float64 array and J in float64 (a float32 J is refused:
its rounding alone, u |J| / eps ~ 6e-8 / 1e-4, is a million times the course's 1e-9).
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = [
    "compute_numerical_gradient",
    "directional_difference",
    "random_unit_directions",
    "complex_step_gradient",
    "NotComplexSafeError",
    "relative_difference",
    "cost_value",
    "as_theta",
]


def compute_numerical_gradient(J, theta, eps=1e-4):
    """The course's computeNumericalGradient: central differences, one coordinate at a time.

    numgrad_k = (J(theta + eps e_k) - J(theta - eps e_k)) / (2 eps), 2P evaluations of J.

    Parameters
    ----------
    J : callable, theta (P,) -> scalar cost, in float64
    theta : array (P,)
    eps : float > 0, the step (the course's 1e-4)

    Returns
    -------
    numgrad : float64 array (P,)
    """
    theta = as_theta(theta)
    eps = _as_step("eps", eps)
    numgrad = np.zeros_like(theta)
    perturb = np.zeros_like(theta)
    for k in range(theta.size):
        perturb[k] = eps
        loss1 = cost_value(J, theta - perturb, where=f"theta - eps e_{k}")
        loss2 = cost_value(J, theta + perturb, where=f"theta + eps e_{k}")
        numgrad[k] = (loss2 - loss1) / (2 * eps)
        perturb[k] = 0
    return numgrad


def directional_difference(J, theta, u, eps=1e-4):
    """(J(theta + eps u) - J(theta - eps u)) / (2 eps): the slope of J along u, which is u . grad J.

    2 evaluations of J; the same truncation and rounding as :func:`compute_numerical_gradient`.
    """
    theta = as_theta(theta)
    u = np.asarray(u, dtype=np.float64)
    if u.shape != theta.shape:
        raise ValueError(f"the direction u must have the shape of theta {theta.shape}, got {u.shape}")
    eps = _as_step("eps", eps)
    loss2 = cost_value(J, theta + eps * u, where="theta + eps u")
    loss1 = cost_value(J, theta - eps * u, where="theta - eps u")
    return (loss2 - loss1) / (2 * eps)


def random_unit_directions(P, n, rng, *, support=None):
    """n random unit vectors of length P, the rows of an (n, P) array, drawn from ``rng``.

    Normal vectors divided by their norm are uniform on the sphere. ``support`` (indices, or a
    boolean mask of length P) confines them to those coordinates, zero elsewhere. ``rng`` is a numpy.random.Generator.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    support = np.arange(P) if support is None else _as_support(support, P)
    if support.size == 0:
        raise ValueError("the support of the directions is empty")
    directions = np.zeros((n, P))
    directions[:, support] = rng.standard_normal((n, support.size))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    return directions


def _as_support(support, P):
    """Indices in 0..P-1 (integers), or a boolean mask of length P, as an array of indices."""
    raw = np.asarray(support)
    if raw.dtype.kind == "b":
        if raw.shape != (P,):
            raise ValueError(f"support as a boolean mask must have shape ({P},), got {raw.shape}")
        return np.flatnonzero(raw)
    if raw.size and raw.dtype.kind not in "iu":
        raise TypeError(f"support must hold integer indices or be a boolean mask, got dtype {raw.dtype}")
    indices = raw.astype(np.intp).ravel()
    if indices.size and (indices.min() < 0 or indices.max() >= P):
        raise ValueError(f"support must hold indices from 0 to {P - 1}, got {int(indices.min())} to "
                         f"{int(indices.max())}")
    return indices


class NotComplexSafeError(TypeError):
    """The cost is not complex-safe: the complex step would give a wrong derivative, so none is given."""


def complex_step_gradient(J, theta, h=1e-20):
    """The complex-step gradient Im J(theta + i h e_k) / h, k = 1..P: P complex evaluations.

    Raises :class:`NotComplexSafeError` when J refuses complex input (TypeError), warns that it
    casts a complex value to real (ComplexWarning) or returns a real number for complex input:
    each of these would make Im J / h a wrong derivative. (A non-analytic operation inside an
    otherwise complex computation, such as abs, is not visible here: the gradient checker confirms
    the result along a random direction with real differences.)
    """
    theta = as_theta(theta)
    h = _as_step("h", h)
    grad = np.zeros_like(theta)
    theta_c = theta.astype(np.complex128)
    for k in range(theta.size):
        theta_c[k] += 1j * h
        grad[k] = _complex_value(J, theta_c.copy(), k).imag / h
        theta_c[k] = theta[k]
    return grad


def _complex_value(J, theta_c, k):
    where = f"theta + i h e_{k}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            value = J(theta_c)
    except np.exceptions.ComplexWarning as warning:
        raise NotComplexSafeError(f"the cost casts a complex value to real (ComplexWarning at {where}: "
                                  f"{warning}); use central differences") from warning
    except TypeError as error:
        raise NotComplexSafeError(f"the cost refuses complex input ({type(error).__name__} at {where}: "
                                  f"{error}); use central differences") from error
    value = np.asarray(value)
    if value.ndim != 0:
        raise ValueError(f"J must return a scalar, got an array of shape {value.shape}")
    if value.dtype.kind != "c":
        raise NotComplexSafeError(f"the cost returned the real number {value!r} at {where}: it dropped the "
                                  "imaginary part (abs, float(...), np.real), so Im J / h would be a wrong 0; "
                                  "use central differences")
    if value.dtype.itemsize < 16:
        raise TypeError(f"J returned a {value.dtype} value; the complex step needs complex128")
    value = complex(value)
    if not (np.isfinite(value.real) and np.isfinite(value.imag)):
        raise FloatingPointError(f"J is {value} at {where}: no complex-step derivative there")
    return value


def relative_difference(a, b):
    """The course's norm(a - b) / norm(a + b): 0.0 when a == b, inf when a + b = 0 but a != b."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    difference = np.linalg.norm(a - b)
    if difference == 0:
        return 0.0
    total = np.linalg.norm(a + b)
    return float(difference / total) if total > 0 else float("inf")


def cost_value(J, theta, *, where="theta"):
    """J(theta) as a Python float; a tuple, an array, a float32 or a non-finite value is refused."""
    value = J(theta)
    if isinstance(value, tuple):
        raise TypeError("J must return the cost alone, a scalar; it returned a tuple "
                        "(for a function returning (J, grad), pass lambda t: f(t)[0])")
    array = np.asarray(value)
    if array.ndim != 0:
        raise ValueError(f"J must return a scalar, got an array of shape {array.shape}")
    if array.dtype.kind == "c":
        if array.imag != 0:
            raise TypeError(f"J returned the complex number {value!r} for real theta")
        array = array.real
    if array.dtype.kind == "f" and array.dtype.itemsize < 8:
        raise TypeError(f"J returned a {array.dtype} value; numerical derivatives need the cost in float64 "
                        "(float32 rounding, u |J| / eps ~ 6e-8 / 1e-4 ~ 6e-4 relative, is far above the "
                        "course's 1e-9)")
    value = float(array)
    if not np.isfinite(value):
        raise FloatingPointError(f"J is {value} at {where}: no numerical derivative there")
    return value


def as_theta(theta, name="theta"):
    """theta as a new 1-D float64 array (float32 and integers upcast); complex, empty or non-finite refused."""
    theta = np.array(theta, copy=True)
    if theta.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {theta.dtype}")
    theta = theta.astype(np.float64)
    if theta.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional, got shape {theta.shape}")
    if theta.size == 0:  # no entry to check: a verdict would pass without testing anything
        raise ValueError(f"{name} must hold at least one parameter, got none")
    if not np.isfinite(theta).all():
        k = int(np.argmax(~np.isfinite(theta)))
        raise ValueError(f"{name} must be finite, got {theta[k]} at index {k}")
    return theta


def _as_step(name, step):
    if isinstance(step, (bool, np.bool_)) or not np.isscalar(step) or not np.isreal(step) \
            or not np.isfinite(step) or step <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {step!r}")
    return float(step)
