"""Every tolerance the project compares numbers with, in one table, each with its reason.

A tolerance is keyed by the check and the dtype the numbers were computed in. The tests and the
benchmarks read it from here; none writes a number of its own. The library never imports it: its
gradient checker and the command line's symmetry verdict keep their own thresholds
(manual_backprop.thresholds, manual_backprop.train), and tests hold those equal to the entries here.
What rtol and atol bound depends on the entry's ``kind``:

* ``"allclose"``: a and b agree when |a - b| <= atol + rtol |b| elementwise (numpy.allclose);
* ``"scaled"``: |a - b| <= atol + rtol * scale, the scale (a sum of the terms' magnitudes, the
  largest slope, the largest weight...) named in the reason;
* ``"relative_difference"``: rtol bounds the course's norm(a - b) / norm(a + b) over a whole
  gradient; atol, in units of max(1, |J|), is the entry size below which one entry's relative
  error is rounding noise (the gradient checker's floor);
* ``"absolute"``: |a - b| <= atol, rtol unused (0);
* ``"error_bound"``: the comparison the reason spells out, against a running error bound.

Float64 unit roundoff is u = 2^-53 ~ 1.1e-16; float32 has u = 2^-24 ~ 6e-8.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Tolerance", "TOLERANCES", "KINDS", "tolerance"]

KINDS = ("allclose", "scaled", "relative_difference", "absolute", "error_bound")


class Tolerance(NamedTuple):
    """rtol and atol of one check, their reason, and what they bound (``kind``, see the module docstring)."""

    rtol: float
    atol: float
    reason: str
    kind: str = "allclose"


_F64, _F32 = np.dtype(np.float64), np.dtype(np.float32)

TOLERANCES = {
    ("loop_vs_vectorized", _F64): Tolerance(
        1e-12, 1e-15,
        "the same sums of products taken in another order (per example against BLAS blocks): "
        "each result carries a few hundred roundings of u ~ 1e-16 at most; atol covers entries "
        "that cancel to ~0",
    ),
    ("loop_vs_vectorized", _F32): Tolerance(
        1e-4, 1e-6,
        "as for float64 with u ~ 6e-8: float32 backprop by loop against vectorized measured up to "
        "3.2e-5 relative on entries above 1e-2 and 2.3e-6 absolute (300 networks up to 10-20-20-5, "
        "sigmoid and tanh, m = 9); a float32 gradient against the float64 one 4.4e-6 relative and "
        "1e-7 absolute; rtol 1e-4 leaves a factor 3",
    ),
    ("central_difference", _F64): Tolerance(
        1e-9, 1e-10,
        "central differences with eps = 1e-4 against an analytical gradient, by the course's "
        "relative difference norm(num - grad) / norm(num + grad): truncation (eps^2 / 6) J''' "
        "~ 1e-9 relative plus rounding u |J| / eps ~ 1e-12 |J| per entry; rtol is the course's own "
        "bound. atol, in units of max(1, |J|), is the entry size below which a relative error is "
        "rounding noise",
        "relative_difference",
    ),
    ("central_difference", _F32): Tolerance(
        1e-5, 1e-6,
        "refused as a numerical derivative: in float32 central differences err by rounding "
        "u |J| / eps ~ 6e-8 / 1e-4 ~ 6e-4 relative at eps = 1e-4, and by ~1e-5 even at the best "
        "step eps ~ u^(1/3) ~ 4e-3, so they cannot reach the course's 1e-9; the cost must be "
        "evaluated in float64 (float32 theta is upcast). The values are for a float32 analytical "
        "gradient checked against float64 differences: hundreds of roundings of u ~ 6e-8",
        "relative_difference",
    ),
    ("directional_difference", _F64): Tolerance(
        1e-9, 1e-10,
        "a central difference along a unit direction u against u . grad: the same truncation "
        "(eps^2 / 6) D^3J[u, u, u] and rounding u |J| / eps as for central_difference, "
        "compared by the course's relative difference over the directions",
        "relative_difference",
    ),
    ("directional_difference", _F32): Tolerance(
        1e-5, 1e-6,
        "refused as a numerical derivative for the reasons of central_difference at float32; the "
        "values are for a float32 analytical gradient checked against float64 differences",
        "relative_difference",
    ),
    ("complex_step_verification", _F64): Tolerance(
        1e-6, 1e-10,
        "a real central difference along one random unit direction confirms a complex-step "
        "gradient: it errs by ~1e-9 relative (truncation) and ~1e-12 |J| (rounding; atol in units "
        "of max(1, |J|)), so a disagreement beyond 1e-6 of norm(grad) comes from a cost that is "
        "not complex-safe, not from the check. Scale: rtol times norm(grad), atol times max(1, |J|)",
        "scaled",
    ),
    ("kink_asymmetry", _F64): Tolerance(
        1e-6, 1e-13,
        "right minus left one-sided differences, a(s) = (J(+s) - 2 J0 + J(-s)) / s, is s J'' for "
        "a smooth J, so a(eps / 2) - a(eps) / 2 is O(eps^3 J'''') ~ 1e-13 plus rounding ~10 u |J| / eps; "
        "at a kink it keeps half the jump in slope. Relative to the largest one-sided slope; atol "
        "in units of max(1, |J|) / eps",
        "scaled",
    ),
    ("kink_central_jump", _F64): Tolerance(
        1e-3, 1e-13,
        "the central difference at eps against eps / 2 moves by (eps^2 / 8) J''' ~ 1e-9 J''' for a "
        "smooth J, by a sixth of the jump in slope or more when a kink lies about eps / 3 from "
        "theta_k (where the asymmetry test is blind): a loose bound, so that a large J''' is not "
        "taken for a kink. Relative to the largest one-sided slope; atol in units of max(1, |J|) / eps",
        "scaled",
    ),
    ("printed_6_decimals", _F64): Tolerance(
        0.0, 5e-7,
        "a figure published with six decimals is exact to half a unit in the sixth place",
        "absolute",
    ),
    ("complex_step", _F64): Tolerance(
        1e-13, 1e-15,
        "Im J(theta + i h e_k) / h with h = 1e-20 has no subtraction, so no cancellation, and "
        "truncation O(h^2) ~ 1e-40: only the rounding of the cost's own evaluation, ~10-100 u. "
        "atol covers the other side, an analytical gradient entry that is a sum over examples "
        "cancelling to ~1e-5: its absolute rounding is u times the terms, ~1e-17. Elementwise as "
        "numpy.allclose; the gradient checker also takes rtol as its bound on the course's relative "
        "difference and atol, in units of max(1, |J|), as its per-entry floor",
    ),
    ("complex_step", _F32): Tolerance(
        1e-5, 1e-30,
        "refused as a numerical derivative: complex64 carries the cost with u ~ 6e-8 only; the "
        "cost must be evaluated in complex128. The values are for a float32 analytical gradient "
        "checked against a complex128 complex step by the gradient checker: rtol bounds the "
        "relative difference, hundreds of roundings of u ~ 6e-8. atol, the per-entry floor in "
        "units of max(1, |J|), only decides which entries are examined for a kink and which count "
        "in the largest relative error, never the verdict: 1e-30 (in effect none) examines every "
        "entry beyond rtol, at 4 cost evaluations each",
        "relative_difference",
    ),
    ("derivative_from_output", _F64): Tolerance(
        1e-13, 4.5e-16,
        "g'(z) written through the output, g (1 - g) for the sigmoid and 1 - g^2 for tanh, forms "
        "1 - g by cancellation when g is near 1: absolute error up to ~2u = 4.4e-16 there, "
        "a few u relative elsewhere. The entry for g' against an exact derivative too (the complex "
        "step of g, or 1 / cosh^2): those err by a few u relative, so the cancellation in g' sets "
        "the bound (measured 1.2e-16 absolute for the sigmoid, 1.8e-16 for tanh on [-8, 8])",
    ),
    ("manual_vs_autodiff", _F64): Tolerance(
        1e-10, 1e-13,
        "the same derivatives by two routes (hand-written backprop against JAX's reverse or forward "
        "mode, with log_sigmoid / logsumexp costs in place of softplus): tens of roundings of "
        "u ~ 1e-16 per entry, ~1e-14 relative at most when measured; rtol 1e-10 leaves room for "
        "deeper networks. atol covers entries that are sums over examples cancelling to ~0, whose "
        "absolute error is m u times the size of the terms (~1e-15)",
    ),
    ("autodiff_modes", _F64): Tolerance(
        1e-10, 1e-13,
        "JAX reverse mode (one vector-Jacobian sweep) against forward mode (one Jacobian-vector "
        "product per parameter): the same chain rule multiplied in the opposite order, rounding "
        "only, as for manual_vs_autodiff",
    ),
    # --- Reliability at extreme magnitudes (|weights|, |X| up to 1e3, any lambda, float32 or float64):
    # the hand-written gradient against the JAX oracle, relative to a per-problem error bound.
    ("extreme_magnitudes_vs_autodiff", _F64): Tolerance(
        8 * 2.0 ** -53, 2.0,
        "no fixed tolerance fits: an error of u |a| |Theta| in z(l) is a relative error of a "
        "saturated g'(z) ~ e^-|z|, and near-zero gradients of saturated units are known only "
        "absolutely, to an amount that scales with the weights. The comparison is |a - b| <= "
        "rtol |b| + atol (E_lib + E_oracle), E the running error bound of each side "
        "(tests/error_bounds.py: gamma_n sum |terms| per dot product, the largest change of g and "
        "g' over [z - E, z + E], a few ulp per elementwise function, and the smallest normal "
        "number as the absolute floor per operation, which the later products scale by the "
        "problem, also for the oracle's flush of subnormal inputs to zero). atol = 2 is a safety "
        "factor over that first-order bound: over 10000 drawn problems the largest measured "
        "|a - b| / (E_lib + E_oracle) was 1.0, reached only where a ReLU z lies within its "
        "rounding error of the kink and the two sides take different branches (which the bound "
        "allows in full), 0.71 with sigmoid or tanh units (python -m tests.error_bounds 10000); "
        "rtol: a few u for entries the bound puts at 0",
        "error_bound",
    ),
    ("extreme_magnitudes_vs_autodiff", _F32): Tolerance(
        8 * 2.0 ** -24, 2.0,
        "as for float64, with the float32 u = 6e-8 and smallest normal 1.2e-38 in the library's "
        "bound (the oracle works in float64 on the same float32 values)",
        "error_bound",
    ),
    ("same_formula", _F64): Tolerance(
        4e-16, 0.0,
        "two algebraically identical formulas evaluated in float64 (g(z)(1 - g(z)) against "
        "a (1 - a)): at most a couple of roundings apart",
    ),
    ("below_normal_range", _F64): Tolerance(
        4e-16, 2.3e-308,
        "a result below the smallest normal float64 (2.2e-308), such as g(z) = e^z / (1 + e^z) for "
        "z < -709 where e^-z overflows and g(z) is returned as 0: exact to that absolute amount, "
        "a couple of roundings relative above it",
    ),
    # --- The property suite (tests/test_properties.py) and training: networks drawn by manual_backprop.strategies,
    # weights and inputs uniform in [-1, 1], up to 5 layers of up to 12 units, m <= 10.
    ("central_difference_slope", _F64): Tolerance(
        1e-8, 3e-8,
        "one central-difference slope with eps = 1e-4 (along a coordinate e_k, the course's "
        "gradApprox, or a unit direction u) against e_k . DVec or u . DVec: truncation eps^2/6 "
        "D^3J ~ 1.7e-9 |D^3J| plus rounding ~u |J| / eps ~ 1e-11. |D^3J| stayed below 6: largest "
        "error 9.1e-9 over 9,000 small networks (every coordinate) and 2.4e-9 over 2,000 full-size "
        "ones (4 directions each); atol admits |D^3J| up to 18, rtol the larger D^3J that comes "
        "with large slopes",
    ),
    ("regularisation_added", _F64): Tolerance(
        1e-14, 0.0,
        "J and D(l) with lambda against the lambda = 0 values plus the penalty, relative to "
        "|unregularised| + |penalty|: one rounding of the addition, plus the sum of up to ~600 "
        "squared weights taken in another order (pairwise, ~10 u); measured <= 4.1e-16",
        "scaled",
    ),
    ("sum_over_examples", _F64): Tolerance(
        1e-12, 1e-15,
        "a sum over examples regrouped (m J and m DVec against per-example sums, or the examples "
        "permuted), relative to the sum of the terms' magnitudes: BLAS rounds the batch products "
        "and the per-example ones differently, and delta(l) may cancel within a term (measured "
        "<= 8e-13 relative, <= 6e-16 absolute where the terms are tiny)",
        "scaled",
    ),
    ("identical_units", _F64): Tolerance(
        1e-12, 1e-15,
        "units with equal weights compute the same products, but BLAS may round different output "
        "columns differently (fused or separate multiply-add in edge kernels): a few u per product, "
        "carried through up to 5 layers and 4 gradient steps (measured <= 3e-13 relative). Training "
        "(tests/test_train.py, and the command line's symmetry verdict through train.IDENTICAL_UNITS_*, held equal to this entry) compares the largest weight "
        "difference between units with atol + rtol max|theta_vec|: measured 0.0 exactly after 335 "
        "L-BFGS iterations from all-equal weights on the digits (manual-backprop train --init "
        "constant --no-baseline --json) and after 50 on random data, while distinct units differ by ~1",
    ),
    # Training (manual_backprop.train, tests/test_train.py).
    ("separable_cost_after_lbfgs", _F64): Tolerance(
        0.0, 1e-4,
        "on linearly separable data the convex logistic cost has infimum 0 (no minimiser); SciPy's "
        "L-BFGS-B stops once every |dJ/dtheta_k| <= gtol = 1e-5, and for well-fit examples "
        "|h - y| ~ their cost, so J stops at ~1e-5 (measured 2.5e-5 on AND); 1e-4 leaves a factor 4",
        "absolute",
    ),
    # --- The numerical methods' own tests and the gradient checker's kinks and printed report
    # (tests/test_finite_difference.py, tests/test_gradient_check.py; the checker's own copies in manual_backprop.thresholds).
    ("one_sided_slope", _F64): Tolerance(
        0.0, 5e-5,
        "a one-sided difference (J(theta + s e_k) - J(theta)) / s at s = eps / 2 = 5e-5 against the "
        "slope on that side: truncation (s / 2) J'' = 2.5e-5 J'' plus rounding u |J| / s ~ 1e-12 "
        "(measured 2.5000e-5 where J'' = 1); atol admits |J''| up to 2",
        "absolute",
    ),
    ("kink_subgradient", _F64): Tolerance(
        1e-2, 0.0,
        "an analytical value at a kink must lie between the one-sided slopes (a subgradient); those "
        "err by (eps / 4) |J''| ~ 2.5e-5 |J''| each (one_sided_slope), so the interval is widened by "
        "rtol times the jump |right - left|: above that error for jumps beyond 2.5e-3 |J''|, yet "
        "far below the jump, so a value matching neither side still counts as a mismatch",
        "scaled",
    ),
    ("truncation_order", _F64): Tolerance(
        1e-2, 0.0,
        "the errors of central differences at eps = 1e-2 and 1e-3 on a smooth function are "
        "(eps^2 / 6) J''' (1 + O(eps^2)) plus rounding u |J| / eps ~ 1e-13, so their ratio is 100 "
        "to ~1e-4 relative (measured 100.00026); rtol 1e-2 still tells order 2 (100) from 1 or 3",
    ),
    ("unit_norm", _F64): Tolerance(
        1e-15, 0.0,
        "a vector divided by its norm has norm 1 up to the rounding of n squares summed (n u / 2), "
        "a square root and a division: ~3u for n = 3 (measured 2.2e-16); rtol admits n up to ~16",
    ),
    ("printed_10_decimals", _F64): Tolerance(
        0.0, 5e-11,
        "a number printed with ten decimals (the gradient check's columns) is exact to half a unit "
        "in the tenth place",
        "absolute",
    ),
    # --- The core against exact values and against its own plain paths (tests/test_activations.py,
    # test_cost.py, test_forward.py, test_backprop.py, test_properties.py, test_reliability.py).
    ("exact_elementwise", _F64): Tolerance(
        2.0 ** -50, 0.0,
        "a value built from a few elementwise functions of exact inputs (g'(z) = e / (1 + e)^2 with "
        "e = exp(-|z|), 4t / (1 + t)^2, softplus, g(-z)) against the mpmath value rounded to float64: "
        "NumPy's exp and log1p are faithful to ~1-2 ulp and each further operation rounds once, "
        "so 8 u = 2^-50 ~ 8.9e-16 relative; measured at most 3.5 u for g' of the sigmoid and tanh "
        "over 4,000 z in [-700, 700] and [-350, 350], where the true values are normal",
    ),
    ("saturated_vs_exact", _F64): Tolerance(
        8 * 2.0 ** -53, 2.0,
        "the gradient of networks whose units saturate (weights and inputs up to 1e3) against the "
        "exact mpmath gradient: |a - exact| <= atol E_lib + rtol |exact|, E_lib the library's running "
        "error bound (tests/error_bounds.py with g' taken from z): the rounding of z(l), u |a| |Theta| "
        "absolutely, is a relative error of a saturated g'(z) ~ e^-|z| that no algorithm avoids; "
        "atol = 2 is the safety factor over that first-order bound, rtol = 8 u the few ulp that "
        "remain where z is exact (measured: the largest |a - exact| / E_lib was 0.66 for the gradient "
        "and 0.43 for the cost, 400 networks of up to 4 layers of 4 units, weights and inputs "
        "log-uniform in [1, 1e3] with either sign, both methods). Before g' was taken from z, "
        "a (1 - a) made whole layers 100% wrong",
        "error_bound",
    ),
    ("same_sums_regrouped", _F64): Tolerance(
        1e-12, 1e-14,
        "the same z, h or J by another route: the rows in batches (BLAS may pick another kernel "
        "for a few rows, gemv for one) or the bias weights added after the product instead of in "
        "it: each z is the same dot product summed in another order, a few roundings of u times "
        "the terms' magnitudes, damped by g and the output layer (|g'| <= 1) on the way to h and J; "
        "atol covers a z that cancels to near 0, whose error is u times its terms, not times z: "
        "over 1,000 networks of up to 5 layers of 12 units, weights and inputs in [-1, 1], m <= 10, "
        "every activation and output and batch sizes 1-12, the largest difference was 5.3e-15 and "
        "the largest |a - b| / (atol + rtol |b|) 0.063",
    ),
    ("loop_vs_vectorized_regularised", _F64): Tolerance(
        1e-12, 1e-15,
        "as loop_vs_vectorized, relative to |D| + (lambda/m) |Theta|: with lambda up to 1e3, "
        "D(l) = Delta(l)/m + (lambda/m) Theta(l) may cancel to far below its two terms, and its "
        "rounding error is u times the terms, not times D",
        "scaled",
    ),
    # --- Second order (issue 16): H v and G v by the R-operator (manual_backprop.hessian), against
    # the oracles of reference.second_order, in tests/test_hessian.py. Networks as in the property
    # suite, directions v and w uniform in [-1, 1]. Measured by python -m tests.hessian_errors 150 (seed 0)
    # and python -m tests.hessian_errors 300 1 (seed 1): the figures in each reason are the largest over
    # those 450 networks (every activation and output).
    ("hessian_vs_autodiff", _F64): Tolerance(
        1e-13, 0.0,
        "H v (and G v) by hand against JAX forward over reverse (jvp of grad): the same chain rule, "
        "rounded in another order, so rounding only; an entry of H v is a sum over examples and "
        "units that may cancel, so the error is bounded relative to the largest entry of the "
        "oracle's H v (scale = max|desired|), not entry by entry. Measured 1.2e-15 for H v, "
        "1.8e-15 for G v; rtol leaves a factor 50 for the thorough profile's larger draws",
        "scaled",
    ),
    ("hessian_vs_complex_step", _F64): Tolerance(
        1e-13, 0.0,
        "H v against Im grad(theta + i h v) / h, h = 1e-20, JAX's gradient of a holomorphic copy of "
        "the cost: no subtraction, so the rounding of the gradient only, relative to the largest "
        "entry (scale = max|desired|). Measured 1.6e-15; sigmoid and tanh units only",
        "scaled",
    ),
    ("hessian_vs_gradient_difference", _F64): Tolerance(
        1e-9, 0.0,
        "H v against central differences of JAX's gradient along u = v / |v|, step eps = 1e-5, "
        "times |v|: truncation (eps^2 / 6) |D^4 J[u, u, u, .]| ~ 2e-11 |D^4 J| plus rounding "
        "~u |grad| / eps ~ 1e-11, so the error scales with |v| (scale = norm(v)). eps = 1e-5 is "
        "the best measured step: largest error / |v| 7.3e-8 at eps = 1e-3, 7.2e-10 at 1e-4, "
        "1.2e-10 at 1e-5, 1.2e-9 at 1e-6 (ReLU networks only where no hidden z changes sign over "
        "theta +- eps u); rtol leaves a factor 8",
        "scaled",
    ),
    ("hessian_loop_vs_vectorized", _F64): Tolerance(
        1e-13, 0.0,
        "H v (and G v) by the per-example loop against the vectorised passes: the same sums in "
        "another order, relative to the largest entry (scale = max|desired|), since entries that "
        "cancel carry u times the largest terms. Measured 2.3e-15",
        "scaled",
    ),
    ("hessian_linearity", _F64): Tolerance(
        1e-13, 2.3e-308,
        "H (alpha v + beta w) against alpha H v + beta H w: linear passes rounded differently, "
        "relative to max(|alpha H v| + |beta H w|) (the scale). Measured 8.8e-16 (alpha = 0.7, beta = -1.3). "
        "atol: below the normal range (2.2e-308) floats are spaced 4.9e-324 apart and keep no relative "
        "accuracy; beta = 2.2e-311 (drawn by Hypothesis) left an error of one such spacing",
        "scaled",
    ),
    ("hessian_symmetry", _F64): Tolerance(
        1e-14, 0.0,
        "w . H v against v . H w (H is symmetric): two dot products of rounded vectors, relative to "
        "|w| |H v| + |v| |H w| (the scale; Cauchy-Schwarz bounds each side by its term). "
        "Measured 7.7e-17",
        "scaled",
    ),
    ("gauss_newton_psd", _F64): Tolerance(
        1e-14, 0.0,
        "v . G v >= -rtol |v| |G v|: G = J^T H_z J + (lambda/m) I_w is positive semi-definite, so "
        "v . G v is a sum of non-negative terms up to the rounding of one dot product (~P u "
        "relative to |v| |G v| at worst). Measured: never negative, in all 450 networks",
        "scaled",
    ),
    ("saturated_second_derivative", _F64): Tolerance(
        1e-14, 0.0,
        "g'' of a saturated unit against cancellation-free closed forms in e = e^-|z|: "
        "sign(z) e (e - 1) / (1 + e)^3 for the sigmoid (|z| in [20, 700]) and "
        "-2 sign(z) (1 - e^2) / (1 + e^2) (2e / (1 + e^2))^2 for tanh (|z| in [20, 350], where g'' "
        "is still a normal number): each side a handful of roundings of exp and products, a few u "
        "relative; measured 2.1e-16 (sigmoid) and 2.3e-16 (tanh) by "
        "tests/test_hessian.py::test_saturated_units_keep_their_tiny_nonzero_second_derivative's "
        "points. A formula in a = g(z) gives 0 there: 100% wrong",
    ),
    ("hessian_check", _F64): Tolerance(
        1e-6, 0.0,
        "manual_backprop.hessian_check's default bound on the relative difference "
        "norm(num - H v) / norm(num + H v) of each block of H v, num the central difference of the "
        "gradient along u = d / |d| (eps = 1e-5): correct H v measured at <= 1e-10 |v| "
        "(hessian_vs_gradient_difference); a planted R-pass bug gives 1e-2 to 1 in its blocks. "
        "The checker keeps its own copy (the library does not import reference/); "
        "tests/test_hessian.py asserts the two agree",
        "relative_difference",
    ),
    # --- mutation testing: exact checks of the checker's automatic step
    ("auto_step_on_a_cubic", _F64): Tolerance(
        1e-6, 0.0,
        "eps = 'auto' on a cubic J(theta) = theta_0^3 + ..., whose third derivative is 6 exactly: the "
        "step s = (3 rho / 6)^(1/3) comes from a third difference at p = 1e-3, whose rounding is "
        "about u |J| / p^3 ~ 1e-6 of it for |J| <= 8 (a third of that in s); the bound at that s, "
        "(s^2 / 6) 6 + rho / s, is (3/2) rho / s up to a few roundings. Measured over theta_0 in "
        "{0, 0.3, -1.7, 2} and rho from 1e-16 to 1e-11: s within 1.8e-7, the bound within 1e-15",
    ),
    # --- mutation testing: the bound cost function's kept arrays
    ("call_allocation_bytes", _F64): Tolerance(
        0.0, 2.0 ** 18,
        "bytes a call of BoundCost after its first may allocate (tracemalloc's peak) beyond the "
        "grad_vec it returns: NumPy's ufunc buffers for the strided views a(l)[:, 1:] and "
        "Theta(l)[:, 1:], at most 3 operands x np.getbufsize() = 8192 elements x 8 bytes = 196,608, "
        "whatever m, plus a few KB of Python objects; measured 196,100 to 199,820 (sigmoid output; "
        "sigmoid, tanh and ReLU hidden units; 8-300-300 at m = 800, 8-400-400 at m = 400 and 1000, "
        "50-300-300-50 at m = 500; lambda = 0.5, one block). 256 KiB is about a third of the "
        "smallest array an allocating g', g, output or regulariser adds at 8-300-300, m = 800: "
        "Theta(2)[:, 1:]'s 300 x 300 squares, 720 KB (an allocating ReLU g' measured 1.42 MB, an "
        "allocating regulariser 725 KB, an allocating output 5.0 MB)",
        "absolute",
    ),
}


def tolerance(check, dtype=np.float64):
    """The :class:`Tolerance` for ``check`` on numbers of ``dtype`` (complex maps to its real dtype)."""
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        dtype = np.finfo(dtype).dtype
    try:
        return TOLERANCES[(check, dtype)]
    except KeyError:
        known = sorted({name for name, _ in TOLERANCES})
        raise KeyError(f"no tolerance for check {check!r} at dtype {dtype}; checks: {known}") from None
