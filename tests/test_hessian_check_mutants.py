"""The Hessian-vector check exactly: its whole printed report, its verdict at the bound, the directions
it leaves out at a ReLU kink, its defaults and its argument errors.

Most reports here come from a network whose gradient is exactly constant near theta (a saturated
sigmoid output, sigmoid(-800) = 0 in float64, so delta(L) = 0 and every gradient is exactly 0): the
central differences are then exactly 0 and an H v given by the test fixes every number of the report,
so the text can be compared whole. The rest run on small ordinary networks.
"""

import re

import mpmath
import numpy as np
import pytest

from manual_backprop.hessian import hessian_vector_product
from manual_backprop.hessian_check import DEFAULT_EPS, check_hessian_vector_products
from reference.tolerances import tolerance

RTOL = tolerance("hessian_check").rtol


def check(theta, sizes, X, y, lam=0.0, **options):
    options.setdefault("rng", np.random.default_rng(0))
    return check_hessian_vector_products(np.asarray(theta, dtype=np.float64), sizes, np.asarray(X, dtype=np.float64),
                                         np.asarray(y), lam, **options)


def verdicts(report):
    return {(b.side, b.layer, b.part): b.passed for b in report.blocks}


def failing(report):
    return {(b.side, b.layer, b.part) for b in report.failing_blocks}


# --- a network whose gradient is exactly flat near theta ---------------------------------------------

# (1, 1, 1) ReLU: x = 0, so z(2) = b1 = 0 (a ReLU kink sits at theta: any direction that moves b1
# is left out) and a(2) = 0; z(3) = 800 saturates the output for y = 1, so the gradient is exactly 0.
FLAT_RELU = dict(theta=[0.0, 0.5, 800.0, 0.5], sizes=(1, 1, 1), X=[[0.0]], y=[1])
# (1, 1) sigmoid, no hidden layer: z(2) = 800 + 0 x, the same flat gradient.
FLAT = dict(theta=[800.0, 0.0], sizes=(1, 1), X=[[1.0]], y=[1])


def confined_to(d, entry):
    """Whether the direction d moves theta[entry] alone."""
    return d[entry] != 0 and np.count_nonzero(d) == 1


def designed_hvp(values):
    """An H v that returns, for a direction confined to entry k, values[k] in entry k and 0 elsewhere."""
    def hvp(d):
        result = np.zeros(d.size)
        for entry, value in values.items():
            if confined_to(d, entry):
                result[entry] = value
        return result
    return hvp


def test_the_whole_report_of_a_check_with_kinks_passing_and_wrong_blocks_reads_exactly_so():
    # The differences are exactly 0; H v is 3/8 in Theta(2)'s bias and 1/2 in its weights, so the whole
    # H v has norm 5/8 and rtol 0.6 lets an error of 0.6 * 5/8 = 3/8 pass: the bias on the bound, the
    # weights above it. Each block where H v is nonzero has relative difference exactly 1.
    report = check(**FLAT_RELU, activation="relu", hvp=designed_hvp({2: 0.375, 3: 0.5}), rtol=0.6)
    assert str(report) == "\n".join([
        "Hessian-vector check: H v against central differences of the gradient (eps = 1e-05), "
        "3 directions, 6 gradient evaluations",
        "relative difference norm(num - Hv) / norm(num + Hv) = 1 (bound 0.6 per block)",
        "3 direction(s) left out: a ReLU z changed sign within +-eps",
        "      H v: Theta(1) bias    (   1 entries) relative difference 0, largest error 0  ok",
        "      H v: Theta(1) weights (   1 entries) relative difference 0, largest error 0  ok",
        "      H v: Theta(2) bias    (   1 entries) relative difference 1, largest error 0.375  ok",
        "      H v: Theta(2) weights (   1 entries) relative difference 1, largest error 0.5  WRONG",
        "direction: Theta(1) weights (   1 entries) relative difference 0, largest error 0  ok",
        "direction: Theta(2) bias    (   1 entries) relative difference 1, largest error 0.375  ok",
        "direction: Theta(2) weights (   1 entries) relative difference 1, largest error 0.5  WRONG",
        "WRONG: H v Theta(2) weights; direction Theta(2) weights",
    ])
    assert report.format() == str(report)
    assert (report.passed, report.relative_difference, report.n_directions, report.n_kink_directions,
            report.n_gradient_evaluations, report.rtol, report.eps) == (False, 1.0, 3, 3, 6, 0.6, DEFAULT_EPS)
    assert [b.part for b in report.blocks[:4]] == ["bias", "weights", "bias", "weights"]


def test_the_whole_report_of_a_check_that_passes_reads_exactly_so():
    report = check(**FLAT, hvp=designed_hvp({}), n_directions=1)
    assert str(report) == "\n".join([
        "Hessian-vector check: H v against central differences of the gradient (eps = 1e-05), "
        "3 directions, 6 gradient evaluations",
        "relative difference norm(num - Hv) / norm(num + Hv) = 0 (bound 1e-06 per block)",
        "      H v: Theta(1) bias    (   1 entries) relative difference 0, largest error 0  ok",
        "      H v: Theta(1) weights (   1 entries) relative difference 0, largest error 0  ok",
        "direction: Theta(1) bias    (   1 entries) relative difference 0, largest error 0  ok",
        "direction: Theta(1) weights (   1 entries) relative difference 0, largest error 0  ok",
        "H v agrees with the differences of the gradient in every block.",
    ])
    assert report.passed and report.n_kink_directions == 0


def test_an_h_v_of_zero_where_the_gradient_is_flat_has_relative_difference_zero_not_nan():
    # Both sides are exactly 0 in every entry (the library's H v too): 0 / 0 is reported as 0.
    report = check(**FLAT)
    assert report.passed
    assert report.relative_difference == 0.0
    assert [(b.relative_difference, b.max_abs_error) for b in report.blocks] == [(0.0, 0.0)] * 4


def test_a_block_whose_relative_difference_equals_rtol_passes_the_bound_is_inclusive():
    # lam = m = 1 adds theta to the gradient: along the weight w = 0 the differences are exactly the
    # direction d, and an H v of 31 d in the weight (0 in the bias, as the differences) is off by 30 d,
    # relative difference 30/32 (rounded). The weight is the only nonzero part of H v, so its error is
    # not small against the whole either.
    def thirty_one_times(d):
        return np.array([0.0, 31 * d[1]])

    first = check(**FLAT, lam=1.0, hvp=thirty_one_times, n_directions=0)
    bound = first.blocks[1].relative_difference
    at_the_bound = check(**FLAT, lam=1.0, hvp=thirty_one_times, n_directions=0, rtol=bound)
    assert not first.passed and at_the_bound.passed, str(at_the_bound)
    assert at_the_bound.blocks[1].relative_difference == bound


# --- ordinary networks ---------------------------------------------------------------------------------

def tanh_softmax():
    rng = np.random.default_rng(3)
    sizes = (4, 5, 3, 3)
    P = sum(b * (a + 1) for a, b in zip(sizes[:-1], sizes[1:]))
    return dict(theta=rng.uniform(-1, 1, P), sizes=sizes, X=rng.uniform(-1, 1, (6, 4)), y=rng.integers(0, 3, 6),
                lam=0.5), dict(activation="tanh", output="softmax")


def sigmoid_sigmoid():
    rng = np.random.default_rng(5)
    sizes = (3, 4, 2)
    P = sum(b * (a + 1) for a, b in zip(sizes[:-1], sizes[1:]))
    return dict(theta=rng.uniform(-1, 1, P), sizes=sizes, X=rng.uniform(-1, 1, (5, 3)), y=rng.integers(0, 2, 5))


def library_hvp(net, kwargs, **changes):
    net = {**net, **changes}
    return lambda v: hessian_vector_product(net["theta"], net["sizes"], net["X"], net["y"], net.get("lam", 0.0), v,
                                            **kwargs)


def test_half_of_h_v_gives_relative_difference_one_third_in_every_block_and_overall():
    # num = H v + e with the correct H v passing at rtol, |e| <= 2 rtol |H v| per block; against H v / 2,
    # norm(H v / 2 + e) / norm(3 H v / 2 + e) is 1/3 within (8/9) rtol.
    net, kwargs = tanh_softmax()
    whole_hvp = library_hvp(net, kwargs)
    report = check(**net, **kwargs, hvp=lambda v: 0.5 * whole_hvp(v))
    assert not report.passed
    assert len(report.failing_blocks) == len(report.blocks) == 2 * 2 * 3
    for value in [report.relative_difference] + [b.relative_difference for b in report.blocks]:
        assert abs(value - 1 / 3) <= RTOL


def test_a_bug_invisible_to_directions_constant_within_a_block_is_caught_each_block_direction_is_random():
    net, kwargs = tanh_softmax()
    whole_hvp = library_hvp(net, kwargs)
    weights_1 = np.arange(5, 25)  # Theta(1) is 5 x 5: its bias column is entries 0-4

    def off_by_the_spread_of_v_over_theta_1_weights(v):
        result = whole_hvp(v)
        result[weights_1] += 1e-3 * (v[weights_1] - v[weights_1].mean())
        return result

    report = check(**net, **kwargs, hvp=off_by_the_spread_of_v_over_theta_1_weights, n_directions=0)
    assert failing(report) == {("H v", 1, "weights"), ("direction", 1, "weights")}


def test_lam_defaults_to_no_regularisation():
    net, kwargs = tanh_softmax()
    report = check(net["theta"], net["sizes"], net["X"], net["y"], **kwargs, hvp=library_hvp(net, kwargs, lam=0.0))
    assert report.passed, str(report)


def test_activation_and_output_default_to_sigmoid_and_two_random_directions():
    net = sigmoid_sigmoid()
    report = check_hessian_vector_products(net["theta"], net["sizes"], net["X"], net["y"],
                                           rng=np.random.default_rng(1))
    explicit = check_hessian_vector_products(net["theta"], net["sizes"], net["X"], net["y"], 0.0,
                                             activation="sigmoid", output="sigmoid", n_directions=2,
                                             rng=np.random.default_rng(1))
    assert report.passed
    assert report.n_directions == 2 + 2 * 2
    assert (report.relative_difference, report.blocks) == (explicit.relative_difference, explicit.blocks)


def test_the_loop_method_checks_the_loop_h_v():
    net, kwargs = tanh_softmax()
    by_method = check(**net, **kwargs, method="loop", rng=np.random.default_rng(2))
    by_hvp = check(**net, **kwargs, hvp=library_hvp(net, {**kwargs, "method": "loop"}), rng=np.random.default_rng(2))
    assert (by_method.relative_difference, by_method.blocks) == (by_hvp.relative_difference, by_hvp.blocks)


def recorded_directions(net, kwargs, rng):
    seen, whole_hvp = [], library_hvp(net, kwargs)

    def hvp(d):
        seen.append(d.copy())
        return whole_hvp(d)

    report = check_hessian_vector_products(net["theta"], net["sizes"], net["X"], net["y"], net["lam"], **kwargs,
                                           hvp=hvp, rng=rng)
    return report, np.array(seen)


def test_the_same_seed_gives_the_same_directions_and_report_and_no_rng_still_checks():
    net, kwargs = tanh_softmax()
    first, d_first = recorded_directions(net, kwargs, np.random.default_rng(11))
    second, d_second = recorded_directions(net, kwargs, np.random.default_rng(11))
    assert np.array_equal(d_first, d_second)
    assert (first.relative_difference, first.blocks) == (second.relative_difference, second.blocks)
    unseeded, d_unseeded = recorded_directions(net, kwargs, None)
    assert unseeded.passed and d_unseeded.shape == d_first.shape


def test_an_h_v_computed_by_mpmath_at_30_digits_is_checked_as_its_float64_rounding():
    # 1 + 2^-60 leaves every entry's float64 rounding unchanged: the check, in float64, cannot tell.
    net, kwargs = tanh_softmax()
    whole_hvp = library_hvp(net, kwargs)

    def precise(v):
        return [mpmath.mpf(x) * (1 + mpmath.mpf(2) ** -60) for x in whole_hvp(v)]

    with mpmath.workdps(30):
        by_mpmath = check(**net, **kwargs, hvp=precise, rng=np.random.default_rng(4))
    by_float = check(**net, **kwargs, hvp=whole_hvp, rng=np.random.default_rng(4))
    assert by_mpmath.passed, str(by_mpmath)
    assert (by_mpmath.relative_difference, by_mpmath.blocks) == (by_float.relative_difference, by_float.blocks)


def test_float32_weights_and_data_are_checked_in_float64_so_a_relu_z_of_2_to_the_minus_24_is_positive():
    # x = w = 1 + 2^-12, b = -(1 + 2^-11): z(2) = x w + b = 2^-24 exactly in float64, 0 in float32
    # (x w rounds to 1 + 2^-11). The directions that move Theta(1) cross the kink; those of Theta(2)
    # leave z(2) as it is.
    one_plus = np.float32(1 + 2.0**-12)
    theta = np.array([-(1 + 2.0**-11), one_plus, 0.3, 0.7], dtype=np.float32)
    X = np.array([[one_plus]], dtype=np.float32)
    report = check_hessian_vector_products(theta, (1, 1, 1), X, np.array([1]), 0.0, activation="relu",
                                           n_directions=0, rng=np.random.default_rng(0))
    assert (report.n_directions, report.n_kink_directions) == (2, 2)
    assert report.passed, str(report)


# --- ReLU kinks -------------------------------------------------------------------------------------------

def relu_1_1_1(b1, **options):
    """(1, 1, 1) ReLU with x = 0: z(2) = b1 for every example; only the direction along b1 moves it."""
    return check([b1, 0.3, -0.2, 0.7], (1, 1, 1), [[0.0], [0.0]], [1, 0], activation="relu", n_directions=0,
                 **options)


@pytest.mark.parametrize("side", [1, -1])
def test_a_direction_that_crosses_a_kink_on_one_side_only_is_left_out_either_side(side):
    report = relu_1_1_1(side * DEFAULT_EPS / 2)
    assert (report.n_directions, report.n_kink_directions) == (3, 1)
    assert report.passed, str(report)


def test_a_unit_that_reaches_z_zero_from_below_is_no_kink_and_one_that_reaches_it_from_above_is():
    # ReLU'(0) = 0: z in [-2 eps, 0] keeps the derivative 0 throughout; z in [0, 2 eps] jumps from 0 to 1.
    from_below, from_above = relu_1_1_1(-DEFAULT_EPS), relu_1_1_1(DEFAULT_EPS)
    assert (from_below.n_directions, from_below.n_kink_directions) == (4, 0)
    assert (from_above.n_directions, from_above.n_kink_directions) == (3, 1)
    assert from_below.passed and from_above.passed


def test_a_kink_in_the_second_hidden_layer_leaves_out_every_direction_that_moves_it():
    # x = 0, b1 = 1: z(2) = 1 and a(2) = 1 (ReLU); Theta(2) = [-1, 1] puts z(3) = 0 at theta. The
    # directions along b1, b2 and w2 move z(3) across 0; w1 (x = 0) and Theta(3) leave it.
    report = check([1.0, 0.4, -1.0, 1.0, -0.2, 0.7], (1, 1, 1, 1), [[0.0], [0.0]], [1, 0], activation="relu",
                   n_directions=0)
    assert (report.n_directions, report.n_kink_directions) == (3, 3)
    assert report.passed, str(report)


def test_a_sigmoid_network_with_a_hidden_z_of_zero_has_no_kink_and_leaves_no_direction_out():
    report = check([0.0, 0.3, -0.2, 0.7], (1, 1, 1), [[0.0], [0.0]], [1, 0])
    assert (report.n_directions, report.n_kink_directions) == (6, 0)
    assert report.passed, str(report)


# --- argument errors, whole messages -----------------------------------------------------------------

@pytest.mark.parametrize("n_directions, error, message", [
    (-1, ValueError, "n_directions must be at least 0, got -1"),
    (1.5, TypeError, "n_directions must be an integer, got 1.5"),
])
def test_a_bad_number_of_directions_is_refused_with_its_name_and_value(n_directions, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        check(**FLAT, n_directions=n_directions)


def test_an_unknown_method_is_refused_with_the_methods_and_the_value():
    with pytest.raises(ValueError, match="^" + re.escape("method must be one of ('vectorized', 'loop'), got 'fast'")
                       + "$"):
        check(**FLAT, method="fast")


def test_an_h_v_of_strings_is_refused_and_one_of_unsigned_integers_is_read_as_numbers():
    # NumPy would read the strings "0.5" as numbers; an H v is numbers, so text is refused by name.
    net, kwargs = sigmoid_sigmoid(), {}
    whole_hvp = library_hvp(net, kwargs)
    with pytest.raises(TypeError, match=r"^hvp must return real numbers, got dtype <U\d+$"):
        check(**net, **kwargs, hvp=lambda v: whole_hvp(v).astype(str), rng=np.random.default_rng(0))
    as_unsigned = check(**net, **kwargs, hvp=lambda v: np.zeros(v.size, dtype=np.uint8), rng=np.random.default_rng(0))
    as_float = check(**net, **kwargs, hvp=lambda v: np.zeros(v.size), rng=np.random.default_rng(0))
    assert (as_unsigned.relative_difference, as_unsigned.blocks) == (as_float.relative_difference, as_float.blocks)
