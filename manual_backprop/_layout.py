"""How the checker names parameters (private): theta_vec with layer sizes, or a list or dict of arrays.

A layout turns the parameters into one float64 vector and back, names each entry ("Theta(1)[2, 1]
(weight)", "W1[2, 3]", "params[0][1]", "theta_vec[7]"), and splits the vector into blocks (one
weight matrix or array each) and parts (a Theta(l)'s bias column and its weights; a whole array).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._arguments import as_layer_sizes
from .numerical import as_theta
from .unrolling import n_params, theta_shapes

__all__ = ["Block", "Part", "Layout", "layout_of"]


@dataclass(frozen=True)
class Block:
    """One matrix or array of parameters: its name, its indices in the vector (in the block's shape)."""

    name: str
    indices: np.ndarray  # of the block's shape
    layer: int | None = None  # Theta(layer), 1-based, for theta_vec with layer sizes

    @property
    def bias_column(self):
        return self.layer is not None


@dataclass(frozen=True)
class Part:
    """What the report judges separately: a Theta(l)'s bias column or weights, or a whole array."""

    block: Block
    part: str  # "bias", "weights" or "all"
    indices: np.ndarray  # flat
    columns: object = None  # the block's columns it covers (None: all)

    @property
    def layer(self):
        return self.block.layer

    @property
    def region(self):
        return {"bias": "bias column", "weights": "weights", "all": "all entries"}[self.part]


class Layout:
    """Parameters as a vector, with names. Build one with :func:`layout_of`."""

    def __init__(self, kind, theta, blocks, parts, layer_sizes=None, keys=None, shapes=None, upcast_from=None):
        self.kind, self.theta, self.blocks, self.parts = kind, theta, blocks, parts
        self.layer_sizes, self.keys, self.shapes, self.upcast_from = layer_sizes, keys, shapes, upcast_from
        self._where = {}
        for block in blocks:
            for position in np.ndindex(block.indices.shape):
                self._where[int(block.indices[position])] = (block, position)

    def structure(self, vector):
        """The vector in the caller's form: theta_vec itself, a list or a dict of arrays."""
        if self.kind in ("vector", "network"):
            return vector
        arrays, start = [], 0
        for shape in self.shapes:
            size = int(np.prod(shape, dtype=int))
            arrays.append(vector[start:start + size].reshape(shape))
            start += size
        return arrays if self.kind == "list" else dict(zip(self.keys, arrays))

    def vector(self, structure, what="the gradient"):
        """A gradient in the caller's form, as one vector (dtype kept)."""
        if self.kind in ("vector", "network"):
            return np.asarray(structure)
        items = structure if self.kind == "list" else [structure[key] if key in structure else None
                                                        for key in self.keys]
        extra = [key for key in structure if key not in self.keys] if self.kind == "dict" else []
        if extra:
            raise ValueError(f"{what} has entries the parameters lack: {', '.join(map(repr, extra))}")
        if len(items) != len(self.shapes):
            raise ValueError(f"{what} must have {len(self.shapes)} arrays like the parameters, got {len(items)}")
        arrays = []
        for name, item, shape in zip(self.names, items, self.shapes):
            if item is None:
                raise ValueError(f"{what} has no entry {name!r}")
            array = np.asarray(item)
            if array.shape != shape:
                raise ValueError(f"{what} {name} must have shape {shape} like the parameter, got {array.shape}")
            arrays.append(array.ravel())
        return np.concatenate(arrays) if arrays else np.zeros(0)

    @property
    def names(self):
        return [block.name for block in self.blocks]

    def locate(self, index):
        """(block, position) of entry ``index``; block None for a bare theta_vec."""
        return self._where.get(int(index), (None, (int(index),)))

    def name(self, index):
        block, position = self.locate(index)
        if self.kind == "network":
            row, column = position
            return f"{block.name}[{row}, {column}] ({'bias' if column == 0 else 'weight'}), theta_vec[{index}]"
        if block is None:
            return f"theta_vec[{index}]"
        return f"{block.name}[{', '.join(map(str, position))}]"


def layout_of(params, layer_sizes=None):
    """The :class:`Layout` of theta_vec (with optional layer sizes) or of a list or dict of arrays."""
    if isinstance(params, dict):
        return _arrays_layout("dict", list(params.values()), [str(key) for key in params], list(params))
    if isinstance(params, (list, tuple)) and params and all(np.ndim(p) >= 1 for p in params):
        if layer_sizes is not None:
            raise ValueError("layer_sizes goes with theta_vec; a list of arrays names itself")
        return _arrays_layout("list", list(params), [f"params[{i}]" for i in range(len(params))], None)
    raw = np.asarray(params)
    upcast = str(raw.dtype) if raw.dtype.kind == "f" and raw.dtype != np.float64 else None
    theta = as_theta(raw, "theta_vec")
    if layer_sizes is None:
        return Layout("vector", theta, [], [], upcast_from=upcast)
    layer_sizes = as_layer_sizes(layer_sizes)
    if n_params(layer_sizes) != theta.size:
        raise ValueError(f"theta_vec has {theta.size} entries but layer sizes {layer_sizes} "
                         f"need {n_params(layer_sizes)}")
    blocks, parts, start = [], [], 0
    for layer, (rows, cols) in enumerate(theta_shapes(layer_sizes), start=1):
        indices = np.arange(start, start + rows * cols).reshape((rows, cols), order="F")
        block = Block(f"Theta({layer})", indices, layer)
        blocks.append(block)
        parts.append(Part(block, "bias", indices[:, 0].copy(), [0]))
        if cols > 1:
            parts.append(Part(block, "weights", indices[:, 1:].ravel(order="F"), list(range(1, cols))))
        start += rows * cols
    return Layout("network", theta, blocks, parts, layer_sizes=layer_sizes, upcast_from=upcast)


def _arrays_layout(kind, arrays, names, keys):
    if not arrays:
        raise ValueError("the parameters must hold at least one array, got none")
    converted, upcast = [], None
    for name, array in zip(names, arrays):
        raw = np.asarray(array)
        if raw.dtype.kind not in "biuf":
            raise TypeError(f"parameter {name} must be an array of real numbers, got dtype {raw.dtype}")
        if raw.dtype.kind == "f" and raw.dtype != np.float64:
            upcast = str(raw.dtype)
        array = raw.astype(np.float64)
        if not np.isfinite(array).all():
            position = np.unravel_index(int(np.argmax(~np.isfinite(array))), array.shape)
            where = f"[{', '.join(map(str, position))}]" if position else ""
            raise ValueError(f"parameter {name}{where} must be finite, got {array[position]}")
        converted.append(array)
    theta = as_theta(np.concatenate([a.ravel() for a in converted]), "the parameters")
    blocks, parts, start = [], [], 0
    for name, array in zip(names, converted):
        indices = np.arange(start, start + array.size).reshape(array.shape)
        block = Block(name, indices)
        blocks.append(block)
        if array.size:  # an empty array has a name but no entries: no part to judge, no direction to draw
            parts.append(Part(block, "all", indices.ravel()))
        start += array.size
    return Layout(kind, theta, blocks, parts, keys=keys, shapes=[a.shape for a in converted], upcast_from=upcast)
