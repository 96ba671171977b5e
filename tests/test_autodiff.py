"""The JAX oracle: the hand-written costs and gradients equal JAX's, by reverse and by forward mode."""

import subprocess
import sys
from pathlib import Path

import jax  # imported once for the session; reference.autodiff switches float64 on at first use
import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop.gradient_check import debug_network
from reference import autodiff
from reference.finite_difference import relative_difference
from reference.tolerances import tolerance
from tests.helpers import assert_close, random_problem

# Fixed architectures of 2, 3, 4 and 5 layers (s_1, ..., s_L).
ARCHITECTURES = [(4, 3), (3, 5, 3), (4, 6, 5, 3), (5, 4, 4, 4, 2)]
CASES = [(sizes, activation, output, lam)
         for sizes in ARCHITECTURES
         for activation in autodiff.ACTIVATIONS
         for output in autodiff.OUTPUTS
         for lam in (0.0, 1.7)
         if not (len(sizes) == 2 and activation != "sigmoid")]  # no hidden layer: activation unused


def problem(layer_sizes, seed=0, m=5):  # m = 5 as the debug network: one compilation serves both
    return random_problem(np.random.default_rng([seed, *layer_sizes]), layer_sizes, m)


@pytest.mark.parametrize("layer_sizes, activation, output, lam", CASES,
                         ids=["-".join(map(str, c[0])) + f"-{c[1]}-{c[2]}-lambda{c[3]:g}" for c in CASES])
def test_manual_cost_and_gradient_equal_jax_reverse_and_forward_mode(layer_sizes, activation, output, lam):
    theta_vec, X, y = problem(layer_sizes)
    J, grad_vec = mb.nn_cost_function(theta_vec, layer_sizes, X, y, lam, activation=activation, output=output)
    for mode in autodiff.MODES:
        J_jax, grad_jax = autodiff.nn_cost_function(theta_vec, layer_sizes, X, y, lam, activation=activation,
                                                    output=output, mode=mode)
        # The costs agree first: a gradient compared against the derivative of another cost means nothing.
        assert_close(J, J_jax, "manual_vs_autodiff")
        assert_close(grad_vec, grad_jax, "manual_vs_autodiff")
        assert relative_difference(grad_jax, grad_vec) < tolerance("manual_vs_autodiff").rtol


@pytest.mark.parametrize("layer_sizes", ARCHITECTURES, ids=lambda s: "-".join(map(str, s)))
def test_jax_reverse_and_forward_mode_agree_with_each_other(layer_sizes):
    theta_vec, X, y = problem(layer_sizes, seed=1)
    J_rev, grad_rev = autodiff.nn_cost_function(theta_vec, layer_sizes, X, y, 0.3, activation="tanh")
    J_fwd, grad_fwd = autodiff.nn_cost_function(theta_vec, layer_sizes, X, y, 0.3, activation="tanh", mode="forward")
    assert J_rev == J_fwd
    assert_close(grad_fwd, grad_rev, "autodiff_modes")


def test_oracle_returns_a_python_float_and_a_float64_numpy_gradient_even_for_float32_input():
    layer_sizes = (3, 5, 3)
    theta_vec, X, y = problem(layer_sizes)
    J, grad_vec = autodiff.nn_cost_function(theta_vec.astype(np.float32), layer_sizes, X.astype(np.float32), y)
    assert type(J) is float
    assert type(grad_vec) is np.ndarray and grad_vec.dtype == np.float64 and grad_vec.shape == theta_vec.shape


def test_debug_network_gradient_equals_jax_with_labels_as_a_one_hot_matrix():
    theta_vec, layer_sizes, X, y = debug_network()
    Y = autodiff.label_matrix(y, layer_sizes[-1])
    for lam in (0.0, 3.0):
        J, grad_vec = mb.nn_cost_function(theta_vec, layer_sizes, X, Y, lam)
        J_jax, grad_jax = autodiff.nn_cost_function(theta_vec, layer_sizes, X, Y, lam)
        assert_close(J, J_jax, "manual_vs_autodiff")
        assert_close(grad_vec, grad_jax, "manual_vs_autodiff")


def test_make_cost_is_a_pure_jax_function_that_jit_and_value_and_grad_accept():
    theta_vec, layer_sizes, X, y = debug_network()
    cost = autodiff.make_cost(layer_sizes, activation="sigmoid", output="softmax")
    Y = autodiff.label_matrix(y, layer_sizes[-1])
    J, grad = jax.jit(jax.value_and_grad(cost))(theta_vec, X, Y, 3.0)
    assert grad.dtype == np.float64
    J_ref, grad_ref = mb.nn_cost_function(theta_vec, layer_sizes, X, y, 3.0, output="softmax")
    assert_close(float(J), J_ref, "manual_vs_autodiff")
    assert_close(np.asarray(grad), grad_ref, "manual_vs_autodiff")


def test_nn_cost_gives_the_cost_alone_for_a_single_binary_output():
    layer_sizes = (3, 4, 1)
    theta_vec, X, y = problem(layer_sizes)  # labels 0 and 1
    J = autodiff.nn_cost(theta_vec, layer_sizes, X, y, 0.5, activation="relu")
    assert_close(J, mb.nn_cost(theta_vec, layer_sizes, X, y, 0.5, activation="relu"), "manual_vs_autodiff")


def test_saturated_outputs_give_the_same_finite_cost_and_gradient_as_the_core():
    layer_sizes = (3, 5, 3)
    theta_vec, X, y = problem(layer_sizes)
    theta_vec = 60.0 * theta_vec  # z(L) of tens to hundreds: h rounds to exactly 0 or 1
    for output in autodiff.OUTPUTS:
        J, grad_vec = mb.nn_cost_function(theta_vec, layer_sizes, X, y, output=output)
        J_jax, grad_jax = autodiff.nn_cost_function(theta_vec, layer_sizes, X, y, output=output)
        assert np.isfinite(J_jax) and J_jax > 1.0
        assert_close(J, J_jax, "manual_vs_autodiff")
        assert_close(grad_vec, grad_jax, "manual_vs_autodiff")


def test_label_matrix_one_hot_encodes_integer_labels_and_keeps_a_binary_column_for_one_output():
    np.testing.assert_array_equal(autodiff.label_matrix([1, 2, 0], 3), [[0, 1, 0], [0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(autodiff.label_matrix([1, 0, 1], 1), [[1], [0], [1]])
    multi = np.array([[1, 1], [0, 0]])
    Y = autodiff.label_matrix(multi, 2)
    assert Y.dtype == np.float64
    np.testing.assert_array_equal(Y, multi)


@pytest.mark.parametrize("y, K", [([0, 3], 3), ([0, 2], 1), ([-1, 0], 2), ([[0, 2]], 2), ([[0, 1, 0]], 2), ([0.5], 2)])
def test_label_matrix_refuses_labels_that_do_not_fit_k_outputs(y, K):
    with pytest.raises(ValueError):
        autodiff.label_matrix(y, K)


def test_unknown_mode_activation_or_output_is_refused():
    theta_vec, layer_sizes, X, y = debug_network()
    with pytest.raises(ValueError, match="mode"):
        autodiff.nn_cost_function(theta_vec, layer_sizes, X, y, mode="sideways")
    with pytest.raises(ValueError, match="activation"):
        autodiff.nn_cost_function(theta_vec, layer_sizes, X, y, activation="softsign")
    with pytest.raises(ValueError, match="softmax"):
        autodiff.make_cost((3, 1), output="softmax")


def test_neither_manual_backprop_nor_importing_reference_autodiff_loads_jax():
    code = ("import sys, manual_backprop, reference.finite_difference, reference.autodiff; "
            "assert 'jax' not in sys.modules, 'jax was imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])
