"""The bound cost function's promises that mutation testing found unchecked: its kept arrays (a
call after the first allocates nothing but grad_vec), its regulariser (the plain sum of squares,
the scaled form only past its ends), its threads (one BLAS thread inside a call, the caller's
count after it; one block per core, on the library's pool) and its errors (the same from any block)."""

import os
import threading
import tracemalloc

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from manual_backprop import BoundCost, nn_cost_function
from manual_backprop import bound as bound_module
from manual_backprop.activations import Activation, sigmoid, sigmoid_gradient
from manual_backprop.bound import SQUARES_FROM
from reference.tolerances import tolerance
from tests.helpers import assert_close, random_problem

# How long a block on the pool waits for the caller's block to start (a guard against a hang, not
# a tolerance: the caller's block starts at once after the pool's blocks are handed out).
WAIT_FOR_THE_CALLERS_BLOCK_S = 30.0


def softsign(z, out=None):
    """An activation of the caller's own: g(z) = z / (1 + |z|)."""
    return np.divide(z, 1.0 + np.abs(z), out=out)


def softsign_gradient(z):
    return 1.0 / (1.0 + np.abs(z)) ** 2


SOFTSIGN = Activation("softsign", softsign, softsign_gradient)


def log_activation(z, out=None):
    """An activation of the caller's own that fails outside its domain: log(z), g'(z) = 1 / z."""
    return np.log(z, out=out)


def log_activation_gradient(z):
    return np.divide(1.0, z)


LOG = Activation("log", log_activation, log_activation_gradient)


def assert_gives_nn_cost_functions_numbers(bound, theta_vec, *args, **kwargs):
    J_plain, grad_plain = nn_cost_function(theta_vec, *args, **kwargs)
    J, grad_vec = bound(theta_vec)
    assert_close(J, J_plain, "loop_vs_vectorized")
    assert_close(grad_vec, grad_plain, "loop_vs_vectorized")


# --- the values --------------------------------------------------------------------------------

def test_a_hidden_activation_of_the_callers_own_gives_nn_cost_functions_numbers():
    rng = np.random.default_rng(11)
    sizes = (3, 5, 4, 2)
    theta_vec, X, y = random_problem(rng, sizes, 7)
    bound = BoundCost(sizes, X, y, 0.3, activation=SOFTSIGN)
    assert_gives_nn_cost_functions_numbers(bound, theta_vec, sizes, X, y, 0.3, activation=SOFTSIGN)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_a_network_of_three_weight_matrices_gives_nn_cost_functions_numbers(activation):
    rng = np.random.default_rng(12)
    sizes = (3, 4, 5, 2)
    theta_vec, X, y = random_problem(rng, sizes, 6)
    bound = BoundCost(sizes, X, y, 0.7, activation=activation)
    assert_gives_nn_cost_functions_numbers(bound, theta_vec, sizes, X, y, 0.7, activation=activation)


def certain_and_right(w):
    """(theta_vec, layer_sizes, X, y) of 1-1-1 with both weights w and an output bias of 800: h = 1
    for y = 1, so that every cost term log1p(exp(-800)) is exactly 0."""
    return np.array([0.0, w, 800.0, w]), (1, 1, 1), np.array([[1.0]]), np.array([1])


def test_without_lambda_a_network_that_is_certain_and_right_costs_exactly_zero():
    theta_vec, sizes, X, y = certain_and_right(1.0)
    J, grad_vec = BoundCost(sizes, X, y)(theta_vec)
    assert J == 0.0
    assert np.array_equal(grad_vec, np.zeros(4))


def test_a_network_that_is_certain_and_right_costs_exactly_its_plain_sum_of_squares():
    # lambda / (2m) (1^2 + 1^2) = 1 exactly; the scaled form (sqrt(1/2) 1)^2 (1 + 1) rounds above it.
    theta_vec, sizes, X, y = certain_and_right(1.0)
    J, _ = BoundCost(sizes, X, y, 1.0)(theta_vec)
    assert J == 1.0


def test_squares_that_sum_to_exactly_squares_from_are_summed_plainly():
    # Two squares of 2^-970 sum to SQUARES_FROM = 2^-969 exactly, the smallest sum taken plainly:
    # lambda / (2m) 2^-969 = 2^-970, where the scaled form gives a value an ulp away.
    theta_vec, sizes, X, y = certain_and_right(2.0 ** -485)
    assert 2 * (2.0 ** -485) ** 2 == SQUARES_FROM
    J, _ = BoundCost(sizes, X, y, 1.0)(theta_vec)
    assert J == 2.0 ** -970


def test_a_float32_theta_vec_gives_exactly_the_cost_of_the_same_numbers_in_float64():
    rng = np.random.default_rng(13)
    sizes = (3, 5, 3)
    theta_vec, X, y = random_problem(rng, sizes, 8)
    theta32 = theta_vec.astype(np.float32)
    bound = BoundCost(sizes, X, y, 5.0)
    J32, grad32 = bound(theta32)
    J64, grad64 = bound(theta32.astype(np.float64))
    assert grad32.dtype == np.float64
    assert J32 == J64
    assert np.array_equal(grad32, grad64)


def test_the_bound_cost_function_keeps_x_checked_and_in_float64():
    X = np.array([[1, 2, 3], [4, 5, 6]])
    bound = BoundCost((3, 2, 2), X, [0, 1])
    assert bound.X.dtype == np.float64
    assert np.array_equal(bound.X, X)


# --- underflow is no error ---------------------------------------------------------------------

UNDERFLOWING = {
    # exp(-800) = 0 in a hidden sigmoid unit's g and g'
    "a saturated hidden sigmoid unit": (np.array([0.0, 800.0, 0.0, 1.0]), (1, 1, 1), [[1.0]], [1], 0.0, "sigmoid"),
    # g'(355) = 1 / cosh(355)^2 ~ 1e-308, below the normal range (its outgoing weight 0)
    "a saturated hidden tanh unit": (np.array([0.0, 355.0, 0.0, 0.0]), (1, 1, 1), [[1.0]], [1], 0.0, "tanh"),
    # exp(-800) = 0 in the output's g(z) and in its cost log1p(exp(-|z|))
    "a saturated output unit": (np.array([0.0, 800.0]), (1, 1), [[1.0]], [0], 0.0, "sigmoid"),
    # a square of 1e-200 is 0 beside a square of 1
    "a weight whose square underflows": (np.array([0.0, 1.0, 1e-200]), (2, 1), [[1.0, 1.0]], [1], 0.5, "sigmoid"),
}


@pytest.mark.parametrize("case", list(UNDERFLOWING))
def test_a_callers_raise_on_underflow_does_not_stop_a_call_whose_tiny_values_round_correctly(case):
    theta_vec, sizes, X, y, lam, activation = UNDERFLOWING[case]
    X, y = np.array(X), np.array(y)
    bound = BoundCost(sizes, X, y, lam, activation=activation)
    J_plain, grad_plain = nn_cost_function(theta_vec, sizes, X, y, lam, activation=activation)
    with np.errstate(under="raise"):
        J, grad_vec = bound(theta_vec)
    assert_close(J, J_plain, "loop_vs_vectorized")
    assert_close(grad_vec, grad_plain, "loop_vs_vectorized")


# --- kept arrays ---------------------------------------------------------------------------------

@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_a_call_after_the_first_allocates_nothing_but_the_grad_vec_it_returns(activation):
    # An allocating g' or g makes arrays of 800 x 300 (1.9 MB), an allocating output 800 x 300, an
    # allocating regulariser 300 x 300 (720 KB): each more than grad_vec (744 KB) takes after them.
    rng = np.random.default_rng(14)
    sizes = (8, 300, 300)
    theta_vec, X, y = random_problem(rng, sizes, 800, scale=0.1)
    bound = BoundCost(sizes, X, y, 0.5, activation=activation, blocks=1)
    bound(theta_vec)
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        _, grad_vec = bound(theta_vec)
        allocated = tracemalloc.get_traced_memory()[1] - before
    finally:
        if started:
            tracemalloc.stop()
    assert allocated - grad_vec.nbytes <= tolerance("call_allocation_bytes").atol


# --- threads -------------------------------------------------------------------------------------

def numpy_blas_threads():
    return min(info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas")


def test_a_call_runs_on_one_blas_thread_and_gives_the_caller_back_its_own_count():
    seen = []

    def counting_sigmoid(z, out=None):
        seen.append(numpy_blas_threads())
        return sigmoid(z, out=out)

    rng = np.random.default_rng(15)
    sizes = (3, 4, 2)
    theta_vec, X, y = random_problem(rng, sizes, 5)
    bound = BoundCost(sizes, X, y, activation=Activation("counting sigmoid", counting_sigmoid, sigmoid_gradient))
    with threadpool_limits(limits=2, user_api="blas"):
        assert numpy_blas_threads() == 2
        bound(theta_vec)
        after = numpy_blas_threads()
    assert seen == [1]
    assert after == 2


@pytest.fixture
def cores(monkeypatch):
    """Make this process see a given number of cores, its BLAS unlimited (a fresh pool of threads)."""
    def see(n, affinity=True):
        if affinity:
            monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(n)), raising=False)
        else:  # a system without sched_getaffinity: os.cpu_count() (None where it is unknown)
            monkeypatch.delattr(os, "sched_getaffinity", raising=False)
            monkeypatch.setattr(os, "cpu_count", lambda: n)
        monkeypatch.setattr(bound_module, "_blas_controllers", list)

    monkeypatch.setattr(bound_module, "_pool", None)
    yield see
    if bound_module._pool is not None:
        bound_module._pool.shutdown()


def blocks_of(m):
    """The number of blocks "auto" gives 55-1515-10 on m examples: its products take
    6 m sum s_{l+1} (s_l + 1) = 6 m (1515 * 56 + 10 * 1516) = 600,000 m flops, PARALLEL_ABOVE_FLOPS
    (300 Mflop) at m = 500 exactly."""
    sizes = (55, 1515, 10)
    return len(BoundCost(sizes, np.zeros((m, 55)), np.zeros(m, dtype=int)).blocks)


def test_from_300_mflop_of_products_up_the_examples_are_split_into_one_block_per_core(cores):
    assert bound_module.PARALLEL_ABOVE_FLOPS == 300e6
    cores(4)
    assert blocks_of(499) == 1
    assert blocks_of(500) == 4


@pytest.mark.parametrize("cpu_count, blocks", [(3, 3), (None, 1)])
def test_without_sched_getaffinity_the_blocks_follow_the_cpu_count_or_one_where_it_is_unknown(cores, cpu_count,
                                                                                             blocks):
    cores(cpu_count, affinity=False)
    assert blocks_of(500) == blocks


def bound_with_hidden_units(g, *, blocks, seed, m):
    """BoundCost of (3, 4, 2) on m random examples with hidden units g (a sigmoid that watches the
    threads calling it), called once and held to nn_cost_function's numbers; returns it."""
    rng = np.random.default_rng(seed)
    sizes = (3, 4, 2)
    theta_vec, X, y = random_problem(rng, sizes, m)
    bound = BoundCost(sizes, X, y, 0.5, activation=Activation(g.__name__, g, sigmoid_gradient), blocks=blocks)
    J, grad_vec = bound(theta_vec)
    J_plain, grad_plain = nn_cost_function(theta_vec, sizes, X, y, 0.5)
    assert_close(J, J_plain, "loop_vs_vectorized")
    assert_close(grad_vec, grad_plain, "loop_vs_vectorized")
    return bound


@pytest.mark.parametrize("n_cores", [2, 4])
def test_blocks_beyond_the_cores_run_on_one_thread_per_core_the_pools_named_for_the_library(cores, n_cores):
    cores(n_cores)
    caller, started, names = threading.current_thread(), threading.Event(), set()

    def waiting_sigmoid(z, out=None):
        # The pool's blocks wait until the caller's block starts: none is free for a second block
        # before every block has been handed out, so the pool starts all the threads it may.
        if threading.current_thread() is caller:
            started.set()
        else:
            names.add(threading.current_thread().name)
            started.wait(WAIT_FOR_THE_CALLERS_BLOCK_S)
        return sigmoid(z, out=out)

    bound_with_hidden_units(waiting_sigmoid, blocks=6, seed=16, m=12)
    assert names == {f"manual_backprop_{i}" for i in range(n_cores - 1)}


def test_every_block_runs_under_the_librarys_floating_point_errors_whichever_thread_takes_it(cores):
    # Each thread's block waits until the other thread has taken a block, so that each runs one;
    # each must raise on overflow, invalid values and division by zero, as overflow_is_an_error does
    # in the caller's thread (NumPy's error state is per thread).
    cores(2)
    caller, started = threading.current_thread(), {True: threading.Event(), False: threading.Event()}
    seen = []

    def recording_sigmoid(z, out=None):
        on_caller = threading.current_thread() is caller
        started[on_caller].set()
        started[not on_caller].wait(WAIT_FOR_THE_CALLERS_BLOCK_S)
        state = np.geterr()
        seen.append((threading.current_thread() is caller, state["over"], state["invalid"], state["divide"]))
        return sigmoid(z, out=out)

    bound_with_hidden_units(recording_sigmoid, blocks=2, seed=17, m=6)
    assert sorted(seen) == [(False, "raise", "raise", "raise"), (True, "raise", "raise", "raise")]


def test_one_core_keeps_every_block_on_the_callers_thread_and_starts_no_pool(cores):
    # One core (or a caller's limit of one BLAS thread): the blocks run one after the other on the
    # caller's thread. Its first block gives a pool thread a second to show up and take another.
    cores(1)
    caller, other_thread, threads_seen = threading.current_thread(), threading.Event(), set()

    def watching_sigmoid(z, out=None):
        if threading.current_thread() is caller:
            other_thread.wait(1.0)
        else:
            other_thread.set()
        threads_seen.add(threading.current_thread().name)
        return sigmoid(z, out=out)

    bound = bound_with_hidden_units(watching_sigmoid, blocks=3, seed=18, m=6)
    assert bound.threads == 1
    assert threads_seen == {caller.name}
    assert bound_module._pool is None


@pytest.mark.parametrize("n_cores", [2, 4])
def test_the_pool_holds_one_thread_per_further_core(cores, n_cores):
    cores(n_cores)
    rng = np.random.default_rng(19)
    sizes = (3, 4, 2)
    theta_vec, X, y = random_problem(rng, sizes, 8)
    BoundCost(sizes, X, y, blocks=n_cores)(theta_vec)
    assert bound_module._pool._max_workers == n_cores - 1


# --- errors ----------------------------------------------------------------------------------------

FLOATING_POINT_ERRORS = {
    # z = 1e200 * 1e200 in the second example
    "overflow": (np.array([0.0, 1e200, 0.0, 1.0]), [[1.0], [1e200]], "sigmoid",
                 ("the cost or its gradient does not fit in float64 (overflow encountered in matmul): "
                  "largest |Theta| = 1e+200, largest |X| = 1e+200, lambda = 0; scale the inputs down")),
    # log(-1) in the second example
    "invalid": (np.array([0.0, 1.0, 0.0, 1.0]), [[1.0], [-1.0]], LOG,
                ("the cost or its gradient does not fit in float64 (invalid value encountered in log): "
                 "largest |Theta| = 1, largest |X| = 1, lambda = 0; scale the inputs down")),
    # 1 / 0 in the second example's g'
    "divide": (np.array([0.0, 1.0, 0.0, 1.0]), [[1.0], [0.0]], LOG,
               ("the cost or its gradient does not fit in float64 (divide by zero encountered in divide): "
                "largest |Theta| = 1, largest |X| = 1, lambda = 0; scale the inputs down")),
}


@pytest.mark.parametrize("blocks", [1, 2])
@pytest.mark.parametrize("error", list(FLOATING_POINT_ERRORS))
def test_a_floating_point_error_in_any_block_is_the_same_error_naming_the_largest_weight_and_input(error, blocks):
    # With two blocks the second example is the second block's, run by whichever thread takes it.
    theta_vec, X, activation, message = FLOATING_POINT_ERRORS[error]
    bound = BoundCost((1, 1, 1), np.array(X), np.array([1, 0]), activation=activation, blocks=blocks)
    with pytest.raises(OverflowError) as raised:
        bound(theta_vec)
    assert str(raised.value) == message


def test_a_theta_vec_of_two_dimensions_is_refused_naming_theta_vec():
    bound = BoundCost((3, 5, 3), np.zeros((4, 3)), [0, 1, 2, 0])
    with pytest.raises(ValueError) as raised:
        bound(np.zeros((1, 38)))
    assert str(raised.value) == "theta_vec must be 1-dimensional, got 2 dimensions with shape (1, 38)"
