"""Hypothesis strategies for hostile input: extreme magnitudes, NaN and inf anywhere, wrong shapes and dtypes.

A *problem* is everything :func:`manual_backprop.nn_cost_function` takes, drawn together so that
it is valid: (theta_vec, layer_sizes, X, y, lam, activation, output). Its numbers come from one of
four regimes, chosen per array:

* ``ordinary``: |x| <= 3, where every unit works in its linear range;
* ``huge``: |x| log-uniform in [1, 1e3], where sigmoid and tanh units saturate (the notes'
  "weights too large" case) and ReLU activations grow to 1e3^L;
* ``tiny``: |x| log-uniform down to the smallest subnormal, 5e-324;
* ``mixed``: |x| log-uniform over the whole range [5e-324, 1e3], and exact zeros.

These strategies leave out what the guarantees leave out: |x| > 1e3 (so a float64 cost can always
be represented) and wide or deep networks (kept small so that each example is cheap).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from manual_backprop.strategies import ACTIVATIONS, OUTPUTS, layer_sizes

__all__ = ["magnitudes", "hostile_arrays", "problems", "moderate_problems", "label_vectors", "Problem",
           "non_finite"]

MAX_MAGNITUDE = 1e3
_SMALLEST_EXPONENT = -323.3  # 10**-323.3 ~ 5e-324, the smallest float64 subnormal

_REGIMES = {
    "ordinary": (None, None),
    "huge": (0.0, 3.0),
    "tiny": (_SMALLEST_EXPONENT, -30.0),
    "mixed": (_SMALLEST_EXPONENT, 3.0),
}


def magnitudes(regime="mixed", *, max_magnitude=MAX_MAGNITUDE):
    """Finite floats with |x| <= max_magnitude, spread as ``regime`` says (see the module docstring).

    ``max_magnitude`` caps every regime; the default, 1e3, is the bound of the guarantees.
    """
    if regime == "ordinary":
        return st.floats(-3.0, 3.0)
    low, high = _REGIMES[regime]
    high = min(high, np.log10(max_magnitude))
    logs = st.floats(low, high)
    signed = st.builds(lambda sign, e: sign * 10.0 ** e, st.sampled_from([-1.0, 1.0]), logs)
    if regime == "mixed":
        return st.one_of(signed, st.just(0.0), st.floats(-max_magnitude, max_magnitude))
    return signed


def hostile_arrays(shape, *, dtype=np.float64, regime=None):
    """Arrays of ``shape`` whose entries follow one regime (drawn when ``regime`` is None).

    float32 arrays are float64 draws rounded to float32 (so their values are exactly the
    values an oracle working in float64 sees).
    """
    regimes = st.sampled_from(sorted(_REGIMES)) if regime is None else st.just(regime)
    size = int(np.prod(shape))
    return regimes.flatmap(
        lambda r: st.lists(magnitudes(r), min_size=size, max_size=size).map(
            lambda xs: np.array(xs, dtype=np.float64).reshape(shape).astype(dtype)
        )
    )


def n_params(sizes):
    return sum(s_next * (s + 1) for s, s_next in zip(sizes[:-1], sizes[1:]))


@st.composite
def label_vectors(draw, m, K, output):
    """Labels for m examples and K outputs, in every accepted form: integers 0..K-1 of shape (m,)
    (0/1 when K = 1), as int or as integral floats, a one-hot (m, K) matrix, or (sigmoid output)
    a multi-label (m, K) 0-1 matrix."""
    n_classes = 2 if K == 1 else K
    labels = np.array(draw(st.lists(st.integers(0, n_classes - 1), min_size=m, max_size=m)))
    forms = ["integers", "integral floats"] + (["one-hot"] if K > 1 else []) + (["multi-label"] if output == "sigmoid" else [])
    form = draw(st.sampled_from(forms))
    if form == "integral floats":
        return labels.astype(np.float64)
    if form == "one-hot":
        return np.eye(K)[labels]
    if form == "multi-label":
        return np.array(draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=m * K, max_size=m * K))).reshape(m, K)
    return labels


class Problem(dict):
    """The arguments of nn_cost_function, as keywords: theta_vec, layer_sizes, X, y, lam, activation, output."""

    def args(self):
        return self["theta_vec"], self["layer_sizes"], self["X"], self["y"], self["lam"]

    def kwargs(self):
        return {"activation": self["activation"], "output": self["output"]}

    def __or__(self, changes):
        return Problem(dict(self) | changes)

    def __repr__(self):
        return "Problem(" + ", ".join(f"{k}={np.array2string(np.asarray(v), precision=17, separator=', ')}"
                                      for k, v in self.items()) + ")"


@st.composite
def problems(draw, *, dtype=None, m=None, lams=None, sizes=None, regime=None):
    """A valid problem with hostile numbers: weights, inputs in any regime (|x| <= 1e3), any lambda
    in [0, 1e3] (or drawn from ``lams``), float64 or float32 (or ``dtype``), small shapes: layer
    sizes of at most 4 layers of 4 units or from the strategy ``sizes``, m in 1..4 or from the strategy ``m``."""
    sizes = draw(sizes if sizes is not None else layer_sizes(max_layers=4, max_units=4))
    output = draw(st.sampled_from(OUTPUTS if sizes[-1] >= 2 else ("sigmoid",)))
    dtype = draw(st.sampled_from([np.float64, np.float32])) if dtype is None else dtype
    m = draw(m if m is not None else st.integers(1, 4))
    lam = draw(lams if lams is not None else st.one_of(st.just(0.0), st.floats(0.0, 1e3), magnitudes("tiny").map(abs)))
    return Problem(
        theta_vec=draw(hostile_arrays((n_params(sizes),), dtype=dtype, regime=regime)),
        layer_sizes=sizes,
        X=draw(hostile_arrays((m, sizes[0]), dtype=dtype, regime=regime)),
        y=draw(label_vectors(m, sizes[-1], output)),
        lam=lam,
        activation=draw(st.sampled_from(ACTIVATIONS)),
        output=output,
    )


# Moderate numbers: 0 or |x| in [1e-2, 0.5], widths <= 6, L <= 5, lambda 0 or in [1e-2, 1e3]. Every z then has |z| <= 103 and
# every intermediate of the forward and backward pass lies within 1e-300 or is exactly 0, so a
# float64 computation can meet no underflow, and numpy.errstate(all="raise") can hold honestly.
_moderate = st.one_of(st.just(0.0), st.builds(lambda sign, e: sign * 10.0 ** e, st.sampled_from([-1.0, 1.0]),
                                               st.floats(-2.0, np.log10(0.5))))


@st.composite
def moderate_problems(draw, *, max_m=4):
    """A valid float64 problem whose numbers are moderate (see the comment above) and lambda <= 1e3."""
    sizes = draw(layer_sizes(max_layers=5, max_units=6))
    output = draw(st.sampled_from(OUTPUTS if sizes[-1] >= 2 else ("sigmoid",)))
    m = draw(st.integers(1, max_m))

    def array(shape):
        size = int(np.prod(shape))
        return np.array(draw(st.lists(_moderate, min_size=size, max_size=size)), dtype=np.float64).reshape(shape)

    return Problem(theta_vec=array((n_params(sizes),)), layer_sizes=sizes, X=array((m, sizes[0])),
                   y=draw(label_vectors(m, sizes[-1], output)), lam=draw(st.one_of(st.just(0.0), st.floats(1e-2, 1e3))),
                   activation=draw(st.sampled_from(ACTIVATIONS)), output=output)


def non_finite():
    """NaN, +inf or -inf."""
    return st.sampled_from([np.nan, np.inf, -np.inf])
