"""Unrolling: the weight matrices Theta(1), ..., Theta(L-1) as one vector, and back.

The course writes ``thetaVec = [Theta1(:); Theta2(:); ...]``: each matrix flattened in
Octave's column-major order, then stacked, and ``Theta1 = reshape(thetaVec(1:20), 5, 4)`` to
get it back. :func:`unroll` and :func:`reshape` are that pair, written as mirror images (both
column-major), so an optimiser can work on one flat vector while the network works on
matrices. DVec, the gradient, is unrolled the same way.

Shapes: Theta(l) is (s_{l+1}, s_l + 1), bias weights in column 0; theta_vec has
P = sum_l s_{l+1} (s_l + 1) entries.
"""

from __future__ import annotations

import numpy as np

from ._arguments import as_array, as_layer_sizes, as_ndarray

__all__ = ["unroll", "reshape", "layer_sizes_of", "n_params", "theta_shapes"]


def theta_shapes(layer_sizes):
    """The shapes of Theta(1), ..., Theta(L-1): (s_{l+1}, s_l + 1), for layer sizes (s_1, ..., s_L)."""
    layer_sizes = as_layer_sizes(layer_sizes)
    return [(s_next, s + 1) for s, s_next in zip(layer_sizes[:-1], layer_sizes[1:])]


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
    return sum(rows * cols for rows, cols in theta_shapes(layer_sizes))


def layer_sizes_of(thetas):
    """The layer sizes (s_1, ..., s_L) that the matrices Theta(1), ..., Theta(L-1) imply.

    s_1 = (columns of Theta(1)) - 1 and s_{l+1} = rows of Theta(l).

    Raises
    ------
    TypeError
        When ``thetas`` is not a sequence (a single array is refused).
    ValueError
        When it is empty, a Theta is ragged, a shape is not 2-D with s >= 1, or consecutive
        shapes do not chain: Theta(l+1) must have s_{l+1} + 1 columns when Theta(l) has s_{l+1} rows.
    """
    if isinstance(thetas, np.ndarray) or not hasattr(thetas, "__len__"):
        raise TypeError(f"thetas must be a sequence of 2-D arrays Theta(1), ..., Theta(L-1), got {type(thetas).__name__}")
    if len(thetas) == 0:
        raise ValueError("thetas must hold at least one matrix, got an empty sequence")
    shapes = [as_ndarray(f"Theta {l}", Theta).shape for l, Theta in enumerate(thetas, start=1)]
    for l, shape in enumerate(shapes, start=1):
        if len(shape) != 2 or shape[1] < 2 or shape[0] < 1:
            raise ValueError(f"Theta {l} must have shape (s_{l + 1}, s_{l} + 1) with s >= 1, got {shape}")
    for l in range(1, len(shapes)):
        if shapes[l][1] != shapes[l - 1][0] + 1:
            raise ValueError(
                f"Theta {l + 1} must have {shapes[l - 1][0] + 1} columns (s_{l + 1} + 1 with "
                f"s_{l + 1} = {shapes[l - 1][0]}, the rows of Theta {l}), got shape {shapes[l]}"
            )
    return (shapes[0][1] - 1, *(shape[0] for shape in shapes))


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
    thetas = [as_array(f"Theta {l}", Theta, ndim=2, allow_complex=True) for l, Theta in enumerate(thetas, start=1)]
    return np.concatenate([Theta.ravel(order="F") for Theta in thetas])


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
    shapes = theta_shapes(layer_sizes)
    theta_vec = as_array("theta_vec", theta_vec, ndim=1, allow_complex=True)
    sizes = [rows * cols for rows, cols in shapes]
    if theta_vec.shape[0] != sum(sizes):
        raise length_error(theta_vec.shape[0], layer_sizes)
    blocks = np.split(theta_vec, np.cumsum(sizes)[:-1])
    return [block.reshape(shape, order="F").copy() for block, shape in zip(blocks, shapes)]


def length_error(length, layer_sizes):
    """The ValueError for a theta_vec of ``length`` entries where ``layer_sizes`` needs
    P = sum_l s_{l+1} (s_l + 1): the expected length, its terms, and the length given."""
    shapes = theta_shapes(layer_sizes)
    terms = " + ".join(f"{rows}*{cols}" for rows, cols in shapes)
    return ValueError(f"theta_vec must have length {n_params(layer_sizes)} (= {terms} for layer sizes "
                      f"{as_layer_sizes(layer_sizes)}), got {length}")
