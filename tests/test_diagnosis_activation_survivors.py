"""Facts about the diagnosis and the activations that the mutation run found unasserted.

The diagnosis names a pattern when its residual is "at most" rtol of the error's norm (diagnosis_fit): the
boundaries are inclusive, and each is asserted on a block that lands exactly on it. Where the boundary is
a share of the error's square norm (a sum of rounded quotients, whose last bits depend on how the norm's
dot product is summed), the block is found by a short scan that computes the share as the docstring
defines it; the others are built from integers, so every sum is exact on every machine.
"""

import re

import numpy as np
import pytest

from manual_backprop import relu, relu_gradient, sigmoid_gradient, tanh_gradient
from manual_backprop.diagnosis import diagnose
from manual_backprop.thresholds import threshold
from reference import exact
from tests.helpers import assert_close

FIT = threshold("diagnosis_fit").rtol
RNG = np.random.default_rng(7)
N = RNG.integers(-8, 9, (4, 6)) / 8  # the numerical block of a Theta(l), as in test_diagnosis_text
W = RNG.integers(-8, 9, (4, 6)) / 8  # its weights


def share_of_square_norm(E):
    """Each entry's share of the error's square norm, E_ij^2 / ||E||^2, as the diagnosis defines it."""
    return E ** 2 / float(np.linalg.norm(E)) ** 2


def slips_near(x0, count=4000):
    """Floats around x0, one ulp apart, nearest first."""
    steps = np.arange(count)
    for k in np.ravel(np.column_stack([steps, -steps - 1])):
        yield x0 + int(k) * np.spacing(x0)


# --- activations ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("gradient, oracle, z", [
    (sigmoid_gradient, exact.sigmoid_gradient, [-700.0, -400.0, -30.0, -1.0]),
    (tanh_gradient, exact.tanh_gradient, [-350.0, -200.0, -15.0, -0.5]),
], ids=["sigmoid", "tanh"])
def test_a_complex_argument_far_left_gives_the_exact_derivative_and_no_overflow(gradient, oracle, z):
    # For Re z < 0 the derivative is written with exp(z), not exp(-z): at z = -400, exp(400)^2 overflows.
    z = np.array(z)
    assert_close(gradient(z + 0j).real, exact.to_float(oracle(z)), "exact_elementwise")


@pytest.mark.parametrize("function", [relu, relu_gradient])
def test_relu_and_its_gradient_refuse_complex_input_with_the_whole_reason(function):
    message = (f"{function.__name__} is not analytic and cannot take complex input (got dtype complex128); "
               "the complex-step check does not apply to ReLU networks")
    with pytest.raises(TypeError, match=f"^{re.escape(message)}$"):
        function(np.array([1 + 1e-20j]))


# --- diagnosis: the all-zero block and the ratio ---------------------------------------------------------


def test_an_analytical_block_is_called_all_zero_only_when_the_numerical_one_exceeds_its_tolerance():
    # Each entry's tolerance equals its numerical value: the numerical block is not above its noise, so
    # A = N / 2, within the fit of zero, is not "all zero"; the ratio is named.
    assert diagnose("Theta(1)", "weights", N, N / 2, W, noise=np.abs(N)).cause == \
        "scaled by a constant: analytical = 0.5 x numerical"


def test_numerical_values_whose_squares_underflow_are_never_called_scaled_by_zero():
    # N = A = 1.5e-162: N . N underflows to 0, so there is no ratio A / N to name; the diagnosis must not
    # claim analytical = 0 x numerical for a block equal to its numerical one.
    tiny = np.full((2, 2), 1.5e-162)
    for weights in (W[:2, :2], np.zeros((2, 2))):
        assert "analytical = 0 x numerical" not in diagnose("Theta(1)", "weights", tiny, tiny, weights).cause


def test_a_flipped_sign_is_named_when_its_residual_is_exactly_a_thousandth_of_the_error():
    # Errors 4800 and 6400: norm 8000, so the fit allows a residual of 8; one entry misses -N by exactly 8.
    N2 = np.array([[-2396.0, -3200.0], [0.0, 0.0]])
    A2 = np.array([[2396.0 + FIT * 8000.0, 3200.0], [0.0, 0.0]])
    assert str(diagnose("Theta(1)", "weights", N2, A2, np.zeros((2, 2)))) == (
        "Theta(1) weights: the sign is flipped (analytical = -numerical) (|analytical + numerical| <= 8 on 4 entries)")


# --- diagnosis: exchanges, one entry, one row, cancelling errors -----------------------------------------


def test_two_exchanged_entries_of_a_two_entry_block_are_no_exchange_but_errors_that_cancel():
    # In a two-entry block the two largest errors are the whole block: exchanging them is named only from
    # three entries up; the two errors sum to zero.
    assert str(diagnose("Theta(2)", "bias column", [[0.5], [-0.25]], [[-0.25], [0.5]], [[0.0], [0.0]])) == (
        "Theta(2) bias column: errors that cancel: they sum to zero over the region, which a single sum or one "
        "all-ones direction cannot see (sum of errors 0, sum of their sizes 1.5)")


def test_a_one_entry_block_names_no_entry():
    # A single wrong entry of a one-entry block locates nothing: the errors are reported as spread.
    assert str(diagnose("Theta(2)", "bias column", [[0.0]], [[0.5]], [[0.0]])) == (
        "Theta(2) bias column: errors spread over the block without a simple pattern (typical of a wrong "
        "delta(l + 1): a missing or misplaced g'(z), a wrong row of delta dropped) (-; largest error 0.5 on 1 entries)")


def test_an_exchange_carrying_exactly_all_but_a_thousandth_of_the_square_norm_is_named():
    # N[2, 2] = 0, so the third error is the slip itself; the exchanged pair is row 0, columns 0 and 1.
    N3 = N[2:]
    target = 1 - FIT
    for slip in slips_near(np.sqrt(2 * (N3[0, 0] - N3[0, 1]) ** 2 * (1 / target - 1))):
        A = N3.copy()
        A[0, 0], A[0, 1], A[0, 2] = N3[0, 1], N3[0, 0], slip
        share = np.sort(share_of_square_norm(A - N3), axis=None)[::-1]
        if share[:2].sum() == target:
            break
    else:
        pytest.fail("no slip puts the exchange's share exactly at 1 - diagnosis_fit")
    assert diagnose("Theta(1)", "weights", N3, A, W[2:]).cause == \
        "two entries exchanged: row 0, column 0 and row 0, column 1"


def test_an_exchange_whose_residual_is_exactly_a_thousandth_of_the_error_is_named():
    # A[2, 2] = N[0, 0] + s with N[0, 0] = 0, so the exchange misses by s exactly; s = FIT * ||A - N||.
    N3 = N[[2, 0, 1]]  # row 0 holds the zero of N
    A = N3.copy()
    A[0, 2], A[2, 2] = N3[2, 2], N3[0, 2]
    s = 0.0
    for _ in range(4):  # s = FIT * ||A - N|| with A[2, 2] = s: a contraction, by a factor of about FIT
        A[2, 2] = N3[0, 2] + s
        s = FIT * float(np.linalg.norm(A - N3))
    for slip in slips_near(s):
        A[2, 2] = N3[0, 2] + slip
        if slip == FIT * float(np.linalg.norm(A - N3)):
            break
    else:
        pytest.fail("no slip puts the exchange's residual exactly at diagnosis_fit of the error")
    assert diagnose("Theta(1)", "weights", N3, A, W[[2, 0, 1]]).cause == \
        "two entries exchanged: row 2, column 2 and row 0, column 2"


def test_a_row_carrying_exactly_all_but_a_thousandth_of_the_square_norm_is_named():
    # N[2, 2] = 0: a slip there is the error outside row 1 exactly; rows of errors are tried in turn.
    N2, W2 = N[2:], W[2:]
    target = 1 - FIT
    rows = np.random.default_rng(1).integers(1, 5, (200, 6)) * np.array([1, -1, 1, -1, 1, -1]) / 8
    for row in rows:
        A = N2.copy()
        A[1] += row
        found = False
        for slip in slips_near(np.sqrt((row ** 2).sum() * (1 / target - 1)), count=200):
            A[0, 2] = slip
            if share_of_square_norm(A - N2).sum(axis=1).max() == target:
                found = True
                break
        if found:
            break
    else:
        pytest.fail("no row and slip put the row's share exactly at 1 - diagnosis_fit")
    assert diagnose("Theta(1)", "weights", N2, A, W2).cause == \
        "the error is confined to row 1: one unit's incoming weights"


def test_errors_whose_sum_is_exactly_a_thousandth_of_their_sizes_are_named_as_cancelling():
    # Integer errors: sum 2, sum of sizes 2000; one more unit in an entry and they no longer cancel.
    E = np.array([[101, -95, 88, -82, 81, -77], [-84, 79, -86, 87, -78, 83],
                  [73, -89, 82, -80, 85, -76], [-85, 81, -84, 86, -83, 75]], dtype=float)
    assert diagnose("Theta(1)", "weights", N, N + E, W).cause.startswith("errors that cancel")
    E[0, 0] += 1
    assert diagnose("Theta(1)", "weights", N, N + E, W).cause.startswith("errors spread over the block")
