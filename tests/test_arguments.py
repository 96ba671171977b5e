"""Every kind of bad input is rejected with one error that names the argument, the expected and the
actual value: the table of cases, then properties that put bad values anywhere in drawn problems."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import manual_backprop as mb
from tests.hostile import n_params, non_finite, problems

LAYERS = (3, 5, 3)
BASE = dict(theta_vec=np.linspace(-1, 1, 38), layer_sizes=LAYERS, X=np.arange(12.0).reshape(4, 3) / 7,
            y=np.array([0, 1, 2, 0]), lam=0.5)
THETAS = mb.reshape(BASE["theta_vec"], LAYERS)


def cost(**changes):
    return mb.nn_cost_function(**{**BASE, **changes})


def loop(**changes):
    return mb.nn_cost_function(**{**BASE, **changes}, method="loop")


CASES = {
    # theta_vec
    "theta_vec too short": (lambda: cost(theta_vec=np.zeros(37)), ValueError,
                            r"theta_vec must have length 38 \(= 5\*4 \+ 3\*6 for layer sizes \(3, 5, 3\)\), got 37"),
    "theta_vec for other layer sizes": (lambda: cost(layer_sizes=(3, 4, 3)), ValueError,
                                        r"theta_vec must have length 31 \(= 4\*4 \+ 3\*5 for layer sizes \(3, 4, 3\)\), got 38"),
    "theta_vec 2-D": (lambda: cost(theta_vec=np.zeros((38, 1))), ValueError,
                      r"theta_vec must be 1-dimensional, got 2 dimensions with shape \(38, 1\)"),
    "theta_vec as a scalar": (lambda: cost(theta_vec=1.0), ValueError, r"theta_vec must be 1-dimensional, got 0 dimensions"),
    "theta_vec with nan": (lambda: cost(theta_vec=np.r_[np.zeros(37), np.nan]), ValueError,
                           "theta_vec must be finite, got nan at index 37"),
    "theta_vec of strings": (lambda: cost(theta_vec=np.array(["a"] * 38)), TypeError,
                             "theta_vec must be an array of real or complex numbers, got dtype <U1"),
    "complex weights through relu": (lambda: cost(theta_vec=BASE["theta_vec"] + 0j, activation="relu"), TypeError,
                                     "relu is not analytic"),
    # layer_sizes
    "one layer": (lambda: cost(layer_sizes=(3,)), ValueError,
                  r"layer_sizes must have at least 2 layers \(input and output\), got 1: \(3,\)"),
    "zero units": (lambda: cost(layer_sizes=(3, 0, 3)), ValueError, r"layer_sizes\[1\] \(s_2\) must be at least 1, got 0"),
    "float units": (lambda: cost(layer_sizes=(3, 5.0, 3)), TypeError, r"layer_sizes\[1\] \(s_2\) must be an integer, got 5.0"),
    "boolean layer size": (lambda: cost(layer_sizes=(3, True, 3)), TypeError,
                           r"layer_sizes\[1\] \(s_2\) must be an integer, got True"),
    "layer sizes as a string": (lambda: cost(layer_sizes="353"), TypeError,
                                r"layer_sizes must be a sequence of integers \(s_1, ..., s_L\), got str '353'"),
    "layer sizes not a sequence": (lambda: cost(layer_sizes=3), TypeError, "layer_sizes must be a sequence of integers"),
    "layer sizes as a dict": (lambda: cost(layer_sizes={3: "in", 5: "hidden", 3.5: "out"}), TypeError,
                              r"layer_sizes must be a sequence of integers \(s_1, ..., s_L\), got dict"),
    "layer sizes as a set": (lambda: cost(layer_sizes={3, 5}), TypeError,
                             r"layer_sizes must be a sequence of integers \(s_1, ..., s_L\), got set"),
    "layer sizes as a generator": (lambda: mb.n_params(s for s in LAYERS), TypeError,
                                   r"layer_sizes must be a sequence of integers \(s_1, ..., s_L\), got generator"),
    # X
    "X with the wrong columns": (lambda: cost(X=np.zeros((4, 2))), ValueError,
                                 r"X must have shape \(m, 3\) \(one row per example, s_1 = 3 columns\), got \(4, 2\)"),
    "X 1-D": (lambda: cost(X=np.zeros(3)), ValueError, r"X must be 2-dimensional, got 1 dimensions with shape \(3,\)"),
    "X empty": (lambda: cost(X=np.zeros((0, 3)), y=np.zeros(0, int)), ValueError, r"X must not be empty, got shape \(0, 3\)"),
    "an empty list as X": (lambda: cost(X=[], y=[]), ValueError, r"X must be 2-dimensional, got 1 dimensions with shape \(0,\)"),
    "X with inf": (lambda: cost(X=np.array([[0, 0, 0], [0, np.inf, 0], [0, 0, 0], [0, 0, 0]])), ValueError,
                   r"X must be finite, got inf at index \(1, 1\)"),
    "a ragged list as X": (lambda: cost(X=[[0, 1, 2], [3, 4]]), ValueError, "X must be a rectangular array of numbers, got a ragged"),
    "a masked X": (lambda: cost(X=np.ma.masked_greater(BASE["X"], 1.0)), TypeError,
                   "X is a masked array with 4 masked entries; the network has no notion of a missing value"),
    "a pandas X with a missing value": (lambda: cost(X=pd.DataFrame(BASE["X"], dtype="Float64").mask(BASE["X"] > 1.5)),
                                        TypeError, r"X holds 1 missing values \(pandas NA\)"),
    "None as X": (lambda: cost(X=None), TypeError, "X must be an array of real numbers, got dtype object"),
    "X of objects": (lambda: cost(X=np.array([[None] * 3] * 4)), TypeError, "X must be an array of real numbers, got dtype object"),
    "X of strings": (lambda: cost(X=[["1", "2", "3"]] * 4), TypeError, "X must be an array of real numbers, got dtype <U1"),
    "X of datetimes": (lambda: cost(X=np.zeros((4, 3), "datetime64[s]")), TypeError,
                       r"X must be an array of real numbers, got dtype datetime64\[s\]"),
    "X of long doubles": (lambda: cost(X=np.zeros((4, 3), np.longdouble)), TypeError,
                          "X must be float32, float64 or complex128, got dtype float128"),
    "complex X": (lambda: cost(X=BASE["X"] + 0j), TypeError, "X must be an array of real numbers, got dtype complex128"),
    # y
    "None as y": (lambda: cost(y=None), TypeError, r"y must be integer labels of shape \(4,\) or an \(4, 3\) 0-1 matrix, got None"),
    "None as y, loop method": (lambda: loop(y=None), TypeError,
                               r"y must be integer labels of shape \(4,\) or an \(4, 3\) 0-1 matrix, got None"),
    "None as y, cost alone": (lambda: mb.nn_cost(**{**BASE, "y": None}), TypeError, r"y must be integer labels .* got None"),
    "y too short": (lambda: cost(y=np.array([0, 1, 2])), ValueError, r"y must have shape \(4,\) to match the 4 rows of X, got \(3,\)"),
    "label too large": (lambda: cost(y=np.array([0, 1, 3, 0])), ValueError, r"y must hold labels in 0..2 \(K = 3\), got 3"),
    "negative label": (lambda: cost(y=np.array([0, -1, 2, 0])), ValueError, r"y must hold labels in 0..2 \(K = 3\), got -1"),
    "non-integer label": (lambda: cost(y=np.array([0, 1.5, 2, 0])), ValueError, "y must hold integer labels 0..2, got the non-integer 1.5"),
    "nan label": (lambda: cost(y=np.array([0, np.nan, 2, 0])), ValueError, "y must be finite, got nan at index 1"),
    "string labels": (lambda: cost(y=["a", "b", "c", "a"]), TypeError, "y must hold integer labels or a 0-1 matrix, got dtype <U1"),
    "a ragged list as y": (lambda: cost(y=[[0, 1], [1]]), ValueError, "y must be a rectangular array of numbers, got a ragged"),
    "3-D labels": (lambda: cost(y=np.zeros((4, 3, 1))), ValueError,
                   r"y must have shape \(4,\) \(labels\) or \(4, 3\) \(0-1 matrix\), got \(4, 3, 1\)"),
    "labels 2 for K = 1": (lambda: cost(theta_vec=np.zeros(26), layer_sizes=(3, 5, 1), y=[0, 1, 2, 0]), ValueError,
                           r"y must hold labels in 0..1 \(K = 1\), got 2"),
    "label matrix of the wrong shape": (lambda: cost(y=np.zeros((4, 2))), ValueError,
                                        r"y as a label matrix must have shape \(4, 3\) \(m examples by K outputs\), got \(4, 2\)"),
    "label matrix not 0-1": (lambda: cost(y=np.full((4, 3), 0.5)), ValueError, "y as a label matrix must contain only 0 and 1, got 0.5"),
    "a pandas label column with a missing value": (lambda: cost(y=pd.Series([0, 1, None, 0], dtype="Int64")), TypeError,
                                                   r"y holds 1 missing values \(pandas NA\)"),
    "softmax row not one-hot": (lambda: cost(y=np.ones((4, 3)), output="softmax"), ValueError,
                                r"y for a softmax output must have exactly one 1 per row \(one-hot\), got 3 in row 0"),
    "softmax with one output": (lambda: cost(theta_vec=np.zeros(26), layer_sizes=(3, 5, 1), y=np.zeros(4, int), output="softmax"),
                                ValueError, r"a softmax output needs K >= 2 output units, got K = 1"),
    # lambda
    "negative lambda": (lambda: cost(lam=-1.0), ValueError, r"lam \(lambda\) must be a finite number >= 0, got -1.0"),
    "nan lambda": (lambda: cost(lam=float("nan")), ValueError, r"lam \(lambda\) must be a finite number >= 0, got nan"),
    "infinite lambda": (lambda: cost(lam=np.inf), ValueError, r"lam \(lambda\) must be a finite number >= 0, got inf"),
    "lambda as a string": (lambda: cost(lam="1"), TypeError, r"lam \(lambda\) must be a real number, got '1'"),
    "boolean lambda": (lambda: cost(lam=True), TypeError, r"lam \(lambda\) must be a real number, got True"),
    # choices
    "unknown activation": (lambda: cost(activation="elu"), ValueError,
                           r"activation must be one of \['relu', 'sigmoid', 'tanh'\], got 'elu'"),
    "unknown output": (lambda: cost(output="linear"), ValueError, r"output must be one of \['sigmoid', 'softmax'\], got 'linear'"),
    "unknown method": (lambda: cost(method="fast"), ValueError, r"method must be one of \('vectorized', 'loop'\), got 'fast'"),
    # thetas (forward propagation, prediction, unrolling)
    "forward with a misshapen Theta": (lambda: mb.forward_propagation([np.zeros((5, 4)), np.zeros((3, 5))], BASE["X"]),
                                       ValueError, r"Theta 2 must have 6 columns"),
    "predict with X of the wrong width": (lambda: mb.predict(THETAS, np.zeros((2, 4))), ValueError, r"X must have shape \(m, 3\)"),
    "predict with a zero batch size": (lambda: mb.predict(THETAS, BASE["X"], batch_size=0), ValueError,
                                       "batch_size must be at least 1, got 0"),
    "forward with a fractional batch size": (lambda: mb.forward_propagation(THETAS, BASE["X"], batch_size=1.5), TypeError,
                                             "batch_size must be an integer, got 1.5"),
    "predict with a non-finite weight": (lambda: mb.predict([THETAS[0], np.where(THETAS[1] > 0.9, np.inf, THETAS[1])],
                                                            BASE["X"]), ValueError, r"Theta 2 must be finite, got inf"),
    "unroll of thetas that do not chain": (lambda: mb.unroll([np.zeros((5, 4)), np.zeros((6, 3))]), ValueError,
                                           r"Theta 2 must have 6 columns \(s_2 \+ 1 with s_2 = 5, the rows of Theta 1\), got shape \(6, 3\)"),
    "unroll of a non-finite weight": (lambda: mb.unroll([np.array([[0.0, 1.0], [np.nan, 0.0]])]), ValueError,
                                      r"Theta 1 must be finite, got nan at index \(1, 0\)"),
    "unroll of a ragged Theta": (lambda: mb.unroll([[[0.0, 1.0], [2.0]]]), ValueError,
                                 "Theta 1 must be a rectangular array of numbers, got a ragged sequence"),
    "layer_sizes_of a single array": (lambda: mb.layer_sizes_of(np.zeros((3, 4))), TypeError,
                                      r"thetas must be a sequence of 2-D arrays"),
    "reshape to layer sizes with no units": (lambda: mb.reshape(np.zeros(38), (3, 0, 3)), ValueError,
                                             r"layer_sizes\[1\] \(s_2\) must be at least 1, got 0"),
    # initialisation
    "no input units": (lambda: mb.random_initialize_weights(0, 3), ValueError, "l_in must be at least 1, got 0"),
    "fractional output units": (lambda: mb.random_initialize_weights(2, 3.0), TypeError, "l_out must be an integer, got 3.0"),
    "negative epsilon_init": (lambda: mb.random_initialize_weights(2, 3, epsilon_init=-1.0), ValueError,
                              "epsilon_init must be a finite number >= 0, got -1.0"),
    "epsilon_init whose interval is wider than float64": (
        lambda: mb.random_initialize_weights(2, 3, epsilon_init=1e308), ValueError,
        r"epsilon_init must be at most 8.98847e\+307 \(the interval \[-epsilon_init, epsilon_init\] must have a finite "
        r"width\), got 1e\+308"),
    "a seed for rng": (lambda: mb.random_initialize_weights(2, 3, rng=0), TypeError, "rng must be a numpy.random.Generator, got int"),
    "no debug rows": (lambda: mb.debug_initialize_weights(0, 3), ValueError, "fan_out must be at least 1, got 0"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_raises_one_error_naming_the_argument_the_expected_and_the_actual(case):
    call, error, message = CASES[case]
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------- bad values anywhere in drawn problems

def cost_function(problem, **kwargs):
    return mb.nn_cost_function(*problem.args(), **problem.kwargs(), **kwargs)


def first_index(where, shape):
    index = tuple(int(i) for i in np.argwhere(where)[0])
    return index[0] if len(shape) == 1 else index


@given(problems(), st.sampled_from(["theta_vec", "X"]), st.data())
def test_nan_or_inf_anywhere_is_named_with_its_first_position(problem, name, data):
    array = problem[name].copy()
    bad = data.draw(st.lists(st.integers(0, array.size - 1), min_size=1, max_size=3))
    array.flat[bad] = data.draw(non_finite())
    first = re.escape(str(first_index(~np.isfinite(array), array.shape)))
    with pytest.raises(ValueError, match=rf"{name} must be finite, got -?(nan|inf) at index {first}$"):
        cost_function(problem | {name: array})


@given(problems(), st.data())
def test_a_theta_vec_of_the_wrong_length_is_rejected_with_the_length_it_needs(problem, data):
    P = n_params(problem["layer_sizes"])
    length = data.draw(st.integers(1, 2 * P + 2).filter(lambda n: n != P))
    with pytest.raises(ValueError, match=rf"theta_vec must have length {P} \(= .*\), got {length}$"):
        cost_function(problem | {"theta_vec": np.resize(problem["theta_vec"], length)})


@given(problems(), st.data())
def test_X_of_the_wrong_width_or_y_of_the_wrong_length_is_rejected(problem, data):
    m, s_1 = problem["X"].shape
    width = data.draw(st.integers(1, s_1 + 3).filter(lambda n: n != s_1))
    with pytest.raises(ValueError, match=rf"X must have shape \(m, {s_1}\) .*, got \({m}, {width}\)"):
        cost_function(problem | {"X": np.ones((m, width))})
    y = np.asarray(problem["y"])
    with pytest.raises(ValueError, match=rf"y must have shape \({m},\) to match the {m} rows of X, got \({m + 1},\)|"
                                         rf"y as a label matrix must have shape \({m}, {y.shape[-1]}\) .*, got \({m + 1}, "):
        cost_function(problem | {"y": np.concatenate([y, y[:1]])})


@given(problems(), st.sampled_from([np.complex128, np.str_, object, "datetime64[s]"]))
def test_X_of_a_non_real_dtype_is_rejected_naming_the_dtype(problem, dtype):
    X = problem["X"].astype(dtype)
    with pytest.raises(TypeError, match=re.escape(f"X must be an array of real numbers, got dtype {X.dtype}")):
        cost_function(problem | {"X": X})


@given(problems(), st.data())
def test_a_label_that_is_not_an_integer_in_range_is_rejected_naming_it(problem, data):
    m, K = problem["X"].shape[0], problem["layer_sizes"][-1]
    n_classes = max(K, 2)
    y = np.array(data.draw(st.lists(st.integers(0, n_classes - 1), min_size=m, max_size=m)), dtype=float)
    bad = data.draw(st.one_of(st.floats(-1e6, 1e6).map(lambda v: v if v != round(v) else v + 0.5),
                              st.integers(n_classes, 10**6).map(float), st.integers(-10**6, -1).map(float)))
    y[data.draw(st.integers(0, m - 1))] = bad
    message = (rf"y must hold integer labels 0..{n_classes - 1}, got the non-integer" if bad != round(bad)
               else rf"y must hold labels in 0..{n_classes - 1} \(K = {K}\), got")
    with pytest.raises(ValueError, match=message):
        cost_function(problem | {"y": y})
