"""The argument gate word for word: each bad input raises one error whose whole message names the
argument, what was expected and what came (manual_backprop._arguments, through the public functions),
and each input at the edge of what is allowed goes through."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import manual_backprop as mb
from manual_backprop.forward import forward_propagation
from manual_backprop.initialization import default_epsilon_init, random_theta_vec
from manual_backprop.unrolling import theta_shapes

LAYERS = (3, 5, 3)
THETA_VEC = np.linspace(-1, 1, 38)
X = np.arange(12.0).reshape(4, 3) / 7
Y = np.array([0, 1, 2, 0])
BINARY = (3, 2, 1)  # K = 1: one sigmoid output, labels 0 and 1


def cost(theta_vec=THETA_VEC, layer_sizes=LAYERS, X=X, y=Y, lam=0.5, **kwargs):
    return mb.nn_cost_function(theta_vec, layer_sizes, X, y, lam, **kwargs)


def whole(message):
    """A pattern that matches ``message`` and nothing longer or shorter."""
    return "^" + re.escape(message) + "$"


MESSAGES = {
    # counts (manual_backprop._arguments.as_count)
    "a boolean count": (lambda: mb.random_initialize_weights(True, 3), TypeError, "l_in must be an integer, got True"),
    "a NumPy boolean count": (lambda: mb.debug_initialize_weights(np.True_, 3), TypeError,
                              f"fan_out must be an integer, got {np.True_!r}"),
    "a count of zero": (lambda: mb.random_initialize_weights(3, 0), ValueError, "l_out must be at least 1, got 0"),
    "a negative fan_in": (lambda: mb.debug_initialize_weights(2, -1), ValueError, "fan_in must be at least 0, got -1"),
    "a zero batch size": (lambda: forward_propagation(mb.reshape(THETA_VEC, LAYERS), X, batch_size=0), ValueError,
                          "batch_size must be at least 1, got 0"),
    # layer sizes (as_layer_sizes)
    "layer sizes as a string": (lambda: mb.n_params("353"), TypeError,
                                "layer_sizes must be a sequence of integers (s_1, ..., s_L), got str '353'"),
    "layer sizes as bytes": (lambda: mb.n_params(b"\x03\x05"), TypeError,
                             "layer_sizes must be a sequence of integers (s_1, ..., s_L), got bytes b'\\x03\\x05'"),
    "layer sizes as a dict": (lambda: mb.n_params({3: 0, 5: 1}), TypeError,
                              "layer_sizes must be a sequence of integers (s_1, ..., s_L), got dict {3: 0, 5: 1}"),
    "layer sizes as a set": (lambda: mb.n_params({3, 5}), TypeError,
                             "layer_sizes must be a sequence of integers (s_1, ..., s_L), got set {3, 5}"),
    "layer sizes as a dict's values": (lambda: mb.n_params({"in": 3, "out": 5}.values()), TypeError,
                                       ("layer_sizes must be a sequence of integers (s_1, ..., s_L), got dict_values "
                                       "dict_values([3, 5])")),
    "layer sizes as an integer": (lambda: mb.n_params(3), TypeError,
                                  "layer_sizes must be a sequence of integers (s_1, ..., s_L), got int 3"),
    "a fractional first layer": (lambda: mb.n_params((3.0, 5)), TypeError, "layer_sizes[0] (s_1) must be an integer, got 3.0"),
    "a boolean last layer": (lambda: mb.n_params((3, 5, np.True_)), TypeError,
                             f"layer_sizes[2] (s_3) must be an integer, got {np.True_!r}"),
    "one layer": (lambda: mb.n_params([4]), ValueError, "layer_sizes must have at least 2 layers (input and output), got 1: (4,)"),
    "no layers": (lambda: mb.n_params(()), ValueError, "layer_sizes must have at least 2 layers (input and output), got 0: ()"),
    "a first layer of no units": (lambda: mb.n_params((0, 5)), ValueError, "layer_sizes[0] (s_1) must be at least 1, got 0"),
    "a negative third layer": (lambda: theta_shapes((3, 5, -2)), ValueError, "layer_sizes[2] (s_3) must be at least 1, got -2"),
    # real numbers (as_real, as_lambda)
    "lambda as a string": (lambda: cost(lam="0.5"), TypeError, "lam (lambda) must be a real number, got '0.5'"),
    "lambda as a NumPy boolean": (lambda: cost(lam=np.False_), TypeError,
                                  f"lam (lambda) must be a real number, got {np.False_!r}"),
    "a negative lambda": (lambda: cost(lam=-0.25), ValueError, "lam (lambda) must be a finite number >= 0, got -0.25"),
    "an infinite lambda": (lambda: cost(lam=-np.inf), ValueError, "lam (lambda) must be a finite number >= 0, got -inf"),
    "a complex epsilon_init": (lambda: mb.random_initialize_weights(2, 2, epsilon_init=1j), TypeError,
                               "epsilon_init must be a real number, got 1j"),
    "a nan epsilon_init": (lambda: mb.random_initialize_weights(2, 2, epsilon_init=np.nan), ValueError,
                           "epsilon_init must be a finite number >= 0, got nan"),
    "an epsilon_init just too wide": (lambda: mb.random_initialize_weights(2, 2, epsilon_init=np.nextafter(
        np.finfo(np.float64).max / 2, np.inf)), ValueError,
        ("epsilon_init must be at most 8.98847e+307 (the interval [-epsilon_init, epsilon_init] must have a finite width), "
        f"got {float(np.nextafter(np.finfo(np.float64).max / 2, np.inf))}")),
    # random generators (as_rng)
    "a legacy RandomState": (lambda: random_theta_vec(LAYERS, rng=np.random.RandomState(0)), TypeError,
                             "rng must be a numpy.random.Generator, got RandomState"),
    # arrays (as_ndarray, as_array, _check_finite)
    "a masked X": (lambda: cost(X=np.ma.masked_less(X, 0.2)), TypeError,
                   ("X is a masked array with 2 masked entries; the network has no notion of a missing value: "
                   "fill or drop them first")),
    "a pandas X with missing values": (lambda: cost(X=pd.DataFrame(X, dtype="Float64").mask(X > 1.2)), TypeError,
                                       ("X holds 3 missing values (pandas NA); the network has no notion of a "
                                       "missing value: fill or drop them first")),
    "a pandas y with a missing value": (lambda: cost(y=pd.Series([0, None, 2, 0], dtype="Int64")), TypeError,
                                        ("y holds 1 missing values (pandas NA); the network has no notion of a "
                                        "missing value: fill or drop them first")),
    "theta_vec of strings": (lambda: cost(theta_vec=np.array(["0"] * 38)), TypeError,
                             "theta_vec must be an array of real or complex numbers, got dtype <U1"),
    "complex X": (lambda: cost(X=X.astype(np.complex64)), TypeError, "X must be an array of real numbers, got dtype complex64"),
    "X of long doubles": (lambda: cost(X=X.astype(np.longdouble)), TypeError,
                          f"X must be float32, float64 or complex128, got dtype {np.dtype(np.longdouble)}"),
    "theta_vec of complex long doubles": (lambda: cost(theta_vec=THETA_VEC.astype(np.clongdouble)), TypeError,
                                          (f"theta_vec must be float32, float64 or complex128, got dtype "
                                          f"{np.dtype(np.clongdouble)}")),
    "a 3-D X": (lambda: cost(X=X[:, :, None]), ValueError, "X must be 2-dimensional, got 3 dimensions with shape (4, 3, 1)"),
    "a 2-D theta_vec": (lambda: cost(theta_vec=THETA_VEC[None]), ValueError,
                        "theta_vec must be 1-dimensional, got 2 dimensions with shape (1, 38)"),
    "an empty theta_vec": (lambda: cost(theta_vec=[]), ValueError, "theta_vec must not be empty, got shape (0,)"),
    "an X with no rows": (lambda: cost(X=np.zeros((0, 3)), y=[]), ValueError, "X must not be empty, got shape (0, 3)"),
    "X with inf and -inf": (lambda: cost(X=np.where(X > 1.2, np.inf, np.where(X > 1, -np.inf, X))), ValueError,
                            "X must be finite, got -inf at index (2, 2)"),
    "theta_vec with nans after a finite start": (lambda: cost(theta_vec=np.r_[THETA_VEC[:30], np.full(8, np.nan)]), ValueError,
                                                 "theta_vec must be finite, got nan at index 30"),
    "a Theta with inf": (lambda: mb.predict([np.ones((5, 4)), np.full((3, 6), np.inf)], X), ValueError,
                         "Theta 2 must be finite, got inf at index (0, 0)"),
    "a ragged Theta": (lambda: mb.unroll([[[0.0, 1.0], [2.0]]]), ValueError, None),
    # labels (_as_label_matrix)
    "None as y": (lambda: cost(y=None), TypeError, "y must be integer labels of shape (4,) or an (4, 3) 0-1 matrix, got None"),
    "labels as strings": (lambda: cost(y=np.array(["0", "1", "2", "0"])), TypeError,
                          "y must hold integer labels or a 0-1 matrix, got dtype <U1"),
    "too many labels": (lambda: cost(y=[0, 1, 2, 0, 1]), ValueError, "y must have shape (4,) to match the 4 rows of X, got (5,)"),
    "a non-integer label among K = 3": (lambda: cost(y=[0.0, 2.0, 0.5, 1.0]), ValueError,
                                        "y must hold integer labels 0..2, got the non-integer 0.5"),
    "a non-integer label with K = 1": (lambda: cost(np.zeros(11), BINARY, y=[0.0, 1.0, 1.0, 0.25]), ValueError,
                                       "y must hold integer labels 0..1, got the non-integer 0.25"),
    "a nan label": (lambda: cost(y=[0.0, 1.0, np.nan, 0.0]), ValueError, "y must be finite, got nan at index 2"),
    "a label one too large": (lambda: cost(y=[0, 3, 2, 0]), ValueError, "y must hold labels in 0..2 (K = 3), got 3"),
    "a label 2 with K = 1": (lambda: cost(np.zeros(11), BINARY, y=[0, 1, 2, 1]), ValueError,
                             "y must hold labels in 0..1 (K = 1), got 2"),
    "a negative label after good ones": (lambda: cost(y=[2, 0, -1, 5]), ValueError, "y must hold labels in 0..2 (K = 3), got -1"),
    "a label matrix of the wrong shape": (lambda: cost(y=np.eye(3)), ValueError,
                                          "y as a label matrix must have shape (4, 3) (m examples by K outputs), got (3, 3)"),
    "a label matrix with a 2": (lambda: cost(y=np.array([[1, 0, 0], [0, 1, 0], [0, 0, 2], [1, 0, 0]])), ValueError,
                                "y as a label matrix must contain only 0 and 1, got 2"),
    "a label matrix with inf": (lambda: cost(y=np.array([[1, 0, 0], [0, 1, 0], [0, 0, np.inf], [1, 0, 0]])), ValueError,
                                "y must be finite, got inf at index (2, 2)"),
    "a softmax row with no 1": (lambda: cost(y=np.array([[1, 0, 0], [0, 0, 0], [0, 0, 0], [1, 1, 1]]), output="softmax"),
                                ValueError, "y for a softmax output must have exactly one 1 per row (one-hot), got 0 in row 1"),
    "3-D labels": (lambda: cost(y=np.zeros((4, 3, 2))), ValueError,
                   "y must have shape (4,) (labels) or (4, 3) (0-1 matrix), got (4, 3, 2)"),
    "a 0-D label": (lambda: cost(y=1), ValueError, "y must have shape (4,) (labels) or (4, 3) (0-1 matrix), got ()"),
    # the network (network_arguments)
    "X one column short": (lambda: cost(X=X[:, :2]), ValueError,
                           "X must have shape (m, 3) (one row per example, s_1 = 3 columns), got (4, 2)"),
    "softmax over one output": (lambda: mb.predict([np.ones((1, 4))], X, output="softmax"), ValueError,
                                "a softmax output needs K >= 2 output units, got K = 1"),
    "complex weights through relu": (lambda: cost(theta_vec=THETA_VEC + 0j, activation="relu"), TypeError,
                                     "relu is not analytic: complex weights (complex-step check) cannot go through a relu network"),
    "an unknown activation": (lambda: cost(activation="softplus"), ValueError,
                              "activation must be one of ['relu', 'sigmoid', 'tanh'], got 'softplus'"),
    "an activation that is not a name": (lambda: cost(activation=np.tanh), ValueError,
                                         f"activation must be one of ['relu', 'sigmoid', 'tanh'], got {np.tanh!r}"),
    "an unknown output": (lambda: cost(output="identity"), ValueError,
                          "output must be one of ['sigmoid', 'softmax'], got 'identity'"),
    "an unknown method": (lambda: cost(method="batched"), ValueError,
                          "method must be one of ('vectorized', 'loop'), got 'batched'"),
    "an activation in a list": (lambda: cost(activation=["tanh"]), ValueError,
                                "activation must be one of ['relu', 'sigmoid', 'tanh'], got ['tanh']"),
    "an output in a list": (lambda: mb.predict_proba(mb.reshape(THETA_VEC, LAYERS), X, output=["softmax"]), ValueError,
                            "output must be one of ['sigmoid', 'softmax'], got ['softmax']"),
    "complex input to relu": (lambda: mb.relu(np.array([1 + 1j])), TypeError,
                              ("relu is not analytic and cannot take complex input (got dtype complex128); "
                              "the complex-step check does not apply to ReLU networks")),
    "complex input to relu_gradient": (lambda: mb.relu_gradient(np.array([1j], np.complex64)), TypeError,
                                       ("relu_gradient is not analytic and cannot take complex input (got dtype "
                                       "complex64); the complex-step check does not apply to ReLU networks")),
    "a zero batch size for predict": (lambda: mb.predict(mb.reshape(THETA_VEC, LAYERS), X, batch_size=0), ValueError,
                                      "batch_size must be at least 1, got 0"),
    "a fractional batch size for predict_proba": (lambda: mb.predict_proba(mb.reshape(THETA_VEC, LAYERS), X, batch_size=2.0),
                                                  TypeError, "batch_size must be an integer, got 2.0"),
    "no inputs for the default epsilon": (lambda: default_epsilon_init(0, 3), ValueError, "l_in must be at least 1, got 0"),
    "a fractional output for the default epsilon": (lambda: default_epsilon_init(3, 2.5), TypeError,
                                                    "l_out must be an integer, got 2.5"),
    # the matrices (manual_backprop.unrolling)
    "no matrices": (lambda: mb.unroll([]), ValueError, "thetas must hold at least one matrix, got an empty sequence"),
    "one array for thetas": (lambda: mb.layer_sizes_of(np.ones((3, 4))), TypeError,
                             "thetas must be a sequence of 2-D arrays Theta(1), ..., Theta(L-1), got ndarray"),
    "a generator for thetas": (lambda: mb.unroll(Theta for Theta in mb.reshape(THETA_VEC, LAYERS)), TypeError,
                               "thetas must be a sequence of 2-D arrays Theta(1), ..., Theta(L-1), got generator"),
    "a Theta with one column": (lambda: mb.layer_sizes_of([np.ones((5, 4)), np.ones((3, 1))]), ValueError,
                                "Theta 2 must have shape (s_3, s_2 + 1) with s >= 1, got (3, 1)"),
    "a 1-D Theta": (lambda: mb.layer_sizes_of([np.ones(4)]), ValueError,
                    "Theta 1 must have shape (s_2, s_1 + 1) with s >= 1, got (4,)"),
    "a Theta with no rows": (lambda: mb.layer_sizes_of([np.ones((0, 4))]), ValueError,
                             "Theta 1 must have shape (s_2, s_1 + 1) with s >= 1, got (0, 4)"),
    "a second Theta that does not chain": (lambda: mb.layer_sizes_of([np.ones((5, 4)), np.ones((2, 5)), np.ones((3, 3))]),
                                           ValueError, ("Theta 2 must have 6 columns (s_2 + 1 with s_2 = 5, the rows of "
                                                       "Theta 1), got shape (2, 5)")),
    "unroll of a non-finite second Theta": (lambda: mb.unroll([np.ones((5, 4)), np.full((3, 6), -np.inf)]), ValueError,
                                            "Theta 2 must be finite, got -inf at index (0, 0)"),
    "a third Theta that does not chain": (lambda: mb.layer_sizes_of([np.ones((5, 4)), np.ones((2, 6)), np.ones((3, 4))]),
                                          ValueError, ("Theta 3 must have 3 columns (s_3 + 1 with s_3 = 2, the rows of "
                                                      "Theta 2), got shape (3, 4)")),
    "theta_vec one too long": (lambda: mb.reshape(np.zeros(39), [3, 5, 3]), ValueError,
                               "theta_vec must have length 38 (= 5*4 + 3*6 for layer sizes (3, 5, 3)), got 39"),
}


@pytest.mark.parametrize("case", MESSAGES)
def test_each_bad_input_raises_exactly_the_message_that_names_it(case):
    call, error, message = MESSAGES[case]
    if message is None:  # NumPy's own words follow ours
        with pytest.raises(error, match=r"^Theta 1 must be a rectangular array of numbers, got a ragged sequence \(.+\)$"):
            call()
        return
    with pytest.raises(error, match=whole(message)):
        call()


# ---------------------------------------------------------------- inputs at the edge of what is allowed

def test_two_layers_of_one_unit_each_are_a_network():
    assert mb.n_params((1, 1)) == 2
    assert mb.n_params([3, 2]) == 8
    assert mb.n_params(range(1, 4)) == 2 * 2 + 3 * 3


def test_layer_sizes_given_as_numpy_integers_come_back_as_python_ints():
    shapes = theta_shapes(np.array([3, 5, 1]))
    assert shapes == [(5, 4), (1, 6)]
    assert all(type(n) is int for shape in shapes for n in shape)


def test_counts_at_their_minimum_are_accepted():
    W = mb.debug_initialize_weights(np.int64(1), np.uint8(0))
    assert W.shape == (1, 1) and W[0, 0] == np.sin(1.0) / 10
    assert mb.random_initialize_weights(1, 1, rng=np.random.default_rng(0)).shape == (1, 2)
    assert len(forward_propagation(mb.reshape(THETA_VEC, LAYERS), X, batch_size=1).h) == 4


def test_lambda_zero_and_lambda_as_a_numpy_number_are_accepted():
    J0, grad0 = cost(lam=0)
    assert (J0, list(grad0)) == (cost(lam=np.float32(0))[0], list(cost(lam=0.0)[1]))
    assert cost(lam=np.int64(2))[0] == cost(lam=2.0)[0]


def test_epsilon_init_of_zero_gives_zero_weights_and_the_widest_interval_is_accepted():
    assert np.all(mb.random_initialize_weights(2, 3, epsilon_init=0, rng=np.random.default_rng(0)) == 0)
    widest = np.finfo(np.float64).max / 2
    W = mb.random_initialize_weights(2, 3, epsilon_init=widest, rng=np.random.default_rng(0))
    assert W.shape == (3, 3) and np.all(np.abs(W) <= widest)


def test_without_a_generator_the_weights_come_from_a_fresh_one():
    W = mb.random_initialize_weights(2, 3, epsilon_init=0.5)
    assert W.shape == (3, 3) and np.all(np.abs(W) <= 0.5)
    assert random_theta_vec(LAYERS).shape == (38,)


def test_a_masked_array_without_masked_entries_is_taken_as_its_data():
    J, grad = cost(X=np.ma.masked_array(X))
    assert (J, list(grad)) == (cost()[0], list(cost()[1]))


def test_pandas_columns_without_missing_values_give_the_numpy_result():
    J, grad = cost()
    for X_frame, y_column in [(pd.DataFrame(X), pd.Series(Y)),
                              (pd.DataFrame(X, dtype="Float64"), pd.Series(Y, dtype="Int64"))]:
        J_frame, grad_frame = cost(X=X_frame, y=y_column)
        assert J_frame == J and np.array_equal(grad_frame, grad)


def test_a_float32_pandas_frame_with_float32_weights_computes_in_float32():
    J, grad = cost(theta_vec=THETA_VEC.astype(np.float32), X=pd.DataFrame(X.astype(np.float32)))
    assert J.dtype == grad.dtype == np.float32


@pytest.mark.parametrize("X_kind", [bool, np.uint8, np.int16, np.float16])
def test_boolean_unsigned_integer_and_half_precision_X_are_numbers(X_kind):
    X_other = (X > 0.8).astype(X_kind)
    J, grad = cost(X=X_other)
    J_float, grad_float = cost(X=X_other.astype(np.float64))
    assert J == J_float and np.array_equal(grad, grad_float)


@pytest.mark.parametrize("theta_dtype, X_dtype, dtype", [
    (np.float32, np.float32, np.float32),
    (np.float32, np.float64, np.float64),
    (np.float64, np.float32, np.float64),
    (np.float32, np.int32, np.float64),
    (np.complex64, np.float32, np.complex128),
])
def test_the_computation_runs_in_float32_only_when_weights_and_X_are_both_float32(theta_dtype, X_dtype, dtype):
    J, grad = cost(theta_vec=THETA_VEC.astype(theta_dtype), X=(X * 7).astype(X_dtype))
    assert J.dtype == grad.dtype == dtype
    h = mb.predict_proba(mb.reshape(THETA_VEC.astype(theta_dtype), LAYERS), (X * 7).astype(X_dtype))
    assert h.dtype == dtype


def test_labels_at_both_ends_of_their_range_and_whole_floats_are_labels():
    J, grad = cost(y=[0.0, 2.0, 1.0, 0.0])
    J_int, grad_int = cost(y=np.array([0, 2, 1, 0], dtype=np.uint8))
    assert J == J_int and np.array_equal(grad, grad_int)
    J_matrix, grad_matrix = cost(y=np.eye(3)[[0, 2, 1, 0]])
    assert J == J_matrix and np.array_equal(grad, grad_matrix)


def test_binary_labels_with_one_output_are_its_targets():
    theta_vec = np.linspace(-1, 1, mb.n_params(BINARY))
    J, grad = cost(theta_vec, BINARY, y=[0, 1, 1, 0])
    J_matrix, grad_matrix = cost(theta_vec, BINARY, y=np.array([[0.0], [1.0], [1.0], [0.0]]))
    assert J == J_matrix and np.array_equal(grad, grad_matrix)
    J_float, _ = cost(theta_vec, BINARY, y=np.array([0.0, 1.0, 1.0, 0.0], np.float32))
    assert J_float == J


def test_softmax_over_two_outputs_is_accepted():
    theta_vec = np.linspace(-1, 1, mb.n_params((3, 2)))
    J, grad = cost(theta_vec, (3, 2), y=[0, 1, 1, 0], output="softmax")
    assert grad.shape == (8,) and J > 0


def test_finite_weights_whose_sum_overflows_pass_the_finiteness_check_without_a_warning():
    huge = np.full(38, np.finfo(np.float64).max)
    assert all(np.all(Theta == huge[0]) for Theta in mb.reshape(huge, LAYERS))
    assert np.array_equal(mb.unroll(mb.reshape(huge, LAYERS)), huge)


def test_a_non_finite_input_is_named_even_where_the_caller_makes_numpy_raise():
    with np.errstate(all="raise"), pytest.raises(ValueError, match=whole("X must be finite, got inf at index (0, 1)")):
        cost(X=np.array([[0.0, np.inf, -np.inf]] * 4))


class ArrayWithoutIsna:
    """An array-like with ``to_numpy`` but no ``isna`` (as pyarrow's arrays are): not a pandas object."""

    def __init__(self, values):
        self.values = np.asarray(values)

    def to_numpy(self):
        return self.values

    def __array__(self, dtype=None, copy=None):
        return self.values if dtype is None else self.values.astype(dtype)


def test_an_array_like_with_to_numpy_but_no_isna_is_read_as_an_array():
    J, grad = cost(X=ArrayWithoutIsna(X), y=ArrayWithoutIsna(Y))
    assert J == cost()[0] and np.array_equal(grad, cost()[1])


def test_a_one_hot_label_matrix_for_a_softmax_output_gives_the_result_of_its_labels():
    J, grad = cost(y=np.eye(3)[Y], output="softmax")
    J_labels, grad_labels = cost(output="softmax")
    assert J == J_labels and np.array_equal(grad, grad_labels)


def test_float32_weights_with_float64_X_give_exactly_the_float64_result():
    theta_vec = THETA_VEC.astype(np.float32)
    J, grad = cost(theta_vec=theta_vec, lam=0.7)
    J_64, grad_64 = cost(theta_vec=theta_vec.astype(np.float64), lam=0.7)
    assert J == J_64 and np.array_equal(grad, grad_64)
    assert mb.nn_cost(theta_vec, LAYERS, X, Y, 0.7) == J_64


def test_layer_sizes_of_reads_s_1_from_the_columns_of_theta_1_and_each_s_from_the_rows():
    assert mb.layer_sizes_of(mb.reshape(np.zeros(mb.n_params((2, 4, 3, 1))), (2, 4, 3, 1))) == (2, 4, 3, 1)
    assert mb.layer_sizes_of([np.ones((1, 2))]) == (1, 1)
