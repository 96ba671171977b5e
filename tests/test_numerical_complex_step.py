"""The complex step's refusals name what the cost did, and its real-difference confirmation runs
with the step the user chose, "auto" included (manual_backprop.numerical, the complex method)."""

import numpy as np
import pytest

from manual_backprop import numerical
from tests.test_gradient_check import check, debug_problem


def refuses_complex(theta):
    if np.iscomplexobj(theta):
        raise TypeError("no complex here")
    return float(np.sum(theta ** 2))


def test_a_cost_that_raises_on_complex_input_is_refused_naming_the_error_and_where():
    with pytest.raises(numerical.NotComplexSafeError,
                       match=r"^the cost refuses complex input \(TypeError at theta \+ i h e_0: no complex here\); "
                             r"use central differences$"):
        numerical.complex_step_gradient(refuses_complex, np.ones(3))


@pytest.mark.parametrize("eps", ["auto", 1e-5])
def test_the_complex_method_confirms_a_right_gradient_with_any_real_step(eps):
    report = check(debug_problem()[2], method="complex", eps=eps)
    assert report.passed and not report.notes


@pytest.mark.parametrize("eps", ["auto", 1e-4])
def test_the_directional_method_finds_the_wrong_entry_with_any_step(eps):
    from tests.test_gradient_check import one_entry_off

    report = check(lambda t: one_entry_off(t, factor=1.01), method="directional", eps=eps)
    assert report.verdict == "failed" and [(entry.index, entry.status) for entry in report.worst] == [(7, "wrong")]
