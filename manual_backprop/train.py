"""Training: minimise the unrolled cost J(theta_vec) with gradient descent or SciPy's optimisers.

The course's workflow ends here: pick initial weights that break symmetry, check the gradient once on
a small network (:mod:`manual_backprop.gradient_check`, never inside the loop below), then hand
``costFunction(theta_vec) -> (J, grad_vec)`` to an optimiser:

* :func:`gradient_descent`: theta_vec := theta_vec - alpha grad_vec, a fixed number of times;
* :func:`minimize_cost`: ``scipy.optimize.minimize`` with ``jac=True``; L-BFGS-B by default, CG as
  the course's fmincg (Polack-Ribiere conjugate gradients with a line search).

Every optimiser records J after each iteration in ``cost_history`` (the learning curve), starting
with J at the initial weights, and the norm of grad_vec there in ``gradient_norm_history``.

The steps of a training run, in the course's order, each a function that ``manual-backprop train``
and ``examples/ex4.py`` call:

1. data: :func:`manual_backprop.data.load_split`;
2. :func:`check_small_network`: one gradient check on a small network with the run's activation,
   output layer and lambda (never inside the loop);
3. :func:`initial_weights`: the starting weights, including the all-equal ones that show the
   symmetry problem;
4. :func:`train_network`: the optimiser on the unrolled cost, with at most ``blas_threads`` BLAS
   threads (:func:`limit_blas_threads`);
5. :func:`accuracies` and :func:`hidden_units_identical` (the symmetry verdict, by
   :func:`hidden_unit_spread`); :func:`mlp_baseline`, scikit-learn's MLPClassifier on the same split.

Nothing here changes the process's settings beyond its own call: a BLAS thread limit is undone when
the call returns. SciPy, scikit-learn and threadpoolctl are imported only by the functions that
use them, so this module needs only NumPy to import.
Left out: stochastic and mini-batch methods, momentum, early stopping on a validation set.
"""

from __future__ import annotations

import numbers
import time
import warnings
from contextlib import contextmanager
from typing import Callable, NamedTuple

import numpy as np

from ._arguments import as_array, as_count, as_layer_sizes
from .unrolling import n_params
from .backprop import nn_cost, nn_cost_function
from .debug import debug_network
from .gradient_check import check_gradients
from .hessian import make_hessp
from .initialization import random_theta_vec
from .network import Network
from .predict import predict
from .unrolling import reshape

__all__ = [
    "TrainingResult",
    "OPTIMIZERS",
    "NEWTON_METHODS",
    "INITIALIZATIONS",
    "gradient_descent",
    "minimize_cost",
    "train_network",
    "initial_weights",
    "hidden_unit_spread",
    "hidden_units_identical",
    "IDENTICAL_UNITS_RTOL",
    "IDENTICAL_UNITS_ATOL",
    "limit_blas_threads",
    "check_small_network",
    "accuracies",
    "mlp_baseline",
    "summarize_run",
]

# Command-line names of the optimisers: "gd" is gradient_descent, the others a SciPy method.
OPTIMIZERS = {"lbfgs": "L-BFGS-B", "cg": "CG", "gd": "gradient descent",
              "newton-cg": "Newton-CG", "trust-ncg": "trust-ncg", "trust-krylov": "trust-krylov"}

# SciPy's methods that also take hessp(theta_vec, p) -> H p (manual_backprop.hessian.make_hessp).
NEWTON_METHODS = ("Newton-CG", "trust-ncg", "trust-krylov")

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

# The symmetry verdict: the hidden units of a layer count as identical when the largest difference
# between their weights is at most IDENTICAL_UNITS_ATOL + IDENTICAL_UNITS_RTOL * max|theta_vec|.
# Units that start equal compute the same products, but BLAS may round different output columns
# differently (fused or separate multiply-add): a few u ~ 1e-16 per product, carried through the
# iterations; measured 0.0 exactly after 335 L-BFGS iterations from all-equal weights on the digits,
# and at most 3e-13 relative on random networks, while units that differ do so by ~1.
IDENTICAL_UNITS_RTOL = 1e-12
IDENTICAL_UNITS_ATOL = 1e-15


class TrainingResult(NamedTuple):
    """What an optimiser returns.

    theta_vec : array (P,), the final weights
    cost_history : list of n_iterations + 1 floats, J at the initial weights and after each iteration
    n_iterations : int, iterations taken
    converged : bool, whether the optimiser stopped on its own test rather than on the iteration limit
    message : str, why it stopped
    gradient_norm_history : list of n_iterations + 1 floats, norm(grad_vec) where each J was recorded
    """

    theta_vec: np.ndarray
    cost_history: list
    n_iterations: int
    converged: bool
    message: str
    gradient_norm_history: list = ()


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
    gradient_norm_history = [float(np.linalg.norm(grad_vec))]
    if callback is not None:
        callback(0, cost_history[0])
    for iteration in range(1, iterations + 1):
        theta_vec = theta_vec - learning_rate * grad_vec
        J, grad_vec = cost_function(theta_vec)
        cost_history.append(_check_finite_cost(J, f"at iteration {iteration} (learning_rate {learning_rate} too large?)"))
        gradient_norm_history.append(float(np.linalg.norm(grad_vec)))
        if callback is not None:
            callback(iteration, cost_history[-1])
    return TrainingResult(theta_vec, cost_history, iterations, False, f"reached {iterations} iterations",
                          gradient_norm_history)


def minimize_cost(cost_function: Callable, theta_vec, *, method="L-BFGS-B", max_iter=100, callback=None,
                  hessp=None):
    """``scipy.optimize.minimize(cost_function, theta_vec, jac=True, method=method)``, recording J.

    Parameters
    ----------
    cost_function : callable, theta_vec (P,) -> (J, grad_vec (P,)), the unrolled cost and DVec
    theta_vec : array (P,), the initial weights (not modified)
    method : "L-BFGS-B" (default), "CG" (the course's fmincg analogue), or one of the Newton-type
        :data:`NEWTON_METHODS` "Newton-CG", "trust-ncg", "trust-krylov", which need ``hessp``
    max_iter : int >= 1, the most iterations
    callback : callable (iteration, J) -> None, optional; as for :func:`gradient_descent`
    hessp : callable (theta_vec, p) -> H p, for the Newton-type methods (for a network:
        :func:`manual_backprop.hessian.make_hessp`); refused by the others

    Returns
    -------
    TrainingResult; ``converged`` is SciPy's ``success``.
    """
    from scipy.optimize import minimize

    if method not in ("L-BFGS-B", "CG") + NEWTON_METHODS:
        raise ValueError(f"method must be 'L-BFGS-B' or 'CG', got {method!r}; with hessp, also "
                         "'Newton-CG', 'trust-ncg' or 'trust-krylov'")
    if (method in NEWTON_METHODS) != (hessp is not None):
        raise ValueError(f"method {method!r} " + ("needs hessp(theta_vec, p) -> H p (manual_backprop.make_hessp)"
                                                  if method in NEWTON_METHODS else "takes no hessp"))
    theta_vec = np.array(as_array("theta_vec", theta_vec, ndim=1), dtype=np.float64)
    max_iter = as_count("max_iter", max_iter)

    evaluated = []  # the last few (theta, grad_vec) the optimiser asked for, to read norm(grad_vec) from

    def remembered(theta):
        J, grad_vec = cost_function(theta)
        evaluated.append((np.array(theta), grad_vec))
        del evaluated[:-4]
        return J, grad_vec

    def gradient_norm_at(theta):
        # SciPy reports only x and J at each iteration; the gradient there is one it asked for already.
        for x, grad_vec in reversed(evaluated):
            if np.array_equal(x, theta):
                return float(np.linalg.norm(grad_vec))
        return float(np.linalg.norm(cost_function(theta)[1]))

    J, grad_vec = cost_function(theta_vec)
    cost_history = [_check_finite_cost(J, "at the initial weights")]
    gradient_norm_history = [float(np.linalg.norm(grad_vec))]
    if callback is not None:
        callback(0, cost_history[0])

    def record(intermediate_result):  # SciPy passes an OptimizeResult when the parameter has this name
        cost_history.append(_check_finite_cost(intermediate_result.fun, f"at iteration {len(cost_history)}"))
        gradient_norm_history.append(gradient_norm_at(intermediate_result.x))
        if callback is not None:
            callback(len(cost_history) - 1, cost_history[-1])

    result = minimize(remembered, theta_vec, jac=True, method=method, hessp=hessp, callback=record,
                      options={"maxiter": max_iter})
    return TrainingResult(result.x, cost_history, int(result.nit), bool(result.success), str(result.message),
                          gradient_norm_history)


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


@contextmanager
def limit_blas_threads(threads):
    """A ``with`` block in which every BLAS library of the process uses at most ``threads`` threads.

    threadpoolctl limits only the libraries already loaded, and SciPy ships its own OpenBLAS beside
    NumPy's, loaded with ``scipy.linalg`` or ``scipy.optimize``: those are imported first, so that
    the optimisers' BLAS is limited too. The previous limits come back when the block ends.
    ``threads=None`` changes nothing.
    """
    if threads is None:
        yield
        return
    threads = as_count("blas_threads", threads)
    import scipy.linalg  # noqa: F401  (loads SciPy's BLAS so that the limit reaches it)
    import scipy.optimize  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads, user_api="blas"):
        yield


def train_network(layer_sizes, X, y, lam=0.0, *, theta_vec, activation="sigmoid", output="sigmoid",
                  optimizer="lbfgs", max_iter=100, learning_rate=1.0, callback=None, blas_threads=None):
    """Minimise :func:`nn_cost_function` over theta_vec for the data (X, y), through its bound
    cost function (:meth:`Network.bind`, made once per run; float64).

    Parameters
    ----------
    layer_sizes, X, y, lam, activation, output : as for :func:`nn_cost_function`
    theta_vec : array (P,), the initial weights (see :func:`initial_weights`)
    optimizer : "lbfgs" (default), "cg", "gd", or the Newton-type "newton-cg", "trust-ncg" and
        "trust-krylov", which take H p from :func:`manual_backprop.hessian.make_hessp` (see :data:`OPTIMIZERS`)
    max_iter : int, iterations (for "gd", exactly this many steps)
    learning_rate : float > 0, alpha for "gd" (ignored by the others)
    callback : callable (iteration, J) -> None, optional, e.g. a progress bar
    blas_threads : int >= 1, optional: at most this many BLAS threads during the call (every BLAS
        of the process, SciPy's included; see :func:`limit_blas_threads`); by default the process's
        own setting. Small networks train fastest on one thread.

    Returns
    -------
    TrainingResult
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}, got {optimizer!r}")

    with limit_blas_threads(blas_threads):
        # Made once per run: X, y and lambda checked once, the arrays kept between calls (float64).
        cost_function = Network(layer_sizes, activation=activation, output=output).bind(X, y, lam)
        if optimizer == "gd":
            return gradient_descent(cost_function, theta_vec, learning_rate=learning_rate, iterations=max_iter,
                                    callback=callback)
        method = OPTIMIZERS[optimizer]
        hessp = make_hessp(layer_sizes, X, y, lam, activation=activation, output=output) \
            if method in NEWTON_METHODS else None
        return minimize_cost(cost_function, theta_vec, method=method, max_iter=max_iter, callback=callback,
                             hessp=hessp)


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


def hidden_units_identical(theta_vec, layer_sizes):
    """The symmetry verdict: whether every hidden layer of more than one unit kept identical units.

    Identical means a :func:`hidden_unit_spread` of at most
    ``IDENTICAL_UNITS_ATOL + IDENTICAL_UNITS_RTOL * max|theta_vec|`` (the reason is beside the two
    constants). False for a network without a hidden layer of two units or more: there is nothing
    to be identical to.
    """
    layer_sizes = as_layer_sizes(layer_sizes)
    spreads = [d for d, s in zip(hidden_unit_spread(theta_vec, layer_sizes), layer_sizes[1:-1]) if s > 1]
    limit = IDENTICAL_UNITS_ATOL + IDENTICAL_UNITS_RTOL * float(np.abs(np.asarray(theta_vec)).max(initial=0.0))
    return bool(spreads) and all(d <= limit for d in spreads)


def check_small_network(hidden_layers=1, *, activation="sigmoid", output="sigmoid", lam=0.0, num_labels=3,
                        method="central"):
    """The course's check before training: backprop against a numerical gradient on a small network.

    The network is :func:`manual_backprop.debug.debug_network` with ``hidden_layers`` hidden
    layers of 5 units (3-5-3 for one), weights and X from debug_initialize_weights, with the
    activation, output layer and lambda of the run to come.

    Returns
    -------
    layer_sizes : tuple, the small network's
    report : :class:`manual_backprop.GradientCheckReport`; ``report.verdict`` is "passed", "failed" or
        "cannot tell" (``report.passed`` for the first)
    """
    theta_vec, layer_sizes, X, y = debug_network(num_labels=num_labels, hidden_layers=hidden_layers)

    def cost_function(theta):
        return nn_cost_function(theta, layer_sizes, X, y, lam, activation=activation, output=output)

    def cost(theta):  # J alone (complex-safe, for the complex step), without backprop
        return nn_cost(theta, layer_sizes, X, y, lam, activation=activation, output=output)

    report = check_gradients(cost_function, theta_vec, layer_sizes, method=method, cost=cost,
                             rng=np.random.default_rng(0))
    return layer_sizes, report


def accuracies(thetas, digits, *, activation="sigmoid", output="sigmoid"):
    """{"train_accuracy": ..., "test_accuracy": ...}: the fraction of each set the course's predict gets right.

    thetas : Theta(1), ..., Theta(L-1); digits : a :class:`manual_backprop.data.Digits` split.
    """
    return {
        "train_accuracy": float(np.mean(predict(thetas, digits.X_train, activation=activation, output=output)
                                        == digits.y_train)),
        "test_accuracy": float(np.mean(predict(thetas, digits.X_test, activation=activation, output=output)
                                       == digits.y_test)),
    }


def mlp_baseline(digits, hidden, *, activation="sigmoid", lam=1.0, max_iter=400, seed=0, blas_threads=None):
    """scikit-learn's MLPClassifier on the same split, with the same hidden layers, activation,
    regularisation (its ``alpha`` is the course's lambda: both add lambda / (2m) sum Theta^2) and
    iterations, trained with L-BFGS.

    Returns
    -------
    dict with ``baseline`` (the estimator's settings, as text), ``baseline_train_accuracy``,
    ``baseline_test_accuracy``, ``baseline_converged`` and ``baseline_seconds``.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    name = {"sigmoid": "logistic", "tanh": "tanh", "relu": "relu"}[activation]
    hidden = tuple(hidden)
    mlp = MLPClassifier(hidden_layer_sizes=hidden, activation=name, alpha=lam, solver="lbfgs",
                        max_iter=max_iter, random_state=seed)
    with limit_blas_threads(blas_threads):
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            mlp.fit(digits.X_train, digits.y_train)
        seconds = time.perf_counter() - start
        scores = (float(mlp.score(digits.X_train, digits.y_train)), float(mlp.score(digits.X_test, digits.y_test)))
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    settings = (f"MLPClassifier(hidden_layer_sizes={hidden}, activation={name!r}, alpha={lam:g}, solver='lbfgs', "
                f"max_iter={max_iter}, random_state={seed})")
    return {"baseline": settings, "baseline_train_accuracy": scores[0], "baseline_test_accuracy": scores[1],
            "baseline_converged": converged, "baseline_seconds": seconds}


def summarize_run(layer_sizes, result, digits, *, activation="sigmoid", output="sigmoid", seconds=None,
                  check=None):
    """What a training run found, as a JSON-ready dict (the data of ``manual-backprop train``'s report).

    Parameters
    ----------
    layer_sizes : the trained network's; result : the :class:`TrainingResult`; digits : the split
        it was trained and tested on; activation, output : as trained
    seconds : float, optional, the training's wall-clock time
    check : (layer_sizes, report) from :func:`check_small_network`, optional

    Returns
    -------
    dict with ``gradient_check`` (when given), ``train_accuracy``, ``test_accuracy``, ``final_cost``,
    ``iterations``, ``converged``, ``optimizer_message``, ``cost_history``, ``gradient_norm_history``,
    ``hidden_units_identical``, ``hidden_unit_spread`` and ``seconds``.
    """
    thetas = reshape(result.theta_vec, layer_sizes)
    summary = {}
    if check is not None:
        check_sizes, report = check
        summary["gradient_check"] = {"layer_sizes": list(check_sizes),
                                     "relative_difference": float(report.relative_difference),
                                     "tolerance": float(report.tolerance), "passed": bool(report.passed)}
    summary.update(accuracies(thetas, digits, activation=activation, output=output))
    summary.update({
        "final_cost": result.cost_history[-1], "iterations": result.n_iterations, "converged": result.converged,
        "optimizer_message": result.message, "cost_history": list(result.cost_history),
        "gradient_norm_history": list(result.gradient_norm_history),
        "hidden_units_identical": hidden_units_identical(result.theta_vec, layer_sizes),
        "hidden_unit_spread": hidden_unit_spread(result.theta_vec, layer_sizes),
        "seconds": seconds,
    })
    return summary
