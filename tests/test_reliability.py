"""Reliability at the edges: no NaN, no silent wrong answer, whatever the input.

Each rule is a property over hostile input (tests/hostile.py): either the documented exception
with its message, or a finite result that is right.

Floating-point flags: the valid-input properties run inside ``numpy.errstate``, so that a hidden
overflow or invalid operation fails the test instead of passing with a warning. On moderate
numbers that is ``all="raise"``. On extreme numbers it is ``over``, ``divide`` and ``invalid``
raised, but ``under="ignore"``: underflow there is the correct rounding of a tiny true value (a
product of two tiny weights, or the error of a unit saturated in two successive layers, is below
1e-308), it cannot be avoided inside the BLAS products, and 0 or a subnormal is the right answer.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import example, given, note
from hypothesis import strategies as st

import manual_backprop as mb
from manual_backprop.gradient_check import debug_network
from reference import autodiff
from reference.tolerances import tolerance
from tests.error_bounds import oracle_and_bounds
from tests.helpers import assert_close
from manual_backprop.strategies import ACTIVATIONS
from tests.hostile import Problem, moderate_problems, n_params, non_finite, problems

RAISE_BUT_UNDERFLOW = dict(over="raise", divide="raise", invalid="raise", under="ignore")


def cost_function(problem, **kwargs):
    return mb.nn_cost_function(*problem.args(), **problem.kwargs(), **kwargs)


def assert_finite(J, grad_vec, dtype):
    assert np.isfinite(J) and np.isfinite(grad_vec).all(), f"J = {J}, grad_vec = {grad_vec}"
    assert np.asarray(J).dtype == dtype and grad_vec.dtype == dtype


def assert_matches_the_oracle(problem, J, grad_vec):
    """J and grad_vec against reference.autodiff (float64, on the same values), within the sum of
    both sides' running error bounds for this problem (see tests/error_bounds.py)."""
    J_jax, grad_jax, EJ, E_grad = oracle_and_bounds(problem, grad_vec.dtype)
    tol = tolerance("extreme_magnitudes_vs_autodiff", grad_vec.dtype)
    assert abs(J - J_jax) <= tol.atol * EJ + tol.rtol * abs(J_jax), f"J = {J!r}, oracle {J_jax!r}, error bound {EJ:.3g}"
    allowed = tol.atol * E_grad + tol.rtol * np.abs(grad_jax)
    wrong = np.flatnonzero(np.abs(grad_vec - grad_jax) > allowed)[:5]
    assert wrong.size == 0, (f"grad_vec{wrong.tolist()} = {grad_vec[wrong]}, oracle {grad_jax[wrong]}, "
                             f"allowed difference {allowed[wrong]}")


# ---------------------------------------------------------------- finite results, in the dtype given


@given(problems())
def test_cost_and_gradient_are_finite_for_weights_and_inputs_up_to_1e3_in_any_regime(problem):
    with np.errstate(**RAISE_BUT_UNDERFLOW):
        results = [cost_function(problem, method=method) for method in mb.backprop.METHODS]
        J_alone = mb.nn_cost(*problem.args(), **problem.kwargs())
    for J, grad_vec in results:
        assert_finite(J, grad_vec, problem["theta_vec"].dtype)
    assert J_alone == results[0][0]


# The oracle compiles each JAX operation once per shape (~0.5 s); a fixed pool of networks, from
# logistic regression to three weight layers, keeps every Hypothesis example after the first few
# cheap, so that the examples go to hostile numbers rather than to compiling shapes.
# The degenerate shapes below serve as the pool, so that both tests share the compilations.
ORACLE_NETWORKS = st.sampled_from([(3, 1), (1, 4, 2), (3, 1, 3), (1, 1, 1, 1), (4, 3, 1), (3, 4, 2)])


# Found by the thorough profile: JAX (XLA) flushes a subnormal weight or lambda to zero.
@example(Problem(theta_vec=np.r_[np.zeros(9), -np.ones(16), -1e-308], layer_sizes=(3, 4, 2), X=-np.ones((1, 3)),
                 y=np.array([0]), lam=38.0, activation="tanh", output="sigmoid"))
@example(Problem(theta_vec=np.r_[0.0, 0.0, 0.0, 0.0, 442.77, np.ones(13)], layer_sizes=(1, 4, 2),
                 X=np.array([[-1.39]]), y=np.array([0]), lam=2.225073858507203e-309, activation="relu",
                 output="softmax"))
@given(problems(sizes=ORACLE_NETWORKS, m=st.sampled_from([1, 3])))
def test_cost_and_gradient_match_the_oracle_within_their_error_bound_at_any_magnitude(problem):
    with np.errstate(**RAISE_BUT_UNDERFLOW):
        J, grad_vec = cost_function(problem)
    assert_finite(J, grad_vec, problem["theta_vec"].dtype)
    assert_matches_the_oracle(problem, J, grad_vec)


@given(moderate_problems())
def test_moderate_inputs_raise_no_floating_point_flag_at_all(problem):
    with np.errstate(all="raise"):
        J, grad_vec = cost_function(problem)
        J_loop, grad_loop = cost_function(problem, method="loop")
    assert_finite(J, grad_vec, np.float64)
    tol = tolerance("loop_vs_vectorized")
    np.testing.assert_allclose(grad_vec, grad_loop, rtol=tol.rtol, atol=tol.atol * max(1.0, abs(J)))


def test_a_unit_saturated_on_the_right_side_keeps_its_tiny_correct_gradient():
    # Logistic regression (L = 2), x = 1, z = 50, y = 1: h = g(50) rounds to 1, but
    # dJ/dtheta = (h - y) [1, x] = -g(-50) [1, 1] = -1.9e-22 [1, 1], not 0.
    with np.errstate(all="raise"):
        J, grad_vec = mb.nn_cost_function(np.array([0.0, 50.0]), (1, 1), np.array([[1.0]]), np.array([1]))
    exact = -1.0 / (1.0 + np.exp(50.0))
    np.testing.assert_allclose(grad_vec, [exact, exact], rtol=tolerance("same_formula").rtol * 4)
    np.testing.assert_allclose(J, -exact, rtol=tolerance("same_formula").rtol * 4)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_units_saturated_far_beyond_the_exponential_range_raise_no_floating_point_flag(activation, output):
    # |z| = 1000 in every layer: exp(-|z|) underflows inside g, softplus and softmax, which is the
    # correctly rounded 0 (or g = 1), so even numpy.errstate(all="raise") must pass.
    theta_vec = np.array([0.0, 1000.0, 0.0, -1000.0, 0.0, 1.0, -1.0, 0.0, -1.0, 1.0]) * [1, 1, 1, 1, 1, 1000, 1000, 1, 1000, 1000]
    X, y = np.array([[1.0], [-1.0]]), np.array([0, 1])
    with np.errstate(all="raise"):
        J, grad_vec = mb.nn_cost_function(theta_vec, (1, 2, 2), X, y, 1.0, activation=activation, output=output)
    assert_finite(J, grad_vec, np.float64)


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_output_error_has_no_cancellation_when_the_label_probability_rounds_to_1(output):
    z = np.array([[60.0, 0.0]]) if output == "softmax" else np.array([[60.0, -60.0]])
    Y = np.array([[1.0, 0.0]])
    exact = np.exp(-60.0)  # 1 - h_c = h_other = e^-60 (1 + O(e^-60))
    with np.errstate(all="raise"):
        delta = mb.cost.get_output(output).error(z, Y)
    np.testing.assert_allclose(delta, [[-exact, exact]], rtol=tolerance("same_formula").rtol * 4)


@given(problems(dtype=np.float32))
def test_float32_inputs_are_computed_in_float32(problem):
    with np.errstate(**RAISE_BUT_UNDERFLOW):
        J, grad_vec = cost_function(problem)
    assert_finite(J, grad_vec, np.float32)


@pytest.mark.parametrize("theta_dtype, X_dtype, expected", [
    (np.float32, np.float32, np.float32), (np.float32, np.float64, np.float64), (np.float64, np.float32, np.float64),
    (np.float32, np.int64, np.float64), (np.float32, np.bool_, np.float64), (np.float16, np.float16, np.float64),
    (np.int32, np.int32, np.float64),
])
def test_the_computation_runs_in_float32_only_when_theta_vec_and_X_are_both_float32(theta_dtype, X_dtype, expected):
    J, grad_vec = mb.nn_cost_function(np.ones(38, theta_dtype), (3, 5, 3), np.ones((4, 3), X_dtype), [0, 1, 2, 0])
    assert (np.asarray(J).dtype, grad_vec.dtype) == (expected, expected)


def test_the_gradient_check_judges_a_float32_gradient_by_the_float32_bound_and_says_why():
    rng = np.random.default_rng(3)
    layer_sizes = (4, 6, 3)
    theta_vec, X = rng.standard_normal(mb.n_params(layer_sizes)), rng.standard_normal((7, 4))
    y = rng.integers(0, 3, size=7)
    X32 = X.astype(np.float32)
    report = mb.check_gradients(lambda t: mb.nn_cost_function(t.astype(np.float32), layer_sizes, X32, y, 1.0),
                                theta_vec.astype(np.float32), layer_sizes,
                                cost=lambda t: mb.nn_cost(t, layer_sizes, X32.astype(np.float64), y, 1.0))
    # A correct float32 gradient misses the float64 bound by its own rounding, and is not called wrong for it.
    assert report.relative_difference > tolerance("central_difference").rtol
    assert report.passed and report.tolerance == tolerance("central_difference", np.float32).rtol
    assert "The analytical gradient is float32" in str(report) and "not by the float64 bound 1e-09" in str(report)


# ---------------------------------------------------------------- degenerate but valid shapes

DEGENERATE = {  # (layer sizes, output, m)
    "logistic regression (L = 2, K = 1)": ((3, 1), "sigmoid", 3),
    "no hidden layer, softmax (L = 2)": ((3, 4), "softmax", 3),
    "one input unit": ((1, 4, 2), "softmax", 3),
    "one hidden unit": ((3, 1, 3), "sigmoid", 3),
    "layers of width 1": ((1, 1, 1, 1), "sigmoid", 3),
    "one output unit, binary labels": ((4, 3, 1), "sigmoid", 3),
    "one example": ((3, 4, 2), "softmax", 1),
}


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("case", DEGENERATE)
def test_degenerate_shapes_give_the_cost_and_gradient_of_the_oracle(case, activation):
    layer_sizes, output, m = DEGENERATE[case]
    rng = np.random.default_rng(m)
    theta_vec, X = rng.standard_normal(mb.n_params(layer_sizes)), rng.standard_normal((m, layer_sizes[0]))
    y = rng.integers(0, max(layer_sizes[-1], 2), size=m)
    args, kwargs = (theta_vec, layer_sizes, X, y, 0.7), dict(activation=activation, output=output)
    with np.errstate(all="raise"):
        J, grad_vec = mb.nn_cost_function(*args, **kwargs)
    J_jax, grad_jax = autodiff.nn_cost_function(*args, **kwargs)
    assert_close(J, J_jax, "manual_vs_autodiff")
    assert_close(grad_vec, grad_jax, "manual_vs_autodiff")


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("scale", [1e2, 1e3])
def test_weights_too_large_saturate_the_hidden_units_and_give_tiny_but_correct_gradients(scale, activation):
    # The notes' case: large weights push sigmoid and tanh units into their flat tails, g'(z) ~ 0,
    # and the gradient of the first layer vanishes; it must do so correctly, not as NaN.
    theta_vec, layer_sizes, X, y = debug_network()
    problem = Problem(theta_vec=scale * theta_vec, layer_sizes=layer_sizes, X=scale * X, y=y, lam=1.0,
                      activation=activation, output="sigmoid")
    with np.errstate(**RAISE_BUT_UNDERFLOW):
        J, grad_vec = cost_function(problem)
    assert_finite(J, grad_vec, np.float64)
    assert_matches_the_oracle(problem, J, grad_vec)
    with np.errstate(**RAISE_BUT_UNDERFLOW):
        D1, D2 = mb.reshape(cost_function(problem | {"lam": 0.0})[1], layer_sizes)  # without regularisation
    assert np.abs(D1).max() < 1e-3 * np.abs(D2).max()


# ---------------------------------------------------------------- inputs in any form that means the same numbers

BASE = dict(theta_vec=np.linspace(-1, 1, 38), layer_sizes=(3, 5, 3),
            X=np.arange(12.0).reshape(4, 3) / 7, y=np.array([0, 1, 2, 0]), lam=0.5)


def fortran(a):
    return np.asfortranarray(a)


def strided(a):
    """The same values as a non-contiguous view (every other element of a larger array)."""
    big = np.zeros(tuple(2 * n for n in a.shape), dtype=a.dtype)
    view = big[tuple(slice(None, None, 2) for _ in a.shape)]
    view[...] = a
    return view


def read_only(a):
    a = a.copy()
    a.flags.writeable = False
    return a


SAME_NUMBERS = {
    "lists instead of arrays": dict(theta_vec=BASE["theta_vec"].tolist(), X=BASE["X"].tolist(), y=BASE["y"].tolist()),
    "a tuple of layer sizes as an array": dict(layer_sizes=np.array(BASE["layer_sizes"])),
    "integral float labels": dict(y=BASE["y"].astype(float)),
    "labels as a one-hot matrix": dict(y=np.eye(3)[BASE["y"]]),
    "Fortran-ordered X": dict(X=fortran(BASE["X"])),
    "non-contiguous X and theta_vec": dict(X=strided(BASE["X"]), theta_vec=strided(BASE["theta_vec"])),
    "read-only arrays": dict(X=read_only(BASE["X"]), theta_vec=read_only(BASE["theta_vec"]), y=read_only(BASE["y"])),
    "a Fortran-ordered label matrix": dict(y=fortran(np.eye(3)[BASE["y"]])),
    "lambda as a NumPy scalar": dict(lam=np.float32(0.5)),
    "a masked array with nothing masked": dict(X=np.ma.masked_array(BASE["X"])),
}


@pytest.mark.parametrize("method", mb.backprop.METHODS)
@pytest.mark.parametrize("case", SAME_NUMBERS)
def test_inputs_in_any_layout_or_container_give_exactly_the_same_result(case, method):
    J, grad_vec = mb.nn_cost_function(**{**BASE, **SAME_NUMBERS[case]}, method=method)
    J_base, grad_base = mb.nn_cost_function(**BASE, method=method)
    assert J == J_base
    np.testing.assert_array_equal(grad_vec, grad_base)
    assert mb.nn_cost(**{**BASE, **SAME_NUMBERS[case]}) == mb.nn_cost(**BASE)


def test_integer_X_gives_the_result_of_the_same_numbers_as_floats():
    X = np.array([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]])
    J, grad_vec = mb.nn_cost_function(**{**BASE, "X": X})
    J_float, grad_float = mb.nn_cost_function(**{**BASE, "X": X.astype(float)})
    assert J == J_float
    np.testing.assert_array_equal(grad_vec, grad_float)


def test_a_theta_vec_for_another_architecture_of_the_same_length_cannot_be_detected():
    # The documented limit: (3, 5, 3) and (18, 2) both need 38 weights, so a theta_vec meant for
    # one is a valid theta_vec of the other; only its length can be checked.
    assert mb.n_params((3, 5, 3)) == mb.n_params((18, 2)) == 38
    J, grad_vec = mb.nn_cost_function(BASE["theta_vec"], (18, 2), np.zeros((2, 18)), [0, 1])
    assert np.isfinite(J) and grad_vec.shape == (38,)


# ---------------------------------------------------------------- bad input of every kind

def call(**changes):
    return mb.nn_cost_function(**{**BASE, **changes})


BAD = {
    "an empty X": (lambda: call(X=np.zeros((0, 3)), y=np.zeros(0, int)), ValueError, r"X must not be empty, got shape \(0, 3\)"),
    "an empty list as X": (lambda: call(X=[], y=[]), ValueError, r"X must be 2-dimensional, got 1 dimensions with shape \(0,\)"),
    "a ragged list as X": (lambda: call(X=[[0, 1, 2], [3, 4]]), ValueError, "X must be a rectangular array of numbers, got a ragged"),
    "a ragged list as y": (lambda: call(y=[[0, 1], [1]]), ValueError, "y must be a rectangular array of numbers, got a ragged"),
    "a masked X": (lambda: call(X=np.ma.masked_greater(BASE["X"], 1.0)), TypeError,
                   "X is a masked array with 4 masked entries; the network has no notion of a missing value"),
    "None as X": (lambda: call(X=None), TypeError, "X must be an array of real numbers, got dtype object"),
    "X of strings": (lambda: call(X=[["1", "2", "3"]] * 4), TypeError, "X must be an array of real numbers, got dtype <U1"),
    "X of datetimes": (lambda: call(X=np.zeros((4, 3), "datetime64[s]")), TypeError,
                       r"X must be an array of real numbers, got dtype datetime64\[s\]"),
    "X of long doubles": (lambda: call(X=np.zeros((4, 3), np.longdouble)), TypeError,
                          "X must be float32, float64 or complex128, got dtype float128"),
    "theta_vec as a scalar": (lambda: call(theta_vec=1.0), ValueError, r"theta_vec must be 1-dimensional, got 0 dimensions"),
    "float labels that are not integers": (lambda: call(y=[0.0, 1.0, 2.5, 0.0]), ValueError,
                                          "y must hold integer labels 0..2, got the non-integer 2.5"),
    "string labels": (lambda: call(y=["a", "b", "c", "a"]), TypeError, "y must hold integer labels or a 0-1 matrix, got dtype <U1"),
    "3-D labels": (lambda: call(y=np.zeros((4, 3, 1))), ValueError, r"y must have shape \(4,\) \(labels\) or \(4, 3\) \(0-1 matrix\), got \(4, 3, 1\)"),
    "labels 2 for K = 1": (lambda: call(theta_vec=np.zeros(26), layer_sizes=(3, 5, 1), y=[0, 1, 2, 0]), ValueError,
                           r"y must hold labels in 0..1 \(K = 1\), got 2"),
    "boolean lambda": (lambda: call(lam=True), TypeError, r"lam \(lambda\) must be a real number, got True"),
    "infinite lambda": (lambda: call(lam=np.inf), ValueError, r"lam \(lambda\) must be a finite number >= 0, got inf"),
    "layer sizes not a sequence": (lambda: call(layer_sizes=3), TypeError, "layer_sizes must be a sequence of integers"),
    "boolean layer size": (lambda: call(layer_sizes=(3, True, 3)), TypeError, r"layer_sizes\[1\] \(s_2\) must be an integer, got True"),
    "theta_vec for other layer sizes": (lambda: call(layer_sizes=(3, 4, 3)), ValueError,
                                        r"theta_vec must have length 31 \(= 4\*4 \+ 3\*5 for layer sizes \(3, 4, 3\)\), got 38"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_raises_an_error_naming_the_argument_the_expected_and_the_actual(case):
    action, error, message = BAD[case]
    with pytest.raises(error, match=message):
        action()


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


# ---------------------------------------------------------------- results too large for the dtype


@given(st.sampled_from([np.float64, np.float32]), st.floats(0.0, 308.0), st.data())
def test_a_cost_too_large_for_the_dtype_raises_overflow_error_never_inf(dtype, log_lam, data):
    problem = data.draw(problems(dtype=dtype, regime="ordinary"))
    lam = 10.0 ** log_lam
    theta, m = problem["theta_vec"].astype(np.float64), problem["X"].shape[0]
    weights = np.concatenate([Theta[:, 1:].ravel() for Theta in mb.reshape(theta, problem["layer_sizes"])])
    # The largest number met: lambda/(2m) sum Theta^2, (lambda/m) max |Theta| or lambda/m itself (which
    # must fit in the dtype even when the weights are 0), in logs to stay finite here.
    log_largest = log_lam + max(np.log10(max((weights ** 2).sum() / (2 * m), 1e-300)),
                                np.log10(max(np.abs(weights).max(initial=0.0) / m, 1e-300)), -np.log10(m))
    log_max = np.log10(np.finfo(dtype).max)
    note(f"lambda = {lam:.3g}, log10 of the largest result = {log_largest:.2f}, of the dtype's max = {log_max:.2f}")
    problem = problem | {"lam": lam}
    if log_largest > log_max + 0.1:
        with pytest.raises(OverflowError, match=f"does not fit in {np.dtype(dtype)}"):
            cost_function(problem)
    elif log_largest < log_max - 0.1:
        with np.errstate(**RAISE_BUT_UNDERFLOW):
            assert_finite(*cost_function(problem), dtype)


def test_a_forward_pass_too_large_for_float32_raises_overflow_error_instead_of_predicting_from_nan():
    # 14 ReLU layers of weights 1e3: z grows by ~4e3 per layer and passes float32's 3.4e38.
    thetas = [np.full((4, 4), 1e3, np.float32)] + [np.full((4, 5), 1e3, np.float32)] * 12 + [np.full((2, 5), 1e3, np.float32)]
    with pytest.raises(OverflowError, match="does not fit in float32"):
        mb.predict(thetas, np.full((1, 3), 1e3, np.float32), activation="relu", output="softmax")


# ---------------------------------------------------------------- nothing changes the inputs or global state


def everything(problem):
    """Every public function that takes these inputs, called once."""
    theta_vec, layer_sizes, X, y, lam = problem.args()
    kwargs = problem.kwargs()
    thetas = mb.reshape(theta_vec, layer_sizes)
    for method in mb.backprop.METHODS:
        mb.nn_cost_function(theta_vec, layer_sizes, X, y, lam, method=method, **kwargs)
    mb.nn_cost(theta_vec, layer_sizes, X, y, lam, **kwargs)
    mb.forward_propagation(thetas, X, **kwargs)
    mb.predict(thetas, X, **kwargs)
    mb.unroll(thetas)
    net = mb.Network(layer_sizes, **kwargs)
    net.cost_function(theta_vec, X, y, lam)
    net.predict_proba(theta_vec, X)
    net.initialize()
    mb.random_initialize_weights(layer_sizes[0], layer_sizes[-1])


@given(problems())
def test_no_function_writes_to_its_inputs(problem):
    originals = {name: np.array(value, copy=True) for name, value in problem.items() if isinstance(value, np.ndarray)}
    for value in originals:
        problem[value].flags.writeable = False  # a write would raise
    with np.errstate(**RAISE_BUT_UNDERFLOW):
        everything(problem)
    for name, original in originals.items():
        np.testing.assert_array_equal(problem[name], original, err_msg=f"{name} was modified")


@pytest.mark.parametrize("user_setting", [dict(all="warn"), dict(all="raise"), dict(all="ignore", under="raise")])
def test_numpy_error_settings_and_global_random_state_are_left_as_they_were(user_setting):
    random_state = np.random.get_state(legacy=False)["state"]["key"].copy()
    with np.errstate(**user_setting):
        settings = np.geterr()
        everything(Problem(BASE, activation="sigmoid", output="sigmoid"))
        with pytest.raises(OverflowError):
            mb.nn_cost_function(**{**BASE, "theta_vec": np.full(38, 10.0), "lam": 1e308})
        with pytest.raises(ValueError):
            mb.nn_cost_function(**{**BASE, "X": np.full((4, 3), np.nan)})
        assert np.geterr() == settings
    np.testing.assert_array_equal(np.random.get_state(legacy=False)["state"]["key"], random_state)
