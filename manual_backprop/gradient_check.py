"""The gradient check: compare an analytical gradient with a numerical one, give a verdict, point at the bug.

The course checks backpropagation by comparing DVec with the central differences of J through

    norm(numgrad - DVec) / norm(numgrad + DVec),

which must be below 1e-9 with eps = 1e-4. :func:`check_gradients` does that, and more:

* **Three verdicts.** ``report.verdict`` is "passed", "failed" or "cannot tell", with
  ``report.reason``. "failed" needs evidence that the gradient is wrong (it disagrees at every step);
  "passed" needs every entry (or direction) to agree; anything else is "cannot tell", e.g. a kink
  within the step that no step down to 1e-8 resolves.
* **One J.** Every number comes from one cost: with ``cost=`` (J alone, e.g. ``nn_cost``), its
  value at theta must equal ``cost_fn(theta)[0]`` to the rounding of J, or the check refuses.
* **Step refinement.** An entry that disagrees at eps is decided by shorter steps
  (:mod:`manual_backprop.refinement`): a wrong one disagrees at every step, a kink within the step
  stops disagreeing, or matches a one-sided slope. A few evaluations per disagreeing entry.
* ``eps="auto"``: per entry, the step that minimises truncation + rounding, and that error bound
  printed beside the difference.
* **Where and why.** Per layer, bias column and weights apart; the wrong entries by name; for a
  failing block the likely cause (:mod:`manual_backprop.diagnosis`); ``report.plot(path)``.

Methods: ``"central"`` (the course's computeNumericalGradient, 2P evaluations), ``"directional"``
(n random unit directions u drawn from ``rng``, plus one per layer part, 2 evaluations each
whatever P: a wrong gradient is wrong along almost every direction, and random ones cannot all miss
an error as fixed ones can), ``"complex"`` (the complex step, exact to rounding, P complex
evaluations, for costs written with analytic operations).

Entries are named in the course's 1-based layer numbering: Theta(l) is the matrix from layer l to
layer l + 1; rows and columns index it from 0, so column 0 is the bias column. Parameters may also
be a list or dict of arrays (entries "params[0][2, 3]", "W1[2, 3]").
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from ._arguments import as_count
from ._layout import layout_of
from .backprop import nn_cost, nn_cost_function
from .debug import debug_network
from .diagnosis import diagnose
from .numerical import (NotComplexSafeError, complex_step_gradient, compute_numerical_gradient, cost_value,
                        directional_difference, random_unit_directions, relative_difference)
from .refinement import Line, auto_step, refine
from .thresholds import threshold

__all__ = [
    "check_gradients",
    "check_nn_gradients",
    "check_vjp",
    "debug_network",  # re-exported from manual_backprop.debug
    "CheckOptions",
    "GradientCheckReport",
    "EntryError",
    "PartError",
    "NotComplexSafeError",  # re-exported from manual_backprop.numerical
    "METHODS",
    "VERDICTS",
]

METHODS = ("central", "directional", "complex")
VERDICTS = ("passed", "failed", "cannot tell")


@dataclass(frozen=True)
class CheckOptions:
    """The options of a check, grouped; every one has a default.

    eps : float > 0 or "auto", the step of central and directional differences (the course's 1e-4);
        "auto" chooses it per entry or direction from an estimate of J''' (6 evaluations each)
    h : float > 0, the step of the complex step (1e-20)
    n_directions : int >= 0, random directions of the directional method (>= 1 without layer parts)
    n_worst : int >= 0, how many entries the report names
    max_wrong : int >= 1, refinement stops after this many entries are proven wrong (the verdict is
        "failed" then; the other disagreeing entries keep their first-pass numbers)
    lam, m : lambda and the number of examples, optional: the diagnosis then names causes tied to
        them ("1/m missing", "lambda/m written as lambda")
    """

    eps: object = 1e-4
    h: float = 1e-20
    n_directions: int = 8
    n_worst: int = 5
    max_wrong: int = 8
    lam: float | None = None
    m: int | None = None

    @classmethod
    def of(cls, options):
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise TypeError(f"unknown option(s) {', '.join(unknown)}; the options are {sorted(known)}")
        values = cls(**options)
        if not (values.eps == "auto" or _positive(values.eps)):
            raise ValueError(f"eps must be a finite number > 0 or 'auto', got {values.eps!r}")
        if not _positive(values.h):
            raise ValueError(f"h must be a finite number > 0, got {values.h!r}")
        as_count("n_directions", values.n_directions, 0)
        as_count("n_worst", values.n_worst, 0)
        as_count("max_wrong", values.max_wrong, 1)
        if values.m is not None:
            as_count("m", values.m, 1)
        return values


def _positive(x):
    return isinstance(x, (int, float, np.floating)) and not isinstance(x, bool) and np.isfinite(x) and x > 0


# ---------------------------------------------------------------------------------------------
# What the report holds


@dataclass(frozen=True)
class EntryError:
    """One entry: its name, both derivatives, and how it was decided.

    layer, row, column : Theta(layer)[row, column] (layer from 1, row and column from 0) for
        theta_vec with layer sizes, else None
    status : "agrees", "wrong", "kink", "unsettled", or "disagrees" (not refined: the check had
        already failed)
    bound : the numerical side's error bound (eps = "auto"), else None
    """

    index: int
    layer: int | None
    row: int | None
    column: int | None
    numerical: float
    analytical: float
    label: str = ""
    status: str = "agrees"
    bound: float | None = None
    evidence: str = ""

    @property
    def abs_error(self):
        return abs(self.numerical - self.analytical)

    @property
    def rel_error(self):
        scale = max(abs(self.numerical), abs(self.analytical))
        return self.abs_error / scale if scale > 0 else 0.0

    @property
    def name(self):
        return self.label or f"theta_vec[{self.index}]"

    def __str__(self):
        bound = f", bound {self.bound:.2g}" if self.bound is not None else ""
        return (f"{self.name}: numerical {self.numerical:.10g}, analytical {self.analytical:.10g}, "
                f"{'wrong by' if self.status in ('wrong', 'disagrees') else 'error'} {self.abs_error:.3g}{bound} "
                f"({self.rel_error:.3g} relative)")


@dataclass(frozen=True)
class PartError:
    """One part: Theta(layer)'s bias column or weights, or one whole array (part "all").

    status : "ok", "wrong" or "cannot tell"; passed : status == "ok"
    relative_difference : the course's figure over the part (directional: along the part's direction)
    """

    layer: int | None
    part: str
    size: int
    relative_difference: float
    max_abs_error: float
    passed: bool
    block: str = ""
    status: str = "ok"

    def __str__(self):
        name = f"{self.block} {self.part}" if self.part != "all" else self.block
        return (f"{name:<17} ({self.size:>4} entries): relative difference {self.relative_difference:.3g}, "
                f"largest error {self.max_abs_error:.3g}  {'ok' if self.passed else self.status.upper()}")


@dataclass(frozen=True, eq=False)
class GradientCheckReport:
    """What :func:`check_gradients` found. ``print(report)`` shows it like the course, then more.

    verdict, reason : "passed", "failed" or "cannot tell", and why
    passed : verdict == "passed"
    method, step : the method, and eps (h for the complex step; "auto" for the automatic steps)
    numerical, analytical : the two columns, per entry (directional: per direction, the slope along
        u against u . grad)
    bounds : per row, the numerical side's error bound (eps = "auto"), else None
    relative_difference : the course's norm(numerical - analytical) / norm(numerical + analytical),
        with each refined row at the step that decided it
    tolerance, tolerance_reason : the bound on relative_difference and why
    parts : per layer part (or per array), :class:`PartError`
    worst : the entries that matter most (the wrong ones when it failed), :class:`EntryError`
    refined : every row decided by shorter steps, :class:`EntryError` with its evidence
    diagnoses : for each failing block, the likely cause (:class:`manual_backprop.diagnosis.Diagnosis`)
    n_evaluations : cost evaluations of the numerical side (the analytical call not counted)
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
    verdict: str
    reason: str
    n_evaluations: int
    n_parameters: int
    layer_sizes: tuple | None = None
    parts: tuple = ()
    worst: tuple = ()
    refined: tuple = ()
    diagnoses: tuple = ()
    step: object = 1e-4
    bounds: np.ndarray | None = field(default=None, repr=False)
    directions: np.ndarray | None = field(default=None, repr=False)
    upcast_from: str | None = None
    gradient_dtype: str = "float64"
    notes: tuple = ()
    blocks: tuple = field(default=(), repr=False)

    @property
    def passed(self):
        return self.verdict == "passed"

    @property
    def failing_parts(self):
        return tuple(p for p in self.parts if p.status == "wrong")

    @property
    def kinks(self):
        """The refined rows left on a kink (cannot tell)."""
        return tuple(e for e in self.refined if e.status == "kink")

    def format(self, max_rows=None):
        """The report as text; ``max_rows`` limits the two columns (all rows by default)."""
        lines = [self._title()]
        if self.upcast_from:
            lines.append(f"(the parameters were {self.upcast_from}, upcast to float64 for the numerical side)")
        left, right = ("numerical", "analytical") if self.method != "directional" else ("slope along u", "u . grad")
        auto = self.bounds is not None
        lines.append(f"{left:>16} {right:>16}" + (f" {'bound':>9}" if auto else ""))
        rows = len(self.numerical) if max_rows is None else min(max_rows, len(self.numerical))
        for k in range(rows):
            bound = f" {self.bounds[k]:9.2g}" if auto else ""
            lines.append(f"{self.numerical[k]:16.10f} {self.analytical[k]:16.10f}{bound}")
        if rows < len(self.numerical):
            lines.append(f"{'...':>16} ({len(self.numerical) - rows} more rows)")
        lines += ["The above two columns you get should be very similar.",
                  "(Left: numerical gradient, right: analytical gradient)", "",
                  "If your backpropagation implementation is correct, then",
                  f"the relative difference will be small (less than {self.tolerance:g}).", ""]
        lines.append(f"Relative Difference: {self.relative_difference:.6g}")
        lines.append(f"Largest error: {self.max_abs_error:.3g} absolute, {self.max_rel_error:.3g} relative")
        lines.extend(self.notes)
        if self.parts:
            lines += ["", "By part (layer l is Theta(l), counted from 1 as in the course; rows and columns from 0):"
                      if self.layer_sizes else "By part (entries counted from 0):"]
            lines.extend(f"  {part}" for part in self.parts)
        if self.worst:
            lines += ["", "Wrong entries:" if self.verdict == "failed" else "Largest errors:"]
            lines.extend(f"  {entry}" for entry in self.worst)
        if self.refined:
            lines += ["", f"Decided by shorter steps ({len(self.refined)}):"]
            lines.extend(f"  {entry.name}: {entry.status}: {entry.evidence}" for entry in self.refined[:20])
            if len(self.refined) > 20:
                lines.append(f"  ... ({len(self.refined) - 20} more)")
        if self.diagnoses:
            lines += ["", "Diagnosis:"]
            lines.extend(f"  {d}" for d in self.diagnoses)
        lines += ["", f"{self.verdict.upper()}: {self.reason} ({self.n_evaluations} cost evaluations)"]
        return "\n".join(lines)

    def _title(self):
        step = "eps = auto" if self.step == "auto" else f"eps = {self.step:g}"
        what = {"central": f"central differences, {step}",
                "directional": f"{len(self.numerical)} directional differences, {step}",
                "complex": f"complex step, h = {self.step}"}[self.method]
        shape = f"network {'-'.join(map(str, self.layer_sizes))}, " if self.layer_sizes else ""
        return f"Gradient check ({what}): {shape}{self.n_parameters} parameter{'' if self.n_parameters == 1 else 's'}, cost J = {self.cost:.10g}"

    def __str__(self):
        return self.format()

    def plot(self, path):
        """One PNG at ``path``: per weight matrix (or array), the error of each entry as a heat map.

        The colour is log10 |numerical - analytical|; wrong entries are outlined, the bias column
        (column 0 of a Theta(l)) is marked, so a row or column pattern shows at a glance. Needs
        matplotlib (the ``train`` extra) and per-entry numbers (not the directional method).
        """
        if self.method == "directional":
            raise ValueError("the directional method has no per-entry errors to plot; check with "
                             "method='central' or 'complex'")
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        blocks = self.blocks or (("theta_vec", np.arange(self.n_parameters).reshape(1, -1), False),)
        errors = np.abs(self.numerical - self.analytical)
        floor = max(float(errors[errors > 0].min()) if (errors > 0).any() else 1e-17, 1e-17)
        wrong = {e.index for e in self.worst + self.refined if e.status in ("wrong", "disagrees")}
        figure, axes = plt.subplots(1, len(blocks), figsize=(4.5 * len(blocks), 4), squeeze=False)
        for axis, (name, indices, bias) in zip(axes[0], blocks):
            indices = np.atleast_2d(indices)
            image = axis.imshow(np.log10(np.maximum(errors[indices], floor)), cmap="viridis", aspect="auto",
                                vmin=np.log10(floor), vmax=np.log10(max(errors.max(), floor * 10)))
            for (row, column), k in np.ndenumerate(indices):
                if int(k) in wrong:
                    axis.add_patch(plt.Rectangle((column - 0.5, row - 0.5), 1, 1, fill=False, color="red", lw=2))
            axis.set_xticks(range(indices.shape[1]))
            axis.set_yticks(range(indices.shape[0]))
            if bias:
                axis.axvline(0.5, color="white", lw=2)
                axis.set_xticklabels(["bias"] + [str(c) for c in range(1, indices.shape[1])])
            axis.set_title(f"{name}: log10 |error|")
            axis.set_xlabel("column")
            axis.set_ylabel("row")
            figure.colorbar(image, ax=axis)
        figure.suptitle(f"{self.verdict.upper()} ({self.method}): relative difference {self.relative_difference:.3g}, "
                        f"wrong entries outlined", fontsize=9)
        figure.tight_layout()
        figure.savefig(path, dpi=100)
        plt.close(figure)
        return path


# ---------------------------------------------------------------------------------------------
# The check


class _Counted:
    """The cost on the vector, counting its evaluations."""

    def __init__(self, J, layout):
        self.J, self.layout, self.calls = J, layout, 0

    def __call__(self, theta):
        self.calls += 1
        return self.J(self.layout.structure(theta))


def check_gradients(cost_fn, theta_vec, layer_sizes=None, *, method="central", cost=None, rng=None, **options):
    """Check the gradient that ``cost_fn`` returns against numerical differences of J.

    Parameters
    ----------
    cost_fn : callable, parameters -> (J, gradient), like the course's costFunc (e.g. ``lambda t:
        nn_cost_function(t, layer_sizes, X, y, lam)``); the gradient has the parameters' form
    theta_vec : array (P,), or a list or dict of arrays (then ``cost_fn`` takes and returns that form)
    layer_sizes : (s_1, ..., s_L), optional with theta_vec: the report then goes by layer, bias column
        and weights, and names entries Theta(l)[row, column]
    method : "central" (default), "directional" or "complex"
    cost : callable, parameters -> J, optional: J alone for the numerical side (e.g. ``nn_cost``);
        it must equal ``cost_fn(...)[0]`` at theta to the rounding of J. For "complex" it takes complex input.
    rng : numpy.random.Generator of the random directions (a fresh one when omitted)
    **options : the fields of :class:`CheckOptions` (eps, h, n_directions, n_worst, max_wrong, lam, m)

    Returns
    -------
    :class:`GradientCheckReport`: ``report.verdict``, ``report.passed``, ``print(report)``.

    Raises
    ------
    ValueError : an unknown method or option value, parameters that do not fit layer_sizes, or a
        ``cost`` whose J at theta differs from ``cost_fn``'s (both values named)
    TypeError : cost_fn not returning (J, gradient), a gradient neither float64 nor float32, a float32 cost
    NotComplexSafeError : the complex method on a cost that is not complex-safe
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    opts = CheckOptions.of(options)
    layout = layout_of(theta_vec, layer_sizes)
    if method == "directional" and not layout.parts and opts.n_directions < 1:
        raise ValueError("n_directions must be at least 1 without layer parts (no layer sizes), got "
                         f"{opts.n_directions}")
    rng = np.random.default_rng() if rng is None else rng
    theta = layout.theta
    J_fn, grad = _analytical(cost_fn, layout)
    J = _Counted(cost if cost is not None else (lambda params: cost_fn(params)[0]), layout)
    J0 = cost_value(J, theta)
    if cost is not None:
        _same_J(J0, J_fn)
    check = _Check(method, opts, layout, J, J0, grad.astype(np.float64), np.dtype(grad.dtype), rng)
    return check.run()


def _analytical(cost_fn, layout):
    result = cost_fn(layout.structure(layout.theta.copy()))
    if not (isinstance(result, tuple) and len(result) == 2):
        raise TypeError("cost_fn must return (J, grad_vec), like the course's costFunc; "
                        f"got {type(result).__name__}")
    J_fn, grad = result
    grad = layout.vector(grad, "the gradient cost_fn returned")
    if grad.shape != layout.theta.shape:
        raise ValueError(f"cost_fn returned a gradient of shape {grad.shape} for parameters of shape "
                         f"{layout.theta.shape}")
    if grad.dtype not in (np.float32, np.float64):
        raise TypeError(f"cost_fn returned a gradient of dtype {grad.dtype}; it must be float64 or float32")
    if not np.isfinite(grad).all():
        raise FloatingPointError(f"cost_fn returned a gradient with {np.count_nonzero(~np.isfinite(grad))} "
                                 "non-finite entries")
    return J_fn, grad


def _same_J(J0, J_fn):
    """One J for everything: cost(theta) must be cost_fn(theta)[0] up to the rounding of J."""
    dtype = np.asarray(J_fn).dtype
    same = threshold("same_J", dtype if dtype.kind == "f" else np.float64)
    J_fn = float(np.real(J_fn))
    if not abs(J0 - J_fn) <= same.rtol * max(abs(J0), abs(J_fn)):
        raise ValueError(f"cost and cost_fn disagree at theta: cost(theta) = {J0!r} but cost_fn(theta)[0] = "
                         f"{J_fn!r} (relative difference {abs(J0 - J_fn) / max(abs(J0), abs(J_fn)):.3g}, more "
                         f"than the rounding of J, {same.rtol:g}): they are not the same J, so no gradient check "
                         "of one against the other means anything")


class _Check:
    """One run of the check: the first pass, the refinement of what disagrees, the verdict."""

    def __init__(self, method, opts, layout, J, J0, grad, dtype, rng):
        self.method, self.opts, self.layout, self.J, self.J0 = method, opts, layout, J, J0
        self.grad, self.dtype, self.rng = grad, dtype, rng
        self.rho = threshold("rounding_of_J").atol * max(1.0, abs(J0))
        self.tol = threshold(method, dtype)
        self.real_tol = threshold("central", dtype)  # real differences, also for the complex method
        self.notes = []
        self.unconfirmed = None
        self.steps = {}  # row -> the step whose difference decided it (the first pass's, or a refinement's)

    def allowed(self, tol):
        floor = tol.atol * max(1.0, abs(self.J0))
        return lambda a, c: tol.rtol * max(abs(a), abs(c)) + floor

    def run(self):
        if self.method == "directional":
            rows = self._directional_rows()
        else:
            rows = self._coordinate_rows()
        return self._report(*rows)

    # --- the first pass, per coordinate or per direction

    def _coordinate_rows(self):
        """(numerical, analytical, bounds, lines, first steps, None), one row per coordinate."""
        theta, P, eps = self.layout.theta, self.layout.theta.size, self.opts.eps
        steps, bounds = np.full(P, 1e-4 if eps == "auto" else eps), None
        if self.method == "complex":
            numerical, analytical = complex_step_gradient(self.J, theta, self.opts.h), self.grad.copy()
            self._confirm_complex_step(numerical)
        elif eps == "auto":
            numerical, analytical, bounds = np.empty(P), np.empty(P), np.empty(P)
            for k in range(P):
                steps[k], bounds[k], numerical[k], analytical[k] = auto_step(self._line(k), self.rho)
        else:
            numerical, analytical = compute_numerical_gradient(self.J, theta, eps), self.grad.copy()
        return numerical, analytical, bounds, list(range(P)), steps, None

    def _directional_rows(self):
        """(numerical, analytical, bounds, lines, first steps, U), one row per direction u (rows of U)."""
        P, eps = self.layout.theta.size, self.opts.eps
        U = [random_unit_directions(P, self.opts.n_directions, self.rng)] if self.opts.n_directions else []
        U = np.vstack(U + [random_unit_directions(P, 1, self.rng, support=part.indices)
                           for part in self.layout.parts])
        steps, bounds = np.full(len(U), 1e-4 if eps == "auto" else eps), None
        if eps == "auto":
            numerical, analytical, bounds = np.empty(len(U)), np.empty(len(U)), np.empty(len(U))
            for i, u in enumerate(U):
                steps[i], bounds[i], numerical[i], analytical[i] = auto_step(self._line(u), self.rho)
        else:
            numerical = np.array([directional_difference(self.J, self.layout.theta, u, eps) for u in U])
            analytical = U @ self.grad
        return numerical, analytical, bounds, list(U), steps, U

    def _line(self, v):
        return Line(self.J, self.layout.theta, v, self.grad, self.J0)

    def _confirm_complex_step(self, numerical):
        """Real differences along one random direction must confirm the complex-step gradient."""
        u = random_unit_directions(self.layout.theta.size, 1, self.rng)[0]
        line = Line(self.J, self.layout.theta, u, numerical, self.J0)
        allowed = self.allowed(threshold("central"))
        eps = 1e-4 if self.opts.eps == "auto" else self.opts.eps
        (J_plus, p_plus), (J_minus, p_minus) = line.point(eps), line.point(-eps)
        slope, predicted = (J_plus - J_minus) / (2 * eps), (p_plus - p_minus) / (2 * eps)
        if abs(slope - predicted) <= allowed(predicted, slope):
            return
        refined = refine(line, eps, self.rho, allowed)
        if refined.outcome == "wrong":
            raise NotComplexSafeError(
                "the cost is not complex-safe: along a random unit direction u the complex-step gradient gives "
                f"u . grad = {predicted:.10g}, but real differences say: {refined.evidence}. Some operation "
                "(abs, maximum, a comparison, np.real) is not analytic: use central differences")
        if refined.outcome != "agrees":
            self.notes.append(f"(the complex step could not be confirmed by real differences along a random "
                              f"direction: {refined.evidence})")
            self.unconfirmed = refined.evidence

    # --- refinement and verdict

    def _decide(self, index, v, first_step, numerical, analytical, allowed):
        """Refine one disagreeing row: (status, evidence, settled numerical, settled analytical)."""
        refined = refine(self._line(v), first_step, self.rho, allowed)
        status = refined.outcome
        self.steps[index] = refined.steps[-1].s
        if self.method == "complex":
            # The complex step is exact on an analytic piece of J: its disagreement stands unless real
            # differences show theta on a kink (where the piece it differentiated is ambiguous).
            if status != "kink" and not (status == "agrees" and refined.kink_seen):
                return ("wrong", f"the complex step (exact to rounding) gives {numerical:.15g}, analytical "
                        f"{analytical:.15g}; real differences: {refined.evidence}", numerical, analytical)
        return status, refined.evidence, refined.numerical, refined.analytical

    def _report(self, numerical, analytical, bounds, lines, first, U):
        tol = self.tol
        if bounds is not None:
            safety = threshold("auto_bound").rtol
            grad_rounding = tol.rtol if self.dtype == np.float32 else 0.0
            allowed_of = lambda i: (lambda a, c: safety * bounds[i] + grad_rounding * max(abs(a), abs(c)))  # noqa: E731
        else:
            allowed_of = lambda i: self.allowed(tol)  # noqa: E731
        refine_allowed = lambda i: allowed_of(i) if bounds is not None else self.allowed(self.real_tol)  # noqa: E731
        n = len(numerical)
        allowed = np.array([allowed_of(i)(analytical[i], numerical[i]) for i in range(n)])
        errors = np.abs(numerical - analytical)
        disagree = np.flatnonzero(errors > allowed)
        status = np.array(["agrees"] * n, dtype=object)
        evidence = [""] * n
        settled_num, settled_ana = numerical.copy(), analytical.copy()
        self.steps = dict(enumerate(first))
        n_wrong = 0
        for i in disagree[np.argsort(-errors[disagree], kind="stable")]:
            if n_wrong >= self.opts.max_wrong:
                status[i] = "disagrees"
                evidence[i] = "not refined: the check had already failed"
                continue
            status[i], evidence[i], settled_num[i], settled_ana[i] = self._decide(
                i, lines[i], first[i], numerical[i], analytical[i], refine_allowed(i))
            n_wrong += status[i] == "wrong"
        relative = relative_difference(settled_num, settled_ana)
        verdict, reason = self._verdict(status, evidence, relative, disagree, bounds)
        return self._assemble(numerical, analytical, bounds, allowed, status, evidence, settled_num,
                              settled_ana, relative, verdict, reason, U)

    def _verdict(self, status, evidence, relative, disagree, bounds):
        names = self._row_names(len(status))
        wrong = [i for i in range(len(status)) if status[i] in ("wrong",)]
        if wrong:
            more = sum(1 for s in status if s == "disagrees")
            others = f" (and {more} more disagreeing, not refined)" if more else ""
            what = ("entry", "entries") if self.method != "directional" else ("direction", "directions")
            listed = "; ".join(names(i) for i in wrong[:3]) + ("; ..." if len(wrong) > 3 else "")
            return "failed", (f"{len(wrong)} {what[len(wrong) > 1]} wrong{others} (each disagrees at every "
                              f"step, or matches neither side of a kink): {listed}")
        undecided = [i for i in range(len(status)) if status[i] in ("kink", "unsettled")]
        if undecided:
            return "cannot tell", (f"{len(undecided)} undecided, e.g. {names(undecided[0])}: "
                                   f"{evidence[undecided[0]]}")
        if self.unconfirmed:
            return "cannot tell", f"the complex step is unconfirmed: {self.unconfirmed}"
        if bounds is not None:
            return "passed", (f"every {'entry' if self.method != 'directional' else 'direction'} agrees within "
                              f"{threshold('auto_bound').rtol:g} times its error bound; relative difference "
                              f"{relative:.3g}")
        if relative <= self.tol.rtol:
            refined = f", {len(disagree)} decided by shorter steps" if len(disagree) else ""
            return "passed", f"relative difference {relative:.3g} <= {self.tol.rtol:g}{refined}"
        return "cannot tell", (f"every entry agrees to within the rounding floor {self.tol.atol:g} max(1, |J|), "
                               f"but the relative difference {relative:.3g} > {self.tol.rtol:g}: the gradient is "
                               "too small for differences to judge it")

    def _row_names(self, n):
        if self.method == "directional":
            parts = self.layout.parts
            n_random = n - len(parts)
            return lambda i: (f"random direction {i}" if i < n_random else
                              f"the direction within {_part_name(parts[i - n_random])}")
        return self.layout.name

    def _assemble(self, numerical, analytical, bounds, allowed, status, evidence, settled_num, settled_ana,
                  relative, verdict, reason, U):
        layout, names = self.layout, self._row_names(len(numerical))
        errors = np.abs(settled_num - settled_ana)
        scale = np.maximum(np.abs(settled_num), np.abs(settled_ana))
        floor = self.tol.atol * max(1.0, abs(self.J0))
        rel = np.where(scale > floor, errors / np.where(scale > 0, scale, 1.0), 0.0)

        def entry(i):
            block, position = layout.locate(i) if U is None else (None, ())
            layer = block.layer if block is not None else None
            row, column = (position if layer is not None else (None, None))
            return EntryError(int(i), layer, row, column, float(settled_num[i]), float(settled_ana[i]),
                              label=names(i), status=str(status[i]),
                              bound=None if bounds is None else float(bounds[i]), evidence=evidence[i])

        refined = tuple(entry(i) for i in range(len(status)) if evidence[i] and status[i] != "disagrees")
        bad = [i for i in range(len(status)) if status[i] in ("wrong", "disagrees")]
        order = sorted(bad, key=lambda i: -errors[i]) if verdict == "failed" else \
            list(np.argsort(-errors, kind="stable"))
        worst = [entry(i) for i in order[:self.opts.n_worst] if errors[i] > 0]
        parts, diagnoses = self._parts(settled_num, settled_ana, status, allowed, U)
        if verdict == "failed" and U is not None and worst:
            worst = [self._bisect(U, settled_num, settled_ana, status)]
        blocks = tuple((b.name, b.indices, b.bias_column) for b in layout.blocks) if U is None else ()
        return GradientCheckReport(
            method=self.method, cost=self.J0, numerical=settled_num, analytical=settled_ana,
            relative_difference=relative, max_abs_error=float(errors.max(initial=0.0)),
            max_rel_error=float(rel.max(initial=0.0)), tolerance=self.tol.rtol, tolerance_reason=self.tol.reason,
            verdict=verdict, reason=reason, n_evaluations=self.J.calls, n_parameters=layout.theta.size,
            layer_sizes=layout.layer_sizes, parts=parts, worst=tuple(worst), refined=refined,
            diagnoses=diagnoses, step=self.opts.h if self.method == "complex" else self.opts.eps,
            bounds=bounds, directions=U, upcast_from=layout.upcast_from, gradient_dtype=str(self.dtype),
            notes=tuple(self._dtype_note() + self.notes), blocks=blocks)

    def _dtype_note(self):
        if self.dtype == np.float64:
            return []
        return [f"(The analytical gradient is {self.dtype}: its own rounding puts a correct one up to ~"
                f"{self.tol.rtol:g} from the exact gradient, so it is judged by the {self.dtype} bound "
                f"{self.tol.rtol:g}, not by the float64 bound {threshold(self.method).rtol:g}, which no "
                f"correct {self.dtype} gradient can meet.)"]

    def _parts(self, numerical, analytical, status, allowed, U):
        layout, parts = self.layout, []
        if U is not None:
            offset = len(U) - len(layout.parts)
            for j, part in enumerate(layout.parts):
                i = offset + j
                state = {"agrees": "ok", "wrong": "wrong", "disagrees": "wrong"}.get(status[i], "cannot tell")
                parts.append(PartError(part.layer, part.part, part.indices.size,
                                       relative_difference(numerical[i:i + 1], analytical[i:i + 1]),
                                       float(abs(numerical[i] - analytical[i])), state == "ok",
                                       part.block.name, state))
            return tuple(parts), ()
        failing_blocks = {}
        for part in layout.parts:
            states = set(status[part.indices])
            state = "wrong" if states & {"wrong", "disagrees"} else \
                "cannot tell" if states & {"kink", "unsettled"} else "ok"
            num, ana = numerical[part.indices], analytical[part.indices]
            parts.append(PartError(part.layer, part.part, part.indices.size, relative_difference(num, ana),
                                   float(np.abs(num - ana).max(initial=0.0)), state == "ok", part.block.name, state))
            if state == "wrong":
                failing_blocks.setdefault(part.block.name, (part.block, []))[1].append(part)
        diagnoses = []
        for block, failing in failing_blocks.values():
            columns = None if len(failing) > 1 or failing[0].columns is None else failing[0].columns
            region = failing[0].region if len(failing) == 1 else "all entries"
            idx = block.indices
            diagnoses.append(diagnose(block.name, region, numerical[idx], analytical[idx], layout.theta[idx],
                                      columns=columns, noise=allowed[idx], lam=self.opts.lam, m=self.opts.m,
                                      bias_column=block.bias_column))
        return tuple(parts), tuple(diagnoses)

    def _bisect(self, U, numerical, analytical, status):
        """A wrong entry from a wrong direction: halve its support, keep the half that errs more.

        Each half's error e(u_h) = slope along u_h - u_h . grad is measured at the step s that decided
        the direction wrong (a refinement's last step, where the difference has settled), not at eps:
        at a long step on a curved J the truncation of a right half can outweigh the error of the wrong
        one. ``numerical`` and ``analytical`` are the rows' slopes at those steps. Two directional
        differences per halving, and one for the entry found.
        """
        theta = self.layout.theta
        wrong = [i for i in range(len(U)) if status[i] in ("wrong", "disagrees")]
        offset = len(U) - len(self.layout.parts)
        in_parts = [i for i in wrong if i >= offset]
        i = max(in_parts or wrong, key=lambda i: abs(numerical[i] - analytical[i]))
        u, s, error = U[i], float(self.steps[i]), abs(numerical[i] - analytical[i])
        # The shortest step at which the rounding of J, rho / s, is a tenth of the error hunted (not
        # below 1e-8): the truncation of every half is then as small as the rounding lets it be.
        if error > 0:
            s = min(s, max(10 * self.rho / error, threshold("smallest_step").atol))
        support = np.flatnonzero(u)
        while support.size > 1:
            halves = []
            for half in (support[: support.size // 2], support[support.size // 2:]):
                u_h = np.zeros_like(u)
                u_h[half] = u[half]
                halves.append((abs(directional_difference(self.J, theta, u_h, s) - u_h @ self.grad), half, u_h))
            (error1, first, u1), (error2, second, u2) = halves
            support, u = (first, u1) if error1 >= error2 else (second, u2)
        k = int(support[0])
        e_k = np.zeros_like(u)
        e_k[k] = 1.0
        block, position = self.layout.locate(k)
        layer = block.layer if block is not None else None
        row, column = position if layer is not None else (None, None)
        numerical_k = directional_difference(self.J, theta, e_k, s)
        return EntryError(k, layer, row, column, float(numerical_k), float(self.grad[k]),
                          label=self.layout.name(k), status="wrong", evidence=f"found by bisection at step {s:.0e}")


def _part_name(part):
    return part.block.name if part.part == "all" else f"{part.block.name} {part.region}"


# ---------------------------------------------------------------------------------------------
# The course's checkNNGradients, and one layer's backward


def check_nn_gradients(lam=0.0, *, method="central", **options):
    """The course's checkNNGradients: check nn_cost_function on the small 3-5-3 debug network.

    3 inputs, 5 hidden units, 3 outputs, m = 5 examples, weights and X from
    debug_initialize_weights (:func:`manual_backprop.debug.debug_network`): theta_vec (38,), X (5, 3).

    Parameters
    ----------
    lam : float >= 0, lambda of the cost
    method : "central" (the course's), "directional" or "complex"
    **options : ``rng`` and the fields of :class:`CheckOptions`; lam and m are passed to the diagnosis

    Returns
    -------
    :class:`GradientCheckReport` (``print`` it for the course's output).
    """
    theta_vec, layer_sizes, X, y = debug_network()
    options = {"lam": lam, "m": X.shape[0], **options}
    return check_gradients(lambda t: nn_cost_function(t, layer_sizes, X, y, lam), theta_vec, layer_sizes,
                           method=method, cost=lambda t: nn_cost(t, layer_sizes, X, y, lam), **options)


def check_vjp(f, vjp, x, upstream, *, method="central", rng=None, **options):
    """Check one layer's backward pass: a vector-Jacobian product with an upstream gradient.

    CS231n's eval_numerical_gradient_array: the backward pass must return the gradient of
    J(x) = sum(f(x) * upstream), which is J^T upstream for the Jacobian J of f.

    Parameters
    ----------
    f : callable, x -> array y (the forward pass)
    vjp : callable, (x, upstream) -> dx, the backward pass, in x's form
    x : array, or a list or dict of arrays (e.g. {"x": x, "W": W, "b": b}), entries named after them
    upstream : array of y's shape, dJ/dy
    method, rng, **options : as for :func:`check_gradients`

    Returns
    -------
    :class:`GradientCheckReport`, entries named "x[1, 2]" (or after the keys of a dict).
    """
    upstream = np.asarray(upstream, dtype=np.float64)
    params = x if isinstance(x, (dict, list, tuple)) else {"x": x}

    def J(p):
        y = np.asarray(f(p if isinstance(x, (dict, list, tuple)) else p["x"]))
        if y.shape != upstream.shape:
            raise ValueError(f"upstream must have the shape of f(x), {y.shape}, got {upstream.shape}")
        if y.dtype.kind == "f" and y.dtype.itemsize < 8:
            # J would be float64 carrying y's float32 digits, rounding the checker cannot see
            raise TypeError(f"f returned {y.dtype} values; numerical derivatives need the forward pass in "
                            "float64 (float32 rounding, u |J| / eps ~ 6e-8 / 1e-4 ~ 6e-4 relative, is far "
                            "above the course's 1e-9)")
        return np.sum(y * upstream)

    def cost_fn(p):
        J_p = J(p)  # before the backward pass: a wrong upstream shape is named, not broadcast
        dx = vjp(p if isinstance(x, (dict, list, tuple)) else p["x"], upstream)
        return J_p, (dx if isinstance(x, (dict, list, tuple)) else {"x": dx})

    return check_gradients(cost_fn, params, method=method, cost=J, rng=rng, **options)
