"""The gradient check: compare an analytical gradient with a numerical one, and point at the bug.

The course checks backpropagation before training by comparing DVec with gradApprox, the central
differences of J, through the relative difference

    norm(gradApprox - DVec) / norm(gradApprox + DVec),

which must be small (below 1e-9 with eps = 1e-4). :func:`check_gradients` does that with any of
three numerical methods and, beyond a verdict, says where a wrong gradient is wrong:

* ``method="central"``: central differences over every coordinate, 2P cost evaluations for
  P parameters (the course's gradApprox);
* ``method="directional"``: central differences along random unit directions u against u . grad,
  2 evaluations per direction whatever P, plus one direction per layer and part (bias column,
  weights); when it fails, a bisection along the worst part finds a wrong entry in about
  2 log2(P) more evaluations;
* ``method="complex"``: the complex step Im J(theta + i h e_k) / h, P evaluations, exact to
  rounding, for costs written with analytic operations (sigmoid and tanh networks; not ReLU).

Entries are named in the course's 1-based layer numbering: layer l is Theta(l), the matrix from
layer l to layer l + 1 (``reshape(theta_vec, layer_sizes)[l - 1]``); rows and columns index that
matrix as a NumPy array, from 0, so column 0 is the bias column. Coordinates that sit on a kink
(a ReLU input at 0, where the left and right derivatives differ) are reported as kinks and left
out of the verdict instead of being reported as false mismatches.

The numerical derivatives come from :mod:`reference.finite_difference` (NumPy only) and the
tolerances from :mod:`reference.tolerances`; nothing here needs JAX.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reference import finite_difference as fd
from reference.tolerances import tolerance

from ._arguments import as_count
from ._arguments import as_layer_sizes, n_params, theta_shapes
from .backprop import nn_cost, nn_cost_function
from .initialization import debug_initialize_weights
from .unrolling import unroll

__all__ = [
    "check_gradients",
    "check_nn_gradients",
    "debug_network",
    "GradientCheckReport",
    "EntryError",
    "PartError",
    "METHODS",
]

METHODS = ("central", "directional", "complex")
_TOLERANCE_NAMES = {"central": "central_difference", "directional": "directional_difference",
                    "complex": "complex_step"}


# ---------------------------------------------------------------------------------------------
# Naming coordinates


def _locate(index, layer_sizes):
    """(layer, row, column) of coordinate ``index`` of theta_vec: layer 1-based, row/column 0-based."""
    start = 0
    for layer, (rows, cols) in enumerate(theta_shapes(layer_sizes), start=1):
        if index < start + rows * cols:
            row, column = (index - start) % rows, (index - start) // rows  # column-major
            return layer, row, column
        start += rows * cols
    raise IndexError(f"index {index} is beyond the {start} parameters of layer sizes {layer_sizes}")


def _name(layer, row, column):
    part = "bias" if column == 0 else "weight"
    return f"Theta({layer})[{row}, {column}] ({part})"


@dataclass(frozen=True)
class EntryError:
    """One coordinate of theta_vec: where it is, and both derivatives there.

    layer, row, column : Theta(layer)[row, column]; layer counts from 1 as in the course, row and
        column from 0 (column 0 is the bias column); all None when no layer sizes were given.
    """

    index: int
    layer: int | None
    row: int | None
    column: int | None
    numerical: float
    analytical: float

    @property
    def abs_error(self):
        return abs(self.numerical - self.analytical)

    @property
    def rel_error(self):
        scale = max(abs(self.numerical), abs(self.analytical))
        return self.abs_error / scale if scale > 0 else 0.0

    @property
    def name(self):
        if self.layer is None:
            return f"theta_vec[{self.index}]"
        return f"{_name(self.layer, self.row, self.column)}, theta_vec[{self.index}]"

    def __str__(self):
        return (f"{self.name}: numerical {self.numerical:.10g}, analytical {self.analytical:.10g}, "
                f"error {self.abs_error:.3g} ({self.rel_error:.3g} relative)")


@dataclass(frozen=True)
class PartError:
    """The errors of one part of one layer: Theta(layer)'s bias column or its weights.

    relative_difference : the course's relative difference restricted to the part (for the
        directional method, along one random unit direction within the part)
    passed : the part's relative difference is within the tolerance, or its error is within the
        tolerance at the scale of the whole gradient (a part whose gradient is ~0 cannot be
        judged relative to itself)
    """

    layer: int
    part: str  # "bias" or "weights"
    size: int
    relative_difference: float
    max_abs_error: float
    passed: bool

    def __str__(self):
        verdict = "ok" if self.passed else "WRONG"
        return (f"Theta({self.layer}) {self.part:<7} ({self.size:>4} entries): relative difference "
                f"{self.relative_difference:.3g}, largest error {self.max_abs_error:.3g}  {verdict}")


# ---------------------------------------------------------------------------------------------
# The report


@dataclass(frozen=True, eq=False)
class GradientCheckReport:
    """What :func:`check_gradients` found. ``str(report)`` prints it like the course.

    method : "central", "directional" or "complex"
    numerical, analytical : the two columns compared, float64 arrays: per parameter (central,
        complex), or per direction, the slope along u against u . grad (directional)
    relative_difference : the course's norm(numerical - analytical) / norm(numerical + analytical),
        over the coordinates not on a kink
    max_abs_error, max_rel_error : the largest |numerical - analytical| and the largest relative
        error of one entry (entries smaller than the method's noise floor are left out of the latter)
    tolerance, tolerance_reason : the bound on relative_difference and why it is that
    gradient_dtype : the dtype of the analytical gradient; a float32 gradient is judged by the
        float32 bound, never by the float64 one that its own rounding would fail
    passed : relative_difference <= tolerance
    n_evaluations : cost evaluations the numerical side used (the analytical call not counted)
    parts : per layer (1-based), the bias column and the weights, as :class:`PartError`
        (empty without layer sizes)
    worst : the entries with the largest errors, worst first, as :class:`EntryError`
        (directional: the entry the bisection found, when the check failed)
    kinks : the coordinates on a kink, as :class:`EntryError` with the central difference as
        numerical, and their left and right slopes in ``kink_slopes``. Those whose analytical value
        is one of the two slopes (or between them) are left out of the verdict (``kinks_excluded``
        of them; ``relative_difference_with_kinks`` is the course's figure over every entry); a
        kink whose analytical value matches neither side still counts as a mismatch.
    """

    method: str
    cost: float
    numerical: np.ndarray
    analytical: np.ndarray
    relative_difference: float
    max_abs_error: float
    max_rel_error: float
    tolerance: float
    tolerance_reason: str
    passed: bool
    n_evaluations: int
    n_parameters: int
    layer_sizes: tuple | None = None
    parts: tuple = ()
    worst: tuple = ()
    kinks: tuple = ()
    kink_slopes: tuple = ()
    kinks_excluded: int = 0
    relative_difference_with_kinks: float | None = None
    step: float = fd.DEFAULT_EPS
    directions: np.ndarray | None = field(default=None, repr=False)
    upcast_from: str | None = None
    gradient_dtype: str = "float64"

    @property
    def failing_parts(self):
        return tuple(p for p in self.parts if not p.passed)

    def format(self, max_rows=None):
        """The report as text; ``max_rows`` limits the two columns (all rows by default)."""
        lines = [self._title()]
        if self.upcast_from:
            lines.append(f"(theta_vec was {self.upcast_from}, upcast to float64 for the numerical side)")
        left, right = ("numerical", "analytical") if self.method != "directional" else \
            ("slope along u", "u . grad")
        lines.append(f"{left:>16} {right:>16}")
        rows = len(self.numerical) if max_rows is None else min(max_rows, len(self.numerical))
        for numerical, analytical in zip(self.numerical[:rows], self.analytical[:rows]):
            lines.append(f"{numerical:16.10f} {analytical:16.10f}")
        if rows < len(self.numerical):
            lines.append(f"{'...':>16} ({len(self.numerical) - rows} more rows)")
        lines.append("The above two columns you get should be very similar.")
        lines.append("(Left: numerical gradient, right: analytical gradient)")
        lines.append("")
        lines.append("If your backpropagation implementation is correct, then")
        lines.append(f"the relative difference will be small (less than {self.tolerance:g}).")
        if self.gradient_dtype != "float64":
            float64_bound = tolerance(_TOLERANCE_NAMES[self.method]).rtol
            u = np.finfo(self.gradient_dtype).eps / 2
            lines.append(f"(The analytical gradient is {self.gradient_dtype}, unit roundoff u = {u:.2g}: the hundreds "
                         "of roundings in its backprop")
            lines.append(f"put a correct one up to ~{self.tolerance:g} from the exact gradient, so it is judged by the "
                         f"{self.gradient_dtype} bound {self.tolerance:g},")
            lines.append(f"not by the float64 bound {float64_bound:g}, which no correct {self.gradient_dtype} "
                         "gradient can meet.)")
        lines.append("")
        lines.append(f"Relative Difference: {self.relative_difference:.6g}")
        lines.append(f"Largest error: {self.max_abs_error:.3g} absolute, {self.max_rel_error:.3g} relative")
        if self.parts:
            lines.append("")
            lines.append("By layer (layer l is Theta(l), counted from 1 as in the course; rows and columns from 0):")
            lines.extend(f"  {part}" for part in self.parts)
        if self.worst:
            lines.append("")
            if self.method == "directional":
                lines.append("Wrong entry found by bisection:")
            else:
                lines.append("Largest errors:")
            lines.extend(f"  {entry}" for entry in self.worst)
        if self.kinks:
            lines.append("")
            lines.append(f"On a kink ({len(self.kinks)}; left and right derivatives differ, so no finite "
                         "difference is right there):")
            for entry, (left, right) in zip(self.kinks, self.kink_slopes):
                explained = _between(entry.analytical, left, right)
                note = "one-sided slope: left out of the verdict" if explained else "matches NEITHER side: counted"
                lines.append(f"  {entry.name}: left {left:.6g}, right {right:.6g}, "
                             f"analytical {entry.analytical:.6g} ({note})")
            if self.kinks_excluded:
                lines.append(f"  (relative difference with them: {self.relative_difference_with_kinks:.3g})")
        lines.append("")
        verdict = "PASSED" if self.passed else "FAILED"
        lines.append(f"{verdict}: relative difference {self.relative_difference:.3g} "
                     f"{'<=' if self.passed else '>'} {self.tolerance:g} ({self.n_evaluations} cost evaluations)")
        return "\n".join(lines)

    def _title(self):
        what = {"central": f"central differences, eps = {self.step:g}",
                "directional": f"{len(self.numerical)} directional differences, eps = {self.step:g}",
                "complex": f"complex step, h = {self.step:g}"}[self.method]
        shape = f"network {'-'.join(map(str, self.layer_sizes))}, " if self.layer_sizes else ""
        return f"Gradient check ({what}): {shape}{self.n_parameters} parameters, cost J = {self.cost:.10g}"

    def __str__(self):
        return self.format()


# ---------------------------------------------------------------------------------------------
# The check


class _Counted:
    """A cost function that counts its calls."""

    def __init__(self, J):
        self.J = J
        self.calls = 0

    def __call__(self, theta):
        self.calls += 1
        return self.J(theta)


def _parts(layer_sizes):
    """[(layer, part, indices)] for each Theta(l): its bias column, then its weights."""
    parts, start = [], 0
    for layer, (rows, cols) in enumerate(theta_shapes(layer_sizes), start=1):
        block = np.arange(start, start + rows * cols)
        parts.append((layer, "bias", block[:rows]))  # column 0 comes first in column-major order
        if cols > 1:
            parts.append((layer, "weights", block[rows:]))
        start += rows * cols
    return parts


def _entry(index, layer_sizes, numerical, analytical):
    layer, row, column = _locate(index, layer_sizes) if layer_sizes else (None, None, None)
    return EntryError(int(index), layer, row, column, float(numerical), float(analytical))


def check_gradients(cost_fn, theta_vec, layer_sizes=None, *, method="central", cost=None, eps=fd.DEFAULT_EPS,
                    h=fd.DEFAULT_H, n_directions=8, rng=None, detect_kinks=True, n_worst=5):
    """Check the gradient that ``cost_fn`` returns against a numerical one, and say where it is wrong.

    Parameters
    ----------
    cost_fn : callable, theta (P,) -> (J, grad_vec), like the course's costFunc
        (e.g. ``lambda t: nn_cost_function(t, layer_sizes, X, y, lam)``)
    theta_vec : array (P,), the point to check at (float32 is upcast to float64)
    layer_sizes : sequence of ints (s_1, ..., s_L), optional: with it the report breaks the
        errors down by layer, bias column and weights, and names entries as Theta(l)[row, column]
    method : "central", "directional" or "complex" (see the module docstring for their costs)
    cost : callable, theta -> J, optional: the cost alone, for the numerical side (e.g.
        ``nn_cost``, which skips backprop); by default ``cost_fn(theta)[0]``. For the complex
        method it must accept complex theta.
    eps : the step of central and directional differences (and of kink detection)
    h : the step of the complex step
    n_directions : int >= 0, random directions of the directional method (>= 1 without layer_sizes,
        which add one direction per layer and part)
    rng : numpy.random.Generator for the directions (a fresh unseeded one when omitted)
    detect_kinks : examine the coordinates that disagree for a kink (4 evaluations each) and
        leave out of the verdict those whose analytical value is one of the one-sided slopes
        there (central and complex methods)
    n_worst : int >= 0, how many of the worst entries to name

    Returns
    -------
    :class:`GradientCheckReport`; ``report.passed`` is the verdict, ``print(report)`` shows it.

    Raises
    ------
    reference.finite_difference.NotComplexSafeError
        for the complex method, when the cost is not complex-safe (see
        :func:`reference.finite_difference.complex_step`)
    TypeError
        when the cost returns float32 values (numerical derivatives need float64), when the
        gradient is neither float64 nor float32, or when n_directions or n_worst is not an integer
    ValueError
        for an unknown method, n_worst < 0, n_directions < 0 (< 1 without layer_sizes), or a
        theta_vec whose length does not match layer_sizes
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    as_count("n_worst", n_worst, 0)
    if layer_sizes is None:
        as_count("n_directions", n_directions, 1, " (without layer_sizes there are no per-layer directions)")
    else:
        as_count("n_directions", n_directions, 0)
    theta = np.asarray(theta_vec)
    upcast_from = str(theta.dtype) if theta.dtype.kind == "f" and theta.dtype != np.float64 else None
    theta = fd.as_theta(theta)
    P = theta.size
    if layer_sizes is not None:
        layer_sizes = as_layer_sizes(layer_sizes)
        if n_params(layer_sizes) != P:
            raise ValueError(f"theta_vec has {P} entries but layer sizes {layer_sizes} need {n_params(layer_sizes)}")
    if rng is None:
        rng = np.random.default_rng()

    J0, analytical = _analytical(cost_fn, theta)
    J = _Counted(cost if cost is not None else (lambda t: cost_fn(t)[0]))
    tol = tolerance(_TOLERANCE_NAMES[method], analytical.dtype)
    common = dict(method=method, cost=J0, tolerance=tol.rtol, tolerance_reason=tol.reason, n_parameters=P,
                  layer_sizes=layer_sizes, upcast_from=upcast_from, gradient_dtype=str(analytical.dtype))
    analytical = analytical.astype(np.float64)

    if method == "directional":
        return _check_directional(J, theta, analytical, layer_sizes, tol, eps, n_directions, rng, common)

    if method == "central":
        numerical = fd.central_difference(J, theta, eps)
        step = eps
    else:
        numerical = fd.complex_step(J, theta, h, eps=eps, rng=rng)
        step = h
    floor = tol.atol * max(1.0, abs(J0))
    disagree = ~_entries_agree(numerical, analytical, tol.rtol, floor)
    kinks, kink_slopes = (), ()
    on_kink = np.zeros(P, dtype=bool)
    if detect_kinks and disagree.any():
        found = fd.find_kinks(J, theta, np.flatnonzero(disagree), eps=eps, J0=J0)
        kinks = tuple(_entry(k.index, layer_sizes, k.central, analytical[k.index]) for k in found)
        kink_slopes = tuple((k.left, k.right) for k in found)
        # A kink explains the mismatch only when the analytical value is one of the one-sided slopes
        # (or between them): a subgradient. Otherwise the entry is wrong as well as on a kink.
        on_kink[[k.index for k in found if _between(analytical[k.index], k.left, k.right)]] = True
    keep = ~on_kink
    errors = np.abs(numerical - analytical)
    errors_kept = np.where(keep, errors, 0.0)
    scale = np.maximum(np.abs(numerical), np.abs(analytical))
    rel = np.where(keep & (scale > floor), errors / np.where(scale > 0, scale, 1.0), 0.0)
    relative_difference = fd.relative_difference(numerical[keep], analytical[keep])
    passed = bool(relative_difference <= tol.rtol)
    # A failed check names the entries that disagree; a passed one shows the largest (rounding) errors.
    candidates = errors_kept if passed or not (disagree & keep).any() else np.where(disagree & keep, errors, 0.0)
    order = np.argsort(-candidates, kind="stable")[:n_worst]
    worst = tuple(_entry(k, layer_sizes, numerical[k], analytical[k]) for k in order if candidates[k] > 0)
    parts = _part_errors(numerical, analytical, keep, layer_sizes, tol.rtol)
    return GradientCheckReport(
        numerical=numerical, analytical=analytical, relative_difference=relative_difference,
        max_abs_error=float(errors_kept.max(initial=0.0)), max_rel_error=float(rel.max(initial=0.0)),
        passed=passed, n_evaluations=J.calls, parts=parts, worst=worst,
        kinks=kinks, kink_slopes=kink_slopes, kinks_excluded=int(on_kink.sum()),
        relative_difference_with_kinks=fd.relative_difference(numerical, analytical), step=step, **common,
    )


def _analytical(cost_fn, theta):
    result = cost_fn(theta.copy())
    if not (isinstance(result, tuple) and len(result) == 2):
        raise TypeError("cost_fn must return (J, grad_vec), like the course's costFunc; "
                        f"got {type(result).__name__}")
    J0, grad = result
    grad = np.asarray(grad)
    if grad.shape != theta.shape:
        raise ValueError(f"cost_fn returned a gradient of shape {grad.shape} for theta of shape {theta.shape}")
    if grad.dtype not in (np.float32, np.float64):
        raise TypeError(f"cost_fn returned a gradient of dtype {grad.dtype}; it must be float64 or float32 "
                        "(the dtypes the tolerance table has bounds for)")
    if not np.isfinite(grad).all():
        raise FloatingPointError(f"cost_fn returned a gradient with {np.count_nonzero(~np.isfinite(grad))} "
                                 "non-finite entries")
    return float(J0), grad


def _between(value, left, right):
    """value lies between the one-sided slopes, up to their truncation error O(eps J'')."""
    low, high = min(left, right), max(left, right)
    slack = tolerance("kink_subgradient").rtol * (high - low)
    return low - slack <= value <= high + slack


def _entries_agree(numerical, analytical, rtol, floor):
    return np.abs(numerical - analytical) <= rtol * np.maximum(np.abs(numerical), np.abs(analytical)) + floor


def _part_errors(numerical, analytical, keep, layer_sizes, rtol):
    if layer_sizes is None:
        return ()
    whole = np.linalg.norm((numerical + analytical)[keep])
    parts = []
    for layer, part, indices in _parts(layer_sizes):
        indices = indices[keep[indices]]
        num, ana = numerical[indices], analytical[indices]
        diff = float(np.linalg.norm(num - ana))
        relative = fd.relative_difference(num, ana)
        passed = relative <= rtol or diff <= rtol * whole
        parts.append(PartError(layer, part, len(indices), relative,
                               float(np.abs(num - ana).max(initial=0.0)), bool(passed)))
    return tuple(parts)


def _check_directional(J, theta, analytical, layer_sizes, tol, eps, n_directions, rng, common):
    P = theta.size
    directions = [fd.random_unit_directions(P, n_directions, rng)] if n_directions > 0 else []
    part_list = _parts(layer_sizes) if layer_sizes is not None else []
    if part_list:
        directions.append(np.vstack([fd.random_unit_directions(P, 1, rng, support=indices)
                                     for _, _, indices in part_list]))
    U = np.vstack(directions)
    numerical = fd.directional_differences(J, theta, U, eps)
    predicted = U @ analytical
    relative_difference = fd.relative_difference(numerical, predicted)
    passed = relative_difference <= tol.rtol
    errors = np.abs(numerical - predicted)
    scale = np.maximum(np.abs(numerical), np.abs(predicted))
    floor = tol.atol * max(1.0, abs(common["cost"]))
    rel = np.where(scale > floor, errors / np.where(scale > 0, scale, 1.0), 0.0)

    parts = []
    whole = np.linalg.norm(numerical + predicted)
    for i, (layer, part, indices) in enumerate(part_list):
        j = len(U) - len(part_list) + i
        relative = fd.relative_difference(numerical[j:j + 1], predicted[j:j + 1])
        ok = relative <= tol.rtol or errors[j] <= tol.rtol * whole
        parts.append(PartError(layer, part, len(indices), relative, float(errors[j]), bool(ok)))

    worst = ()
    if not passed or not all(p.passed for p in parts):
        worst = (_bisect(J, theta, analytical, U, numerical, predicted, part_list, parts, layer_sizes, eps),)
    return GradientCheckReport(
        numerical=numerical, analytical=predicted, relative_difference=relative_difference,
        max_abs_error=float(errors.max(initial=0.0)), max_rel_error=float(rel.max(initial=0.0)),
        passed=bool(passed), n_evaluations=J.calls, parts=tuple(parts), worst=worst, step=eps,
        directions=U, **common,
    )


def _bisect(J, theta, analytical, U, numerical, predicted, part_list, parts, layer_sizes, eps):
    """Find a wrong entry: halve the support of a failing direction, keep the half that errs more.

    The error of a direction, e(u) = slope along u - u . grad, is linear in u, so with u split into
    its restrictions u1 + u2 to two halves of its support, e(u2) = e(u) - e(u1): each halving costs
    one directional difference (2 evaluations), about 2 log2(P) in all.
    """
    if part_list:
        failing = [i for i, p in enumerate(parts) if not p.passed] or list(range(len(parts)))
        offset = len(U) - len(part_list)
        i = max(failing, key=lambda i: parts[i].max_abs_error)
        u, error, support = U[offset + i], numerical[offset + i] - predicted[offset + i], part_list[i][2]
    else:
        j = int(np.argmax(np.abs(numerical - predicted)))
        u, error, support = U[j], numerical[j] - predicted[j], np.arange(theta.size)
    while support.size > 1:
        first, second = support[: support.size // 2], support[support.size // 2:]
        u1 = np.zeros_like(u)
        u1[first] = u[first]
        error1 = fd.directional_difference(J, theta, u1, eps) - u1 @ analytical
        error2 = error - error1
        if abs(error1) >= abs(error2):
            support, u, error = first, u1, error1
        else:
            u2 = np.zeros_like(u)
            u2[second] = u[second]
            support, u, error = second, u2, error2
    k = int(support[0])
    numerical_k = fd.directional_difference(J, theta, np.eye(1, theta.size, k)[0], eps)
    return _entry(k, layer_sizes, numerical_k, analytical[k])


# ---------------------------------------------------------------------------------------------
# The course's checkNNGradients


def debug_network(input_layer_size=3, hidden_layer_size=5, num_labels=3, m=5, *, hidden_layers=1):
    """The course's checkNNGradients network: (theta_vec, layer_sizes, X, y).

    Layer sizes (input_layer_size, hidden_layer_size, ..., hidden_layer_size, num_labels) with
    ``hidden_layers`` hidden layers (the course's 3-5-3 by default). Every Theta(l), of shape
    (s_{l+1}, s_l + 1), and X, of shape (m, input_layer_size), come from
    debug_initialize_weights; the course's labels y = 1 + mod(1:m, K) become 0-based:
    y = mod(t, K) for t = 1..m, that is 1, 2, 0, 1, 2 for K = 3 (binary 1, 0, 1, ... for K = 1).

    Returns
    -------
    theta_vec : ndarray (P,), the Theta(l) unrolled
    layer_sizes : tuple of ints (s_1, ..., s_L)
    X : ndarray (m, s_1)
    y : ndarray (m,) of int labels
    """
    hidden_layers = as_count("hidden_layers", hidden_layers, 0)
    layer_sizes = as_layer_sizes((input_layer_size, *([hidden_layer_size] * hidden_layers), num_labels))
    theta_vec = unroll([debug_initialize_weights(s_out, s_in)
                        for s_in, s_out in zip(layer_sizes[:-1], layer_sizes[1:])])
    X = debug_initialize_weights(m, input_layer_size - 1)
    y = np.arange(1, m + 1) % max(num_labels, 2)
    return theta_vec, layer_sizes, X, y


def check_nn_gradients(lam=0.0, *, method="central", **options):
    """The course's checkNNGradients: check nn_cost_function on the small 3-5-3 debug network.

    The network has 3 inputs, 5 hidden units and 3 outputs, m = 5 examples, weights and X from
    debug_initialize_weights and labels 1, 2, 0, 1, 2 (:func:`debug_network`): theta_vec (38,),
    X (5, 3). The check compares DVec with the numerical gradient by the course's relative
    difference norm(num - DVec) / norm(num + DVec).

    Parameters
    ----------
    lam : float >= 0, lambda of the cost
    method : "central" (default, the course's gradApprox), "directional" or "complex"
    **options : keyword arguments of :func:`check_gradients`: ``eps``, ``h``, ``n_directions``,
        ``rng``, ``detect_kinks``, ``n_worst`` (``cost`` and ``layer_sizes`` are set here)

    Returns
    -------
    :class:`GradientCheckReport` (``print`` it for the course's output); its relative difference
    is below the course's 1e-9 for lambda 0 and 3 with central differences.
    """
    theta_vec, layer_sizes, X, y = debug_network()
    return check_gradients(
        lambda t: nn_cost_function(t, layer_sizes, X, y, lam),
        theta_vec, layer_sizes, method=method,
        cost=lambda t: nn_cost(t, layer_sizes, X, y, lam), **options,
    )
