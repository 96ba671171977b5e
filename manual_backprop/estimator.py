"""The hand-written network as a scikit-learn classifier, for pipelines, grid searches and cross-validation.

:class:`BackpropClassifier` wraps :func:`manual_backprop.train.train_network`: ``fit`` draws the
initial weights, minimises J(theta_vec) and keeps the weights as ``Theta_`` (the course's matrices)
and ``theta_vec_``; ``predict`` is the course's argmax over the output units. Class labels may be any
sortable values; they are encoded as 0..K-1 in the order of ``classes_``.

Outputs: with the course's sigmoid output there is one unit per class (one-vs-all), except for two
classes, which share a single unit h (the probability of ``classes_[1]``). ``predict_proba``
normalises the K sigmoid outputs of a row to sum to 1 (their argmax, the prediction, is unchanged);
with ``output="softmax"`` the outputs already are probabilities.

This module imports scikit-learn; ``import manual_backprop`` does not import it.
Left out: ``partial_fit``, sample weights, multi-label targets.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._arguments import as_count
from .predict import predict, predict_proba
from .train import INITIALIZATIONS, OPTIMIZERS, initial_weights, train_network
from .unrolling import reshape

__all__ = ["BackpropClassifier"]


class BackpropClassifier(ClassifierMixin, BaseEstimator):
    """A fully connected network trained by hand-written backpropagation.

    Parameters
    ----------
    hidden_layer_sizes : tuple of ints, (s_2, ..., s_{L-1}); s_1 and s_L come from the data
    lam : float >= 0, the regularisation parameter lambda (scikit-learn's MLPClassifier calls it alpha
        and adds the same alpha / (2m) sum Theta^2)
    activation : "sigmoid", "tanh" or "relu", for the hidden layers
    output : "sigmoid" (the course's) or "softmax"
    optimizer : "lbfgs", "cg" or "gd"
    max_iter : int >= 1, iterations of the optimiser
    learning_rate : float > 0, alpha of gradient descent ("gd" only)
    init : "random" (the course's rule), "small", "large", "zeros" or "constant"
    random_state : None, int or numpy.random.Generator; seeds the initial weights

    Attributes
    ----------
    classes_ : array (K,), the class labels
    layer_sizes_ : tuple, (s_1, ..., s_L)
    Theta_ : list of arrays, Theta(l) of shape (s_{l+1}, s_l + 1)
    theta_vec_ : array (P,), the same weights unrolled
    cost_history_ : list of floats, J at each iteration
    n_iter_ : int, iterations taken
    n_features_in_ : int, s_1
    """

    def __init__(self, hidden_layer_sizes=(25,), lam=1.0, *, activation="sigmoid", output="sigmoid",
                 optimizer="lbfgs", max_iter=200, learning_rate=1.0, init="random", random_state=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.lam = lam
        self.activation = activation
        self.output = output
        self.optimizer = optimizer
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.init = init
        self.random_state = random_state

    def _check_params(self):
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}, got {self.optimizer!r}")
        if self.init not in INITIALIZATIONS:
            raise ValueError(f"init must be one of {sorted(INITIALIZATIONS)}, got {self.init!r}")
        hidden = self.hidden_layer_sizes
        if isinstance(hidden, numbers.Integral) and not isinstance(hidden, (bool, np.bool_)):
            hidden = (hidden,)
        if not isinstance(hidden, (tuple, list, np.ndarray)) or np.ndim(hidden) != 1:
            raise TypeError(f"hidden_layer_sizes must be a tuple of integers (s_2, ..., s_(L-1)), such as (25,), "
                            f"got {self.hidden_layer_sizes!r}")
        return tuple(as_count(f"hidden_layer_sizes[{i}]", s) for i, s in enumerate(hidden))

    def fit(self, X, y):
        """Train on X (m, n) and labels y (m,); returns self."""
        hidden = self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, y_index = np.unique(y, return_inverse=True)
        n_classes = self.classes_.size
        if n_classes < 2:
            raise ValueError(f"y must hold at least 2 classes to train a classifier, got 1 class: {self.classes_[0]!r}")
        K = 1 if n_classes == 2 and self.output == "sigmoid" else n_classes
        self.layer_sizes_ = (X.shape[1], *hidden, K)
        rng = self.random_state
        if not isinstance(rng, np.random.Generator):
            rng = np.random.default_rng(rng)
        result = train_network(
            self.layer_sizes_, X, y_index, self.lam,
            theta_vec=initial_weights(self.layer_sizes_, self.init, rng=rng),
            activation=self.activation, output=self.output, optimizer=self.optimizer,
            max_iter=self.max_iter, learning_rate=self.learning_rate,
        )
        self.theta_vec_ = result.theta_vec
        self.Theta_ = reshape(result.theta_vec, self.layer_sizes_)
        self.cost_history_ = result.cost_history
        self.n_iter_ = result.n_iterations
        return self

    def predict_proba(self, X):
        """Class probabilities (m, K) in the order of ``classes_``; each row sums to 1."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        h = predict_proba(self.Theta_, X, activation=self.activation, output=self.output)
        if h.shape[1] == 1:
            return np.hstack([1.0 - h, h])
        total = h.sum(axis=1, keepdims=True)
        # Every sigmoid output underflowed to 0 (z < -745 for all K units): no class is preferred.
        return np.divide(h, total, out=np.full_like(h, 1.0 / h.shape[1]), where=total > 0)

    def predict(self, X):
        """The course's predict: the class whose output unit is most active (h >= 0.5 for one unit), (m,)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self.classes_[predict(self.Theta_, X, activation=self.activation, output=self.output)]
