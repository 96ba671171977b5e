"""A small object-oriented layer over the functional API: a network that knows its shape.

:class:`Network` holds the layer sizes, the hidden activation and the output layer, so that
calls need only theta_vec and the data. Every method is one call of the functional API.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._arguments import as_layer_sizes
from .activations import get_activation
from .backprop import nn_cost, nn_cost_function
from .bound import BoundCost
from .cost import get_output
from .forward import forward_propagation
from .initialization import random_theta_vec
from .predict import predict, predict_proba
from .unrolling import n_params, reshape

__all__ = ["Network"]


@dataclass(frozen=True)
class Network:
    """A fully connected network (s_1, ..., s_L) with one hidden activation and an output layer.

    >>> import numpy as np
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
        """P = sum_{l=1}^{L-1} s_{l+1} (s_l + 1), the length of theta_vec (an int)."""
        return n_params(self.layer_sizes)

    def initialize(self, *, epsilon_init=None, rng=None):
        """A random theta_vec (P,) for this network: :func:`random_theta_vec`, every Theta(l) of
        shape (s_{l+1}, s_l + 1) uniform in [-epsilon_init, epsilon_init], by default
        epsilon_init = sqrt(6) / sqrt(s_l + s_{l+1}) per layer; ``rng`` a numpy.random.Generator."""
        return random_theta_vec(self.layer_sizes, epsilon_init=epsilon_init, rng=rng)

    def reshape(self, theta_vec):
        """Theta(1), ..., Theta(L-1) from theta_vec (P,): new arrays of shape (s_{l+1}, s_l + 1),
        filled column by column (:func:`manual_backprop.reshape`)."""
        return reshape(theta_vec, self.layer_sizes)

    def cost_function(self, theta_vec, X, y, lam=0.0, *, method="vectorized"):
        """(J, grad_vec): :func:`nn_cost_function` for this network.

        J = -(1/m) sum_i sum_k [y_ik log h_ik + (1 - y_ik) log(1 - h_ik)] + lambda/(2m) sum_l
        sum_{j>=1} Theta(l)_ij^2 (softmax: -(1/m) sum y_ik log h_ik plus the same penalty).

        Parameters
        ----------
        theta_vec : array (P,); X : array (m, s_1); y : labels 0..K-1 (m,) or an (m, K) 0-1 matrix
        lam : float >= 0, lambda; method : "vectorized" (default) or "loop" (one example at a time)

        Returns
        -------
        J : float; grad_vec : ndarray (P,), DVec unrolled like theta_vec.
        """
        return nn_cost_function(theta_vec, self.layer_sizes, X, y, lam, activation=self.activation,
                                output=self.output, method=method)

    def bind(self, X, y, lam=0.0):
        """The cost function of a training run: :class:`BoundCost` for this network, X (m, s_1), y
        (labels 0..K-1 (m,) or an (m, K) 0-1 matrix) and lambda, checked once; calling it with
        theta_vec (P,) returns (J, grad_vec) as :meth:`cost_function` does, float64, keeping its
        arrays between calls."""
        return BoundCost(self.layer_sizes, X, y, lam, activation=self.activation, output=self.output)

    def cost(self, theta_vec, X, y, lam=0.0):
        """J alone (forward propagation only): :func:`nn_cost` for this network; arguments as for
        :meth:`cost_function`, a float returned."""
        return nn_cost(theta_vec, self.layer_sizes, X, y, lam, activation=self.activation, output=self.output)

    def forward(self, theta_vec, X, *, batch_size=None):
        """Every z and a: :func:`forward_propagation` for this network.

        theta_vec (P,) and X (m, s_1) give a :class:`ForwardPass`: a(l) of shape (m, s_l + 1) with
        the bias column for the hidden layers, z(l+1) = a(l) Theta(l)^T of shape (m, s_{l+1}),
        and h = a(L) of shape (m, K).
        """
        return forward_propagation(self.reshape(theta_vec), X, activation=self.activation, output=self.output,
                                   batch_size=batch_size)

    def predict_proba(self, theta_vec, X, *, batch_size=None):
        """h = a(L) of shape (m, K) for X (m, s_1) at theta_vec (P,): :func:`predict_proba` with this
        network's activation and output."""
        return predict_proba(self.reshape(theta_vec), X, activation=self.activation, output=self.output,
                             batch_size=batch_size)

    def predict(self, theta_vec, X, *, batch_size=None):
        """Labels p_i = argmax_k h_ik (0..K-1; for K = 1, h_i >= 0.5), an int array (m,), for X (m, s_1)
        at theta_vec (P,): :func:`predict` with this network's activation and output."""
        return predict(self.reshape(theta_vec), X, activation=self.activation, output=self.output,
                       batch_size=batch_size)
