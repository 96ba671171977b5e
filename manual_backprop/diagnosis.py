"""From a wrong block of the gradient to its likely cause: patterns of the errors, with evidence.

For one weight matrix (a Theta(l), bias in column 0, or any parameter array) the analytical block
A, the numerical block N and the parameters W are compared over the region that failed (the bias
column, the weights, or all of it). Classic backprop bugs leave recognisable traces:

* A = 0 while N is not: the block's gradient is never computed (a detached layer);
* A = -N: a sign flipped (delta(L) = y - a(L), a subtraction the wrong way round);
* A = r N, r constant: r = m is "1/m missing", 1/m is "divided by m twice";
* A - N = c W: a regularisation term scaled wrongly; on the bias column with c = lambda / m the
  bias was regularised, on the weights c = lambda - lambda / m is "lambda/m written as lambda",
  c = -lambda / m "regularisation left out", c = lambda / m "regularisation added twice";
* A = N^T (a square block transposed) or A = N unrolled row-major and reshaped column-major;
* the error confined to one entry, one row (one unit of the next layer) or one column (one unit
  of this layer, or the bias column).

A pattern is named only when it explains the errors to ``diagnosis_fit`` (the least-squares
residual is at most 1e-3 of the error's norm, plus rounding); otherwise the diagnosis says the
errors are spread without a simple pattern, which is itself a clue (a wrong delta, a missing g').
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .thresholds import threshold

__all__ = ["Diagnosis", "diagnose"]


@dataclass(frozen=True)
class Diagnosis:
    """The likely cause of a block's errors (``cause``) and the numbers that show it (``evidence``)."""

    block: str
    region: str
    cause: str
    evidence: str

    def __str__(self):
        return f"{self.block} {self.region}: {self.cause} ({self.evidence})"


def _near(value, target):
    return target is not None and abs(value - target) <= 1e-3 * max(abs(target), 1e-12)


def diagnose(block, region, numerical, analytical, weights, *, columns=None, noise=0.0, lam=None, m=None,
             bias_column=False):
    """The likely cause of the errors of one block, as a :class:`Diagnosis`.

    Parameters
    ----------
    block : the block's name, e.g. "Theta(2)" or "W1"
    region : what failed, e.g. "bias column", "weights" or "all entries"
    numerical, analytical, weights : arrays of the block's shape (rows, columns)
    columns : the columns of the region (all by default)
    noise : the entries' tolerance (scalar or array of the block's shape): errors below it are rounding
    lam, m : lambda and the number of examples, when known: they turn a ratio or a coefficient into
        a named cause
    bias_column : the block is a Theta(l): column 0 is the bias, which regularisation leaves out
    """
    N, A, W = (np.atleast_2d(np.asarray(x, dtype=np.float64)) for x in (numerical, analytical, weights))
    W_reg = W.copy()
    if bias_column and region != "bias column":
        W_reg[:, 0] = 0.0
    whole = _whole_block_pattern(N, A, noise)
    if whole:
        return Diagnosis(block, region, *whole)
    if columns is not None:
        N, A, W, W_reg = N[:, columns], A[:, columns], W[:, columns], W_reg[:, columns]
        noise = noise[:, columns] if np.ndim(noise) == 2 else noise
        within = _whole_block_pattern(N, A, noise)
        if within:
            return Diagnosis(block, region, *within)
    E = A - N
    size = float(np.linalg.norm(E))
    floor = float(np.linalg.norm(np.broadcast_to(noise, E.shape)))
    fit = threshold("diagnosis_fit").rtol
    explained = lambda residual: residual <= fit * size + floor  # noqa: E731
    entries = f"{E.size} entries"

    nn = float(np.vdot(N, N))
    r = float(np.vdot(A, N)) / nn if nn > 0 else 0.0
    # Divided by m twice, with m above about 1 / fit, leaves A within the fit of zero: named below.
    twice = m is not None and _near(r, 1 / m) and explained(np.linalg.norm(A - r * N))
    if explained(np.linalg.norm(A)) and np.linalg.norm(N) > floor and not twice:
        return Diagnosis(block, region, "the analytical block is all zero (a layer detached from backprop, "
                         "or a gradient never written)", f"largest analytical {np.abs(A).max():.2g}, "
                         f"largest numerical {np.abs(N).max():.2g}, {entries}")
    if explained(np.linalg.norm(A + N)):
        return Diagnosis(block, region, "the sign is flipped (analytical = -numerical)",
                         f"|analytical + numerical| <= {np.abs(A + N).max():.2g} on {entries}")
    if nn > 0:
        if explained(np.linalg.norm(A - r * N)):
            if m is not None and _near(r, m):
                cause = f"1/m missing: analytical = m x numerical with m = {m}"
            elif m is not None and _near(r, 1 / m):
                cause = f"divided by m twice: analytical = numerical / m with m = {m}"
            else:
                cause = f"scaled by a constant: analytical = {r:.10g} x numerical"
            return Diagnosis(block, region, cause, f"ratio analytical / numerical = {r:.10g}, the same on all "
                             f"{entries} (residual {np.linalg.norm(A - r * N):.2g} of error {size:.2g})")
    ww = float(np.vdot(W_reg, W_reg))
    if ww > 0:
        c = float(np.vdot(E, W_reg)) / ww
        if explained(np.linalg.norm(E - c * W_reg)):
            return Diagnosis(block, region, _regularisation_cause(c, region, lam, m),
                             f"error = {c:.6g} x Theta on all {entries} (residual "
                             f"{np.linalg.norm(E - c * W_reg):.2g} of error {size:.2g})")
        # The data term scaled or flipped while the regularisation term stayed: A = r N + c Theta.
        design = np.vstack([N.ravel(), W_reg.ravel()]).T
        (r, c), *_ = np.linalg.lstsq(design, A.ravel(), rcond=None)
        if abs(r - 1) > 1e-6 and explained(np.linalg.norm(design @ (r, c) - A.ravel())):
            if m is not None and _near(r, m):
                cause = f"1/m missing on the data term (Delta(l) not divided by m = {m}), the regularisation term apart"
            elif _near(r, -1):
                cause = "the sign of the data term is flipped (delta(L) = y - a(L)), the regularisation term apart"
            elif abs(r - 4) < 0.1:
                cause = (f"the data term scaled by {r:.4g}, about 1 / g'(0) = 4 for the sigmoid: g'(z) left out of "
                         "delta(l + 1)?")
            else:
                cause = f"the data term scaled by {r:.6g}, the regularisation term apart"
            return Diagnosis(block, region, cause, f"analytical = {r:.6g} x numerical + {c:.6g} x Theta on all "
                             f"{entries} (residual {np.linalg.norm(design @ (r, c) - A.ravel()):.2g} of error {size:.2g})")
    share = E ** 2 / max(size ** 2, np.finfo(float).tiny)
    i, j = np.unravel_index(int(np.argmax(share)), E.shape)
    column_name = lambda j: (f"column {columns[j] if columns is not None else j}")  # noqa: E731
    top = np.argsort(-share, axis=None, kind="stable")[:2]
    if E.size > 2 and share.ravel()[top].sum() >= 1 - fit:
        (i1, j1), (i2, j2) = (np.unravel_index(int(k), E.shape) for k in top)
        if abs(A[i1, j1] - N[i2, j2]) + abs(A[i2, j2] - N[i1, j1]) <= fit * size + floor:
            return Diagnosis(block, region, f"two entries exchanged: row {i1}, {column_name(j1)} and row {i2}, "
                             f"{column_name(j2)}", f"each analytical value is the other's numerical one, error {size:.2g}")
    if E.size > 1 and share[i, j] >= 1 - fit:
        return Diagnosis(block, region, f"one entry is wrong: row {i}, {column_name(j)}",
                         f"{100 * share[i, j]:.4g} % of the error's square norm there, error {E[i, j]:.3g}")
    rows, cols = share.sum(axis=1), share.sum(axis=0)
    if E.shape[0] > 1 and rows.max() >= 1 - fit:
        i = int(np.argmax(rows))
        return Diagnosis(block, region, f"the error is confined to row {i}: one unit's incoming weights",
                         f"{100 * rows[i]:.4g} % of the error's square norm in row {i} of {E.shape[0]}")
    if E.shape[1] > 1 and cols.max() >= 1 - fit:
        j = int(np.argmax(cols))
        return Diagnosis(block, region, f"the error is confined to {column_name(j)}: one unit's outgoing weights",
                         f"{100 * cols[j]:.4g} % of the error's square norm in {column_name(j)} of {E.shape[1]}")
    if abs(E.sum()) <= fit * np.abs(E).sum():
        return Diagnosis(block, region, "errors that cancel: they sum to zero over the region, which a "
                         "single sum or one all-ones direction cannot see",
                         f"sum of errors {E.sum():.2g}, sum of their sizes {np.abs(E).sum():.2g}")
    ratio = A[np.abs(N) > 0] / N[np.abs(N) > 0]
    spread = f"ratio analytical / numerical from {ratio.min():.3g} to {ratio.max():.3g}" if ratio.size else "-"
    return Diagnosis(block, region, "errors spread over the block without a simple pattern (typical of a "
                     "wrong delta(l + 1): a missing or misplaced g'(z), a wrong row of delta dropped)",
                     f"{spread}; largest error {np.abs(E).max():.3g} on {entries}")


def _whole_block_pattern(N, A, noise):
    """A transposed block, or one unrolled row-major against a column-major reshape: (cause, evidence)."""
    fit = threshold("diagnosis_fit").rtol
    size = float(np.linalg.norm(A - N))
    floor = float(np.linalg.norm(np.broadcast_to(noise, N.shape)))
    if size <= floor:
        return None
    if N.shape[0] == N.shape[1] and N.shape[0] > 1 and np.linalg.norm(A - N.T) <= fit * size + floor:
        return ("the block is transposed: analytical = numerical^T",
                f"|analytical - numerical^T| <= {np.abs(A - N.T).max():.2g}, error {size:.2g}")
    permuted = N.ravel(order="C").reshape(N.shape, order="F")
    if min(N.shape) > 1 and np.linalg.norm(A - permuted) <= fit * size + floor:
        return ("unrolled row-major (order='C') but reshaped column-major (order='F')",
                f"analytical equals the numerical block read in the other order to "
                f"{np.abs(A - permuted).max():.2g}, error {size:.2g}")
    return None


def _regularisation_cause(c, region, lam, m):
    if region == "bias column":
        if lam is not None and m is not None and _near(c, lam / m):
            return f"the bias column is regularised: error = (lambda / m) Theta[:, 0] with lambda = {lam:g}, m = {m}"
        return "the bias column is regularised (error proportional to Theta[:, 0])"
    if lam is not None and m is not None:
        named = {lam - lam / m: "lambda/m written as lambda", -lam / m: "regularisation left out of the gradient",
                 lam / m: "regularisation added twice"}
        for target, cause in named.items():
            if lam > 0 and _near(c, target):
                return f"{cause} (lambda = {lam:g}, m = {m})"
    return f"a regularisation term scaled wrongly: error = {c:.6g} x Theta"
