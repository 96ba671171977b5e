"""Training: minimise the unrolled cost J(theta_vec) with gradient descent or SciPy's optimisers.

The course's workflow ends here: pick initial weights that break symmetry, check the gradient once on
a small network (:mod:`manual_backprop.gradient_check`, never inside the loop below), then hand
``costFunction(theta_vec) -> (J, grad_vec)`` to an optimiser:

* :func:`gradient_descent`: theta_vec := theta_vec - alpha grad_vec, a fixed number of times;
* :func:`minimize_cost`: ``scipy.optimize.minimize`` with ``jac=True``; L-BFGS-B by default, CG as
  the course's fmincg (Polack-Ribiere conjugate gradients with a line search).

Every optimiser records J after each iteration in ``cost_history`` (the learning curve), starting
with J at the initial weights. :func:`train_network` puts the pieces together for a network and a
data set; :func:`initial_weights` makes the starting weights, including the all-equal ones that show
the symmetry problem, and :func:`hidden_unit_spread` measures whether hidden units stayed identical.

SciPy is imported only when :func:`minimize_cost` runs, so this module needs only NumPy to import.
Left out: stochastic and mini-batch methods, momentum, early stopping on a validation set.
"""

from __future__ import annotations

import numbers
from typing import Callable, NamedTuple

import numpy as np

from ._arguments import as_array, as_layer_sizes, n_params
from .backprop import nn_cost_function
from ._arguments import as_count
from .initialization import random_theta_vec
from .unrolling import reshape

__all__ = [
    "TrainingResult",
    "OPTIMIZERS",
    "INITIALIZATIONS",
    "gradient_descent",
    "minimize_cost",
    "train_network",
    "initial_weights",
    "hidden_unit_spread",
]

# Command-line names of the optimisers: "gd" is gradient_descent, the others a SciPy method.
OPTIMIZERS = {"lbfgs": "L-BFGS-B", "cg": "CG", "gd": "gradient descent"}

# The starting weights: "random" is the course's uniform [-eps, eps] with eps = sqrt(6)/sqrt(s_l + s_{l+1});
# "small" and "large" use a fixed eps; "zeros" and "constant" set every weight equal, which never breaks symmetry.
INITIALIZATIONS = {
    "random": "uniform in [-eps, eps], eps = sqrt(6) / sqrt(s_l + s_{l+1})",
    "small": "uniform in [-0.001, 0.001]",
    "large": "uniform in [-4, 4]",
    "zeros": "every weight 0",
    "constant": "every weight 0.1",
}
_EPSILON_INIT = {"small": 1e-3, "large": 4.0}
_CONSTANT = {"zeros": 0.0, "constant": 0.1}


class TrainingResult(NamedTuple):
    """What an optimiser returns.

    theta_vec : array (P,), the final weights
    cost_history : list of n_iterations + 1 floats, J at the initial weights and after each iteration
    n_iterations : int, iterations taken
    converged : bool, whether the optimiser stopped on its own test rather than on the iteration limit
    message : str, why it stopped
    """

    theta_vec: np.ndarray
    cost_history: list
    n_iterations: int
    converged: bool
    message: str


def _check_finite_cost(J, where):
    if not np.isfinite(J):
        raise FloatingPointError(f"the cost J became {J} {where}")
    return float(J)


def gradient_descent(cost_function: Callable, theta_vec, *, learning_rate=1.0, iterations=100, callback=None):
    """Batch gradient descent: theta_vec := theta_vec - alpha grad_vec, ``iterations`` times.

    Parameters
    ----------
    cost_function : callable, theta_vec (P,) -> (J, grad_vec (P,))
    theta_vec : array (P,), the initial weights (not modified)
    learning_rate : float > 0, alpha
    iterations : int >= 0
    callback : callable (iteration, J) -> None, optional; called with iteration 0 and J at the initial
        weights, then after each step

    Returns
    -------
    TrainingResult; ``converged`` is False: gradient descent has no stopping test of its own.
    """
    theta_vec = np.array(as_array("theta_vec", theta_vec, ndim=1), dtype=np.float64)
    if isinstance(learning_rate, (bool, np.bool_)) or not isinstance(learning_rate, numbers.Real):
        raise TypeError(f"learning_rate must be a real number, got {learning_rate!r}")
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a finite number > 0, got {learning_rate}")
    iterations = as_count("iterations", iterations, minimum=0)

    J, grad_vec = cost_function(theta_vec)
    cost_history = [_check_finite_cost(J, "at the initial weights")]
    if callback is not None:
        callback(0, cost_history[0])
    for iteration in range(1, iterations + 1):
        theta_vec = theta_vec - learning_rate * grad_vec
        J, grad_vec = cost_function(theta_vec)
        cost_history.append(_check_finite_cost(J, f"at iteration {iteration} (learning_rate {learning_rate} too large?)"))
        if callback is not None:
            callback(iteration, cost_history[-1])
    return TrainingResult(theta_vec, cost_history, iterations, False, f"reached {iterations} iterations")


def minimize_cost(cost_function: Callable, theta_vec, *, method="L-BFGS-B", max_iter=100, callback=None):
    """``scipy.optimize.minimize(cost_function, theta_vec, jac=True, method=method)``, recording J.

    Parameters
    ----------
    cost_function : callable, theta_vec (P,) -> (J, grad_vec (P,)), the unrolled cost and DVec
    theta_vec : array (P,), the initial weights (not modified)
    method : "L-BFGS-B" (default) or "CG" (the course's fmincg analogue)
    max_iter : int >= 1, the most iterations
    callback : callable (iteration, J) -> None, optional; as for :func:`gradient_descent`

    Returns
    -------
    TrainingResult; ``converged`` is SciPy's ``success``.
    """
    from scipy.optimize import minimize

    if method not in ("L-BFGS-B", "CG"):
        raise ValueError(f"method must be 'L-BFGS-B' or 'CG', got {method!r}")
    theta_vec = np.array(as_array("theta_vec", theta_vec, ndim=1), dtype=np.float64)
    max_iter = as_count("max_iter", max_iter)

    cost_history = [_check_finite_cost(cost_function(theta_vec)[0], "at the initial weights")]
    if callback is not None:
        callback(0, cost_history[0])

    def record(intermediate_result):  # SciPy passes an OptimizeResult when the parameter has this name
        cost_history.append(_check_finite_cost(intermediate_result.fun, f"at iteration {len(cost_history)}"))
        if callback is not None:
            callback(len(cost_history) - 1, cost_history[-1])

    result = minimize(cost_function, theta_vec, jac=True, method=method, callback=record, options={"maxiter": max_iter})
    return TrainingResult(result.x, cost_history, int(result.nit), bool(result.success), str(result.message))


def initial_weights(layer_sizes, init="random", *, rng=None):
    """theta_vec to start training from, by one of the :data:`INITIALIZATIONS`.

    Parameters
    ----------
    layer_sizes : sequence of ints (s_1, ..., s_L)
    init : "random" (the course's rule), "small", "large", "zeros" or "constant"
    rng : numpy.random.Generator, for the random schemes; a fresh unseeded one when omitted

    Returns
    -------
    theta_vec : array (P,), float64
    """
    layer_sizes = as_layer_sizes(layer_sizes)
    if init not in INITIALIZATIONS:
        raise ValueError(f"init must be one of {sorted(INITIALIZATIONS)}, got {init!r}")
    if init in _CONSTANT:
        return np.full(n_params(layer_sizes), _CONSTANT[init])
    return random_theta_vec(layer_sizes, epsilon_init=_EPSILON_INIT.get(init), rng=rng)


def train_network(layer_sizes, X, y, lam=0.0, *, theta_vec, activation="sigmoid", output="sigmoid",
                  optimizer="lbfgs", max_iter=100, learning_rate=1.0, callback=None):
    """Minimise :func:`nn_cost_function` over theta_vec for the data (X, y).

    Parameters
    ----------
    layer_sizes, X, y, lam, activation, output : as for :func:`nn_cost_function`
    theta_vec : array (P,), the initial weights (see :func:`initial_weights`)
    optimizer : "lbfgs" (default), "cg" or "gd" (see :data:`OPTIMIZERS`)
    max_iter : int, iterations (for "gd", exactly this many steps)
    learning_rate : float > 0, alpha for "gd" (ignored by the others)
    callback : callable (iteration, J) -> None, optional, e.g. a progress bar

    Returns
    -------
    TrainingResult
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}, got {optimizer!r}")

    def cost_function(theta):
        return nn_cost_function(theta, layer_sizes, X, y, lam, activation=activation, output=output)

    if optimizer == "gd":
        return gradient_descent(cost_function, theta_vec, learning_rate=learning_rate, iterations=max_iter,
                                callback=callback)
    return minimize_cost(cost_function, theta_vec, method=OPTIMIZERS[optimizer], max_iter=max_iter,
                         callback=callback)


def hidden_unit_spread(theta_vec, layer_sizes):
    """How far apart the hidden units of each hidden layer are: 0 when they are all identical.

    Two units of hidden layer l + 1 are identical when they have the same incoming weights (rows of
    Theta(l)) and the same outgoing weights (columns of Theta(l+1)); then they compute the same
    function and receive the same gradient, forever.

    Returns
    -------
    spread : list of L - 2 floats, one per hidden layer: max |w_j - w_1| over its units j and their
        incoming and outgoing weights w (0.0 for a layer of a single unit).
    """
    thetas = reshape(theta_vec, layer_sizes)
    spread = []
    for Theta_in, Theta_out in zip(thetas[:-1], thetas[1:]):
        incoming = np.abs(Theta_in - Theta_in[:1]).max()
        outgoing = np.abs(Theta_out[:, 1:] - Theta_out[:, 1:2]).max()
        spread.append(float(max(incoming, outgoing)))
    return spread
