"""Integer-count arguments (layer widths, iterations, directions) checked in one place (private module).

Left out: the other argument checks, which live in :mod:`manual_backprop._validation`.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_count(name, value, minimum=1, note=""):
    """``value`` as a Python int >= ``minimum``; TypeError for a non-integer (bool included),
    ValueError naming ``name``, the minimum and the value otherwise (``note`` explains the minimum)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}{note}, got {value}")
    return int(value)
