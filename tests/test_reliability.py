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

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, note
from hypothesis import strategies as st

import manual_backprop as mb
from manual_backprop.gradient_check import debug_network
from reference import autodiff
from reference.tolerances import tolerance
from tests.error_bounds import oracle_and_bounds
from manual_backprop.strategies import ACTIVATIONS
from tests.helpers import assert_close, assert_within_tolerance
from tests.hostile import Problem, moderate_problems, problems

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
    decay = problem["lam"] / problem["X"].shape[0] * np.abs(problem["theta_vec"])  # (lambda/m) |Theta|
    assert_within_tolerance(grad_vec, grad_loop, "loop_vs_vectorized_regularised", scale=np.abs(grad_loop) + decay)


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
    "pandas nullable Float64 and Int64 columns": dict(X=pd.DataFrame(BASE["X"], dtype="Float64"),
                                                      y=pd.Series(BASE["y"], dtype="Int64")),
    "a pandas nullable Int64 label matrix": dict(y=pd.DataFrame(np.eye(3)[BASE["y"]], dtype="Int64")),
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


# ---------------------------------------------------------------- results too large for the dtype


@example(np.float64, -300.0, 155.0, Problem(theta_vec=np.array([0.0, 1.0]), layer_sizes=(1, 1), X=np.array([[1e-160]]),
                                            y=np.array([0]), lam=0.0, activation="sigmoid", output="sigmoid"))
@given(st.sampled_from([np.float64, np.float32]), st.floats(-300.0, 308.0), st.floats(0.0, 300.0),
       problems(regime="ordinary").map(lambda p: p | {"activation": "tanh" if p["activation"] == "relu" else p["activation"]}))
def test_a_cost_too_large_for_the_dtype_raises_overflow_error_never_inf_and_one_that_fits_never_raises(
        dtype, log_lam, log_scale, problem):
    # Weights scaled by up to 1e300 (float64): sigmoid and tanh keep every z below 1e302, so what
    # may not fit is the regulariser, lambda/(2m) sum Theta^2, or (lambda/m) Theta in the gradient.
    log_scale = log_scale if dtype == np.float64 else 0.0
    theta = problem["theta_vec"].astype(np.float64) * 10.0 ** log_scale
    lam, m = 10.0 ** log_lam, problem["X"].shape[0]
    weights = np.concatenate([Theta[:, 1:].ravel() for Theta in mb.reshape(theta, problem["layer_sizes"])])
    c = np.abs(weights).max(initial=0.0)
    # The largest number met: lambda/(2m) sum Theta^2, (lambda/m) max |Theta| or lambda/m itself (which
    # must fit in the dtype even when the weights are 0), in logs to stay finite here.
    log_sum_of_squares = 2 * np.log10(c) + np.log10(((weights / c) ** 2).sum()) if c > 0 else -np.inf
    log_largest = log_lam + max(log_sum_of_squares - np.log10(2 * m), np.log10(max(c, 1e-300) / m), -np.log10(m))
    log_max = np.log10(np.finfo(dtype).max)
    note(f"lambda = {lam:.3g}, log10 of the largest result = {log_largest:.2f}, of the dtype's max = {log_max:.2f}")
    problem = problem | {"lam": lam, "theta_vec": theta.astype(dtype), "X": problem["X"].astype(dtype)}
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
