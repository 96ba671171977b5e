"""predict and forward propagation in float32: every array they return or keep is float32, and a
z too large for float32 raises an OverflowError that says which computation overflowed."""

import numpy as np
import pytest

import manual_backprop as mb
from manual_backprop.forward import forward_propagation

# 14 ReLU layers of weights 1e3: z grows by ~4e3 per layer and passes float32's 3.4e38.
HUGE = [np.full((4, 4), 1e3, np.float32)] + [np.full((4, 5), 1e3, np.float32)] * 12 + [np.full((2, 5), 1e3, np.float32)]
HUGE_X = np.full((1, 3), 1e3, np.float32)


def float32_network():
    rng = np.random.default_rng(0)
    thetas = [rng.uniform(-1, 1, (4, 4)).astype(np.float32), rng.uniform(-1, 1, (2, 5)).astype(np.float32)]
    return thetas, rng.uniform(-1, 1, (6, 3)).astype(np.float32)


@pytest.mark.parametrize("function", [mb.predict_proba, lambda thetas, X, **kw: forward_propagation(thetas, X, **kw).h])
@pytest.mark.parametrize("batch_size", [None, 4])
def test_the_probabilities_of_a_float32_network_are_float32(function, batch_size):
    thetas, X = float32_network()
    h = function(thetas, X, batch_size=batch_size)
    assert h.dtype == np.float32 and h.shape == (6, 2)


def test_every_z_and_a_of_a_float32_forward_pass_is_float32():
    thetas, X = float32_network()
    forward = forward_propagation(thetas, X)
    assert [a.dtype for a in forward.a] == [np.float32] * 3
    assert [z.dtype for z in forward.z[1:]] == [np.float32] * 2


@pytest.mark.parametrize("run", [
    lambda: mb.predict(HUGE, HUGE_X, activation="relu", output="softmax"),
    lambda: mb.predict_proba(HUGE, HUGE_X, activation="relu", output="softmax"),
    lambda: forward_propagation(HUGE, HUGE_X, activation="relu", output="softmax"),
])
def test_an_overflowing_forward_pass_says_it_was_the_forward_pass_and_what_to_do(run):
    with pytest.raises(OverflowError, match=r"^the forward pass \(some z or h\) does not fit in float32 \(.*\): "
                                            r"largest \|Theta\| = 1e\+03, largest \|X\| = 1e\+03; "
                                            r"compute in float64 or scale the inputs down$"):
        run()
