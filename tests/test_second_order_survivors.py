"""Second order and the bound cost function: the dtype H v is computed in, which pass ``method``
runs, the BLAS threads it runs on, the BLAS a bound cost function limits, and what the H v check
accepts from a given ``hvp``.

The cases are exact: mixed float32/float64 arguments give bit for bit the H v of the same numbers
in float64 (float32 to float64 is exact); the pass and the threads are seen from inside the
computation, through a hidden activation that records what it is called with (an entry of the
public SECOND_ORDER registry, or an Activation given to BoundCost).
"""

import os
import sys

import numpy as np
import pytest
import scipy.linalg  # noqa: F401  (loads SciPy's own BLAS beside NumPy's)
from threadpoolctl import threadpool_info, threadpool_limits

from manual_backprop import BoundCost
from manual_backprop import bound as bound_module
from manual_backprop import hessian as hessian_module
from manual_backprop.activations import Activation, sigmoid, sigmoid_gradient
from manual_backprop.bound import PARALLEL_ABOVE_FLOPS
from manual_backprop.hessian import (
    METHODS,
    SecondOrderActivation,
    hessian_vector_product,
    relu_derivatives,
    sigmoid_derivatives,
    tanh_derivatives,
)
from manual_backprop.hessian_check import check_hessian_vector_products
from manual_backprop.unrolling import n_params
from tests.helpers import random_problem

DERIVATIVES = {"sigmoid": sigmoid_derivatives, "tanh": tanh_derivatives, "relu": relu_derivatives}
NUMPY_DIR = os.path.dirname(os.path.realpath(np.__file__))


def blas_threads_by_library():
    """{"numpy" or "other": the thread counts of the BLAS libraries loaded from there}."""
    counts = {"numpy": set(), "other": set()}
    for info in threadpool_info():
        if info["user_api"] == "blas":
            own = os.path.realpath(info["filepath"]).startswith(NUMPY_DIR)
            counts["numpy" if own else "other"].add(info["num_threads"])
    return counts


def numpy_blas_threads():
    (count,) = blas_threads_by_library()["numpy"]
    return count


@pytest.fixture
def callers_two_threads_in_a_larger_pool():
    """The caller runs BLAS on 2 threads after having used 3: a count restored to anything but
    the caller's own (such as the pool's size) is then seen."""
    with threadpool_limits(limits=3, user_api="blas"), threadpool_limits(limits=2, user_api="blas"):
        yield


# --- the dtype H v is computed in ---------------------------------------------------------------

def mixed_problem(seed):
    rng = np.random.default_rng(seed)
    layer_sizes = (3, 4, 2)
    theta_vec, X, y = random_problem(rng, layer_sizes, 5)
    return theta_vec, layer_sizes, X, y, rng.standard_normal(theta_vec.size)


@pytest.mark.parametrize("method", METHODS)
def test_float32_weights_and_inputs_with_a_float64_v_give_the_float64_h_v_of_the_same_numbers(method):
    theta_vec, layer_sizes, X, y, v = mixed_problem(1)
    theta32, X32 = theta_vec.astype(np.float32), X.astype(np.float32)
    Hv = hessian_vector_product(theta32, layer_sizes, X32, y, 0.7, v, method=method)
    expected = hessian_vector_product(theta32.astype(np.float64), layer_sizes, X32.astype(np.float64), y, 0.7, v,
                                      method=method)
    assert Hv.dtype == np.float64 and np.array_equal(Hv, expected)


@pytest.mark.parametrize("method", METHODS)
def test_a_float32_v_with_float64_weights_gives_the_float64_h_v_of_the_same_numbers(method):
    theta_vec, layer_sizes, X, y, v = mixed_problem(2)
    v32 = v.astype(np.float32)
    Hv = hessian_vector_product(theta_vec, layer_sizes, X, y, 0.7, v32, method=method)
    expected = hessian_vector_product(theta_vec, layer_sizes, X, y, 0.7, v32.astype(np.float64), method=method)
    assert Hv.dtype == np.float64 and np.array_equal(Hv, expected)


# A 1-1-2 sigmoid network, x = 0: z(2) = 0, a(2) = 1/2, and both outputs saturate at z(3) = 1.5e38
# with y = 0, so delta(3) = (1, 1) and delta(3) Theta(2)[:, 1:] = 3e38 + 3e38 does not fit in float32.
# v moves the hidden bias alone: R{a(2)} = g'(0) = 1/4, R{h} = 0, g''(0) = 0, so
# H v = delta(3)^T R{a(2)} in Theta(2)'s weight column: 1/4 for each output, exactly, 0 elsewhere.
SATURATED_THETA = [np.zeros((1, 2)), np.array([[0.0, 3e38], [0.0, 3e38]])]
HIDDEN_BIAS_V = [np.array([[1.0, 0.0]]), np.zeros((2, 2))]


def unrolled(arrays, dtype):
    return np.concatenate([A.ravel(order="F") for A in arrays]).astype(dtype)


@pytest.mark.parametrize("method", METHODS)
def test_a_float32_network_back_propagates_delta_in_float32_and_refuses_a_delta_theta_beyond_it(method):
    X, y = np.zeros((1, 1)), np.zeros((1, 2))
    with pytest.raises(OverflowError) as raised:
        hessian_vector_product(unrolled(SATURATED_THETA, np.float32), (1, 1, 2), X.astype(np.float32), y, 0.0,
                               unrolled(HIDDEN_BIAS_V, np.float32), method=method)
    assert str(raised.value) == (
        "H v (some R{z} or R{delta}) does not fit in float32 (overflow encountered in matmul): "
        "largest |Theta| = 3e+38, largest |X| = 0, lambda = 0; compute in float64 or scale the inputs down")
    Hv = hessian_vector_product(unrolled(SATURATED_THETA, np.float64), (1, 1, 2), X, y, 0.0,
                                unrolled(HIDDEN_BIAS_V, np.float64), method=method)
    assert Hv.dtype == np.float64 and np.array_equal(Hv, unrolled([np.zeros((1, 2)), np.array([[0.0, 0.25]] * 2)],
                                                                   np.float64))


# --- g, g' and g'' from z of any numeric dtype --------------------------------------------------

@pytest.mark.parametrize("name", DERIVATIVES)
def test_int64_z_gives_the_float64_derivatives_of_the_same_numbers_and_float32_z_float32_ones(name):
    z = np.array([-3, -1, 0, 2, 5])
    from_float64 = DERIVATIVES[name](z.astype(np.float64))
    for value, want in zip(DERIVATIVES[name](z.astype(np.int64)), from_float64):
        assert value.dtype == np.float64 and np.array_equal(value, want)
    for value in DERIVATIVES[name](z.astype(np.float32)):
        assert value.dtype == np.float32


# --- which pass runs ------------------------------------------------------------------------------

@pytest.fixture
def recorded_sigmoid(monkeypatch):
    """SECOND_ORDER's sigmoid, recording the shape of each z it is given and numpy's BLAS threads."""
    calls = []

    def derivatives(z):
        calls.append((np.shape(z), numpy_blas_threads()))
        return sigmoid_derivatives(z)

    monkeypatch.setitem(hessian_module.SECOND_ORDER, "sigmoid", SecondOrderActivation("sigmoid", derivatives))
    return calls


def test_the_loop_method_takes_one_example_at_a_time_and_the_vectorized_default_the_whole_batch(recorded_sigmoid):
    theta_vec, layer_sizes, X, y, v = mixed_problem(3)
    hessian_vector_product(theta_vec, layer_sizes, X, y, 0.7, v)
    assert [shape for shape, _ in recorded_sigmoid] == [(5, 4)]
    recorded_sigmoid.clear()
    hessian_vector_product(theta_vec, layer_sizes, X, y, 0.7, v, method="vectorized")
    assert [shape for shape, _ in recorded_sigmoid] == [(5, 4)]
    recorded_sigmoid.clear()
    hessian_vector_product(theta_vec, layer_sizes, X, y, 0.7, v, method="loop")
    assert {shape for shape, _ in recorded_sigmoid} == {(4,)} and len(recorded_sigmoid) >= 5


# --- BLAS threads of H v --------------------------------------------------------------------------

# 199-199-1 has P = 199 * 200 + 1 * 200 = 40,000 parameters: on m = 1250 examples the products of
# H v take 6 m P = 300 Mflop, ONE_BLAS_THREAD_BELOW_FLOPS exactly; on m = 1249, 6 P fewer.
THRESHOLD_SIZES = (199, 199, 1)


def threads_seen_by_h_v(m, calls):
    rng = np.random.default_rng(4)
    P = n_params(THRESHOLD_SIZES)
    X = rng.standard_normal((m, THRESHOLD_SIZES[0]))
    y = rng.integers(0, 2, m)
    hessian_vector_product(rng.standard_normal(P) / 20, THRESHOLD_SIZES, X, y, 0.0, rng.standard_normal(P))
    return [threads for _, threads in calls]


def test_the_size_from_which_h_v_keeps_the_callers_blas_threads_is_the_bound_cost_functions():
    assert hessian_module.ONE_BLAS_THREAD_BELOW_FLOPS == PARALLEL_ABOVE_FLOPS == 300e6
    assert 6 * 1250 * n_params(THRESHOLD_SIZES) == PARALLEL_ABOVE_FLOPS


def test_below_300_mflop_h_v_runs_on_one_blas_thread_and_gives_the_caller_back_its_own_count(
        callers_two_threads_in_a_larger_pool, recorded_sigmoid):
    assert threads_seen_by_h_v(1249, recorded_sigmoid) == [1]
    assert numpy_blas_threads() == 2


def test_from_300_mflop_up_h_v_runs_on_the_callers_blas_threads(callers_two_threads_in_a_larger_pool,
                                                                  recorded_sigmoid):
    assert threads_seen_by_h_v(1250, recorded_sigmoid) == [2]
    assert numpy_blas_threads() == 2


# --- the BLAS a bound cost function limits --------------------------------------------------------

def recording_cost(layer_sizes, X, y, seen):
    def recording_sigmoid(z, out=None):
        seen.append(blas_threads_by_library())
        return sigmoid(z, out=out)

    return BoundCost(layer_sizes, X, y, activation=Activation("recording sigmoid", recording_sigmoid,
                                                              sigmoid_gradient))


def test_a_bound_cost_limits_numpys_own_blas_alone_and_gives_the_caller_back_its_count(
        monkeypatch, callers_two_threads_in_a_larger_pool):
    assert blas_threads_by_library() == {"numpy": {2}, "other": {2}}  # SciPy's BLAS is loaded beside NumPy's
    monkeypatch.setattr(bound_module, "_controllers", None)  # found afresh, as on a process's first call
    rng = np.random.default_rng(5)
    theta_vec, X, y = random_problem(rng, (3, 4, 2), 5)
    seen = []
    recording_cost((3, 4, 2), X, y, seen)(theta_vec)
    assert seen == [{"numpy": {1}, "other": {2}}]
    assert blas_threads_by_library() == {"numpy": {2}, "other": {2}}


def test_without_threadpoolctl_a_bound_cost_leaves_the_blas_alone_and_gives_the_same_numbers(
        monkeypatch, callers_two_threads_in_a_larger_pool):
    rng = np.random.default_rng(6)
    theta_vec, X, y = random_problem(rng, (3, 4, 2), 5)
    J_limited, grad_limited = recording_cost((3, 4, 2), X, y, [])(theta_vec)
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import threadpoolctl raises ImportError
    monkeypatch.setattr(bound_module, "_controllers", None)
    seen = []
    J, grad_vec = recording_cost((3, 4, 2), X, y, seen)(theta_vec)
    assert seen == [{"numpy": {2}, "other": {2}}]
    assert J == J_limited and np.array_equal(grad_vec, grad_limited)


# --- what the H v check accepts from hvp -----------------------------------------------------------

def flat_check(hvp):
    rng = np.random.default_rng(7)
    theta_vec, X, y = random_problem(rng, (2, 2, 1), 3)
    return check_hessian_vector_products(theta_vec, (2, 2, 1), X, y, hvp=hvp, rng=np.random.default_rng(8))


def test_an_h_v_of_unsigned_integers_is_read_as_the_same_numbers_in_float64():
    P = n_params((2, 2, 1))
    as_uint = flat_check(lambda v: np.arange(P, dtype=np.uint8))
    as_float = flat_check(lambda v: np.arange(P, dtype=np.float64))
    assert (as_uint.passed, as_uint.relative_difference, as_uint.blocks) == (as_float.passed,
                                                                             as_float.relative_difference,
                                                                             as_float.blocks)


@pytest.mark.parametrize("dtype", ["<U3", "|S3"])
def test_an_h_v_of_numbers_written_as_text_is_refused_naming_its_dtype(dtype):
    P = n_params((2, 2, 1))
    with pytest.raises(TypeError) as raised:
        flat_check(lambda v: np.zeros(P).astype(dtype))
    assert str(raised.value) == f"hvp must return real numbers, got dtype {dtype}"
