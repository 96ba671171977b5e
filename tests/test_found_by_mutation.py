"""Faults the mutation run's survivors led to, each fixed in the library and held here."""

import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop.activations import sigmoid_gradient, tanh_gradient
from manual_backprop.diagnosis import diagnose
from manual_backprop.gradient_check import check_vjp
from manual_backprop.numerical import random_unit_directions


def tanh_layer():
    x = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    return x, (lambda x, d: d * (1.0 - np.tanh(x) ** 2))


def test_a_float32_forward_pass_is_refused_by_check_vjp_instead_of_failing_a_right_backward_pass():
    x, backward = tanh_layer()
    with pytest.raises(TypeError, match="^f returned float32 values; numerical derivatives need the forward pass "
                                        "in float64"):
        check_vjp(lambda x: np.tanh(x).astype(np.float32), backward, x, np.ones((3, 4)))


def test_a_wrong_upstream_shape_is_named_before_the_backward_pass_runs():
    x, _ = tanh_layer()

    def backward(x, d):
        raise AssertionError("the backward pass must not run with an upstream of the wrong shape")

    with pytest.raises(ValueError, match=r"^upstream must have the shape of f\(x\), \(3, 4\), got \(4, 3\)$"):
        check_vjp(np.tanh, backward, x, np.ones((4, 3)))


@pytest.mark.parametrize("theta_vec", [np.zeros(0), []])
def test_no_parameters_at_all_are_refused_rather_than_passed(theta_vec):
    with pytest.raises(ValueError, match="^theta_vec must hold at least one parameter, got none$"):
        mb.check_gradients(lambda t: (0.0, np.zeros(0)), theta_vec)


def test_a_boolean_mask_confines_the_random_directions_to_its_true_coordinates():
    directions = random_unit_directions(4, 3, np.random.default_rng(0), support=[False, False, True, True])
    assert np.all(directions[:, :2] == 0) and np.all(directions[:, 2:] != 0)


@pytest.mark.parametrize("support, error, message", [
    ([2.7], TypeError, "support must hold integer indices or be a boolean mask, got dtype float64"),
    ([1, 4], ValueError, "support must hold indices from 0 to 3, got 1 to 4"),
    ([-1], ValueError, "support must hold indices from 0 to 3, got -1 to -1"),
    ([True, False], ValueError, r"support as a boolean mask must have shape \(4,\), got \(2,\)"),
])
def test_a_support_that_is_not_indices_of_theta_is_refused_naming_it(support, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        random_unit_directions(4, 1, np.random.default_rng(0), support=support)


@pytest.mark.parametrize("m", [50, 5000])
def test_a_gradient_divided_by_m_twice_is_named_so_for_any_m(m):
    rng = np.random.default_rng(0)
    N, W = rng.standard_normal((25, 401)), rng.standard_normal((25, 401))
    found = diagnose("Theta(1)", "weights", N, N / m, W, m=m)
    assert found.cause == f"divided by m twice: analytical = numerical / m with m = {m}"


def test_an_all_zero_block_is_still_named_all_zero_when_m_is_large():
    rng = np.random.default_rng(0)
    N, W = rng.standard_normal((25, 401)), rng.standard_normal((25, 401))
    found = diagnose("Theta(1)", "weights", N, np.zeros_like(N), W, m=5000)
    assert found.cause.startswith("the analytical block is all zero")


@pytest.mark.parametrize("g_prime, z", [(sigmoid_gradient, 1 + 1e-300j), (tanh_gradient, 300 + 1e-20j)])
def test_derivatives_of_complex_input_with_tiny_parts_raise_nothing_under_a_strict_error_state(g_prime, z):
    with np.errstate(all="raise"):
        value = g_prime(np.array([z]))
    assert np.isfinite(value).all()


@pytest.mark.parametrize("k", [0, 5, 10, 15])
def test_the_directional_bisection_names_the_wrong_entry_where_long_steps_truncate_on_a_curved_cost(k):
    # J = exp(c . theta) + theta . theta / 2 bends along every direction at once: at eps = 1e-2 the
    # truncation of a right half's difference outweighed the wrong half's error, and the bisection,
    # run at eps and splitting one measured error by subtraction, named a right entry.
    c, theta = np.linspace(1.0, 3.0, 16), np.full(16, 0.3)

    def cost_fn(t):
        grad = c * np.exp(c @ t) + t
        grad[k] += 1e-2
        return np.exp(c @ t) + t @ t / 2, grad

    report = mb.check_gradients(cost_fn, theta, method="directional", n_directions=2, eps=1e-2,
                                rng=np.random.default_rng(k))
    assert report.verdict == "failed" and [entry.index for entry in report.worst] == [k]


@pytest.mark.parametrize("derivatives", [mb.hessian.sigmoid_derivatives, mb.hessian.tanh_derivatives,
                                         mb.hessian.relu_derivatives])
@pytest.mark.parametrize("z", [[1.0, -2.0], (0.5,), 3.0, [[0.25, -0.75]]], ids=["list", "tuple", "number", "nested list"])
def test_second_order_derivatives_take_lists_and_numbers_as_the_same_values_in_an_array(derivatives, z):
    # They read a list as a dtype description (np.result_type) and broke on a number (out= of a NumPy scalar).
    expected = derivatives(np.array(z, dtype=np.float64).reshape(-1))
    for got, want in zip(derivatives(z), expected):
        assert got.shape == np.shape(z) and got.dtype == np.float64
        np.testing.assert_array_equal(got.reshape(-1), want)


def test_second_order_derivatives_refuse_what_is_not_numbers_by_name():
    with pytest.raises(TypeError, match=r"^z must be an array of numbers, got dtype <U1$"):
        mb.hessian.sigmoid_derivatives(["a"])


def small_network():
    rng = np.random.default_rng(0)
    return rng.normal(size=21), (3, 4, 1), rng.normal(size=(5, 3)), np.array([0, 1, 0, 1, 1])


@pytest.mark.parametrize("hvp, error, message", [
    (lambda v: np.full(v.size, np.nan), FloatingPointError, "hvp returned 21 non-finite entries"),
    (lambda v: v[:, None], ValueError, r"hvp must return an array of shape \(21,\) like v, got shape \(21, 1\)"),
    (lambda v: v + 0j, TypeError, "hvp must return real numbers, got dtype complex128"),
], ids=["NaN", "a column", "complex"])
def test_a_hessian_check_refuses_an_h_v_it_cannot_judge_instead_of_passing_it(hvp, error, message):
    # An H v of NaN passed: the relative difference NaN failed "> 0" and was taken as 0.
    theta_vec, layer_sizes, X, y = small_network()
    with pytest.raises(error, match=f"^{message}$"):
        mb.check_hessian_vector_products(theta_vec, layer_sizes, X, y, hvp=hvp, rng=np.random.default_rng(0))


@pytest.mark.parametrize("theta_vec, error, message", [
    (small_network()[0][:17], ValueError, r"theta_vec must have length 21 \(= 4\*4 \+ 1\*5 for layer sizes \(3, 4, 1\)\), got 17"),
    (small_network()[0] + 0j, TypeError, "theta_vec must be an array of real numbers, got dtype complex128"),
], ids=["too short", "complex"])
def test_a_hessian_check_refuses_a_theta_vec_that_does_not_fit_by_name(theta_vec, error, message):
    # A short theta_vec gave an IndexError where the directions were drawn; a complex one was checked
    # on its real part, with only NumPy's ComplexWarning.
    _, layer_sizes, X, y = small_network()
    with pytest.raises(error, match=f"^{message}$"):
        mb.check_hessian_vector_products(theta_vec, layer_sizes, X, y)


def test_the_bound_cost_of_a_hidden_sigmoid_far_below_its_range_matches_the_library():
    # z = -800: e^z rounds to 0, so a = g' = 0; the bound function clipped e^-z at the largest float
    # first and took a = 1 / (1 + FLOAT_MAX) = 5.6e-309, which a weight of 1e308 made 0.56 in z(3).
    theta_vec, X, y = np.array([0.0, -800.0, 0.0, 1e308]), [[1.0]], [1]
    J, grad = mb.BoundCost((1, 1, 1), X, y)(theta_vec)
    J_library, grad_library = mb.nn_cost_function(theta_vec, (1, 1, 1), X, y)
    assert J == J_library and np.array_equal(grad, grad_library)


@pytest.mark.parametrize("z", [0, 0.0, np.float64(0.0), np.array(0.0)], ids=["int", "float", "NumPy scalar", "0-d array"])
def test_the_courses_sigmoid_gradient_of_zero_is_a_quarter_for_a_number_as_for_an_array(z):
    # ex4's check sigmoidGradient(0) = 0.25 raised "return arrays must be of ArrayType" on a number.
    assert sigmoid_gradient(z) == 0.25 and np.shape(sigmoid_gradient(z)) == ()
    assert tanh_gradient(z) == 1.0 and np.shape(tanh_gradient(z)) == ()
    assert sigmoid_gradient(np.float32(0.0)).dtype == np.float32


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.uint8, np.uint16, np.bool_])
def test_second_order_derivatives_of_small_integers_are_float64_as_the_activations_are(dtype):
    # np.result_type(int16, float32) is float32: small integer z gave float32 g, g' and g''.
    z = np.array([1, 0], dtype=dtype)
    for got, want in zip(mb.hessian.sigmoid_derivatives(z), mb.hessian.sigmoid_derivatives(z.astype(np.float64))):
        assert got.dtype == np.float64 and np.array_equal(got, want)
