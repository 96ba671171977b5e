"""Deciding a disagreement: step refinement along one line, and the step that minimises the error.

The first pass of a gradient check compares one central difference per coordinate (or direction)
with the analytical slope. When they disagree, one difference cannot say why: the gradient may be
wrong, or J may have a kink within the step (a ReLU input near 0), or J''' may be large. Shorter
steps tell them apart, on the line phi(t) = J(theta + t v) with v a coordinate e_k or a unit u:

* a wrong derivative disagrees at every step, and the central differences c(s) settle (c(s) and
  c(s / 10) agree) away from the analytical value;
* a kink at distance d stops disagreeing once s < d; while it lies within the step, the one-sided
  asymmetry (phi(s) - 2 phi(0) + phi(-s)) / s keeps a part of the jump in slope instead of
  shrinking like s J'' when s shrinks tenfold;
* a kink that no step down to 1e-8 resolves leaves the one-sided slopes: a right analytical value
  matches the one on its side.

Every judgement allows the rounding at its step, rho / s (rho: the rounding of one evaluation of
J, ``rounding_of_J`` in :mod:`manual_backprop.thresholds`). :func:`refine` returns one of
"agrees", "wrong", "kink" (within the smallest step: cannot tell) or "unsettled" (the rounding at
short steps exceeds the disagreement: cannot tell), with the evidence. :func:`auto_step` is
eps = "auto": an estimate of J''' from four evaluations and the step that minimises truncation
plus rounding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .numerical import cost_value
from .thresholds import threshold

__all__ = ["Line", "Step", "Refined", "refine", "refinement_steps", "auto_step"]


class Line:
    """J on the line theta + t v (v a coordinate index or a direction), and the analytical grad.

    ``point(t)`` returns (J(x), grad . (x - theta)) at x = theta + t v as computed in floating
    point: the analytical prediction uses the step actually taken, so that the rounding of
    theta + t v does not count as a disagreement at short steps. Evaluations are counted.
    """

    def __init__(self, J, theta, v, grad, J0):
        self.J, self.theta, self.v, self.grad, self.J0 = J, theta, v, grad, J0
        self.evaluations = 0

    def point(self, t):
        x = self.theta.copy()
        if isinstance(self.v, (int, np.integer)):
            x[self.v] += t
            predicted = self.grad[self.v] * (x[self.v] - self.theta[self.v])
        else:
            x += t * self.v
            predicted = float(self.grad @ (x - self.theta))
        self.evaluations += 1
        return cost_value(self.J, x, where=f"theta + ({t:g}) v"), predicted


@dataclass(frozen=True)
class Step:
    """The numbers at one step s: central c and analytical a, one-sided slopes, asymmetry, bounds."""

    s: float
    central: float
    analytical: float
    left: float
    right: float
    left_analytical: float
    right_analytical: float
    asymmetry: float
    rounding: float  # rho / s
    allowed: float  # the entry's tolerance at this step

    @property
    def error(self):
        return abs(self.central - self.analytical)

    def __str__(self):
        return (f"s = {self.s:.0e}: numerical {self.central:.10g}, analytical {self.analytical:.10g}, "
                f"error {self.error:.2g} (allowed {self.allowed:.2g}, rounding {self.rounding:.2g}); "
                f"one-sided {self.left:.6g} | {self.right:.6g}")


@dataclass(frozen=True)
class Refined:
    """What the refinement of one line decided, and the numbers it decided on."""

    outcome: str  # "agrees", "wrong", "kink" or "unsettled"
    evidence: str
    steps: tuple
    evaluations: int
    kink_seen: bool = False
    numerical: float | None = None  # the numerical slope that decided (default: the last step's)
    analytical: float | None = None

    def __post_init__(self):
        if self.numerical is None:
            object.__setattr__(self, "numerical", self.steps[-1].central)
            object.__setattr__(self, "analytical", self.steps[-1].analytical)


def refinement_steps(first):
    """first, first / 10, ... down to the smallest step (1e-8), at least two steps below ``first``."""
    smallest = threshold("smallest_step").atol
    steps = [first]
    while steps[-1] / 10 >= smallest * (1 - 1e-12) or len(steps) < 3:
        steps.append(steps[-1] / 10)
    return steps


def _step(line, s, rho, allowed):
    (J_plus, p_plus), (J_minus, p_minus) = line.point(s), line.point(-s)
    J0 = line.J0
    central, analytical = (J_plus - J_minus) / (2 * s), (p_plus - p_minus) / (2 * s)
    return Step(s=s, central=central, analytical=analytical,
                left=(J0 - J_minus) / s, right=(J_plus - J0) / s,
                left_analytical=-p_minus / s, right_analytical=p_plus / s,
                asymmetry=(J_plus - 2 * J0 + J_minus) / s, rounding=rho / s,
                allowed=allowed(analytical, central))


def _kink_between(wide, narrow, rho):
    """The asymmetry does not shrink in proportion to the step: a kink lies within the wider step."""
    tol = threshold("kink_asymmetry")
    scale = max(abs(wide.left), abs(wide.right), abs(narrow.left), abs(narrow.right))
    change = abs(narrow.asymmetry - wide.asymmetry * (narrow.s / wide.s))
    return change > tol.rtol * scale + tol.atol * rho / narrow.s


def _side(step, rho):
    """'left', 'right' or None: which one-sided slope the analytical value matches at this step."""
    tol = threshold("kink_side")
    slack = tol.rtol * abs(step.right - step.left) + tol.atol * rho / step.s + step.allowed
    if abs(step.left - step.left_analytical) <= slack:
        return "left"
    if abs(step.right - step.right_analytical) <= slack:
        return "right"
    return None


def refine(line, first_step, rho, allowed):
    """Decide one disagreeing line by shorter steps; see the module docstring.

    Parameters
    ----------
    line : :class:`Line`
    first_step : the step of the first pass (eps, or the step eps = "auto" chose)
    rho : the rounding of one evaluation of J
    allowed : callable (analytical, numerical) -> the entry's tolerance

    Returns
    -------
    :class:`Refined`; 2 evaluations per step, at most 2 per decade from ``first_step`` to 1e-8.
    """
    confirming = threshold("confirming_step").rtol
    steps, wrong, kinks = [], [], []
    start = line.evaluations
    for j, s in enumerate(refinement_steps(first_step)):
        step = _step(line, s, rho, allowed)
        steps.append(step)
        if j == 0:
            continue
        previous = steps[-2]
        kinks.append(_kink_between(previous, step, rho))
        if step.error <= step.allowed + step.rounding and step.rounding <= confirming * step.allowed:
            how = f"a kink within the step s = {steps[0].s:.0e} (resolved" if any(kinks) else "truncation (resolved"
            return Refined("agrees", f"agrees at step {s:.0e} ({how} by a shorter step): {step}",
                           tuple(steps), line.evaluations - start, any(kinks))
        wrong.append(step.error > step.allowed + step.rounding + abs(step.central - previous.central))
        if len(wrong) >= 2 and wrong[-1] and wrong[-2] and not kinks[-1] and not kinks[-2]:
            return Refined("wrong", f"wrong at every step: the numerical slope settles at {step.central:.10g} "
                           f"(s = {previous.s:.0e}: {previous.central:.10g}) away from the analytical "
                           f"{step.analytical:.10g}, error {step.error:.2g} > allowed {step.allowed:.2g} + "
                           f"rounding {step.rounding:.2g}; no kink (the one-sided asymmetry shrinks with s)",
                           tuple(steps), line.evaluations - start, any(kinks))
    last, before = steps[-1], steps[-2]
    if any(kinks):
        decided = _clean_side(line, steps, first_step, rho, allowed)
        if decided is not None:
            outcome, evidence, numerical, analytical = decided
            return Refined(outcome, evidence, tuple(steps), line.evaluations - start, True, numerical, analytical)
    if kinks[-1]:
        sides = (_side(before, rho), _side(last, rho))
        if sides == (None, None):
            return Refined("wrong", f"on a kink within s = {last.s:.0e}, and the analytical value "
                           f"{last.analytical:.10g} matches neither side: left {last.left:.10g}, right "
                           f"{last.right:.10g} (and at s = {before.s:.0e}: {before.left:.10g}, {before.right:.10g})",
                           tuple(steps), line.evaluations - start, any(kinks))
        side = sides[1] or sides[0]
        return Refined("kink", f"a kink within the step that a step down to {last.s:.0e} does not resolve; "
                       f"the analytical value {last.analytical:.10g} matches the {side} slope "
                       f"(left {last.left:.10g}, right {last.right:.10g})", tuple(steps), line.evaluations - start, any(kinks))
    best = min(steps[1:], key=lambda step: step.error - step.rounding)
    return Refined("unsettled", f"the difference does not settle: error {best.error:.2g} at s = {best.s:.0e} "
                   f"against rounding {best.rounding:.2g} there", tuple(steps), line.evaluations - start, any(kinks))


def _smooth_in_s(steps, slopes, rho):
    """One-sided slopes of a smooth side follow g + b s + c s^2 across the steps, to their rounding."""
    s = np.array([step.s for step in steps])
    noise = 2 * rho / s
    design = np.vstack([np.ones_like(s), s, s ** 2]).T / noise[:, None]
    y = np.asarray(slopes) / noise
    coefficients = np.linalg.lstsq(design, y, rcond=None)[0]
    return np.max(np.abs(design @ coefficients - y)) <= threshold("kink_side_fit").rtol


def _clean_side(line, steps, first_step, rho, allowed):
    """A kink on one side: judge the analytical value on the other side, theta's own piece of J.

    On the side without a kink the one-sided slopes follow g -+ (s / 2) J'' + O(s^2) across the
    steps; on the kink's side they bend like (distance / s) times the jump. When exactly one side is
    smooth, the analytical value must equal the one-sided derivative there, estimated to second order,
    (3 J(0) - 4 J(-t) + J(-2t)) / (2t) (mirrored on the right), at t = first_step and t / 2 and
    extrapolated (Richardson). (outcome, evidence, numerical, analytical), or None when the sides
    cannot be told apart (both smooth: theta on the kink itself; or neither). 4 more evaluations.
    """
    left_smooth = _smooth_in_s(steps, [step.left for step in steps], rho)
    right_smooth = _smooth_in_s(steps, [step.right for step in steps], rho)
    if left_smooth == right_smooth:
        return None
    sign = -1.0 if left_smooth else 1.0
    side, other = ("left", "right") if left_smooth else ("right", "left")

    def second_order(t):
        (J1, p1), (J2, p2) = line.point(sign * t), line.point(sign * 2 * t)
        return sign * (-3 * line.J0 + 4 * J1 - J2) / (2 * t), sign * (4 * p1 - p2) / (2 * t)

    t = first_step
    (wide_value, _), (value, analytical) = second_order(t), second_order(t / 2)
    extrapolated = (4 * value - wide_value) / 3
    truncation = abs(value - wide_value) / 3
    rounding = 16 * rho / t
    tolerance = allowed(analytical, extrapolated)
    error = abs(extrapolated - analytical)
    numbers = (f"{side} derivative {extrapolated:.10g} (second order at t = {t:.0e} and {t / 2:.0e}, extrapolated), "
               f"analytical {analytical:.10g}, error {error:.2g} (allowed {tolerance:.2g}, rounding {rounding:.2g}, "
               f"truncation {truncation:.2g})")
    where = f"a kink on the {other} within s = {steps[0].s:.0e} (the one-sided slopes there bend with 1 / s)"
    if error <= tolerance + rounding + truncation and \
            rounding + truncation <= threshold("confirming_step").rtol * tolerance:
        return "agrees", f"{where}; theta's side agrees: {numbers}", extrapolated, analytical
    if error > tolerance + rounding + truncation:
        return "wrong", f"{where}; theta's side disagrees: {numbers}", extrapolated, analytical
    return None


def auto_step(line, rho):
    """eps = "auto" on one line: (step, bound, central difference, analytical slope).

    J''' from the third difference (phi(2p) - 2 phi(p) + 2 phi(-p) - phi(-2p)) / (2 p^3) at
    p = 1e-3; the step s minimising (s^2 / 6) |J'''| + rho / s is (3 rho / |J'''|)^(1/3), kept
    within [1e-8, p]; the bound is that sum at s. 6 evaluations.
    """
    p = 1e-3
    values = {t: line.point(t)[0] for t in (2 * p, p, -p, -2 * p)}
    third = (values[2 * p] - 2 * values[p] + 2 * values[-p] - values[-2 * p]) / (2 * p ** 3)
    third = max(abs(third), 6 * rho / p ** 3)  # below that the estimate is rounding: s stays at p
    s = min(max((3 * rho / third) ** (1 / 3), threshold("smallest_step").atol), p)
    (J_plus, p_plus), (J_minus, p_minus) = line.point(s), line.point(-s)
    bound = s ** 2 / 6 * third + rho / s
    return s, bound, (J_plus - J_minus) / (2 * s), (p_plus - p_minus) / (2 * s)
