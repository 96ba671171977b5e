"""The diagnosis a user reads for each planted pattern of errors: the cause and the numbers that show
it, word for word (manual_backprop.diagnosis.diagnose on hand-made blocks).

Every block holds multiples of 1/8 (and every planted factor is a power of two times a small integer),
so every sum of products the diagnosis forms is exact and its printed evidence is the same on every
machine; only least-squares residuals are not, and those are left out of the compared text.
"""

import numpy as np
import pytest

from manual_backprop.diagnosis import diagnose
from manual_backprop.thresholds import threshold

RNG = np.random.default_rng(7)
N = RNG.integers(-8, 9, (4, 6)) / 8  # the numerical block: the true gradient of a Theta(l)
W = RNG.integers(-8, 9, (4, 6)) / 8  # the weights Theta
S = RNG.integers(-8, 9, (4, 4)) / 8  # a square block
LAM, M = 3.0, 4  # lambda and m, so that lambda / m = 0.75 and lambda - lambda / m = 2.25 are exact


def planted(change):
    """N with ``change(A)`` applied to a copy: the analytical block of a planted bug."""
    A = N.copy()
    change(A)
    return A


def swap(A):
    A[1, 2], A[3, 4] = N[3, 4], N[1, 2]


def one_entry(A):
    A[2, 3] += 0.5


def one_row(A):
    A[2] += np.array([1, -2, 3, 1, 2, 1]) / 8


def one_column(A):
    A[:, 3] += np.array([1, -2, 3, 1]) / 8


CANCELLING = np.outer([1, -1, 2, 1], [1, -1, 1, -1, 2, -2]) / 8  # sums to zero over the block


@pytest.mark.parametrize("numerical, analytical, options, text", [
    (S, S.T, {}, ("Theta(1) weights: the block is transposed: analytical = numerical^T "
                  "(|analytical - numerical^T| <= 0, error 3.8)")),
    (N, N.ravel(order="C").reshape(N.shape, order="F"), {},
     ("Theta(1) weights: unrolled row-major (order='C') but reshaped column-major (order='F') (analytical equals "
      "the numerical block read in the other order to 0, error 4.1)")),
    (N, 0 * N, {}, ("Theta(1) weights: the analytical block is all zero (a layer detached from backprop, or a "
                    "gradient never written) (largest analytical 0, largest numerical 1, 24 entries)")),
    (N, -N, {}, ("Theta(1) weights: the sign is flipped (analytical = -numerical) (|analytical + numerical| <= 0 on "
                 "24 entries)")),
    (N, 2.5 * N, {}, ("Theta(1) weights: scaled by a constant: analytical = 2.5 x numerical (ratio analytical / "
                      "numerical = 2.5, the same on all 24 entries (residual 0 of error 4.7))")),
    (N, 4 * N, {"m": M}, ("Theta(1) weights: 1/m missing: analytical = m x numerical with m = 4 (ratio analytical / "
                          "numerical = 4, the same on all 24 entries (residual 0 of error 9.4))")),
    (N, N / 4, {"m": M}, ("Theta(1) weights: divided by m twice: analytical = numerical / m with m = 4 (ratio "
                          "analytical / numerical = 0.25, the same on all 24 entries (residual 0 of error 2.4))")),
    (N, N + 2.25 * W, {"lam": LAM, "m": M},
     ("Theta(1) weights: lambda/m written as lambda (lambda = 3, m = 4) (error = 2.25 x Theta on all 24 entries "
      "(residual 0 of error 6.6))")),
    (N, N - 0.75 * W, {"lam": LAM, "m": M},
     ("Theta(1) weights: regularisation left out of the gradient (lambda = 3, m = 4) (error = -0.75 x Theta on all "
      "24 entries (residual 0 of error 2.2))")),
    (N, N + 0.75 * W, {"lam": LAM, "m": M},
     ("Theta(1) weights: regularisation added twice (lambda = 3, m = 4) (error = 0.75 x Theta on all 24 entries "
      "(residual 0 of error 2.2))")),
    (N, N + 0.375 * W, {"lam": LAM, "m": M},
     ("Theta(1) weights: a regularisation term scaled wrongly: error = 0.375 x Theta (error = 0.375 x Theta on all "
      "24 entries (residual 0 of error 1.1))")),
    (N, planted(swap), {}, ("Theta(1) weights: two entries exchanged: row 1, column 2 and row 3, column 4 (each "
                            "analytical value is the other's numerical one, error 0.88)")),
    (N, planted(one_entry), {}, ("Theta(1) weights: one entry is wrong: row 2, column 3 (100 % of the error's square "
                                 "norm there, error 0.5)")),
    (N, planted(one_row), {}, ("Theta(1) weights: the error is confined to row 2: one unit's incoming weights (100 % "
                               "of the error's square norm in row 2 of 4)")),
    (N, planted(one_column), {}, ("Theta(1) weights: the error is confined to column 3: one unit's outgoing weights "
                                  "(100 % of the error's square norm in column 3 of 6)")),
    (N, N + CANCELLING, {}, ("Theta(1) weights: errors that cancel: they sum to zero over the region, which a single "
                             "sum or one all-ones direction cannot see (sum of errors 0, sum of their sizes 5)")),
], ids=["transposed", "row-major", "all-zero", "sign", "ratio", "1/m-missing", "m-twice", "lambda-for-lambda/m",
        "regularisation-left-out", "regularisation-twice", "regularisation-scaled", "exchanged", "one-entry",
        "one-row", "one-column", "cancelling"])
def test_each_planted_pattern_is_named_with_the_numbers_that_show_it(numerical, analytical, options, text):
    weights = W[:, :numerical.shape[1]]
    assert str(diagnose("Theta(1)", "weights", numerical, analytical, weights, **options)) == text


@pytest.mark.parametrize("r, m, cause, fit", [
    (4.0, M, "1/m missing on the data term (Delta(l) not divided by m = 4), the regularisation term apart",
     "4 x numerical + -2.25"),
    (-1.0, M, "the sign of the data term is flipped (delta(L) = y - a(L)), the regularisation term apart",
     "-1 x numerical + 1.5"),
    (4.0, None, "the data term scaled by 4, about 1 / g'(0) = 4 for the sigmoid: g'(z) left out of delta(l + 1)?",
     "4 x numerical + -2.25"),
    (4.5, None, "the data term scaled by 4.5, the regularisation term apart", "4.5 x numerical + -2.625"),
    (2.5, M, "the data term scaled by 2.5, the regularisation term apart", "2.5 x numerical + -1.125"),
    (2.0, M, "the data term scaled by 2, the regularisation term apart", "2 x numerical + -0.75"),
    (1.5, M, "the data term scaled by 1.5, the regularisation term apart", "1.5 x numerical + -0.375"),
])
def test_a_data_term_gone_wrong_beside_a_right_regularisation_term_shows_both_coefficients(r, m, cause, fit):
    # numerical = data + (lambda / m) Theta; analytical = r data + (lambda / m) Theta = r numerical + c Theta.
    data = N - 0.75 * W
    diagnosis = diagnose("Theta(2)", "weights", N, r * data + 0.75 * W, W, lam=LAM, m=m)
    assert str(diagnosis).startswith(f"Theta(2) weights: {cause} (analytical = {fit} x Theta on all 24 entries "
                                      "(residual ")
    residual, error = diagnosis.evidence.removesuffix(")").split("(residual ")[1].split(" of error ")
    assert float(residual) <= threshold("diagnosis_fit").rtol * float(error)


def test_a_ratio_within_a_millionth_of_a_large_m_is_named_as_1_over_m_missing():
    # With m = 5000 the numerical gradient's own error moves the ratio by thousandths: still m.
    ratio = 5000 * (1 + 2.0 ** -20)
    assert diagnose("Theta(1)", "weights", N, ratio * N, W, m=5000).cause == \
        "1/m missing: analytical = m x numerical with m = 5000"


def test_a_ratio_one_part_in_a_thousand_off_m_is_still_named_and_two_parts_are_not():
    assert diagnose("Theta(1)", "weights", N, 1001 * N, W, m=1000).cause == \
        "1/m missing: analytical = m x numerical with m = 1000"
    assert diagnose("Theta(1)", "weights", N, 1002 * N, W, m=1000).cause == \
        "scaled by a constant: analytical = 1002 x numerical"


def test_a_ratio_near_1_over_m_is_named_divided_by_m_twice_only_within_a_thousandth_of_it():
    assert diagnose("Theta(1)", "weights", N, N / 2, W, m=2).cause == \
        "divided by m twice: analytical = numerical / m with m = 2"
    # 0.5 + 2^-10 is 0.2 % off 1/m = 0.5: a constant, not 1/m.
    assert diagnose("Theta(1)", "weights", N, (0.5 + 2.0 ** -10) * N, W, m=2).cause == \
        "scaled by a constant: analytical = 0.5009765625 x numerical"


def test_a_regularisation_coefficient_is_named_for_lambda_one_and_never_for_lambda_zero():
    assert diagnose("Theta(1)", "weights", N, N + 0.75 * W, W, lam=1.0, m=M).cause == \
        "lambda/m written as lambda (lambda = 1, m = 4)"
    # lambda = 0: every named coefficient is 0, and a tiny error proportional to Theta is none of them.
    tiny = 2.0 ** -50
    assert diagnose("Theta(1)", "weights", 0 * N, tiny * W, W, lam=0.0, m=M).cause == \
        f"a regularisation term scaled wrongly: error = {tiny:.6g} x Theta"


def test_without_lambda_an_error_proportional_to_theta_is_named_without_a_bug_of_lambda():
    assert diagnose("Theta(1)", "weights", N, N + 0.75 * W, W, m=M).cause == \
        "a regularisation term scaled wrongly: error = 0.75 x Theta"
    assert diagnose("Theta(1)", "weights", N, N + 0.75 * W, W, lam=LAM).cause == \
        "a regularisation term scaled wrongly: error = 0.75 x Theta"


@pytest.mark.parametrize("c, lam, m, cause", [
    (0.75, LAM, M, "the bias column is regularised: error = (lambda / m) Theta[:, 0] with lambda = 3, m = 4"),
    (0.375, LAM, M, "the bias column is regularised (error proportional to Theta[:, 0])"),
    (0.75, LAM, None, "the bias column is regularised (error proportional to Theta[:, 0])"),
    (0.75, None, M, "the bias column is regularised (error proportional to Theta[:, 0])"),
])
def test_a_regularised_bias_column_names_lambda_over_m_only_when_the_coefficient_is_lambda_over_m(c, lam, m, cause):
    N1, W1 = N[:, :1], W[:, :1]
    diagnosis = diagnose("Theta(2)", "bias column", N1, N1 + c * W1, W1, lam=lam, m=m, bias_column=True)
    assert diagnosis.cause == cause
    error = np.linalg.norm(c * W1)
    assert diagnosis.evidence == f"error = {c:g} x Theta on all 4 entries (residual 0 of error {error:.2g})"


def test_a_regularisation_bug_over_a_whole_theta_leaves_its_bias_column_out_of_the_fit():
    # The bug regularises the weights only; fitted against all of Theta, column 0 included, it would not fit.
    E = 0.75 * W
    E[:, 0] = 0.0
    with_bias = diagnose("Theta(2)", "all entries", N, N + E, W, lam=LAM, m=M, bias_column=True)
    assert with_bias.cause == "regularisation added twice (lambda = 3, m = 4)"
    assert with_bias.evidence == "error = 0.75 x Theta on all 24 entries (residual 0 of error 2.1)"
    assert not diagnose("Theta(2)", "all entries", N, N + E, W, lam=LAM, m=M).cause.startswith("regularisation")


def test_a_pattern_is_named_when_it_explains_the_errors_up_to_the_entries_tolerance():
    # The sign flipped, with a slip of 1/64 in one entry: a pattern within the entries' noise 1/32, none without.
    A = -N
    A[0, 1] += 1 / 64
    flipped = diagnose("Theta(1)", "weights", N, A, W, noise=1 / 32)
    assert str(flipped) == ("Theta(1) weights: the sign is flipped (analytical = -numerical) (|analytical + "
                            "numerical| <= 0.016 on 24 entries)")
    assert diagnose("Theta(1)", "weights", N, A, W, noise=np.full(N.shape, 1 / 32)).cause == flipped.cause
    assert diagnose("Theta(1)", "weights", N, A, W).cause != flipped.cause


def test_errors_below_the_entries_tolerance_are_no_transposition():
    assert diagnose("Theta(1)", "weights", S, S.T, W[:, :4], noise=4.0).cause != \
        "the block is transposed: analytical = numerical^T"


def test_a_region_of_some_columns_is_diagnosed_on_those_columns_and_names_the_block_s_columns():
    # The weights region (columns 1..5) of a Theta whose bias column is right: one entry wrong in column 4.
    A = planted(lambda A: A.__setitem__((2, 4), A[2, 4] + 0.5))
    diagnosis = diagnose("Theta(1)", "weights", N, A, W, columns=[1, 2, 3, 4, 5], bias_column=True)
    assert str(diagnosis) == ("Theta(1) weights: one entry is wrong: row 2, column 4 (100 % of the error's square "
                              "norm there, error 0.5)")
    column = planted(lambda A: A.__setitem__((slice(None), 4), A[:, 4] + np.array([1, -2, 3, 1]) / 8))
    assert diagnose("Theta(1)", "weights", N, column, W, columns=[1, 2, 3, 4, 5]).cause == \
        "the error is confined to column 4: one unit's outgoing weights"


def test_a_transposed_region_is_found_within_its_columns_with_the_tolerance_of_those_columns():
    # Columns 1..4 of a 4 x 5 block transposed, column 0 right: the whole block is no transposition.
    N5 = np.hstack([N[:, :1], S])
    A5 = np.hstack([N[:, :1], S.T])
    noise = np.zeros(N5.shape)
    diagnosis = diagnose("Theta(1)", "weights", N5, A5, W[:, :5], columns=[1, 2, 3, 4], noise=noise)
    assert str(diagnosis) == ("Theta(1) weights: the block is transposed: analytical = numerical^T "
                              "(|analytical - numerical^T| <= 0, error 3.8)")


def test_errors_without_a_pattern_report_the_range_of_the_ratios_and_the_largest_error():
    A = N * np.array([1, 1.5, 0.5, 2, 1, 1.25]) + np.outer([0, 0, 1, 0], [0, 0, 1, 0, 0, 0]) / 8
    assert str(diagnose("Theta(1)", "weights", N, A, W)) == (
        "Theta(1) weights: errors spread over the block without a simple pattern (typical of a wrong delta(l + 1): "
        "a missing or misplaced g'(z), a wrong row of delta dropped) (ratio analytical / numerical from 0.5 to 2; "
        "largest error 0.875 on 24 entries)")


def test_errors_against_an_all_zero_numerical_block_have_no_ratio_to_report():
    A = np.outer([1, 2, 1, 3], [1, 1, 2, 1, 3, 1]) / 8 + np.eye(4, 6) / 8
    assert diagnose("Theta(1)", "weights", 0 * N, A, W).evidence == "-; largest error 1.12 on 24 entries"


def test_a_single_column_block_names_no_column_and_a_single_row_block_no_row():
    # A 4 x 1 block with two wrong entries is confined to its one column, which is no finding: the cause
    # falls through to the spread of the errors; likewise a 1 x 6 block and its one row.
    A = N[:, :1] + np.array([[1], [0], [3], [0]]) / 8
    assert not diagnose("b", "all entries", N[:, :1], A, np.zeros((4, 1))).cause.startswith("the error is confined")
    A = N[:1] + np.array([[1, 0, 3, 0, 0, 0]]) / 8
    assert not diagnose("b", "all entries", N[:1], A, np.zeros((1, 6))).cause.startswith("the error is confined")


def test_a_block_of_small_gradients_is_diagnosed_like_a_large_one():
    small = N / 64  # sum of squares below 1
    assert diagnose("Theta(1)", "weights", small, 2.5 * small, W).cause == \
        "scaled by a constant: analytical = 2.5 x numerical"


def test_a_float32_numerical_block_is_diagnosed_in_float64():
    N32 = (N * np.float32(0.1)).astype(np.float32)  # not multiples of 1/8: float32 sums would round
    A = 2.5 * N32.astype(np.float64)
    assert diagnose("Theta(1)", "weights", N32, A, W).evidence.startswith(
        "ratio analytical / numerical = 2.5, the same on all 24 entries")


@pytest.mark.parametrize("shape", [(2, 2), (2, 3), (3, 2)])
def test_the_smallest_transposed_or_reordered_blocks_are_named(shape):
    B = np.arange(1, 1 + shape[0] * shape[1]).reshape(shape) / 8
    if shape[0] == shape[1]:
        assert diagnose("Theta(1)", "weights", B, B.T, W[:2, :2]).cause == \
            "the block is transposed: analytical = numerical^T"
    else:
        reordered = B.ravel(order="C").reshape(shape, order="F")
        assert diagnose("Theta(1)", "weights", B, reordered, W[:shape[0], :shape[1]]).cause == \
            "unrolled row-major (order='C') but reshaped column-major (order='F')"


def test_a_block_with_one_entry_or_one_column_whose_error_barely_exceeds_its_tolerance_is_no_reordering():
    # The error 0.5 against a tolerance 0.4998: any pattern "explains" it to within the tolerance; a
    # one-entry or one-column block can be neither transposed nor reordered, so the ratio is named.
    one = diagnose("Theta(2)", "bias column", [[1.0]], [[1.5]], [[0.25]], noise=0.4998)
    assert one.cause == "scaled by a constant: analytical = 1.5 x numerical"
    column = diagnose("Theta(2)", "bias column", [[1.0], [2.0]], [[1.5], [2.0]], [[0.25], [0.125]], noise=0.4998)
    assert column.cause == "scaled by a constant: analytical = 1.1 x numerical"


def test_reorderings_and_exchanges_are_named_when_exact_to_the_entries_tolerance():
    noise = np.full(N.shape, 2.0 ** -10)
    assert diagnose("Theta(1)", "weights", S, S.T, W[:, :4], noise=noise[:, :4]).cause == \
        "the block is transposed: analytical = numerical^T"
    assert diagnose("Theta(1)", "weights", N, N.ravel(order="C").reshape(N.shape, order="F"), W, noise=noise).cause == \
        "unrolled row-major (order='C') but reshaped column-major (order='F')"
    assert diagnose("Theta(1)", "weights", N, planted(swap), W, noise=noise).cause == \
        "two entries exchanged: row 1, column 2 and row 3, column 4"


def test_reorderings_and_exchanges_are_named_when_they_explain_the_error_to_a_thousandth_of_it():
    # A slip of 2^-10 ~ 1e-3 in one entry, against errors of norm 3.8 and 11: named.
    A = S.T.copy()
    A[0, 0] += 2.0 ** -10
    assert diagnose("Theta(1)", "weights", S, A, W[:, :4]).cause == "the block is transposed: analytical = numerical^T"
    N4 = 4 * N
    A = N4.copy()
    A[0, 0], A[1, 2] = N4[1, 2] + 2.0 ** -9, N4[0, 0]
    assert diagnose("Theta(1)", "weights", N4, A, W).cause == \
        "two entries exchanged: row 1, column 2 and row 0, column 0"


def test_two_exchanged_entries_of_a_three_entry_bias_column_are_named():
    N3 = np.array([[0.5], [-0.25], [0.125]])
    A3 = np.array([[-0.25], [0.5], [0.125]])
    assert diagnose("Theta(2)", "bias column", N3, A3, np.zeros((3, 1))).cause == \
        "two entries exchanged: row 0, column 0 and row 1, column 0"


def test_one_entry_carrying_almost_all_of_the_error_is_named_with_its_share():
    A = planted(one_entry)
    A[0, 0] += 2.0 ** -7  # a slip carrying 0.02 % of the error's square norm
    assert diagnose("Theta(1)", "weights", N, A, W).evidence == \
        "99.98 % of the error's square norm there, error 0.5"


def test_a_row_or_a_column_carrying_almost_all_of_the_error_is_named_with_its_share_in_a_two_row_block():
    N2, W2 = N[:2], W[:2]
    A = N2.copy()
    A[1] += np.array([1, -2, 3, 1, 2, 1]) / 8
    A[0, 0] += 2.0 ** -6  # a slip outside the row, 0.08 % of the error's square norm
    assert str(diagnose("Theta(1)", "weights", N2, A, W2)) == (
        "Theta(1) weights: the error is confined to row 1: one unit's incoming weights (99.92 % of the error's "
        "square norm in row 1 of 2)")
    N2, W2 = N[:, :2], W[:, :2]
    A = N2.copy()
    A[:, 1] += np.array([1, -2, 3, 1]) / 8
    A[0, 0] += 2.0 ** -7  # a slip outside the column, 0.03 % of the error's square norm
    assert str(diagnose("Theta(1)", "weights", N2, A, W2)) == (
        "Theta(1) weights: the error is confined to column 1: one unit's outgoing weights (99.97 % of the error's "
        "square norm in column 1 of 2)")


def test_errors_that_cancel_to_a_thousandth_of_their_sizes_are_named_as_cancelling():
    A = N + CANCELLING
    A[0, 0] += 2.0 ** -9  # the sum of errors 0.002 against the sum of their sizes 5
    assert diagnose("Theta(1)", "weights", N, A, W).cause.startswith("errors that cancel")


def test_an_exchange_is_named_only_when_it_carries_the_whole_error():
    # Two entries exchanged (errors of 0.625) and a third entry off by 0.25: the exchange explains 93 % of
    # the error's square norm, not all of it, so it is not the diagnosis.
    A = planted(swap)
    A[0, 5] += 0.25
    assert diagnose("Theta(1)", "weights", N, A, W).cause.startswith(
        "errors spread over the block without a simple pattern")
