"""Every kind of bad input is rejected with an error that names the argument, the expected and the actual."""

import numpy as np
import pytest

from manual_backprop import forward_propagation, nn_cost_function, predict

LAYERS = (3, 5, 3)
THETA = np.zeros(38)
X = np.zeros((4, 3))
Y = np.array([0, 1, 2, 0])


def cost(theta_vec=THETA, layer_sizes=LAYERS, X=X, y=Y, lam=0.0, **kwargs):
    return nn_cost_function(theta_vec, layer_sizes, X, y, lam, **kwargs)


CASES = {
    "theta_vec too short": (lambda: cost(theta_vec=np.zeros(37)), ValueError,
                            r"theta_vec must have length 38 \(= 5\*4 \+ 3\*6 for layer sizes \(3, 5, 3\)\), got 37"),
    "theta_vec 2-D": (lambda: cost(theta_vec=np.zeros((38, 1))), ValueError,
                      r"theta_vec must be 1-dimensional, got 2 dimensions with shape \(38, 1\)"),
    "theta_vec with nan": (lambda: cost(theta_vec=np.r_[np.zeros(37), np.nan]), ValueError,
                           "theta_vec must be finite, got nan at index 37"),
    "theta_vec of strings": (lambda: cost(theta_vec=np.array(["a"] * 38)), TypeError,
                             "theta_vec must be an array of real or complex numbers, got dtype <U1"),
    "one layer": (lambda: cost(layer_sizes=(3,)), ValueError,
                  r"layer_sizes must have at least 2 layers \(input and output\), got 1: \(3,\)"),
    "zero units": (lambda: cost(layer_sizes=(3, 0, 3)), ValueError, r"layer_sizes\[1\] \(s_2\) must be at least 1, got 0"),
    "float units": (lambda: cost(layer_sizes=(3, 5.0, 3)), TypeError, r"layer_sizes\[1\] \(s_2\) must be an integer, got 5.0"),
    "layer sizes as a string": (lambda: cost(layer_sizes="353"), TypeError, "layer_sizes must be a sequence of integers"),
    "X with the wrong columns": (lambda: cost(X=np.zeros((4, 2))), ValueError,
                                 r"X must have shape \(m, 3\) \(one row per example, s_1 = 3 columns\), got \(4, 2\)"),
    "X 1-D": (lambda: cost(X=np.zeros(3)), ValueError, r"X must be 2-dimensional, got 1 dimensions with shape \(3,\)"),
    "X empty": (lambda: cost(X=np.zeros((0, 3)), y=np.zeros(0, int)), ValueError, r"X must not be empty, got shape \(0, 3\)"),
    "X with inf": (lambda: cost(X=np.array([[0, 0, 0], [0, np.inf, 0], [0, 0, 0], [0, 0, 0]])), ValueError,
                   r"X must be finite, got inf at index \(1, 1\)"),
    "X of objects": (lambda: cost(X=np.array([[None] * 3] * 4)), TypeError, "X must be an array of real numbers, got dtype object"),
    "complex X": (lambda: cost(X=X + 0j), TypeError, "X must be an array of real numbers, got dtype complex128"),
    "y too short": (lambda: cost(y=np.array([0, 1, 2])), ValueError, r"y must have shape \(4,\) to match the 4 rows of X, got \(3,\)"),
    "label too large": (lambda: cost(y=np.array([0, 1, 3, 0])), ValueError, r"y must hold labels in 0..2 \(K = 3\), got 3"),
    "negative label": (lambda: cost(y=np.array([0, -1, 2, 0])), ValueError, r"y must hold labels in 0..2 \(K = 3\), got -1"),
    "non-integer label": (lambda: cost(y=np.array([0, 1.5, 2, 0])), ValueError, "y must hold integer labels 0..2, got the non-integer 1.5"),
    "nan label": (lambda: cost(y=np.array([0, np.nan, 2, 0])), ValueError, "y must be finite, got nan at index 1"),
    "label matrix of the wrong shape": (lambda: cost(y=np.zeros((4, 2))), ValueError,
                                        r"y as a label matrix must have shape \(4, 3\) \(m examples by K outputs\), got \(4, 2\)"),
    "label matrix not 0-1": (lambda: cost(y=np.full((4, 3), 0.5)), ValueError, "y as a label matrix must contain only 0 and 1, got 0.5"),
    "softmax row not one-hot": (lambda: cost(y=np.ones((4, 3)), output="softmax"), ValueError,
                                "y for a softmax output must have exactly one 1 per row \\(one-hot\\), got 3 in row 0"),
    "softmax with one output": (lambda: cost(theta_vec=np.zeros(26), layer_sizes=(3, 5, 1), y=np.zeros(4, int), output="softmax"),
                                ValueError, r"a softmax output needs K >= 2 output units, got layer sizes \(3, 5, 1\)"),
    "negative lambda": (lambda: cost(lam=-1.0), ValueError, r"lam \(lambda\) must be a finite number >= 0, got -1.0"),
    "nan lambda": (lambda: cost(lam=float("nan")), ValueError, r"lam \(lambda\) must be a finite number >= 0, got nan"),
    "lambda as a string": (lambda: cost(lam="1"), TypeError, r"lam \(lambda\) must be a real number, got '1'"),
    "unknown activation": (lambda: cost(activation="elu"), ValueError,
                           r"activation must be one of \['relu', 'sigmoid', 'tanh'\], got 'elu'"),
    "unknown output": (lambda: cost(output="linear"), ValueError, r"output must be one of \['sigmoid', 'softmax'\], got 'linear'"),
    "unknown method": (lambda: cost(method="fast"), ValueError, r"method must be one of \('vectorized', 'loop'\), got 'fast'"),
    "complex weights through relu": (lambda: cost(theta_vec=THETA + 0j, activation="relu"), TypeError, "relu is not analytic"),
    "forward with a misshapen Theta": (lambda: forward_propagation([np.zeros((5, 4)), np.zeros((3, 5))], X), ValueError,
                                       r"Theta 2 must have 6 columns"),
    "predict with X of the wrong width": (lambda: predict([np.zeros((5, 4)), np.zeros((3, 6))], np.zeros((2, 4))), ValueError,
                                          r"X must have shape \(m, 3\)"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_rejected_with_a_message_naming_argument_expected_and_actual(case):
    call, error, message = CASES[case]
    with pytest.raises(error, match=message):
        call()
