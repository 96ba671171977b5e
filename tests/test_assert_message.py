"""What assert_gradients_close's message shows when the check cannot decide: the undecided entries.

The case: J(theta) = 1000 + sum(sin(50 theta_k)) with its exact gradient 50 cos(50 theta_k), at eight
points. J''' = -125000 cos(50 theta_k) makes the central difference at eps = 1e-4 disagree by
truncation; shorter steps remove the truncation but, with |J| ~ 1000, their rounding rho / s
exceeds what they could confirm, so seven of the eight entries stay "unsettled" and the verdict is
"cannot tell", never "passed" or "failed".
"""

import numpy as np
import pytest

from manual_backprop.testing import assert_gradients_close

W, OFFSET = 50.0, 1000.0
THETA = np.linspace(0.1, 0.9, 8)


def steep_sine(theta):
    return float(OFFSET + np.sum(np.sin(W * theta))), W * np.cos(W * theta)


def message_of_undecided_check():
    with pytest.raises(AssertionError) as raised:
        assert_gradients_close(steep_sine, THETA)
    return str(raised.value)


def sections(message):
    return [section.splitlines() for section in message.split("\n\n")]


def test_a_check_that_cannot_decide_raises_with_the_verdict_and_the_first_undecided_entry():
    first = sections(message_of_undecided_check())[0]
    assert len(first) == 1 and first[0].startswith(
        "Gradients not close: cannot tell: 7 undecided, e.g. theta_vec[0]: the difference does not settle: ")


def test_the_message_lists_the_first_five_unsettled_entries_in_their_own_section():
    undecided = [s for s in sections(message_of_undecided_check()) if s[0] == "Undecided:"]
    assert len(undecided) == 1
    entries = undecided[0][1:]
    assert [line.split(":")[0] for line in entries] == [f"  theta_vec[{k}]" for k in range(5)]
    assert all(": the difference does not settle: error " in line for line in entries)


def test_the_message_has_its_sections_in_order_separated_by_blank_lines():
    headers = [s[0] for s in sections(message_of_undecided_check())]
    assert headers[1:] == ["Largest errors:", "Undecided:",
                           "(central, 91 cost evaluations; print the check's report for all rows)"]
