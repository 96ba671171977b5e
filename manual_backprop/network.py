"""A small object-oriented layer over the functional API: a network that knows its shape.

:class:`Network` holds the layer sizes, the hidden activation and the output layer, so that
calls need only theta_vec and the data. Every method is one call of the functional API.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_layer_sizes, n_params
from .activations import get_activation
from .backprop import nn_cost, nn_cost_function
from .cost import get_output
from .forward import forward_propagation
from .initialization import random_theta_vec
from .predict import predict, predict_proba
from .unrolling import reshape

__all__ = ["Network"]


@dataclass(frozen=True)
class Network:
    """A fully connected network (s_1, ..., s_L) with one hidden activation and an output layer.

    >>> net = Network((3, 5, 3))
    >>> theta_vec = net.initialize(rng=np.random.default_rng(0))
    >>> theta_vec.shape
    (38,)
    """

    layer_sizes: tuple
    activation: str = "sigmoid"
    output: str = "sigmoid"

    def __post_init__(self):
        object.__setattr__(self, "layer_sizes", as_layer_sizes(self.layer_sizes))
        get_activation(self.activation)
        get_output(self.output)

    @property
    def n_params(self):
        """P = sum_l s_{l+1} (s_l + 1), the length of theta_vec."""
        return n_params(self.layer_sizes)

    def initialize(self, *, epsilon_init=None, rng=None):
        """A random theta_vec (P,) for this network: :func:`random_theta_vec`, every Theta(l) of
        shape (s_{l+1}, s_l + 1) uniform in [-epsilon_init, epsilon_init], by default
        epsilon_init = sqrt(6) / sqrt(s_l + s_{l+1}) per layer; ``rng`` a numpy.random.Generator."""
        return random_theta_vec(self.layer_sizes, epsilon_init=epsilon_init, rng=rng)

    def reshape(self, theta_vec):
        """Theta(1), ..., Theta(L-1) from theta_vec."""
        return reshape(theta_vec, self.layer_sizes)

    def cost_function(self, theta_vec, X, y, lam=0.0, *, method="vectorized"):
        """(J, grad_vec): :func:`nn_cost_function` for this network."""
        return nn_cost_function(theta_vec, self.layer_sizes, X, y, lam, activation=self.activation,
                                output=self.output, method=method)

    def cost(self, theta_vec, X, y, lam=0.0):
        """J alone: :func:`nn_cost` for this network."""
        return nn_cost(theta_vec, self.layer_sizes, X, y, lam, activation=self.activation, output=self.output)

    def forward(self, theta_vec, X):
        """Every z and a: :func:`forward_propagation` for this network."""
        return forward_propagation(self.reshape(theta_vec), X, activation=self.activation, output=self.output)

    def predict_proba(self, theta_vec, X):
        """h = a(L), (m, K)."""
        return predict_proba(self.reshape(theta_vec), X, activation=self.activation, output=self.output)

    def predict(self, theta_vec, X):
        """Labels 0..K-1, (m,)."""
        return predict(self.reshape(theta_vec), X, activation=self.activation, output=self.output)
