"""Second order: what H v and G v by the R-operator must satisfy for every network Hypothesis draws.

The properties come first (``python -m tests.mutants_second_order`` runs them against planted
R-pass bugs and shows each one caught), then the second derivatives of the activations, the
Hessian-vector check and the argument checks.
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from manual_backprop import reshape
from manual_backprop.hessian import (
    METHODS,
    SECOND_ORDER,
    gauss_newton_vector_product,
    hessian_vector_product,
    make_hessp,
    relu_second_derivative,
    sigmoid_second_derivative,
    tanh_second_derivative,
)
from manual_backprop.hessian_check import DEFAULT_EPS, DEFAULT_RTOL, check_hessian_vector_products
from manual_backprop.strategies import activations, layer_sizes, networks
from reference import second_order
from reference.tolerances import tolerance
from tests.helpers import assert_close, assert_within_tolerance, relu_signs_are_stable

methods = st.sampled_from(METHODS)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


def direction(net, seed, stream=0):
    """A direction v (P,) uniform in [-1, 1], like the weights, from its own random stream."""
    return np.random.default_rng([stream, seed]).uniform(-1.0, 1.0, net.theta_vec.size)


def Hv(net, v, method="vectorized", **changes):
    net = net.replace(**changes) if changes else net
    return hessian_vector_product(*net.args, v, **net.kwargs, method=method)


def Gv(net, v, method="vectorized", **changes):
    net = net.replace(**changes) if changes else net
    return gauss_newton_vector_product(*net.args, v, **net.kwargs, method=method)


def largest(x):
    """max |x|, as an array of x's shape: the scale of a normwise comparison, entry by entry."""
    return np.full(np.shape(x), np.abs(x).max())


# --- properties without an oracle ------------------------------------------------------------

@given(net=networks(), seed=seeds)
def test_loop_and_vectorized_hessian_and_gauss_newton_products_agree_for_any_network(net, seed):
    v = direction(net, seed)
    H_vec = Hv(net, v)
    assert_within_tolerance(Hv(net, v, "loop"), H_vec, "hessian_loop_vs_vectorized", scale=largest(H_vec))
    G_vec = Gv(net, v)
    assert_within_tolerance(Gv(net, v, "loop"), G_vec, "hessian_loop_vs_vectorized", scale=largest(G_vec))


@given(net=networks(), seed=seeds, method=methods, product=st.sampled_from([Hv, Gv]))
def test_the_hessian_and_gauss_newton_matrices_are_symmetric_w_dot_hv_equals_v_dot_hw(net, seed, method, product):
    v, w = direction(net, seed, 0), direction(net, seed, 1)
    H_v, H_w = product(net, v, method), product(net, w, method)
    scale = np.linalg.norm(w) * np.linalg.norm(H_v) + np.linalg.norm(v) * np.linalg.norm(H_w)
    assert_within_tolerance(w @ H_v, v @ H_w, "hessian_symmetry", scale=scale)


@given(net=networks(), seed=seeds, method=methods,
       alpha=st.floats(min_value=-2, max_value=2), beta=st.floats(min_value=-2, max_value=2))
def test_hessian_vector_product_is_linear_in_v(net, seed, method, alpha, beta):
    v, w = direction(net, seed, 0), direction(net, seed, 1)
    H_v, H_w = Hv(net, v, method), Hv(net, w, method)
    assert_within_tolerance(Hv(net, alpha * v + beta * w, method), alpha * H_v + beta * H_w, "hessian_linearity",
                            scale=largest(np.abs(alpha * H_v) + np.abs(beta * H_w)))


@given(net=networks(lam=st.floats(min_value=0.01, max_value=10.0)), seed=seeds, method=methods,
       product=st.sampled_from([Hv, Gv]))
def test_lambda_adds_lambda_over_m_v_to_the_weights_and_leaves_the_bias_columns_alone(net, seed, method, product):
    v = direction(net, seed)
    unregularised, regularised = product(net, v, method, lam=0.0), product(net, v, method)
    for R0, R, V in zip(reshape(unregularised, net.layer_sizes), reshape(regularised, net.layer_sizes),
                        reshape(v, net.layer_sizes)):
        assert np.array_equal(R[:, 0], R0[:, 0]), "lambda changed a bias column of the product"
        weight_decay = net.lam / net.m * V[:, 1:]
        assert_within_tolerance(R[:, 1:], R0[:, 1:] + weight_decay, "regularisation_added",
                                scale=np.abs(R0[:, 1:]) + np.abs(weight_decay))


@given(net=networks(), seed=seeds, method=methods)
def test_the_gauss_newton_product_is_positive_semi_definite(net, seed, method):
    v = direction(net, seed)
    G_v = Gv(net, v, method)
    tol = tolerance("gauss_newton_psd")
    assert v @ G_v >= -tol.rtol * np.linalg.norm(v) * np.linalg.norm(G_v), (
        f"v . G v = {v @ G_v:.3e} < 0: G is not positive semi-definite ({tol.reason})")


@given(net=networks(layer_sizes=layer_sizes(max_layers=2)), seed=seeds, method=methods)
def test_gauss_newton_equals_the_hessian_when_the_network_has_no_hidden_layer(net, seed, method):
    # z(2) = a(1) Theta(1)^T is linear in theta: the cost's only curvature is the output's.
    v = direction(net, seed)
    assert np.array_equal(Gv(net, v, method), Hv(net, v, method))


# The library's own check (central differences of its gradient, no oracle) on any network.
@given(net=networks(layer_sizes=layer_sizes(max_layers=4, max_units=6)), seed=seeds, method=methods)
def test_the_check_passes_a_correct_hessian_vector_product_in_every_block(net, seed, method):
    report = check_hessian_vector_products(*net.args, **net.kwargs, method=method, rng=np.random.default_rng(seed))
    if report.n_directions == 0:  # every direction straddled a ReLU kink
        assume(False)
    assert report.passed, str(report)
    assert report.n_gradient_evaluations == 2 * report.n_directions


# --- properties against the oracles of reference.second_order ---------------------------------

def gradient_difference(net, v):
    return second_order.gradient_central_difference(*net.args, v, **net.kwargs)


def relu_signs_stay_put_along(net, v):
    return relu_signs_are_stable(net, (v / np.linalg.norm(v))[None, :], eps=second_order.DEFAULT_EPS)


# Each new architecture (and number of examples) costs JAX a compilation of about a second on a
# small machine, so the oracle properties run a third of the profile's examples (10 in the
# default profile, 666 in thorough), as the JAX property of tests/test_properties.py does.
JAX_EXAMPLES = max(10, settings.default.max_examples // 3)


@settings(max_examples=JAX_EXAMPLES)
@given(net=networks(), seed=seeds, method=methods)
def test_hessian_vector_product_equals_central_differences_of_the_jax_gradient(net, seed, method):
    v = direction(net, seed)
    if net.activation == "relu":
        assume(relu_signs_stay_put_along(net, v))
    assert_within_tolerance(Hv(net, v, method), gradient_difference(net, v), "hessian_vs_gradient_difference",
                            scale=np.full(v.shape, np.linalg.norm(v)))


@settings(max_examples=JAX_EXAMPLES)
@given(net=networks(activation=st.sampled_from(second_order.COMPLEX_SAFE)), seed=seeds, method=methods)
def test_hessian_vector_product_equals_the_complex_step_of_the_jax_gradient(net, seed, method):
    v = direction(net, seed)
    complex_step = second_order.gradient_complex_step(*net.args, v, **net.kwargs)
    assert_within_tolerance(Hv(net, v, method), complex_step, "hessian_vs_complex_step", scale=largest(complex_step))


@settings(max_examples=JAX_EXAMPLES)
@given(net=networks(), seed=seeds, method=methods)
def test_hessian_and_gauss_newton_products_equal_jax_forward_over_reverse_for_any_network(net, seed, method):
    v = direction(net, seed)
    H_jax = second_order.hessian_vector_product(*net.args, v, **net.kwargs)
    assert_within_tolerance(Hv(net, v, method), H_jax, "hessian_vs_autodiff", scale=largest(H_jax))
    G_jax = second_order.gauss_newton_vector_product(*net.args, v, **net.kwargs)
    assert_within_tolerance(Gv(net, v, method), G_jax, "hessian_vs_autodiff", scale=largest(G_jax))


@given(net=networks(activation="relu"), seed=seeds, method=methods)
def test_relu_networks_have_no_g_second_term_so_h_v_away_from_kinks_is_the_product_without_it(net, seed, method):
    # With g'' = 0 the R-backward pass has only its first line; planting any nonzero g'' for ReLU
    # would change H v wherever some hidden delta and R{z} are nonzero.
    v = direction(net, seed)
    H_v = Hv(net, v, method)
    relu = SECOND_ORDER["relu"]
    with_curvature = SECOND_ORDER["relu"]._replace(
        derivatives=lambda z: relu.derivatives(z)[:2] + (np.ones_like(z),))
    SECOND_ORDER["relu"] = with_curvature
    try:
        H_curved = Hv(net, v, method)
    finally:
        SECOND_ORDER["relu"] = relu
    assert np.array_equal(Hv(net, v, method), H_v)
    if len(net.layer_sizes) == 2:
        assert np.array_equal(H_curved, H_v), "no hidden layer: no g'' anywhere"


# --- g'' beside g and g' ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_g_second_equals_the_complex_step_of_g_prime(name):
    from manual_backprop.activations import sigmoid_gradient, tanh_gradient

    g_prime = {"sigmoid": sigmoid_gradient, "tanh": tanh_gradient}[name]
    z = np.linspace(-8, 8, 161)
    h = 1e-20
    assert_close(SECOND_ORDER[name].second_derivative(z), g_prime(z + 1j * h).imag / h, "complex_step")


def test_g_prime_from_z_equals_the_course_derivative():
    from manual_backprop.activations import relu_gradient, sigmoid_gradient, tanh_gradient

    z = np.linspace(-8, 8, 161)
    for name, course in (("sigmoid", sigmoid_gradient), ("tanh", tanh_gradient), ("relu", relu_gradient)):
        assert_close(SECOND_ORDER[name].gradient(z), course(z), "derivative_from_output")


def test_relu_second_derivative_is_zero_away_from_the_kink_on_both_sides():
    z = np.concatenate([-np.logspace(-300, 300, 61), np.logspace(-300, 300, 61)])
    assert np.array_equal(relu_second_derivative(z), np.zeros_like(z))
    assert relu_second_derivative(z).dtype == np.float64


def test_saturated_units_keep_their_tiny_nonzero_second_derivative():
    # Where g rounds to 1, a formula in a = g(z) such as a (1 - a) (1 - 2a) gives 0. The exact
    # values, written with e = e^-|z| << 1 and no cancellation, stay normal up to |z| ~ 700 for the
    # sigmoid (g'' ~ e) and |z| ~ 350 for tanh (g'' ~ e^2).
    z = np.concatenate([np.linspace(20, 700, 69), -np.linspace(20, 700, 69)])
    e = np.exp(-np.abs(z))
    sigmoid_exact = np.sign(z) * e * (e - 1.0) / (1.0 + e) ** 3
    assert np.all(sigmoid_second_derivative(z) != 0)
    assert_close(sigmoid_second_derivative(z), sigmoid_exact, "saturated_second_derivative")

    z = np.concatenate([np.linspace(20, 350, 34), -np.linspace(20, 350, 34)])
    e = np.exp(-np.abs(z))
    # -2 tanh(z) sech^2(z), with tanh(z) = sign(z) (1 - e^2) / (1 + e^2) and sech(z) = 2 e / (1 + e^2)
    tanh_exact = -2.0 * np.sign(z) * (1.0 - e * e) / (1.0 + e * e) * (2.0 * e / (1.0 + e * e)) ** 2
    assert np.all(tanh_second_derivative(z) != 0)
    assert_close(tanh_second_derivative(z), tanh_exact, "saturated_second_derivative")


def test_g_second_of_a_far_saturated_unit_underflows_to_zero_without_a_warning():
    for name in ("sigmoid", "tanh"):
        assert SECOND_ORDER[name].second_derivative(np.array([1e4, -1e4])).tolist() == [0.0, 0.0]


# --- the Hessian-vector check -------------------------------------------------------------------

def test_the_checker_keeps_the_tables_bound_and_step():
    assert DEFAULT_RTOL == tolerance("hessian_check").rtol
    assert DEFAULT_EPS == second_order.DEFAULT_EPS


def test_the_check_names_the_one_block_of_h_v_that_is_wrong():
    net = networks_example()
    P_first = net.layer_sizes[1] * (net.layer_sizes[0] + 1)
    rows = net.layer_sizes[2]

    def wrong_bias_of_theta_2(v):  # H v off in Theta(2)'s bias column only, by a linear error
        result = Hv(net, v)
        result[P_first:P_first + rows] += 1e-3 * v[P_first:P_first + rows]
        return result

    report = check_hessian_vector_products(*net.args, **net.kwargs, hvp=wrong_bias_of_theta_2,
                                           rng=np.random.default_rng(0))
    assert not report.passed
    wrong = {(b.side, b.layer, b.part) for b in report.failing_blocks}
    assert ("H v", 2, "bias") in wrong and ("direction", 2, "bias") in wrong
    assert not any(side == "H v" and (layer, part) != (2, "bias") for side, layer, part in wrong), str(report)
    assert "WRONG: H v Theta(2) bias" in str(report)


def networks_example():
    from manual_backprop.strategies import NetworkProblem

    rng = np.random.default_rng(3)
    sizes = (4, 5, 3, 3)
    P = sum(b * (a + 1) for a, b in zip(sizes[:-1], sizes[1:]))
    return NetworkProblem(sizes, "tanh", "softmax", 0.5, rng.uniform(-1, 1, P), rng.uniform(-1, 1, (6, 4)),
                          rng.integers(0, 3, 6), "integer")


# --- arguments ------------------------------------------------------------------------------------

def test_v_of_the_wrong_length_is_refused_with_both_lengths():
    net = networks_example()
    with pytest.raises(ValueError, match=r"v must have the shape of theta_vec, \(55,\) .* got \(52,\)"):
        Hv(net, np.zeros(52))


def test_a_non_finite_v_and_an_unknown_method_are_refused():
    net = networks_example()
    v = np.zeros(net.theta_vec.size)
    v[3] = np.nan
    with pytest.raises(ValueError, match="v must be finite, got nan at index 3"):
        Gv(net, v)
    with pytest.raises(ValueError, match="method must be one of"):
        Hv(net, np.zeros(net.theta_vec.size), method="fast")


def test_complex_weights_are_refused_for_h_v():
    net = networks_example()
    with pytest.raises(TypeError, match="theta_vec must be real for H v"):
        Hv(net, np.zeros(net.theta_vec.size), theta_vec=net.theta_vec + 0j)


def test_float32_weights_data_and_direction_give_a_float32_product():
    net = networks_example()
    v = direction(net, 0)
    result = hessian_vector_product(net.theta_vec.astype(np.float32), net.layer_sizes, net.X.astype(np.float32),
                                    net.y, net.lam, v.astype(np.float32), **net.kwargs)
    assert result.dtype == np.float32
    assert hessian_vector_product(net.theta_vec.astype(np.float32), net.layer_sizes, net.X, net.y, net.lam, v,
                                  **net.kwargs).dtype == np.float64


def test_the_inputs_are_left_unchanged():
    net = networks_example()
    v = direction(net, 0)
    copies = [np.copy(a) for a in (net.theta_vec, net.X, net.y, v)]
    Hv(net, v)
    Gv(net, v, "loop")
    assert all(np.array_equal(a, b) for a, b in zip((net.theta_vec, net.X, net.y, v), copies))


def test_make_hessp_gives_scipy_the_product_at_the_point_it_asks_for():
    net = networks_example()
    v = direction(net, 0)
    hessp = make_hessp(net.layer_sizes, net.X, net.y, net.lam, **net.kwargs)
    gn = make_hessp(net.layer_sizes, net.X, net.y, net.lam, **net.kwargs, gauss_newton=True)
    assert np.array_equal(hessp(net.theta_vec, v), Hv(net, v))
    assert np.array_equal(gn(net.theta_vec, v), Gv(net, v))


@given(activation=activations())
def test_every_activation_has_g_second_beside_g_and_g_prime(activation):
    g = SECOND_ORDER[activation]
    z = np.linspace(-3, 3, 13)
    assert g.name == activation
    assert all(np.array_equal(f(z), d) for f, d in zip((g.g, g.gradient, g.second_derivative), g.derivatives(z)))


@pytest.mark.parametrize("method", ["Newton-CG", "trust-ncg", "trust-krylov"])
def test_scipys_newton_type_methods_converge_with_make_hessp_on_a_small_network(method):
    from scipy.optimize import minimize

    from manual_backprop import nn_cost_function

    net = networks_example()

    def cost_function(theta_vec):
        return nn_cost_function(theta_vec, *net.args[1:], **net.kwargs)

    result = minimize(cost_function, net.theta_vec, jac=True, method=method,
                      hessp=make_hessp(net.layer_sizes, net.X, net.y, net.lam, **net.kwargs))
    assert result.success, result.message
    assert result.fun < cost_function(net.theta_vec)[0]


# --- training with H v (manual_backprop.train, the command line) ----------------------------------

@pytest.mark.parametrize("optimizer", ["newton-cg", "trust-ncg", "trust-krylov"])
def test_train_network_with_a_newton_type_optimizer_lowers_the_cost_with_h_v(optimizer):
    from manual_backprop.train import train_network

    net = networks_example()
    result = train_network(net.layer_sizes, net.X, net.y, net.lam, theta_vec=net.theta_vec, **net.kwargs,
                           optimizer=optimizer, max_iter=20)
    assert result.cost_history[-1] < result.cost_history[0]
    assert result.n_iterations == len(result.cost_history) - 1


def test_minimize_cost_refuses_a_newton_type_method_without_hessp_and_hessp_without_one():
    from manual_backprop.train import minimize_cost

    net = networks_example()

    def cost_function(theta_vec):
        return hessian_cost_function(net, theta_vec)

    with pytest.raises(ValueError, match="'trust-ncg' needs hessp"):
        minimize_cost(cost_function, net.theta_vec, method="trust-ncg")
    with pytest.raises(ValueError, match="'L-BFGS-B' takes no hessp"):
        minimize_cost(cost_function, net.theta_vec, hessp=make_hessp(net.layer_sizes, net.X, net.y, net.lam))


def hessian_cost_function(net, theta_vec):
    from manual_backprop import nn_cost_function

    return nn_cost_function(theta_vec, *net.args[1:], **net.kwargs)


def test_the_command_line_trains_with_trust_ncg(capsys, tmp_path):
    import json

    from manual_backprop.cli import main

    status = main(["train", "--hidden", "6", "--max-iter", "5", "--optimizer", "trust-ncg", "--json", "--no-baseline",
                   "--out", str(tmp_path)])
    result = json.loads(capsys.readouterr().out)
    assert status == 0
    assert result["settings"]["optimizer"] == "trust-ncg"
    assert result["cost_history"][-1] < result["cost_history"][0]
