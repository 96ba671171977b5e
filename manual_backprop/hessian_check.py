"""The Hessian-vector check: compare H v with differences of the gradient, and point at the bug.

H v is the derivative of the gradient along v, so a central difference of DVec checks it:

    num = (DVec(theta + eps u) - DVec(theta - eps u)) / (2 eps) |d|,   u = d / |d|,  eps = 1e-5,

two gradient evaluations per direction d whatever the size of the network, with error
(eps^2 / 6) |D^4 J| + u |DVec| / eps ~ 1e-10 |d| (the step along the unit vector u makes eps the
distance moved). The gradient is the library's own backprop, which the gradient check vouches for.

:func:`check_hessian_vector_products` runs a few random directions over every parameter, then
one direction confined to each part of each layer (Theta(l)'s bias column, its weights), and
localises a wrong H v twice:

* by block of H v (the rows of H): which Theta(l)'s bias column or weights of H v are wrong,
  over all directions;
* by block of the direction (the columns of H): which part of theta, when v moves it alone,
  gives a wrong H v.

A block passes when the course's relative difference norm(num - Hv) / norm(num + Hv) over it is
at most ``rtol`` (default :data:`DEFAULT_RTOL`), or when its error is that small relative to the
whole H v (a block whose H v is ~0 cannot be judged relative to itself). In ReLU networks a
direction along which some hidden z changes sign within theta +- eps u straddles a kink, where the
gradient jumps and no difference is right: such directions are left out and counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._arguments import as_array, as_count, as_layer_sizes
from .backprop import nn_cost_function
from .forward import forward_propagation
from .hessian import METHODS, hessian_vector_product
from .unrolling import length_error, n_params, reshape, theta_shapes

__all__ = ["check_hessian_vector_products", "HessianCheckReport", "BlockError", "DEFAULT_RTOL", "DEFAULT_EPS"]

DEFAULT_EPS = 1e-5
DEFAULT_RTOL = 1e-6
"""The bound on each block's relative difference. A correct H v differs from the central difference
of the gradient (eps = 1e-5) by at most ~1e-10 |v| (measured over hundreds of networks up to five
layers: truncation and rounding of the difference); a planted R-pass bug gives 1e-2 to 1 in the
blocks it touches. 1e-6 keeps four orders of magnitude to either side. The same figure, with its
measurement, is the entry "hessian_check" of reference/tolerances.py."""


@dataclass(frozen=True)
class BlockError:
    """One block of Theta(layer), its bias column or its weights: how wrong H v is there.

    side : "H v" (the block of the product: rows of H) or "direction" (the block that the
        direction alone moved: columns of H)
    relative_difference : norm(num - Hv) / norm(num + Hv) over the block (all its directions)
    max_abs_error : the largest |num - Hv| in the block
    passed : within rtol, relative to the block or to the whole H v
    """

    side: str
    layer: int
    part: str
    size: int
    relative_difference: float
    max_abs_error: float
    passed: bool

    def __str__(self):
        verdict = "ok" if self.passed else "WRONG"
        return (f"{self.side:>9}: Theta({self.layer}) {self.part:<7} ({self.size:>4} entries) relative difference "
                f"{self.relative_difference:.3g}, largest error {self.max_abs_error:.3g}  {verdict}")


@dataclass(frozen=True, eq=False)
class HessianCheckReport:
    """What :func:`check_hessian_vector_products` found; ``str(report)`` prints it.

    passed : every block passed (and at least one direction was usable)
    relative_difference : norm(num - Hv) / norm(num + Hv) over all directions and entries
    blocks : per layer (1-based) and part, the block of H v (side "H v") and of the direction
        (side "direction"), as :class:`BlockError`
    n_directions : directions compared; n_kink_directions : those left out (a ReLU z changed sign)
    n_gradient_evaluations : gradients the numerical side used (2 per direction)
    rtol, eps : the bound and the step
    """

    passed: bool
    relative_difference: float
    blocks: tuple
    n_directions: int
    n_kink_directions: int
    n_gradient_evaluations: int
    rtol: float
    eps: float

    @property
    def failing_blocks(self):
        return tuple(b for b in self.blocks if not b.passed)

    def format(self):
        lines = [f"Hessian-vector check: H v against central differences of the gradient (eps = {self.eps:g}), "
                 f"{self.n_directions} directions, {self.n_gradient_evaluations} gradient evaluations",
                 f"relative difference norm(num - Hv) / norm(num + Hv) = {self.relative_difference:.3g} "
                 f"(bound {self.rtol:g} per block)"]
        if self.n_kink_directions:
            lines.append(f"{self.n_kink_directions} direction(s) left out: a ReLU z changed sign within +-eps")
        lines += [str(block) for block in self.blocks]
        failing = self.failing_blocks
        if failing:
            lines.append("WRONG: " + "; ".join(f"{b.side} Theta({b.layer}) {b.part}" for b in failing))
        else:
            lines.append("H v agrees with the differences of the gradient in every block.")
        return "\n".join(lines)

    def __str__(self):
        return self.format()


def _blocks(layer_sizes):
    """(layer, part, indices into theta_vec) for each Theta(l)'s bias column and weights."""
    blocks, start = [], 0
    for layer, (rows, cols) in enumerate(theta_shapes(layer_sizes), start=1):
        index = np.arange(start, start + rows * cols)
        blocks.append((layer, "bias", index[:rows]))      # column 0 comes first in column-major order
        blocks.append((layer, "weights", index[rows:]))
        start += rows * cols
    return blocks


def _as_product(Hv, P):
    """What hvp returned, as a float64 (P,) array: another shape, or a non-finite entry, is refused."""
    Hv = np.asarray(Hv)
    if Hv.shape != (P,):
        raise ValueError(f"hvp must return an array of shape ({P},) like v, got shape {Hv.shape}")
    try:  # real numbers of any kind (integers, float32, mpmath's mpf in an object array) as float64
        if Hv.dtype.kind in "cSUV":
            raise TypeError
        Hv = Hv.astype(np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"hvp must return real numbers, got dtype {Hv.dtype}") from None
    if not np.isfinite(Hv).all():
        raise FloatingPointError(f"hvp returned {np.count_nonzero(~np.isfinite(Hv))} non-finite entries")
    return Hv


def check_hessian_vector_products(theta_vec, layer_sizes, X, y, lam=0.0, *, activation="sigmoid", output="sigmoid",
                                  method="vectorized", hvp=None, n_directions=2, rng=None, eps=DEFAULT_EPS,
                                  rtol=DEFAULT_RTOL):
    """Check H v against central differences of the gradient, block by block.

    Parameters
    ----------
    theta_vec, layer_sizes, X, y, lam, activation, output : the network, as for nn_cost_function
    method : the backprop method of H v ("vectorized" or "loop"), when ``hvp`` is None
    hvp : callable v (P,) -> H v (P,), optional: another H v to check (default: the library's
        :func:`hessian_vector_product` at this network)
    n_directions : int >= 0, random directions over every parameter, before the one direction per
        block (each Theta(l)'s bias column and weights)
    rng : numpy.random.Generator for the directions (a fresh unseeded one when omitted)
    eps : the step of the central difference, along a unit vector
    rtol : the bound on each block's relative difference (see :data:`DEFAULT_RTOL`)

    Returns
    -------
    HessianCheckReport
    """
    layer_sizes = as_layer_sizes(layer_sizes)
    n_directions = as_count("n_directions", n_directions, minimum=0)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    rng = np.random.default_rng() if rng is None else rng
    kwargs = dict(activation=activation, output=output)
    theta_vec = as_array("theta_vec", theta_vec, ndim=1).astype(np.float64)
    P = n_params(layer_sizes)
    if theta_vec.size != P:
        raise length_error(theta_vec.size, layer_sizes)
    if hvp is None:
        def hvp(v):
            return hessian_vector_product(theta_vec, layer_sizes, X, y, lam, v, **kwargs, method=method)

    def gradient(theta):
        return nn_cost_function(theta, layer_sizes, X, y, lam, **kwargs)[1]

    def hidden_signs(theta):
        return [z > 0 for z in forward_propagation(reshape(theta, layer_sizes), X, **kwargs).z[1:-1]]

    blocks = _blocks(layer_sizes)
    directions = [(None, rng.standard_normal(P)) for _ in range(n_directions)]
    for k, (_, _, index) in enumerate(blocks):
        d = np.zeros(P)
        d[index] = rng.standard_normal(index.size)
        directions.append((k, d))

    base_signs = hidden_signs(theta_vec) if activation == "relu" else None
    numerical, analytical, confined, kinks = [], [], [], 0
    for k, d in directions:
        norm = np.linalg.norm(d)
        u = d / norm
        if base_signs is not None and any(
                not all(np.array_equal(s, s0) for s, s0 in zip(hidden_signs(theta_vec + step * u), base_signs))
                for step in (eps, -eps)):
            kinks += 1
            continue
        numerical.append((gradient(theta_vec + eps * u) - gradient(theta_vec - eps * u)) / (2 * eps) * norm)
        analytical.append(_as_product(hvp(d), P))
        confined.append(k)
    numerical, analytical = np.array(numerical).reshape(-1, P), np.array(analytical).reshape(-1, P)
    error = numerical - analytical
    whole = np.linalg.norm(numerical + analytical)

    def judge(side, layer, part, diff, total, size):
        relative = np.linalg.norm(diff) / total if total > 0 else 0.0
        passed = bool(relative <= rtol or np.linalg.norm(diff) <= rtol * whole)
        return BlockError(side, layer, part, size, float(relative), float(np.abs(diff).max(initial=0.0)), passed)

    report = []
    for layer, part, index in blocks:
        report.append(judge("H v", layer, part, error[:, index],
                            np.linalg.norm(numerical[:, index] + analytical[:, index]), index.size))
    for k, (layer, part, index) in enumerate(blocks):
        rows = [i for i, c in enumerate(confined) if c == k]
        if rows:
            report.append(judge("direction", layer, part, error[rows],
                                np.linalg.norm(numerical[rows] + analytical[rows]), index.size))
    relative = float(np.linalg.norm(error) / whole) if whole > 0 else 0.0
    passed = bool(numerical.shape[0] > 0 and all(b.passed for b in report))
    return HessianCheckReport(passed, relative, tuple(report), numerical.shape[0], kinks,
                              2 * numerical.shape[0], rtol, eps)
