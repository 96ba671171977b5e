"""The diagnosis names each pattern of errors it knows, for the block it was given, with the rows,
columns and constants of the case (manual_backprop.diagnosis.diagnose on hand-made blocks)."""

import numpy as np
import pytest

from manual_backprop.diagnosis import diagnose

RNG = np.random.default_rng(4)
N = RNG.uniform(-1, 1, (4, 6))  # the numerical block: the true gradient
W = RNG.uniform(-1, 1, (4, 6))  # the weights Theta


def test_a_block_scaled_by_a_constant_is_named_with_its_block_region_and_ratio():
    diagnosis = diagnose("Theta(2)", "weights", N, 2.5 * N, W)
    assert (diagnosis.block, diagnosis.region) == ("Theta(2)", "weights")
    assert diagnosis.cause == "scaled by a constant: analytical = 2.5 x numerical"
    assert str(diagnosis).startswith("Theta(2) weights: scaled by a constant")


@pytest.mark.parametrize("ratio, cause", [(5.0, "1/m missing: analytical = m x numerical with m = 5"),
                                          (0.2, "divided by m twice: analytical = numerical / m with m = 5")])
def test_a_block_off_by_m_is_named_as_the_missing_or_doubled_1_over_m(ratio, cause):
    assert diagnose("Theta(1)", "weights", N, ratio * N, W, m=5).cause == cause


@pytest.mark.parametrize("r, cause", [
    (5.0, "1/m missing on the data term (Delta(l) not divided by m = 5), the regularisation term apart"),
    (-1.0, "the sign of the data term is flipped (delta(L) = y - a(L)), the regularisation term apart"),
    (4.0, "the data term scaled by 4, about 1 / g'(0) = 4 for the sigmoid: g'(z) left out of delta(l + 1)?"),
    (1.7, "the data term scaled by 1.7, the regularisation term apart"),
])
def test_a_data_term_gone_wrong_beside_a_right_regularisation_term_is_named(r, cause):
    # numerical = data + 0.3 Theta; analytical = r data + 0.3 Theta
    data = N - 0.3 * W
    assert diagnose("Theta(1)", "weights", N, r * data + 0.3 * W, W, m=5).cause == cause


def test_two_exchanged_entries_are_named_by_row_and_by_the_column_of_the_whole_block():
    A = N.copy()
    A[1, 2], A[3, 4] = N[3, 4], N[1, 2]
    assert diagnose("Theta(1)", "weights", N, A, W).cause == "two entries exchanged: row 1, column 2 and row 3, column 4"
    # Within columns 1..5 of the block, column 2 is the region's index 1, and still named column 2.
    within = diagnose("Theta(1)", "weights", N, A, W, columns=[1, 2, 3, 4, 5])
    assert within.cause == "two entries exchanged: row 1, column 2 and row 3, column 4"


def test_two_exchanged_entries_of_a_large_block_are_named_in_reading_order():
    N20 = np.random.default_rng(1).uniform(-1, 1, (20, 20))
    A = N20.copy()
    A[1, 2], A[19, 18] = N20[19, 18], N20[1, 2]
    cause = diagnose("Theta(1)", "weights", N20, A, N20).cause
    assert cause == "two entries exchanged: row 1, column 2 and row 19, column 18"


def test_one_wrong_entry_of_a_two_entry_block_is_named():
    # Zero weights: no regularisation pattern can explain the error (with any weights, two entries
    # are always fitted exactly by a data term and a regularisation term).
    N2 = np.array([[0.5, -0.25]])
    cause = diagnose("b", "all entries", N2, np.array([[0.5, 0.75]]), np.zeros((1, 2))).cause
    assert cause == "one entry is wrong: row 0, column 1"


def test_errors_without_a_pattern_are_reported_with_the_range_of_the_ratios_even_where_numerical_is_zero():
    N0 = N.copy()
    N0[0, 0] = 0.0  # an entry whose ratio analytical / numerical is undefined is left out of the range
    A = N0 * RNG.uniform(0.5, 1.5, N.shape) + np.where(N0 == 0, 0.1, 0.0)
    diagnosis = diagnose("Theta(1)", "weights", N0, A, W)
    ratios = A[N0 != 0] / N0[N0 != 0]
    assert diagnosis.cause.startswith("errors spread over the block without a simple pattern")
    assert diagnosis.evidence.startswith(f"ratio analytical / numerical from {ratios.min():.3g} to {ratios.max():.3g}; ")


@pytest.mark.parametrize("c, cause", [
    (3.0 - 3.0 / 5, "lambda/m written as lambda (lambda = 3, m = 5)"),
    (-3.0 / 5, "regularisation left out of the gradient (lambda = 3, m = 5)"),
    (3.0 / 5, "regularisation added twice (lambda = 3, m = 5)"),
    (0.37, "a regularisation term scaled wrongly: error = 0.37 x Theta"),
])
def test_an_error_proportional_to_theta_is_named_after_the_regularisation_bug_it_matches(c, cause):
    assert diagnose("Theta(1)", "weights", N, N + c * W, W, lam=3.0, m=5).cause == cause


@pytest.mark.parametrize("lam, m, cause", [
    (3.0, 5, "the bias column is regularised: error = (lambda / m) Theta[:, 0] with lambda = 3, m = 5"),
    (None, None, "the bias column is regularised (error proportional to Theta[:, 0])"),
])
def test_an_error_proportional_to_the_bias_weights_is_named_as_a_regularised_bias(lam, m, cause):
    N1, W1 = N[:, :1], W[:, :1]
    diagnosis = diagnose("Theta(1)", "bias column", N1, N1 + 0.6 * W1, W1, lam=lam, m=m, bias_column=True)
    assert diagnosis.cause == cause
