"""The gradient checker's thresholds, each with its reason: the only numbers the checker judges with.

``u`` is the unit roundoff, 2^-53 ~ 1.1e-16 in float64 and 2^-24 ~ 6e-8 in float32. A threshold
keyed by a dtype applies to the analytical gradient of that dtype (the numerical side is always
float64). The repository's tests compare these numbers with their own oracle table
(``reference/tolerances.py``); the library never reads that table.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Threshold", "THRESHOLDS", "threshold"]


class Threshold(NamedTuple):
    """rtol and atol of one judgement, and why they are what they are."""

    rtol: float
    atol: float
    reason: str


_F64, _F32 = np.dtype(np.float64), np.dtype(np.float32)

THRESHOLDS = {
    ("central", _F64): Threshold(
        1e-9, 1e-10,
        "the course's bound on norm(num - grad) / norm(num + grad) with eps = 1e-4: truncation "
        "(eps^2 / 6) J''' ~ 1e-9, rounding u |J| / eps ~ 1e-12 |J|. An entry agrees when "
        "|num - grad| <= rtol max(|num|, |grad|) + atol max(1, |J|): atol is the size below which "
        "an entry's relative error is rounding noise"),
    ("central", _F32): Threshold(
        1e-5, 1e-6,
        "a float32 analytical gradient carries hundreds of roundings of u ~ 6e-8 (measured up to "
        "4.4e-6 relative against float64 backprop), so it is judged at 1e-5, never at the float64 "
        "1e-9 that its own rounding fails"),
    ("directional", _F64): Threshold(
        1e-9, 1e-10,
        "a central difference along a unit direction u against u . grad: the same truncation and "
        "rounding as for central differences, the same bound"),
    ("directional", _F32): Threshold(1e-5, 1e-6, "as for central differences of a float32 gradient"),
    ("complex", _F64): Threshold(
        1e-13, 1e-15,
        "Im J(theta + i h e_k) / h with h = 1e-20 has no subtraction and truncation ~ h^2 ~ 1e-40: "
        "only the rounding of J itself, ~10-100 u; atol (times max(1, |J|)) for entries that are "
        "sums over examples cancelling to ~0"),
    ("complex", _F32): Threshold(1e-5, 1e-6, "as for central differences of a float32 gradient"),
    ("same_J", _F64): Threshold(
        1e-12, 0.0,
        "cost(theta) against cost_fn(theta)[0], relative: the same J computed twice rounds "
        "differently by a few u per term summed (measured <= 4e-16 between nn_cost and "
        "nn_cost_function); 1e-12 is ~10^4 u, yet a lambda off by 1e-4 relative moves J by far more"),
    ("same_J", _F32): Threshold(
        1e-5, 0.0,
        "a float32 J against a float64 cost: ~100 roundings of u ~ 6e-8 (measured 1.3e-7 on the "
        "debug network)"),
    ("rounding_of_J", _F64): Threshold(
        0.0, 16 * 2.0 ** -53,
        "the rounding of one evaluation of J, rho = atol max(1, |J|): J on a line theta + t e_k, "
        "|t| <= 1e-11, deviates from J(theta) + t grad_k by at most 5.2 u |J| (measured over "
        "3-5-3, 20-25-10 and 400-25-10 networks, every activation and output); 16 u leaves a factor 3"),
    ("confirming_step", _F64): Threshold(
        10.0, 0.0,
        "a coordinate confirmed at a step s shorter than eps carries the rounding rho / s: it counts "
        "only while rho / s <= rtol times the entry's tolerance, so a confirmation is never looser "
        "than 11 times the first pass's"),
    ("kink_asymmetry", _F64): Threshold(
        1e-6, 8.0,
        "the one-sided asymmetry a(s) = (J(+s) - 2 J(0) + J(-s)) / s is s J'' on a smooth line, so "
        "a(s / 10) - a(s) / 10 is O(s^3 J'''') plus rounding <= 4.4 rho / (s / 10); at a kink within s "
        "it keeps a fraction of the jump in slope. rtol relative to the largest one-sided slope, atol "
        "in units of rho / (s / 10)"),
    ("kink_side", _F64): Threshold(
        1e-2, 2.0,
        "an analytical value at a kink must match a one-sided slope, (J(+s) - J(0)) / s or "
        "(J(0) - J(-s)) / s, which err by (s / 2) |J''| and 2 rho / s: rtol is a fraction of the "
        "jump |right - left| (above (s / 2) |J''| for s = 1e-8 and jumps beyond 1e-6 |J''|, far below "
        "the jump), atol in units of rho / s"),
    ("kink_side_fit", _F64): Threshold(
        4.0, 0.0,
        "a side of a kink is smooth when its one-sided slopes at steps 1e-4 ... 1e-8 fit "
        "g + b s + c s^2 to within rtol times their rounding 2 rho / s each (rho is 3 times the "
        "measured rounding, so a smooth side stays below ~1.5); the kink's side bends by "
        "(distance / s) times the jump, beyond that for distances above ~1e-13"),
    ("smallest_step", _F64): Threshold(
        0.0, 1e-8,
        "the refinement divides the step by 10 down to 1e-8: below, rounding rho / s ~ 1e-7 |J| "
        "exceeds every gradient entry's tolerance"),
    ("auto_bound", _F64): Threshold(
        10.0, 0.0,
        "eps = 'auto': an entry agrees when |num - grad| <= rtol times its bound (s^2 / 6) |J'''| + "
        "rho / s, J''' estimated from four evaluations at +-1e-3, +-2e-3 (the estimate can be off by "
        "a factor of a few where J''' changes fast)"),
    ("diagnosis_fit", _F64): Threshold(
        1e-3, 0.0,
        "a pattern explains a part's errors when its least-squares fit leaves at most rtol of the "
        "error's norm: planted bugs fit to ~1e-8, the next-best pattern leaves > 10 %"),
}


def threshold(name, dtype=np.float64):
    """The :class:`Threshold` ``name`` for an analytical gradient of ``dtype`` (float64 if only that)."""
    dtype = np.dtype(dtype)
    if (name, dtype) in THRESHOLDS:
        return THRESHOLDS[name, dtype]
    return THRESHOLDS[name, _F64]
