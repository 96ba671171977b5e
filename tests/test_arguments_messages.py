"""Bad input is named down to the row and the layer (manual_backprop._arguments, the gate every public
function goes through, and manual_backprop.unrolling.layer_sizes_of)."""

import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop.unrolling import layer_sizes_of


def test_a_softmax_label_matrix_names_its_first_row_without_exactly_one_1():
    theta_vec = np.zeros(mb.n_params((2, 3)))
    Y = np.array([[1.0, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 0]])
    with pytest.raises(ValueError, match=r"^y for a softmax output must have exactly one 1 per row \(one-hot\), "
                                         r"got 2 in row 2$"):
        mb.nn_cost_function(theta_vec, (2, 3), np.ones((4, 2)), Y, 0.0, output="softmax")


@pytest.mark.parametrize("thetas, l, course_shape, shape", [
    ([np.ones((3, 1))], 1, r"\(s_2, s_1 \+ 1\)", r"\(3, 1\)"),
    ([np.ones((3, 4)), np.ones((0, 4))], 2, r"\(s_3, s_2 \+ 1\)", r"\(0, 4\)"),
])
def test_a_theta_of_an_impossible_shape_is_named_with_the_courses_shape_for_its_layer(thetas, l, course_shape, shape):
    with pytest.raises(ValueError, match=f"^Theta {l} must have shape {course_shape} with s >= 1, got {shape}$"):
        layer_sizes_of(thetas)
