"""Unrolling: the weight matrices Theta(1), ..., Theta(L-1) as one vector, and back.

The course writes ``thetaVec = [Theta1(:); Theta2(:); ...]``: each matrix flattened in
Octave's column-major order, then stacked. :func:`unroll` does exactly that and
:func:`reshape` is its exact inverse, so an optimiser can work on one flat vector while the
network works on matrices. DVec, the gradient, is unrolled the same way.

Shapes: Theta(l) is (s_{l+1}, s_l + 1), bias weights in column 0; theta_vec has
sum_l s_{l+1} (s_l + 1) entries.
"""

from __future__ import annotations

import numpy as np

from . import _arguments
from ._arguments import as_array, as_layer_sizes, check_theta_vec, theta_shapes, theta_views  # noqa: F401

__all__ = ["unroll", "reshape", "layer_sizes_of", "n_params"]


def n_params(layer_sizes):
    """P, the length of theta_vec: P = sum_{l=1}^{L-1} s_{l+1} (s_l + 1).

    Parameters
    ----------
    layer_sizes : sequence of ints (s_1, ..., s_L), L >= 2, every s_l >= 1, bias units not counted

    Returns
    -------
    P : int, the number of weights, bias weights included (Theta(l) has s_{l+1} (s_l + 1)).

    Raises
    ------
    TypeError, ValueError
        When ``layer_sizes`` is not such a sequence (the message names the entry at fault).
    """
    return _arguments.n_params(as_layer_sizes(layer_sizes))


def layer_sizes_of(thetas):
    """The layer sizes (s_1, ..., s_L) that the matrices Theta(1), ..., Theta(L-1) imply.

    s_1 = (columns of Theta(1)) - 1 and s_{l+1} = rows of Theta(l).

    Parameters
    ----------
    thetas : sequence of arrays, Theta(l) of shape (s_{l+1}, s_l + 1)

    Returns
    -------
    layer_sizes : tuple of ints (s_1, ..., s_L)

    Raises
    ------
    TypeError
        When ``thetas`` is not a sequence (a single array is refused).
    ValueError
        When it is empty, or a shape is not 2-D with s >= 1, or consecutive shapes do not chain:
        Theta(l+1) must have s_{l+1} + 1 columns when Theta(l) has s_{l+1} rows.
    """
    return _arguments.layer_sizes_of(thetas)


def unroll(thetas):
    """theta_vec = [Theta1(:); Theta2(:); ...], each matrix in column-major order.

    Parameters
    ----------
    thetas : sequence of arrays, Theta(l) of shape (s_{l+1}, s_l + 1)

    Returns
    -------
    theta_vec : ndarray of shape (P,), P = sum_l s_{l+1} (s_l + 1); a new array.
    """
    layer_sizes_of(thetas)
    parts = [
        as_array(f"Theta {l}", Theta, ndim=2, allow_complex=True).ravel(order="F")
        for l, Theta in enumerate(thetas, start=1)
    ]
    return np.concatenate(parts)


def reshape(theta_vec, layer_sizes):
    """The inverse of :func:`unroll`: Theta(1), ..., Theta(L-1) from theta_vec.

    Parameters
    ----------
    theta_vec : array of shape (P,), P = sum_l s_{l+1} (s_l + 1)
    layer_sizes : sequence of ints (s_1, ..., s_L)

    Returns
    -------
    thetas : list of new arrays, Theta(l) of shape (s_{l+1}, s_l + 1), filled column by column.
    """
    return [Theta.copy() for Theta in theta_views(check_theta_vec(theta_vec, layer_sizes), layer_sizes)]
