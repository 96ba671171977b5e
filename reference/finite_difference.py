"""Numerical derivatives of any cost J: theta -> scalar, in NumPy only: the tests' oracle.

The gradient checker has its own numerical differences (``manual_backprop.numerical``, which
never imports this package); tests/test_numerical.py compares the two, and both with JAX.

Three ways to differentiate J without knowing how it is computed, and a detector for the points
where J has no derivative:

* :func:`central_difference`, the course's gradApprox, one coordinate at a time:

      gradApprox_k = (J(theta + eps e_k) - J(theta - eps e_k)) / (2 eps),   eps = 1e-4,

  2P evaluations of J for P parameters. Its error is truncation, (eps^2 / 6) J''' (~1e-9 for
  eps = 1e-4), plus rounding, about u |J| / eps (~1e-12 in float64).
* :func:`directional_difference`, the same along a direction u (for a unit u, the slope of J
  along u, which must equal u . grad J):

      (J(theta + eps u) - J(theta - eps u)) / (2 eps),

  2 evaluations per direction whatever the size of the network, with the same error terms.
* :func:`complex_step`, for costs written with analytic operations only:

      grad_k = Im J(theta + i h e_k) / h,   h = 1e-20,

  P evaluations (complex). There is no subtraction, so no cancellation: the error is the
  rounding of J itself, whatever h, and h can be tiny enough that truncation (h^2 J''') vanishes.
  A cost that is not complex-safe (abs, maximum, a comparison, a cast to real) silently gives a
  wrong derivative, often exactly 0; :func:`complex_step` detects it and raises
  :class:`NotComplexSafeError` instead (see there).
* :func:`relative_difference`, the course's figure of agreement between two gradients,
  norm(a - b) / norm(a + b).
* :func:`find_kinks`: where J has a kink along a coordinate (a ReLU input at exactly 0), the left
  and right derivatives differ and no finite difference is right; it says so.

Every function takes theta as a 1-D array of floats. Float32 theta is upcast to float64: a float32
central difference errs by u |J| / eps ~ 6e-8 / 1e-4 ~ 6e-4 relative, far from the 1e-9 the
course asks for (``reference.tolerances`` has the numbers). A J that returns a float32 value is
refused for the same reason, with that explanation.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np

from .tolerances import tolerance

__all__ = [
    "DEFAULT_EPS",
    "DEFAULT_H",
    "central_difference",
    "directional_difference",
    "directional_differences",
    "random_unit_directions",
    "complex_step",
    "NotComplexSafeError",
    "Kink",
    "find_kinks",
    "cost_value",
    "as_theta",
    "relative_difference",
]

DEFAULT_EPS = 1e-4
DEFAULT_H = 1e-20


# ---------------------------------------------------------------------------------------------
# Arguments and evaluations


def as_theta(theta):
    """theta as a new, contiguous 1-D float64 array (float32 and integers are upcast).

    Complex, non-numeric, non-finite or not 1-D theta is refused.
    """
    theta = np.array(theta, copy=True)
    if theta.dtype.kind == "c":
        raise TypeError("theta must be real; the complex step adds the imaginary part itself")
    if theta.dtype.kind not in "biuf":
        raise TypeError(f"theta must be an array of real numbers, got dtype {theta.dtype}")
    theta = theta.astype(np.float64)
    if theta.ndim != 1:
        raise ValueError(f"theta must be 1-dimensional, got shape {theta.shape}")
    if not np.isfinite(theta).all():
        raise ValueError(f"theta must be finite, got {theta[~np.isfinite(theta)][0]} at index "
                         f"{int(np.argmax(~np.isfinite(theta)))}")
    return theta


def _check_step(name, step):
    if not (np.isscalar(step) and np.isreal(step) and np.isfinite(step) and step > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {step!r}")
    return float(step)


def cost_value(J, theta, *, where="theta"):
    """J(theta) as a Python float, refusing what a numerical derivative cannot use.

    J must return a real scalar (a Python number, a NumPy scalar or a 0-d array) computed in
    float64; a float32 result is refused with the reason, and so is a non-finite one (``where``
    names the point in the message).
    """
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
        raise TypeError(
            f"J returned a {array.dtype} value; numerical derivatives need the cost in float64: "
            + tolerance("central_difference", array.dtype).reason
        )
    value = float(array)
    if not np.isfinite(value):
        raise FloatingPointError(f"J is {value} at {where}: no numerical derivative there")
    return value


def _unit_vector(k, P):
    e = np.zeros(P)
    e[k] = 1.0
    return e


def relative_difference(a, b):
    """The course's relative difference norm(a - b) / norm(a + b) of two gradients.

    Parameters
    ----------
    a, b : arrays of the same shape, e.g. gradApprox (P,) and DVec (P,)

    Returns
    -------
    float : 0.0 when a == b (two zero vectors included), inf when a + b = 0 but a != b.
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    difference = np.linalg.norm(a - b)
    if difference == 0:
        return 0.0
    total = np.linalg.norm(a + b)
    return float(difference / total) if total > 0 else float("inf")


# ---------------------------------------------------------------------------------------------
# Central differences


def central_difference(J, theta, eps=DEFAULT_EPS):
    """gradApprox: the central-difference gradient of J at theta, one coordinate at a time.

    Parameters
    ----------
    J : callable, theta (P,) -> scalar cost (see :func:`cost_value` for what it may return)
    theta : array (P,), float64 (float32 input is upcast: float32 central differences cannot
        resolve a gradient better than ~1e-3 relative)
    eps : float > 0, the step

    Returns
    -------
    grad_approx : float64 array (P,); 2P evaluations of J.
    """
    theta = as_theta(theta)
    eps = _check_step("eps", eps)
    grad_approx = np.empty_like(theta)
    for k in range(theta.size):
        saved = theta[k]
        theta[k] = saved + eps
        J_plus = cost_value(J, theta.copy(), where=f"theta + eps e_{k}")
        theta[k] = saved - eps
        J_minus = cost_value(J, theta.copy(), where=f"theta - eps e_{k}")
        theta[k] = saved
        grad_approx[k] = (J_plus - J_minus) / (2.0 * eps)
    return grad_approx


# ---------------------------------------------------------------------------------------------
# Directional derivatives


def random_unit_directions(P, n, rng=None, *, support=None):
    """n random unit vectors of length P, as the rows of an (n, P) array.

    Each is a normal vector normalised to length 1, so its direction is uniform on the sphere.
    ``support`` (indices or a boolean mask) confines the directions to those coordinates, zero
    elsewhere. ``rng`` is a numpy.random.Generator (a fresh unseeded one when omitted).
    """
    if rng is None:
        rng = np.random.default_rng()
    mask = np.ones(P, dtype=bool) if support is None else np.zeros(P, dtype=bool)
    if support is not None:
        mask[support] = True
    if not mask.any():
        raise ValueError("the support of the directions is empty")
    directions = np.zeros((n, P))
    directions[:, mask] = rng.standard_normal((n, int(mask.sum())))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    return directions


def directional_difference(J, theta, u, eps=DEFAULT_EPS):
    """(J(theta + eps u) - J(theta - eps u)) / (2 eps): the slope of J along u, 2 evaluations.

    For a gradient g it must equal u . g (for a unit u, the derivative in direction u). Truncation
    (eps^2 / 6) D^3J[u, u, u] and rounding u |J| / eps, as for :func:`central_difference`.
    """
    theta = as_theta(theta)
    u = np.asarray(u, dtype=np.float64)
    if u.shape != theta.shape:
        raise ValueError(f"the direction must have the shape of theta {theta.shape}, got {u.shape}")
    eps = _check_step("eps", eps)
    J_plus = cost_value(J, theta + eps * u, where="theta + eps u")
    J_minus = cost_value(J, theta - eps * u, where="theta - eps u")
    return (J_plus - J_minus) / (2.0 * eps)


def directional_differences(J, theta, directions, eps=DEFAULT_EPS):
    """:func:`directional_difference` along each row of ``directions`` (n, P): an array (n,)."""
    directions = np.atleast_2d(np.asarray(directions, dtype=np.float64))
    return np.array([directional_difference(J, theta, u, eps) for u in directions])


# ---------------------------------------------------------------------------------------------
# Complex step


class NotComplexSafeError(TypeError):
    """The cost is not complex-safe: the complex step would give a wrong derivative, so none is given."""


def _complex_value(J, theta_c, k):
    """J at a complex point, refusing whatever shows that J does not carry the imaginary part."""
    where = f"theta + i h e_{k}" if k is not None else "a complex point"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            value = J(theta_c)
    except np.exceptions.ComplexWarning as warning:
        raise NotComplexSafeError(
            f"the cost discards imaginary parts (ComplexWarning at {where}: {warning}); it casts a "
            "complex value to real, so the complex step cannot be used: use central differences"
        ) from warning
    except TypeError as error:
        raise NotComplexSafeError(
            f"the cost refuses complex input ({type(error).__name__} at {where}: {error}); it is not "
            "complex-safe, so the complex step cannot be used: use central differences"
        ) from error
    array = np.asarray(value)
    if array.ndim != 0:
        raise ValueError(f"J must return a scalar, got an array of shape {array.shape}")
    if array.dtype.kind != "c":
        raise NotComplexSafeError(
            f"the cost returned the real number {value!r} at {where}: it dropped the imaginary part "
            "(abs, a cast to float, np.real or a comparison on the way), so Im J / h would be a wrong 0; "
            "use central differences"
        )
    if array.dtype.itemsize < 16:
        raise TypeError(f"J returned a {array.dtype} value; the complex step needs complex128: "
                        + tolerance("complex_step", np.float32).reason)
    value = complex(array)
    if not (np.isfinite(value.real) and np.isfinite(value.imag)):
        raise FloatingPointError(f"J is {value} at {where}: no complex-step derivative there")
    return value


def complex_step(J, theta, h=DEFAULT_H, *, verify=True, eps=DEFAULT_EPS, rng=None):
    """The complex-step gradient Im J(theta + i h e_k) / h, k = 1..P: exact to rounding.

    Parameters
    ----------
    J : callable, complex theta (P,) -> complex scalar, written with analytic operations only
    theta : array (P,) of real numbers
    h : float > 0, the imaginary step (1e-20: small enough that the truncation h^2 J''' vanishes,
        and no cancellation ever happens, so there is no reason for a larger one)
    verify : compare the result, along one random unit direction u, with the real central
        difference (J(theta + eps u) - J(theta - eps u)) / (2 eps) (2 more evaluations)
    eps, rng : the step and the Generator of that comparison

    Returns
    -------
    grad : float64 array (P,); P complex evaluations, plus 2 real ones with ``verify``.

    Raises
    ------
    NotComplexSafeError
        when the cost is not complex-safe: it raises a ComplexWarning (a cast of a complex value to
        real), it refuses complex input with a TypeError (as a ReLU does), it returns a real number
        for complex input (abs, np.real, float(...)), or, with ``verify``, its complex-step gradient
        disagrees with a real central difference (a non-analytic operation such as abs or
        maximum inside an otherwise complex computation). A wrong derivative is never returned.
    """
    theta = as_theta(theta)
    h = _check_step("h", h)
    grad = np.empty_like(theta)
    theta_c = theta.astype(np.complex128)
    for k in range(theta.size):
        theta_c[k] = complex(theta[k], h)
        grad[k] = _complex_value(J, theta_c.copy(), k).imag / h
        theta_c[k] = theta[k]
    if verify:
        _verify_complex_step(J, theta, grad, eps, rng)
    return grad


def _verify_complex_step(J, theta, grad, eps, rng):
    """Refuse a complex-step gradient that a real central difference along one direction contradicts."""
    u = random_unit_directions(theta.size, 1, rng)[0]
    real_slope = directional_difference(J, theta, u, eps)
    complex_slope = float(u @ grad)
    tol = tolerance("complex_step_verification")
    J0 = cost_value(J, theta)
    allowed = tol.rtol * max(np.linalg.norm(grad), abs(real_slope)) + tol.atol * max(1.0, abs(J0))
    if not abs(real_slope - complex_slope) <= allowed:
        raise NotComplexSafeError(
            "the cost is not complex-safe: along a random unit direction u its complex-step gradient "
            f"gives u . grad = {complex_slope:.10g}, but the real central difference gives "
            f"{real_slope:.10g} (difference {abs(real_slope - complex_slope):.3g}, allowed {allowed:.3g}). "
            "Some operation (abs, maximum, a comparison, np.real) is not analytic, and the complex "
            "step would return a wrong gradient: use central differences"
        )


# ---------------------------------------------------------------------------------------------
# Kinks


class Kink(NamedTuple):
    """A coordinate where J has a kink: its left and right derivatives differ.

    index : the coordinate k of theta
    left, right : the one-sided differences (J(theta) - J(theta - s e_k)) / s and
        (J(theta + s e_k) - J(theta)) / s, with s = eps / 2
    central : the central difference at eps, which averages the two sides and so matches neither
    """

    index: int
    left: float
    right: float
    central: float


def find_kinks(J, theta, coordinates=None, *, eps=DEFAULT_EPS, J0=None):
    """The coordinates (of ``coordinates``, all by default) along which J has a kink near theta.

    A smooth J has one-sided differences that differ by s J'' (shrinking with the step s) and
    central differences that change by O(s^2) when the step halves. Where a kink lies within
    eps of theta_k (a ReLU input at or near 0), either the one-sided differences keep differing
    by the jump in slope when the step halves, or the central difference jumps: each test covers
    the positions of the kink that the other misses (the first is blind to a kink at eps / 3 from
    theta_k, the second to one at exactly theta_k). A coordinate is reported when either change
    exceeds its tolerance, ``kink_asymmetry`` or ``kink_central_jump`` in reference.tolerances.

    4 evaluations of J per coordinate examined, plus one for J(theta) unless ``J0`` is given.
    Returns a tuple of :class:`Kink`, in the order of the coordinates.
    """
    theta = as_theta(theta)
    eps = _check_step("eps", eps)
    if coordinates is None:
        coordinates = range(theta.size)
    if J0 is None:
        J0 = cost_value(J, theta)
    asymmetry_tol, jump_tol = tolerance("kink_asymmetry"), tolerance("kink_central_jump")
    kinks = []
    for k in coordinates:
        k = int(k)
        e = _unit_vector(k, theta.size)
        values = {s: cost_value(J, theta + s * e, where=f"theta + ({s:g}) e_{k}")
                  for s in (eps, -eps, eps / 2, -eps / 2)}
        left = (J0 - values[-eps / 2]) / (eps / 2)
        right = (values[eps / 2] - J0) / (eps / 2)
        central = (values[eps] - values[-eps]) / (2 * eps)
        central_half = (values[eps / 2] - values[-eps / 2]) / eps
        # The one-sided asymmetry a(s) = right(s) - left(s) = (J(+s) - 2 J0 + J(-s)) / s is s J''
        # for a smooth J: halving the step halves it. At a kink it keeps the jump in slope.
        asymmetry = (values[eps] - 2 * J0 + values[-eps]) / eps
        asymmetry_half = (values[eps / 2] - 2 * J0 + values[-eps / 2]) / (eps / 2)
        scale = max(abs(left), abs(right), abs(central))
        rounding = max(1.0, abs(J0)) / eps
        if (abs(asymmetry_half - asymmetry / 2) > asymmetry_tol.rtol * scale + asymmetry_tol.atol * rounding
                or abs(central - central_half) > jump_tol.rtol * scale + jump_tol.atol * rounding):
            kinks.append(Kink(k, left, right, central))
    return tuple(kinks)
