"""Hypothesis strategies for random networks: layer sizes, weights, data, lambda, all at once.

They are public API, written the way :mod:`hypothesis.extra.numpy` writes its own: keyword-only
bounds whose defaults the docstrings state, every argument checked when the strategy is built
(a bad one raises :class:`hypothesis.errors.InvalidArgument` naming it), and values that follow
the conventions of the library under test:

* ``layer_sizes = (s_1, ..., s_L)``, bias units not counted, L >= 2 and every s_l >= 1;
* ``theta_vec`` holds Theta(1), ..., Theta(L-1), Theta(l) of shape (s_{l+1}, s_l + 1), so its
  length is P = sum_l s_{l+1} (s_l + 1);
* ``X`` is (m, s_1), one example per row; ``y`` is integer labels 0..K-1 of shape (m,) (binary
  0/1 when K = 1), or an (m, K) 0-1 matrix (one-hot, or multi-label for sigmoid outputs).

Shrinking acts on the structure, so a failing property is reported on the smallest network,
the fewest examples and the simplest activation, output, lambda and label form that still fail.
Weights and inputs are drawn densely, uniform in [-scale, scale], by a NumPy Generator that
Hypothesis seeds: hundreds of weights cost one draw, and no weight is a repeated fill value (a
network whose weights are mostly equal would hide the bugs that mix up units).

This module leaves out hostile inputs (NaN, inf, wrong shapes): these strategies only generate
valid problems. It imports nothing else from ``manual_backprop``: the problems are drawn
independently of the code they test, so a bug there cannot shape its own inputs.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, replace

import numpy as np
from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

__all__ = [
    "ACTIVATIONS",
    "OUTPUTS",
    "LABEL_FORMS",
    "Dataset",
    "NetworkProblem",
    "layer_sizes",
    "activations",
    "outputs",
    "lambdas",
    "label_forms",
    "thetas",
    "datasets",
    "networks",
]

ACTIVATIONS = ("sigmoid", "tanh", "relu")
"""The hidden-layer activations, simplest first (shrinking moves towards the first)."""

OUTPUTS = ("sigmoid", "softmax")
"""The output layers: K sigmoids with cross-entropy (the course's), or a softmax."""

LABEL_FORMS = ("integer", "one-hot", "multi-label")
"""How labels are given: integers 0..K-1 (m,), a one-hot (m, K) matrix, or a multi-label (m, K)
0-1 matrix (sigmoid outputs only). With K = 1, "integer" is binary 0/1 and "one-hot" is the same
labels as an (m, 1) column."""

_SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
_WEIGHTS, _DATA = 0, 1  # separate random streams for one drawn seed


# --- argument checks, run when a strategy is built -------------------------------------------

def _check_integer(name, value, minimum):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise InvalidArgument(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise InvalidArgument(f"{name} must be at least {minimum}, got {value!r}")
    return int(value)


def _check_bounds(min_name, min_value, max_name, max_value, minimum):
    min_value = _check_integer(min_name, min_value, minimum)
    max_value = _check_integer(max_name, max_value, minimum)
    if min_value > max_value:
        raise InvalidArgument(f"{min_name}={min_value} must not exceed {max_name}={max_value}")
    return min_value, max_value


def _check_real(name, value, *, minimum, strict):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidArgument(f"{name} must be a real number, got {value!r}")
    value = float(value)
    too_small = value <= minimum if strict else value < minimum
    if not math.isfinite(value) or too_small:
        relation = ">" if strict else ">="
        raise InvalidArgument(f"{name} must be a finite number {relation} {minimum}, got {value!r}")
    return value


def _check_layer_sizes(value, name="layer_sizes"):
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise InvalidArgument(f"{name} must be a sequence of integers (s_1, ..., s_L) or a strategy, got {value!r}")
    sizes = tuple(_check_integer(f"{name}[{i}]", s, 1) for i, s in enumerate(value))
    if len(sizes) < 2:
        raise InvalidArgument(f"{name} must have at least 2 layers (input and output), got {sizes}")
    return sizes


def _check_choice(name, value, choices):
    if value not in choices:
        raise InvalidArgument(f"{name} must be one of {choices}, got {value!r}")
    return value


def _as_strategy(value, default, check):
    """``value`` if it is a strategy, ``default()`` if it is None, else st.just(the checked value)."""
    if value is None:
        return default()
    if isinstance(value, SearchStrategy):
        return value
    return st.just(check(value))


# --- the problem a property receives ---------------------------------------------------------

def _array_literal(a):
    # tolist() gives Python floats, whose repr is the shortest that round-trips exactly.
    return f"np.array({np.asarray(a).tolist()!r})"


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """Inputs and labels: X (m, s_1) float64 and y, integer labels (m,) or an (m, K) 0-1 matrix."""

    X: np.ndarray
    y: np.ndarray

    def __iter__(self):
        return iter((self.X, self.y))

    def __repr__(self):
        return f"Dataset(X={_array_literal(self.X)}, y={_array_literal(self.y)})"

    def _repr_pretty_(self, p, cycle):
        p.text(repr(self))


@dataclass(frozen=True, eq=False, repr=False)
class NetworkProblem:
    """One drawn network with its weights, data and lambda: everything a cost function needs.

    Attributes
    ----------
    layer_sizes : tuple of ints (s_1, ..., s_L)
    activation : one of :data:`ACTIVATIONS`, for the hidden layers
    output : one of :data:`OUTPUTS`
    lam : float >= 0, the regularisation parameter lambda
    theta_vec : float64 array (P,), Theta(1), ..., Theta(L-1) unrolled column by column
    X : float64 array (m, s_1)
    y : labels in the form ``labels`` (see :data:`LABEL_FORMS`)
    labels : the label form

    ``nn_cost_function(*problem.args, **problem.kwargs)`` calls a cost function with the
    course's signature ``(theta_vec, layer_sizes, X, y, lam, *, activation, output)``. The repr
    is a Python expression that rebuilds the problem, so a shrunk failing example can be pasted
    into a regression test.
    """

    layer_sizes: tuple
    activation: str
    output: str
    lam: float
    theta_vec: np.ndarray
    X: np.ndarray
    y: np.ndarray
    labels: str

    @property
    def m(self):
        """The number of examples, the rows of X."""
        return self.X.shape[0]

    @property
    def K(self):
        """The number of output units, s_L."""
        return self.layer_sizes[-1]

    @property
    def args(self):
        """(theta_vec, layer_sizes, X, y, lam): the positional arguments of nnCostFunction."""
        return self.theta_vec, self.layer_sizes, self.X, self.y, self.lam

    @property
    def kwargs(self):
        """{"activation": ..., "output": ...}: the keyword arguments of nnCostFunction."""
        return {"activation": self.activation, "output": self.output}

    def replace(self, **changes):
        """A copy with some fields changed (``dataclasses.replace``)."""
        return replace(self, **changes)

    def __repr__(self):
        return (
            f"NetworkProblem(layer_sizes={self.layer_sizes!r}, activation={self.activation!r}, "
            f"output={self.output!r}, lam={self.lam!r}, labels={self.labels!r},\n"
            f"    theta_vec={_array_literal(self.theta_vec)},\n"
            f"    X={_array_literal(self.X)},\n"
            f"    y={_array_literal(self.y)})"
        )

    def _repr_pretty_(self, p, cycle):
        p.text(repr(self))


# --- the strategies ----------------------------------------------------------------------------

def layer_sizes(*, min_layers=2, max_layers=5, min_units=1, max_units=12):
    """Layer sizes (s_1, ..., s_L) as tuples of ints; every layer, input and output included,
    has between ``min_units`` and ``max_units`` units.

    Parameters
    ----------
    min_layers, max_layers : int, default 2 and 5; L, counting the input and output layers
        (2 is a network with no hidden layer); min_layers >= 2
    min_units, max_units : int, default 1 and 12; min_units >= 1

    Shrinks towards fewer layers, then fewer units.
    """
    min_layers, max_layers = _check_bounds("min_layers", min_layers, "max_layers", max_layers, 2)
    min_units, max_units = _check_bounds("min_units", min_units, "max_units", max_units, 1)
    units = st.integers(min_value=min_units, max_value=max_units)
    return st.lists(units, min_size=min_layers, max_size=max_layers).map(tuple)


_any_layer_sizes = layer_sizes  # networks() takes an argument of the same name


def activations():
    """A hidden-layer activation name from :data:`ACTIVATIONS`; shrinks towards "sigmoid"."""
    return st.sampled_from(ACTIVATIONS)


def outputs():
    """An output layer name from :data:`OUTPUTS`; shrinks towards "sigmoid"."""
    return st.sampled_from(OUTPUTS)


def label_forms(*, output="sigmoid"):
    """A label form from :data:`LABEL_FORMS` that suits ``output`` (default "sigmoid").

    A softmax output needs exactly one label per example, so it gets "integer" or "one-hot";
    a sigmoid output may also get "multi-label". Shrinks towards "integer".
    """
    output = _check_choice("output", output, OUTPUTS)
    return st.sampled_from(LABEL_FORMS if output == "sigmoid" else LABEL_FORMS[:2])


def lambdas(*, min_value=0.0, max_value=10.0):
    """The regularisation parameter lambda, a float in [min_value, max_value].

    Parameters
    ----------
    min_value, max_value : float, default 0.0 and 10.0; 0 <= min_value <= max_value

    Shrinks towards ``min_value`` (no regularisation, by default).
    """
    min_value = _check_real("min_value", min_value, minimum=0.0, strict=False)
    max_value = _check_real("max_value", max_value, minimum=0.0, strict=False)
    if min_value > max_value:
        raise InvalidArgument(f"min_value={min_value} must not exceed max_value={max_value}")
    return st.floats(min_value=min_value, max_value=max_value)


def thetas(layer_sizes, *, scale=1.0):
    """theta_vec for a network of ``layer_sizes``: P = sum_l s_{l+1} (s_l + 1) weights.

    Parameters
    ----------
    layer_sizes : sequence of ints (s_1, ..., s_L), or a strategy for them (for example
        :func:`layer_sizes`)
    scale : float > 0, default 1.0; every weight is uniform in [-scale, scale]

    Returns a strategy for float64 arrays of shape (P,), dense and continuous: no two weights
    are equal (with probability one), so no two units of a layer start identical.
    """
    scale = _check_real("scale", scale, minimum=0.0, strict=True)
    if isinstance(layer_sizes, SearchStrategy):
        return layer_sizes.flatmap(lambda sizes: thetas(sizes, scale=scale))
    sizes = _check_layer_sizes(layer_sizes)
    P = sum(s_next * (s + 1) for s, s_next in zip(sizes[:-1], sizes[1:]))
    return _SEEDS.map(lambda seed: np.random.default_rng([_WEIGHTS, seed]).uniform(-scale, scale, P))


def _labels(rng, m, K, form):
    if form == "multi-label":
        return rng.integers(0, 2, size=(m, K)).astype(np.float64)
    y = rng.integers(0, max(K, 2), size=m)
    if form == "integer":
        return y
    return y[:, None].astype(np.float64) if K == 1 else np.eye(K)[y]


def _check_labels(labels, output):
    """A fixed label form checked (against a fixed output too); a strategy or None as given."""
    if labels is None or isinstance(labels, SearchStrategy):
        return labels
    _check_choice("labels", labels, LABEL_FORMS)
    if labels == "multi-label" and output == "softmax":
        raise InvalidArgument('labels="multi-label" needs a sigmoid output: a softmax takes one label per example')
    return labels


def _label_forms_for(labels, output):
    """The label forms to draw from: ``labels`` if a strategy, the one fixed form, or (None) any
    form that suits ``output``."""
    if isinstance(labels, SearchStrategy):
        return labels
    return label_forms(output=output) if labels is None else st.just(labels)


def datasets(layer_sizes, *, min_examples=1, max_examples=10, labels=None, output="sigmoid", scale=1.0):
    """Data for a network of ``layer_sizes``: X (m, s_1) and labels y for its K = s_L outputs.

    Parameters
    ----------
    layer_sizes : sequence of ints (s_1, ..., s_L); only s_1 and K = s_L matter
    min_examples, max_examples : int, default 1 and 10; m, the rows of X; min_examples >= 1
    labels : one of :data:`LABEL_FORMS`, a strategy for them, or None (default): any form that
        suits ``output``
    output : "sigmoid" (default) or "softmax"; a softmax needs K >= 2 and one label per example
    scale : float > 0, default 1.0; every input is uniform in [-scale, scale]

    Returns a strategy for :class:`Dataset` (X, y), which unpacks as ``X, y = dataset``.
    Shrinks towards fewer examples and integer labels.
    """
    sizes = _check_layer_sizes(layer_sizes)
    min_examples, max_examples = _check_bounds("min_examples", min_examples, "max_examples", max_examples, 1)
    output = _check_choice("output", output, OUTPUTS)
    if output == "softmax" and sizes[-1] < 2:
        raise InvalidArgument(f"a softmax output needs K >= 2 output units, got layer_sizes={sizes}")
    label_form = _label_forms_for(_check_labels(labels, output), output)
    scale = _check_real("scale", scale, minimum=0.0, strict=True)
    return _datasets(sizes, min_examples, max_examples, label_form, output, scale).map(lambda d: d[0])


@st.composite
def _datasets(draw, sizes, min_examples, max_examples, label_form, output, scale):
    m = draw(st.integers(min_value=min_examples, max_value=max_examples))
    form = draw(label_form)
    if form not in LABEL_FORMS or (form == "multi-label" and output == "softmax"):
        raise InvalidArgument(f"labels drew {form!r}, which is not a label form for a {output} output")
    rng = np.random.default_rng([_DATA, draw(_SEEDS)])
    X = rng.uniform(-scale, scale, size=(m, sizes[0]))
    return Dataset(X, _labels(rng, m, sizes[-1], form)), form


def networks(*, layer_sizes=None, activation=None, output=None, lam=None, labels=None,
             min_examples=1, max_examples=10, weight_scale=1.0, input_scale=1.0):
    """A whole problem: a network, its weights, data and lambda, as a :class:`NetworkProblem`.

    Each of the first five arguments is a fixed value, a strategy, or None for the default
    strategy:

    Parameters
    ----------
    layer_sizes : default :func:`layer_sizes` ``()`` (2 to 5 layers of 1 to 12 units)
    activation : default :func:`activations` ``()``
    output : default :func:`outputs` ``()``; a softmax is only paired with K >= 2 outputs
    lam : default :func:`lambdas` ``()`` (0 to 10)
    labels : default any of :data:`LABEL_FORMS` that suits the output
    min_examples, max_examples : int, default 1 and 10; m
    weight_scale : float > 0, default 1.0; the weights are uniform in [-weight_scale, weight_scale]
    input_scale : float > 0, default 1.0; the inputs are uniform in [-input_scale, input_scale]

    Shrinks towards the smallest network (fewest layers, fewest units), the fewest examples,
    sigmoid units and output, lambda 0 and integer labels.
    """
    sizes = _as_strategy(layer_sizes, _any_layer_sizes, _check_layer_sizes)
    act = _as_strategy(activation, activations, lambda v: _check_choice("activation", v, ACTIVATIONS))
    out = _as_strategy(output, outputs, lambda v: _check_choice("output", v, OUTPUTS))
    lam = _as_strategy(lam, lambdas, lambda v: _check_real("lam", v, minimum=0.0, strict=False))
    labels = _check_labels(labels, output)
    min_examples, max_examples = _check_bounds("min_examples", min_examples, "max_examples", max_examples, 1)
    weight_scale = _check_real("weight_scale", weight_scale, minimum=0.0, strict=True)
    input_scale = _check_real("input_scale", input_scale, minimum=0.0, strict=True)
    if isinstance(layer_sizes, (tuple, list)) and output == "softmax" and layer_sizes[-1] < 2:
        raise InvalidArgument(f"a softmax output needs K >= 2 output units, got layer_sizes={tuple(layer_sizes)}")
    return _networks(sizes, act, out, lam, labels, min_examples, max_examples, weight_scale, input_scale)


@st.composite
def _networks(draw, sizes, act, out, lam, labels, min_examples, max_examples, weight_scale, input_scale):
    layer_sizes_ = _check_layer_sizes(draw(sizes))
    activation = _check_choice("activation", draw(act), ACTIVATIONS)
    output = _check_choice("output", draw(out), OUTPUTS)
    if output == "softmax" and (layer_sizes_[-1] < 2 or labels == "multi-label"):
        reject()  # a softmax over one unit, or with several labels per example: draw another
    lam_ = _check_real("lam", draw(lam), minimum=0.0, strict=False)
    theta_vec = draw(thetas(layer_sizes_, scale=weight_scale))
    dataset, form = draw(_datasets(layer_sizes_, min_examples, max_examples,
                                   _label_forms_for(labels, output), output, input_scale))
    return NetworkProblem(layer_sizes_, activation, output, lam_, theta_vec, dataset.X, dataset.y, form)
