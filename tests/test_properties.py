"""The property suite: what the hand-written backprop must satisfy for every network Hypothesis draws.

Each property draws whole problems from :mod:`manual_backprop.strategies` (layer sizes, activation,
output, weights, data, lambda, label form) and, where the gradient is involved, both backprop
methods. A failure is shrunk to the smallest network that still fails and printed with the seed
that reproduces it (see tests/conftest.py). ``python -m tests.mutants`` runs these properties
against a catalogue of classic backprop bugs and shows that each one is caught.
"""

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from manual_backprop import Network, forward_propagation, nn_cost_function, predict_proba, reshape, unroll
from manual_backprop.activations import get_activation
from manual_backprop.backprop import METHODS
from manual_backprop.forward import output_z
from manual_backprop.strategies import layer_sizes, lambdas, networks, thetas
from reference import autodiff
from reference.finite_difference import random_unit_directions
from tests.helpers import (
    assert_close,
    assert_exact_on_saturated_problem,
    assert_columns_identical,
    assert_rows_identical,
    assert_within_tolerance,
    cost_and_gradient,
    directional_slopes,
    forward,
    grad_approx,
    matrices,
    relu_signs_are_stable,
)
from tests.hostile import problems

methods = st.sampled_from(METHODS)

# Central differences cost 2P cost evaluations, so they run on networks of at most 4 layers of
# at most 5 units (P <= 90).
small_networks = networks(layer_sizes=layer_sizes(max_layers=4, max_units=5), max_examples=5)

sizes_and_thetas = layer_sizes().flatmap(lambda sizes: st.tuples(st.just(sizes), thetas(sizes)))


@given(net=small_networks, method=methods)
def test_dvec_agrees_with_grad_approx_in_every_coordinate_for_small_networks(net, method):
    if net.activation == "relu":
        assume(relu_signs_are_stable(net))
    _, grad_vec = cost_and_gradient(net, method)
    assert_within_tolerance(grad_vec, grad_approx(net), "central_difference_slope")


@given(net=networks(), method=methods, seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_dvec_agrees_with_central_differences_along_random_directions_for_any_network(net, method, seed):
    directions = random_unit_directions(net.theta_vec.size, 4, np.random.default_rng(seed))
    if net.activation == "relu":
        assume(relu_signs_are_stable(net, directions))
    _, grad_vec = cost_and_gradient(net, method)
    assert_within_tolerance(directions @ grad_vec, directional_slopes(net, directions), "central_difference_slope")


@given(net=networks())
def test_loop_and_vectorized_backprop_agree_for_any_network(net):
    J_loop, grad_loop = cost_and_gradient(net, "loop")
    J_vec, grad_vec = cost_and_gradient(net, "vectorized")
    assert_within_tolerance(J_vec, J_loop, "loop_vs_vectorized")
    assert_within_tolerance(grad_vec, grad_loop, "loop_vs_vectorized")


@given(sizes_and_theta=sizes_and_thetas)
def test_reshape_fills_each_theta_column_by_column_and_unroll_inverts_it_exactly(sizes_and_theta):
    sizes, theta_vec = sizes_and_theta
    shapes = [(s_next, s + 1) for s, s_next in zip(sizes[:-1], sizes[1:])]
    ends = np.cumsum([rows * cols for rows, cols in shapes])
    octave = [block.reshape(shape, order="F") for block, shape in zip(np.split(theta_vec, ends[:-1]), shapes)]
    thetas_ = reshape(theta_vec, sizes)
    assert [Theta.shape for Theta in thetas_] == shapes
    assert all(np.array_equal(Theta, expected) for Theta, expected in zip(thetas_, octave))
    assert np.array_equal(unroll(thetas_), theta_vec)


@given(net=networks(lam=lambdas(min_value=0.01)), method=methods)
def test_lambda_leaves_the_bias_columns_alone_and_adds_lambda_over_m_theta_to_the_weights(net, method):
    J0, grad0 = cost_and_gradient(net, method, lam=0.0)
    J, grad_vec = cost_and_gradient(net, method)
    thetas_ = matrices(net, net.theta_vec)
    penalty = net.lam / (2 * net.m) * sum(np.sum(Theta[:, 1:] ** 2) for Theta in thetas_)
    assert_within_tolerance(J, J0 + penalty, "regularisation_added", scale=abs(J0) + penalty)
    for D0, D, Theta in zip(matrices(net, grad0), matrices(net, grad_vec), thetas_):
        assert np.array_equal(D[:, 0], D0[:, 0]), "lambda changed a bias column of the gradient"
        weight_decay = net.lam / net.m * Theta[:, 1:]
        assert_within_tolerance(D[:, 1:], D0[:, 1:] + weight_decay, "regularisation_added",
                                scale=np.abs(D0[:, 1:]) + np.abs(weight_decay))


@given(net=networks(layer_sizes=layer_sizes(min_layers=3)), data=st.data(), method=methods,
       steps=st.integers(min_value=1, max_value=4), alpha=st.floats(min_value=0.01, max_value=1.0))
def test_hidden_units_with_equal_weights_stay_identical_after_any_number_of_gradient_steps(
        net, data, method, steps, alpha):
    # Hidden layer l+1 (between Theta(l) and Theta(l+1)) gets identical units: every unit has the
    # same incoming weights, and every unit of the next layer weighs them equally. The course's
    # all-equal initialisation is the special case where every weight is one number.
    l = data.draw(st.integers(min_value=0, max_value=len(net.layer_sizes) - 3), label="Theta index l")
    thetas_ = matrices(net, net.theta_vec)
    thetas_[l][:] = thetas_[l][0]
    thetas_[l + 1][:, 1:] = thetas_[l + 1][:, 1:2]
    theta_vec = unroll(thetas_)
    for step in range(steps + 1):
        a = forward(net, theta_vec).a[l + 1]
        assert_columns_identical(a[:, 1:], "identical_units", f"activations a({l + 2}) after {step} steps")
        _, grad_vec = cost_and_gradient(net, method, theta_vec=theta_vec)
        D = matrices(net, grad_vec)
        assert_rows_identical(D[l], "identical_units", f"rows of D({l + 1}) after {step} steps")
        assert_columns_identical(D[l + 1][:, 1:], "identical_units", f"columns of D({l + 2}) after {step} steps")
        theta_vec = theta_vec - alpha * grad_vec


@given(sizes=layer_sizes(min_units=2), seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_random_initialisation_gives_every_unit_its_own_weights_so_symmetry_is_broken(sizes, seed):
    theta_vec = Network(sizes).initialize(rng=np.random.default_rng(seed))
    for l, Theta in enumerate(reshape(theta_vec, sizes), start=1):
        distinct_rows = np.unique(Theta, axis=0).shape[0]
        assert distinct_rows == Theta.shape[0], f"Theta {l}: only {distinct_rows} distinct rows of {Theta.shape[0]}"


@given(net=networks(lam=0.0), method=methods)
def test_m_times_the_cost_and_the_gradient_are_sums_over_the_examples(net, method):
    J, grad_vec = cost_and_gradient(net, method)
    parts = [cost_and_gradient(net, method, X=net.X[i:i + 1], y=net.y[i:i + 1]) for i in range(net.m)]
    J_parts = np.array([J_i for J_i, _ in parts])
    grad_parts = np.array([grad_i for _, grad_i in parts])
    assert_within_tolerance(net.m * J, J_parts.sum(), "sum_over_examples", scale=np.abs(J_parts).sum())
    assert_within_tolerance(net.m * grad_vec, grad_parts.sum(axis=0), "sum_over_examples",
                            scale=np.abs(grad_parts).sum(axis=0))


@given(net=networks(), data=st.data(), method=methods)
def test_permuting_the_examples_changes_neither_the_cost_nor_the_gradient(net, data, method):
    order = np.array(data.draw(st.permutations(range(net.m)), label="order"))
    J, grad_vec = cost_and_gradient(net, method)
    J_perm, grad_perm = cost_and_gradient(net, method, X=net.X[order], y=net.y[order])
    grad_parts = np.array([cost_and_gradient(net, method, X=net.X[i:i + 1], y=net.y[i:i + 1])[1]
                           for i in range(net.m)])
    assert_within_tolerance(J_perm, J, "sum_over_examples", scale=abs(J))
    assert_within_tolerance(grad_perm, grad_vec, "sum_over_examples", scale=np.abs(grad_parts).sum(axis=0) / net.m)


# Each new architecture costs JAX a compilation of about a second on a small machine, so this
# property runs a third of the profile's examples (10 in the default profile, 666 in thorough).
@settings(max_examples=max(10, settings.default.max_examples // 3))
@given(net=networks(), method=methods)
def test_dvec_and_the_cost_equal_jax_reverse_mode_for_any_network(net, method):
    J_jax, grad_jax = autodiff.nn_cost_function(*net.args, **net.kwargs, mode="reverse")
    J, grad_vec = cost_and_gradient(net, method)
    assert_within_tolerance(J, J_jax, "manual_vs_autodiff")
    assert_within_tolerance(grad_vec, grad_jax, "manual_vs_autodiff")


@given(net=networks(), batch_size=st.integers(min_value=1, max_value=12))
def test_the_lean_forward_pass_and_batches_give_the_z_and_h_of_the_full_pass(net, batch_size):
    full = forward(net)
    thetas_ = matrices(net, net.theta_vec)
    assert_close(output_z(thetas_, net.X, get_activation(net.activation)), full.z[-1], "same_sums_regrouped")
    assert_close(predict_proba(thetas_, net.X, **net.kwargs, batch_size=batch_size), full.h, "same_sums_regrouped")
    batched = forward_propagation(thetas_, net.X, **net.kwargs, batch_size=batch_size)
    for a, a_full in zip(batched.a, full.a):
        assert_close(a, a_full, "same_sums_regrouped")


# Weights and inputs up to 1e3 saturate sigmoid and tanh units, whose g'(z) ~ e^-|z| then carries
# the whole gradient of the layers below; the exact gradient (mpmath) judges it, layer by layer,
# within the library's own running error bound. The mpmath oracle runs in Python, so a third of
# the profile's examples (10 by default, 666 in the thorough profile).
@settings(max_examples=max(10, settings.default.max_examples // 3))
@given(problem=problems(dtype=np.float64, regime="huge", m=st.sampled_from([1, 2])),
       activation=st.sampled_from(["sigmoid", "tanh"]), method=methods)
def test_saturated_networks_give_the_exact_gradient_layer_by_layer(problem, activation, method):
    problem = problem | {"activation": activation}
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        J, grad_vec = nn_cost_function(*problem.args(), **problem.kwargs(), method=method)
    assert_exact_on_saturated_problem(J, grad_vec, problem, what=f"{method}: ")
