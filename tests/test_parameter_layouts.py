"""How the gradient checker names parameters: theta_vec with layer sizes, a bare theta_vec, a list or a
dict of arrays; the form cost_fn receives; the upcast note; and the errors for parameters it cannot take.

Every case is a quadratic J(theta) = sum(theta^2) / 2 + v . theta, whose central differences are exact
to rounding, with planted errors in the gradient where a test needs wrong entries: the layout, not the
cost, is what is under test.
"""

import re

import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop.debug import debug_network

UPCAST_NOTE = "(the parameters were {}, upcast to float64 for the numerical side)"


def offsets(size):
    """A fixed, nonzero linear term v, different for every entry."""
    return np.linspace(0.5, 1.5, size)


def quadratic(theta, planted=None):
    """(J, grad) of sum(theta^2) / 2 + v . theta for a flat theta; ``planted`` added to the gradient."""
    v = offsets(theta.size)
    grad = theta + v
    return float(theta @ theta / 2 + v @ theta), grad if planted is None else grad + planted


def arrays_quadratic(arrays, planted=None):
    """The same J for a list of arrays; ``planted`` (flat, in the arrays' order) added to the gradient."""
    flat = np.concatenate([np.ravel(a) for a in arrays])
    J, grad = quadratic(flat, planted)
    out, start = [], 0
    for a in arrays:
        out.append(grad[start:start + np.size(a)].reshape(np.shape(a)))
        start += np.size(a)
    return J, out


def dict_quadratic(params, planted=None):
    J, grads = arrays_quadratic(list(params.values()), planted)
    return J, dict(zip(params, grads))


def every_entry_wrong(size):
    """Errors (k + 1) * 1e-3 at entry k: the report lists the wrong entries from the last to the first."""
    return 1e-3 * np.arange(1, size + 1)


def names_of_wrong_entries(cost_fn, params, layer_sizes=None):
    size = mb.check_gradients(lambda p: cost_fn(p), params, layer_sizes).n_parameters
    report = mb.check_gradients(lambda p: cost_fn(p, every_entry_wrong(size)), params, layer_sizes,
                                n_worst=size)
    assert report.verdict == "failed"
    return [entry.name for entry in reversed(report.worst)]


# --- Names


def test_theta_vec_with_layer_sizes_names_every_entry_by_layer_row_and_column_in_the_courses_order():
    layer_sizes = (1, 2, 1, 1)  # Theta(1) is 2 x 2, Theta(2) 1 x 3, Theta(3) 1 x 2, unrolled column by column
    names = names_of_wrong_entries(quadratic, np.linspace(-1, 1, mb.n_params(layer_sizes)), layer_sizes)
    assert names == ["Theta(1)[0, 0] (bias), theta_vec[0]", "Theta(1)[1, 0] (bias), theta_vec[1]",
                     "Theta(1)[0, 1] (weight), theta_vec[2]", "Theta(1)[1, 1] (weight), theta_vec[3]",
                     "Theta(2)[0, 0] (bias), theta_vec[4]", "Theta(2)[0, 1] (weight), theta_vec[5]",
                     "Theta(2)[0, 2] (weight), theta_vec[6]",
                     "Theta(3)[0, 0] (bias), theta_vec[7]", "Theta(3)[0, 1] (weight), theta_vec[8]"]


def test_an_entry_of_theta_vec_with_layer_sizes_carries_its_layer_row_and_column():
    layer_sizes = (1, 2, 1)
    size = mb.n_params(layer_sizes)
    report = mb.check_gradients(lambda t: quadratic(t, every_entry_wrong(size)), np.zeros(size), layer_sizes,
                                n_worst=size)
    assert [(e.index, e.layer, e.row, e.column) for e in reversed(report.worst)] == [
        (0, 1, 0, 0), (1, 1, 1, 0), (2, 1, 0, 1), (3, 1, 1, 1), (4, 2, 0, 0), (5, 2, 0, 1), (6, 2, 0, 2)]


def test_theta_vec_with_layer_sizes_is_judged_by_bias_column_and_weights_of_each_layer():
    layer_sizes = (1, 2, 1)
    planted = np.zeros(mb.n_params(layer_sizes))
    planted[[2, 3]] = 1e-3  # the weights of Theta(1), and nothing else
    report = mb.check_gradients(lambda t: quadratic(t, planted), np.zeros(planted.size), layer_sizes)
    assert [(p.block, p.layer, p.part, p.size, p.status) for p in report.parts] == [
        ("Theta(1)", 1, "bias", 2, "ok"), ("Theta(1)", 1, "weights", 2, "wrong"),
        ("Theta(2)", 2, "bias", 1, "ok"), ("Theta(2)", 2, "weights", 2, "ok")]
    assert report.layer_sizes == layer_sizes


def test_a_wrong_weight_is_diagnosed_with_its_column_in_the_whole_theta():
    layer_sizes = (2, 2, 1)  # Theta(1) is 2 x 3: bias column 0, weights in columns 1 and 2
    planted = np.zeros(mb.n_params(layer_sizes))
    planted[5] = 1e-3  # Theta(1)[1, 2]
    report = mb.check_gradients(lambda t: quadratic(t, planted), np.zeros(planted.size), layer_sizes)
    assert [str(d) for d in report.diagnoses] == [
        "Theta(1) weights: one entry is wrong: row 1, column 2 (100 % of the error's square norm there, "
        "error 0.001)"]


def test_a_regularised_bias_column_is_diagnosed_on_the_bias_column_alone():
    layer_sizes = (2, 2, 1)
    theta_vec = np.linspace(-1, 1, mb.n_params(layer_sizes))
    planted = np.zeros(theta_vec.size)
    planted[[0, 1]] = 0.5 * theta_vec[[0, 1]]  # (lambda / m) Theta(1)[:, 0] added to the bias column
    report = mb.check_gradients(lambda t: quadratic(t, planted), theta_vec, layer_sizes)
    assert [(p.part, p.status) for p in report.parts[:2]] == [("bias", "wrong"), ("weights", "ok")]
    assert len(report.diagnoses) == 1
    assert str(report.diagnoses[0]).startswith(
        "Theta(1) bias column: the bias column is regularised (error proportional to Theta[:, 0]) "
        "(error = 0.5 x Theta on all 2 entries (residual ")


def test_weights_scaled_by_a_constant_are_diagnosed_on_the_weights_alone():
    layer_sizes = (2, 2, 1)
    theta_vec = np.linspace(-1, 1, mb.n_params(layer_sizes))

    def cost_fn(t):
        J, grad = quadratic(t)
        grad[2:6] *= 2  # the weights of Theta(1)
        return J, grad

    report = mb.check_gradients(cost_fn, theta_vec, layer_sizes)
    assert [(p.part, p.status) for p in report.parts[:2]] == [("bias", "ok"), ("weights", "wrong")]
    assert len(report.diagnoses) == 1
    assert str(report.diagnoses[0]).startswith(
        "Theta(1) weights: scaled by a constant: analytical = 2 x numerical (ratio analytical / numerical = "
        "2, the same on all 4 entries")


def test_a_bare_theta_vec_names_its_entries_by_index():
    names = names_of_wrong_entries(quadratic, np.linspace(-1, 1, 3))
    assert names == ["theta_vec[0]", "theta_vec[1]", "theta_vec[2]"]


def test_a_list_of_floats_is_a_theta_vec_not_a_list_of_arrays():
    names = names_of_wrong_entries(lambda t, planted=None: quadratic(t, planted), [0.5, -0.5])
    assert names == ["theta_vec[0]", "theta_vec[1]"]


def test_a_bare_theta_vec_entry_has_no_layer_row_or_column_and_the_report_no_parts():
    report = mb.check_gradients(lambda t: quadratic(t, every_entry_wrong(2)), np.zeros(2))
    assert [(e.index, e.layer, e.row, e.column) for e in report.worst] == [(1, None, None, None),
                                                                          (0, None, None, None)]
    assert report.parts == () and report.layer_sizes is None


def test_a_dict_of_arrays_names_entries_after_the_keys_with_every_index():
    params = {"W1": np.ones((3, 2)), "b1": np.ones(2), "K": np.ones((2, 1, 2))}
    names = names_of_wrong_entries(dict_quadratic, params)
    assert names == ["W1[0, 0]", "W1[0, 1]", "W1[1, 0]", "W1[1, 1]", "W1[2, 0]", "W1[2, 1]",
                     "b1[0]", "b1[1]",
                     "K[0, 0, 0]", "K[0, 0, 1]", "K[1, 0, 0]", "K[1, 0, 1]"]


@pytest.mark.parametrize("params", [[np.ones((2, 2)), np.ones(1)], (np.ones((2, 2)), np.ones(1))],
                         ids=["list", "tuple"])
def test_a_list_or_tuple_of_arrays_names_entries_by_position(params):
    names = names_of_wrong_entries(arrays_quadratic, params)
    assert names == ["params[0][0, 0]", "params[0][0, 1]", "params[0][1, 0]", "params[0][1, 1]", "params[1][0]"]


def test_a_list_of_one_dimensional_arrays_is_a_list_of_arrays():
    names = names_of_wrong_entries(arrays_quadratic, [np.ones(2), np.ones(2)])
    assert names == ["params[0][0]", "params[0][1]", "params[1][0]", "params[1][1]"]


def test_arrays_are_judged_each_as_one_part_named_after_it():
    planted = np.zeros(5)
    planted[4] = 1e-3
    report = mb.check_gradients(lambda p: dict_quadratic(p, planted), {"W": np.ones((2, 2)), "b": np.ones(1)})
    assert [(p.block, p.layer, p.part, p.size, p.status) for p in report.parts] == [
        ("W", None, "all", 4, "ok"), ("b", None, "all", 1, "wrong")]


# --- The form cost_fn receives


def test_cost_fn_receives_a_dict_with_the_callers_keys_shapes_and_values_in_float64():
    params = {"W1": np.arange(6.0).reshape(3, 2), "b1": np.array([7, 8]), "c": np.ones((1, 2), np.float32)}
    seen = []

    def cost_fn(p):
        seen.append(p)
        return dict_quadratic(p)

    assert mb.check_gradients(cost_fn, params).passed
    first = seen[0]
    assert list(first) == ["W1", "b1", "c"]
    for key, value in params.items():
        assert first[key].shape == value.shape and first[key].dtype == np.float64
        np.testing.assert_array_equal(first[key], value)


def test_cost_fn_receives_a_list_for_a_list_or_a_tuple_of_arrays():
    params = (np.arange(4.0).reshape(2, 2), np.array([5.0]))
    seen = []

    def cost_fn(p):
        seen.append(p)
        return arrays_quadratic(p)

    assert mb.check_gradients(cost_fn, params).passed
    assert isinstance(seen[0], list) and [a.shape for a in seen[0]] == [(2, 2), (1,)]
    np.testing.assert_array_equal(seen[0][0], params[0])
    np.testing.assert_array_equal(seen[0][1], params[1])


def test_cost_fn_receives_theta_vec_itself_with_layer_sizes_or_without():
    theta_vec = np.linspace(-1, 1, mb.n_params((1, 2, 1)))
    for layer_sizes in ((1, 2, 1), None):
        seen = []
        assert mb.check_gradients(lambda t: seen.append(t) or quadratic(t), theta_vec, layer_sizes).passed
        assert isinstance(seen[0], np.ndarray) and seen[0].shape == theta_vec.shape
        np.testing.assert_array_equal(seen[0], theta_vec)


def test_a_gradient_given_as_a_list_for_a_bare_theta_vec_is_taken_as_a_vector():
    assert mb.check_gradients(lambda t: (quadratic(t)[0], list(quadratic(t)[1])), np.linspace(-1, 1, 3)).passed


# --- The upcast note


@pytest.mark.parametrize("params, layer_sizes, upcast_from", [
    (np.linspace(-1, 1, 4).astype(np.float32), (1, 1, 1), "float32"),
    (np.linspace(-1, 1, 4).astype(np.float32), None, "float32"),
    (np.linspace(-1, 1, 4).astype(np.float16), None, "float16"),
    ({"W": np.ones((2, 2), np.float32), "b": np.ones(2)}, None, "float32"),
    ([np.arange(3), np.ones(2, np.float16)], None, "float16"),
], ids=["theta_vec with layer sizes", "theta_vec", "float16 theta_vec", "dict", "list"])
def test_parameters_in_a_shorter_float_get_the_upcast_note(params, layer_sizes, upcast_from):
    report = mb.check_gradients(
        (lambda p: dict_quadratic(p)) if isinstance(params, dict) else
        (lambda p: arrays_quadratic(p)) if isinstance(params, list) else quadratic, params, layer_sizes)
    assert report.passed and report.upcast_from == upcast_from
    assert str(report).splitlines()[1] == UPCAST_NOTE.format(upcast_from)


@pytest.mark.parametrize("params, layer_sizes", [
    (np.linspace(-1, 1, 4), (1, 1, 1)),
    (np.arange(4), (1, 1, 1)),
    (np.arange(4), None),
    ({"W": np.ones((2, 2)), "b": np.arange(2)}, None),
    ([np.arange(3), np.ones(2)], None),
], ids=["float64 theta_vec", "integer theta_vec with layer sizes", "integer theta_vec", "dict", "list"])
def test_float64_or_integer_parameters_get_no_upcast_note(params, layer_sizes):
    report = mb.check_gradients(
        (lambda p: dict_quadratic(p)) if isinstance(params, dict) else
        (lambda p: arrays_quadratic(p)) if isinstance(params, list) else quadratic, params, layer_sizes)
    assert report.passed and report.upcast_from is None
    assert "upcast" not in str(report)


# --- Parameters and gradients the checker cannot take


def never_called(params):
    raise AssertionError("cost_fn must not be called for parameters that are refused")


@pytest.mark.parametrize("params, layer_sizes, error, message", [
    ({}, None, ValueError, r"the parameters must hold at least one array, got none"),
    ({"W": np.ones(2), "V": np.array([1j])}, None, TypeError,
     r"parameter V must be an array of real numbers, got dtype complex128"),
    ([np.ones(2), np.array(["a", "b"])], None, TypeError,
     r"parameter params\[1\] must be an array of real numbers, got dtype <U1"),
    ([np.ones(2)], (1, 1), ValueError, r"layer_sizes goes with theta_vec; a list of arrays names itself"),
    (np.ones(5), (1, 2), ValueError, r"theta_vec has 5 entries but layer sizes \(1, 2\) need 4"),
    (np.ones((2, 2)), None, ValueError, r"theta_vec must be 1-dimensional, got shape \(2, 2\)"),
    (np.array([1.0, np.nan]), (1, 1), ValueError, r"theta_vec must be finite, got nan at index 1"),
    (np.array([1j, 0]), None, TypeError, r"theta_vec must be an array of real numbers, got dtype complex128"),
], ids=["empty dict", "complex array", "text array", "list with layer sizes", "too few layer sizes",
        "matrix theta_vec", "nan in theta_vec", "complex theta_vec"])
def test_parameters_the_checker_cannot_take_are_refused_naming_the_argument_and_the_value(
        params, layer_sizes, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        mb.check_gradients(never_called, params, layer_sizes)


@pytest.mark.parametrize("params", [{"W": np.ones(2), "b": np.array([0.0, np.inf])},
                                    [np.ones(2), np.array([0.0, np.inf])]], ids=["dict", "list"])
def test_a_non_finite_array_entry_is_refused_naming_the_array_the_entry_and_the_value(params):
    name = "b" if isinstance(params, dict) else "params[1]"
    with pytest.raises(ValueError, match=rf"^parameter {re.escape(name)}\[1\] must be finite, got inf$"):
        mb.check_gradients(never_called, params)


@pytest.mark.parametrize("params, gradient, message", [
    ({"W1": np.ones((3, 2)), "b1": np.ones(2)}, {"W1": np.ones((3, 2))},
     r"the gradient cost_fn returned has no entry 'b1'"),
    ({"W1": np.ones((3, 2)), "b1": np.ones(2)}, {"W1": np.ones((2, 3)), "b1": np.ones(2)},
     r"the gradient cost_fn returned W1 must have shape \(3, 2\) like the parameter, got \(2, 3\)"),
    ([np.ones((3, 2)), np.ones(2)], [np.ones((3, 2))],
     r"the gradient cost_fn returned must have 2 arrays like the parameters, got 1"),
    ([np.ones((3, 2)), np.ones(2)], [np.ones((3, 2)), None],
     r"the gradient cost_fn returned has no entry 'params\[1\]'"),
    ([np.ones((3, 2)), np.ones(2)], [np.ones((3, 2)), np.ones(3)],
     r"the gradient cost_fn returned params\[1\] must have shape \(2,\) like the parameter, got \(3,\)"),
    ({"W1": np.ones((3, 2)), "b1": np.ones(2)}, {"W1": np.ones((3, 2)), "b1": np.ones(2), "W2": np.ones(1)},
     r"the gradient cost_fn returned has entries the parameters lack: 'W2'"),
], ids=["missing key", "transposed array", "one array short", "None for an array", "array of another shape",
        "extra key"])
def test_a_gradient_not_in_the_form_of_the_parameters_is_refused_naming_the_array(params, gradient, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        mb.check_gradients(lambda p: (0.0, gradient), params)


# --- The course's debug network: the theta_vec and layer sizes checkNNGradients checks


def course_weights(fan_out, fan_in):
    """The course's debugInitializeWeights, written out: reshape(sin(1:numel), fan_out, 1 + fan_in) / 10."""
    return np.sin(np.arange(1, fan_out * (1 + fan_in) + 1)).reshape((fan_out, 1 + fan_in), order="F") / 10


def test_the_debug_network_is_the_courses_3_5_3_network_of_sines_with_labels_1_2_0_1_2():
    theta_vec, layer_sizes, X, y = debug_network()
    assert layer_sizes == (3, 5, 3)
    np.testing.assert_array_equal(theta_vec, np.concatenate([course_weights(5, 3).ravel(order="F"),
                                                             course_weights(3, 5).ravel(order="F")]))
    np.testing.assert_array_equal(X, course_weights(5, 2))
    np.testing.assert_array_equal(y, [1, 2, 0, 1, 2])
    assert y.dtype.kind == "i"


@pytest.mark.parametrize("options, layer_sizes, y", [
    (dict(hidden_layers=0), (3, 3), [1, 2, 0, 1, 2]),
    (dict(input_layer_size=2, hidden_layer_size=4, num_labels=1, m=4, hidden_layers=2), (2, 4, 4, 1), [1, 0, 1, 0]),
    (dict(num_labels=2, m=6), (3, 5, 2), [1, 0, 1, 0, 1, 0]),
    (dict(num_labels=4, m=6), (3, 5, 4), [1, 2, 3, 0, 1, 2]),
], ids=["no hidden layer", "two hidden layers, one output", "two labels", "four labels"])
def test_the_debug_network_takes_any_sizes_with_the_courses_labels_mod_K(options, layer_sizes, y):
    theta_vec, sizes, X, labels = debug_network(**options)
    assert sizes == layer_sizes
    np.testing.assert_array_equal(theta_vec, np.concatenate(
        [course_weights(s_out, s_in).ravel(order="F") for s_in, s_out in zip(sizes[:-1], sizes[1:])]))
    np.testing.assert_array_equal(X, course_weights(len(y), sizes[0] - 1))
    np.testing.assert_array_equal(labels, y)


@pytest.mark.parametrize("hidden_layers, error, message", [
    (-1, ValueError, "hidden_layers must be at least 0, got -1"),
    (1.5, TypeError, "hidden_layers must be an integer, got 1.5"),
])
def test_a_debug_network_with_a_bad_number_of_hidden_layers_is_refused_naming_it(hidden_layers, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        debug_network(hidden_layers=hidden_layers)
