"""End-to-end training on scikit-learn's digits, as a user runs it: time per iteration and time to a J.

The network is 64-25-10 on all 1,797 digits (pixels / 16), lambda = 1, sigmoid units, the same
initial weights for every contestant (the course's uniform +-sqrt(6)/sqrt(s_l + s_{l+1}), seeded):

* ``ours``: ``scipy.optimize.minimize(method="L-BFGS-B", jac=True)`` on ``nn_cost_function`` (what
  ``manual_backprop.train.minimize_cost`` runs);
* ``ours-bound``: the same on the cost function bound to the network and the data once per run
  (its set-up counted in the run's time);
* ``sklearn``: ``MLPClassifier(solver="lbfgs", activation="logistic", alpha=lambda).fit`` with the
  labels as the 0-1 matrix Y (the course's cost, see :class:`benchmarks.contestants.SklearnMLP`),
  warm-started from the same weights. It runs the same SciPy L-BFGS-B on the same J, so its
  iterates match ours and the difference is the cost function alone (plus its input checks);
* ``torch``: ``torch.optim.LBFGS`` (strong Wolfe line search, history 10) on the same cost.

Every cost evaluation is stamped with its time since the start of the run, which gives the time
to reach a target J: the largest of the contestants' final costs, so that every one reaches it.
Runs are interleaved round by round (the order rotated), after one short warm-up run each, and a
ratio is the median over rounds of ours over the other's figure in the same round.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from .contestants import Skip, SklearnMLP, torch_cost, torch_module
from .grid import Point, Problem

__all__ = ["digits_problem", "TRAINERS", "time_training"]

DIGITS_SIZES = (64, 25, 10)
GTOL = 1e-10  # small enough that no run stops on the gradient before max_iter


def digits_problem(*, lam=1.0, seed=0):
    """All of scikit-learn's digits (X / 16, labels 0..9, Y one-hot) and seeded initial weights."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    X, y = digits.data / 16.0, digits.target.astype(np.intp)
    Y = np.zeros((X.shape[0], 10))
    Y[np.arange(X.shape[0]), y] = 1.0
    rng = np.random.default_rng(seed)
    blocks = []
    for s, s_next in zip(DIGITS_SIZES[:-1], DIGITS_SIZES[1:]):
        eps_init = np.sqrt(6.0) / np.sqrt(s + s_next)
        blocks.append(rng.uniform(-eps_init, eps_init, size=s_next * (s + 1)))
    return Problem(Point(DIGITS_SIZES, X.shape[0], "digits, all examples"), np.concatenate(blocks), X, y, Y, lam)


def _ours(problem, max_iter):
    from scipy.optimize import minimize

    from manual_backprop import nn_cost_function

    p, trace = problem, []

    def cost_function(theta_vec):
        J, grad_vec = nn_cost_function(theta_vec, p.layer_sizes, p.X, p.y, p.lam)
        trace.append((time.perf_counter() - t0, float(J)))
        return J, grad_vec

    t0 = time.perf_counter()
    result = minimize(cost_function, p.theta_vec, jac=True, method="L-BFGS-B",
                      options={"maxiter": max_iter, "maxfun": 10**9, "gtol": GTOL})
    return time.perf_counter() - t0, int(result.nit), trace


def _ours_bound(problem, max_iter):
    from scipy.optimize import minimize

    p, trace = problem, []
    t0 = time.perf_counter()
    from manual_backprop import Network

    bound = Network(p.layer_sizes).bind(p.X, p.y, p.lam)

    def cost_function(theta_vec):
        J, grad_vec = bound(theta_vec)
        trace.append((time.perf_counter() - t0, float(J)))
        return J, grad_vec

    result = minimize(cost_function, p.theta_vec, jac=True, method="L-BFGS-B",
                      options={"maxiter": max_iter, "maxfun": 10**9, "gtol": GTOL})
    return time.perf_counter() - t0, int(result.nit), trace


def _sklearn(problem, max_iter):
    from sklearn.exceptions import ConvergenceWarning

    p, trace = problem, []
    mlp = SklearnMLP(p.layer_sizes, p.X, p.Y, p.lam, max_iter=max_iter, tol=GTOL)  # set-up, not timed
    mlp.set_theta(p.theta_vec)
    clf = mlp.clf
    loss_grad = clf._loss_grad_lbfgs

    def traced(*args):
        J, grad = loss_grad(*args)
        trace.append((time.perf_counter() - t0, float(J)))
        return J, grad

    clf._loss_grad_lbfgs = traced  # the solver looks the method up on the instance
    with warnings.catch_warnings():  # "failed to converge": it stops at max_iter, as the others do
        warnings.simplefilter("ignore", ConvergenceWarning)
        t0 = time.perf_counter()
        clf.fit(p.X, p.Y)
    return time.perf_counter() - t0, int(clf.n_iter_), trace


def _torch(problem, max_iter):
    torch = torch_module()
    p, trace = problem, []
    theta = torch.tensor(p.theta_vec, dtype=torch.float64, requires_grad=True)
    cost = torch_cost(torch, p.layer_sizes, p.X, p.Y, p.lam)
    optimizer = torch.optim.LBFGS([theta], lr=1, max_iter=max_iter, max_eval=10**9, tolerance_grad=GTOL,
                                  tolerance_change=1e-15, history_size=10, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        J = cost(theta)
        J.backward()
        trace.append((time.perf_counter() - t0, float(J.detach())))
        return J

    t0 = time.perf_counter()
    optimizer.step(closure)
    return time.perf_counter() - t0, int(optimizer.state[theta]["n_iter"]), trace


TRAINERS = {"ours": _ours, "ours-bound": _ours_bound, "sklearn": _sklearn, "torch": _torch}


def time_training(*, max_iter=100, rounds=5, names=None, log=print):
    """Train every contestant ``rounds`` times, interleaved; returns the JSON record."""
    problem = digits_problem()
    names = [n for n in TRAINERS if not names or n in names]
    record = {"network": "64-25-10 digits", "m": problem.point.m, "lam": problem.lam, "max_iter": max_iter,
              "skipped": {}}
    for name in list(names):  # warm-up: imports, first-call costs
        try:
            TRAINERS[name](problem, 3)
        except Skip as reason:
            record["skipped"][name] = str(reason)
            names.remove(name)
    runs = {name: [] for name in names}
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            seconds, iterations, trace = TRAINERS[name](problem, max_iter)
            runs[name].append({"seconds": seconds, "iterations": iterations, "evaluations": len(trace),
                               "final_J": trace[-1][1], "trace": trace})
    target = max(min(J for _, J in run["trace"]) for name in names for run in runs[name])
    record["target_J"] = target
    results = {}
    for name in names:
        per_iteration = [run["seconds"] / max(run["iterations"], 1) for run in runs[name]]
        to_target = [next(t for t, J in run["trace"] if J <= target) for run in runs[name]]
        first = runs[name][0]
        results[name] = {
            "seconds": float(np.median([run["seconds"] for run in runs[name]])),
            "iterations": first["iterations"], "evaluations": first["evaluations"], "final_J": first["final_J"],
            "seconds_per_iteration": float(np.median(per_iteration)),
            "seconds_per_evaluation": float(np.median([run["seconds"] / run["evaluations"] for run in runs[name]])),
            "seconds_to_target": float(np.median(to_target)),
            "evaluations_to_target": next(i + 1 for i, (_, J) in enumerate(first["trace"]) if J <= target),
            "per_round": {"seconds_per_iteration": per_iteration, "seconds_to_target": to_target},
            "cost_curve": [J for _, J in first["trace"]],
        }
    if "ours" in results:
        ours = results["ours"]["per_round"]
        for name, entry in results.items():
            for key in ("seconds_per_iteration", "seconds_to_target"):
                entry[f"ours_over_{key}"] = float(np.median(np.asarray(ours[key]) / np.asarray(entry["per_round"][key])))
    record["results"] = results
    for name, e in results.items():
        log(f"training {name:8s} {e['iterations']:4d} iterations, {e['evaluations']:4d} evaluations, "
            f"{e['seconds_per_iteration'] * 1e3:7.3f} ms per iteration, J {e['final_J']:.6f}, "
            f"{e['seconds_to_target'] * 1e3:8.1f} ms to J = {target:.6f}", flush=True)
    return record
