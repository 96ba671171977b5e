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

from ._validation import as_array, check_theta_vec, layer_sizes_of, n_params, theta_shapes, theta_views

__all__ = ["unroll", "reshape", "layer_sizes_of", "n_params", "theta_shapes"]


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
