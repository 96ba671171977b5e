"""A corpus of wrong gradients: every one must get the verdict "failed", by every method.

Each kind plants one bug in the gradient of the course's debug network (3-5-3, lambda = 3, m = 5,
sigmoid units) or a variant of it; the cost J stays right. Two kinds give ``cost=`` a different J
from ``cost_fn``'s: the check must refuse them (ValueError naming both values) instead of judging.
The catalogue of tests/mutants.py adds the bugs it plants in the library's own source (see
``catalogue_cases``).

    python -m tests.planted        # the verdict of every kind by every method, and the count
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

import manual_backprop as mb
from manual_backprop.debug import debug_network

__all__ = ["Case", "CORPUS", "REFUSED", "catalogue_cases", "verdicts", "main"]

LAM = 3.0
METHODS = ("central", "directional", "complex")


@dataclass(frozen=True)
class Case:
    """cost_fn, theta_vec, layer_sizes and cost of one check."""

    cost_fn: object
    theta_vec: np.ndarray
    layer_sizes: tuple
    cost: object


def _network(hidden=5, **kwargs):
    theta_vec, layer_sizes, X, y = debug_network(hidden_layer_size=hidden, **kwargs)
    return theta_vec, layer_sizes, X, y


def planted(change, hidden=5, lam=LAM):
    """A Case whose gradient is ``change(grad, theta_vec, layer_sizes, X, y)``, J left right."""
    theta_vec, layer_sizes, X, y = _network(hidden)

    def cost_fn(t):
        J, grad = mb.nn_cost_function(t, layer_sizes, X, y, lam)
        return J, change(grad.copy(), t, layer_sizes, X, y)

    return Case(cost_fn, theta_vec, layer_sizes, lambda t: mb.nn_cost(t, layer_sizes, X, y, lam))


def _entry(k, factor):
    def change(g, *_):
        g[k] *= factor
        return g
    return change


def _by_size(rank):
    """The entry of the given rank by |grad| (0: the largest; 'median')."""
    def change(g, *_):
        order = np.argsort(-np.abs(g), kind="stable")
        k = order[0] if rank == 0 else order[len(order) // 2]
        g[k] *= 1 + 1e-6
        return g
    return change


def _blocks(g, layer_sizes):
    return mb.reshape(g, layer_sizes)


def _per_block(edit):
    """A change applied to the D(l) matrices (edit(l, D, Theta, m) returns the new D), unrolled back."""
    def change(g, t, layer_sizes, X, y):
        D = [d.copy() for d in _blocks(g, layer_sizes)]
        thetas = mb.reshape(t, layer_sizes)
        return mb.unroll([edit(l, D[l], thetas[l], X.shape[0]) for l in range(len(D))])
    return change


def _layer(which, edit):
    return _per_block(lambda l, D, Theta, m: edit(D, Theta, m) if l == which else D)


def _regularise(D, Theta, m, scale, columns):
    D = D.copy()
    D[:, columns] += scale * Theta[:, columns]
    return D


def _gradient_of(**changes):
    """The gradient of a nearby cost: other lambda, X, theta, labels, output, activation' (J kept)."""
    def change(g, t, layer_sizes, X, y):
        args = dict(theta=t, X=X, y=y, lam=LAM, output="sigmoid")
        for key, value in changes.items():
            args[key] = value(args[key]) if callable(value) else value
        return mb.nn_cost_function(args["theta"], layer_sizes, args["X"], args["y"], args["lam"],
                                   output=args["output"])[1]
    return change


def _missing_g_prime(derivative):
    """delta(2) = delta(3) Theta(2)[:, 1:] .* derivative(z(2)) (None: g' left out)."""
    def change(g, t, layer_sizes, X, y):
        Theta1, Theta2 = mb.reshape(t, layer_sizes)
        m = X.shape[0]
        forward = mb.forward_propagation([Theta1, Theta2], X)
        delta3 = forward.h - np.eye(layer_sizes[-1])[y]
        delta2 = delta3 @ Theta2[:, 1:]
        if derivative is not None:
            delta2 = delta2 * derivative(forward.z[1])
        D1 = delta2.T @ forward.a[0] / m
        D1[:, 1:] += LAM / m * Theta1[:, 1:]
        g[:D1.size] = D1.ravel(order="F")
        return g
    return change


def _float32(change):
    """The gradient computed in float32 (theta and X cast), then changed."""
    theta_vec, layer_sizes, X, y = _network()
    X32 = X.astype(np.float32)

    def cost_fn(t):
        J, grad = mb.nn_cost_function(t.astype(np.float32), layer_sizes, X32, y, LAM)
        return J, change(grad.copy()).astype(np.float32)

    return Case(cost_fn, theta_vec, layer_sizes,
                lambda t: mb.nn_cost(t, layer_sizes, X32.astype(np.float64), y, LAM))


def _cancelling_part(g, t, layer_sizes, X, y):
    noise = np.random.default_rng(0).standard_normal(15)
    noise -= noise.mean()
    g[5:20] += 1e-4 * np.abs(g).max() * noise  # Theta(1)'s 15 weights: errors summing to zero
    return g


def _swap(i, j):
    def change(g, *_):
        g[[i, j]] = g[[j, i]]
        return g
    return change


CORPUS = {
    "one entry off by 1e-6 relative, the largest": lambda: planted(_by_size(0)),
    "one entry off by 1e-6 relative, a typical one (median size)": lambda: planted(_by_size("median")),
    "one entry off by 1e-4 relative": lambda: planted(_entry(7, 1 + 1e-4)),
    "one bias entry off by 1e-3 relative": lambda: planted(_entry(21, 1 + 1e-3)),
    "+0.01 at one entry, -0.01 at its neighbour": lambda: planted(
        lambda g, *_: g + np.eye(1, g.size, 7)[0] * 0.01 - np.eye(1, g.size, 8)[0] * 0.01),
    "errors cancelling over a whole part": lambda: planted(_cancelling_part),
    "lambda off by 1e-4 relative in the gradient": lambda: planted(_gradient_of(lam=LAM * (1 + 1e-4))),
    "the gradient of a nearby cost: X moved by 1e-6": lambda: planted(_gradient_of(X=lambda X: X + 1e-6)),
    "the gradient at a nearby theta (1e-5 away)": lambda: planted(
        _gradient_of(theta=lambda t: t + 1e-5 * np.random.default_rng(1).standard_normal(t.size))),
    "the gradient of other labels": lambda: planted(_gradient_of(y=lambda y: (y + 1) % 3)),
    "the softmax output's gradient for the sigmoid cost": lambda: planted(_gradient_of(output="softmax")),
    "bias column of Theta(2) regularised": lambda: planted(_layer(1, lambda D, T, m: _regularise(D, T, m, LAM / m, [0]))),
    "bias columns of every layer regularised": lambda: planted(
        _per_block(lambda l, D, T, m: _regularise(D, T, m, LAM / m, [0]))),
    "lambda/m written as lambda": lambda: planted(
        _per_block(lambda l, D, T, m: _regularise(D, T, m, LAM - LAM / m, slice(1, None)))),
    "regularisation left out of the gradient": lambda: planted(
        _per_block(lambda l, D, T, m: _regularise(D, T, m, -LAM / m, slice(1, None)))),
    "regularisation added twice": lambda: planted(
        _per_block(lambda l, D, T, m: _regularise(D, T, m, LAM / m, slice(1, None)))),
    "1/m missing (every D(l) times m)": lambda: planted(lambda g, t, ls, X, y: g * X.shape[0]),
    "divided by m twice": lambda: planted(lambda g, t, ls, X, y: g / X.shape[0]),
    "sign flipped in Theta(2)": lambda: planted(_layer(1, lambda D, T, m: -D)),
    "the whole gradient's sign flipped": lambda: planted(lambda g, *_: -g),
    "an all-zero block (Theta(1) detached)": lambda: planted(_layer(0, lambda D, T, m: 0 * D)),
    "one unit's row wrong (Theta(1) row 2, x 1.1)": lambda: planted(
        _layer(0, lambda D, T, m: D * np.where(np.arange(D.shape[0])[:, None] == 2, 1.1, 1.0))),
    "one column wrong (Theta(2) column 3, x 0.9)": lambda: planted(
        _layer(1, lambda D, T, m: D * np.where(np.arange(D.shape[1]) == 3, 0.9, 1.0))),
    "one hidden unit's outgoing weights zero (Theta(2) column 4)": lambda: planted(
        _layer(1, lambda D, T, m: D * np.where(np.arange(D.shape[1]) == 4, 0.0, 1.0))),
    "a transposed block (Theta(1)'s 3 x 3 weights, network 3-3-3)": lambda: planted(
        _layer(0, lambda D, T, m: np.hstack([D[:, :1], D[:, 1:].T])), hidden=3),
    "row-major unrolling of every D(l)": lambda: planted(
        lambda g, t, ls, X, y: np.concatenate([D.ravel(order="C") for D in mb.reshape(g, ls)])),
    "two entries swapped": lambda: planted(_swap(3, 11)),
    "entries shifted by one place": lambda: planted(lambda g, *_: np.roll(g, 1)),
    "every entry times 1 + 1e-6": lambda: planted(lambda g, *_: g * (1 + 1e-6)),
    "g' left out of delta(2)": lambda: planted(_missing_g_prime(None)),
    "tanh's derivative in place of the sigmoid's": lambda: planted(_missing_g_prime(mb.tanh_gradient)),
    "float32 gradient, one entry 1 % off": lambda: _float32(lambda g: g * np.where(np.arange(g.size) == 7, 1.01, 1)),
    "float32 gradient, 1 % off everywhere": lambda: _float32(lambda g: g * np.float32(1.01)),
}


def _mismatched(cost_lam, fn_lam, layer_sizes, m, seed):
    rng = np.random.default_rng(seed)
    theta_vec = 0.1 * rng.standard_normal(mb.n_params(layer_sizes))
    X, y = rng.standard_normal((m, layer_sizes[0])), rng.integers(0, layer_sizes[-1], m)
    return Case(lambda t: mb.nn_cost_function(t, layer_sizes, X, y, fn_lam), theta_vec, layer_sizes,
                lambda t: mb.nn_cost(t, layer_sizes, X, y, cost_lam))


REFUSED = {
    "cost and cost_fn with lambda 3 and 30 (3-5-3)": lambda: _mismatched(3.0, 30.0, (3, 5, 3), 5, 0),
    "cost and cost_fn with lambda 3 and 3.0001 (400-25-10)": lambda: _mismatched(3.0, 3.0001, (400, 25, 10), 20, 1),
}


def catalogue_cases():
    """{bug name: (bug, layer sizes)} for the catalogued bugs of tests/mutants.py that change the
    gradient alone on the debug network (3-4-5 for a transposed Theta, which needs s_{l+1} = s_l + 1)."""
    from tests.mutants import CATALOGUE, planted as plant

    cases = {}
    for bug in CATALOGUE:
        hidden = 4 if "transposed" in bug.name.lower() else 5
        theta_vec, layer_sizes, X, y = debug_network(num_labels=5 if hidden == 4 else 3, hidden_layer_size=hidden)
        clean = mb.nn_cost_function(theta_vec, layer_sizes, X, y, LAM)
        try:
            with plant(bug):
                J, grad = mb.nn_cost_function(theta_vec, layer_sizes, X, y, LAM)
                J_alone = mb.nn_cost(theta_vec, layer_sizes, X, y, LAM)
        except Exception:  # noqa: BLE001  (a bug that raises is caught by any call, not by a gradient check)
            continue
        if J == clean[0] and J_alone == clean[0] and not np.allclose(grad, clean[1], rtol=1e-6, atol=0):
            cases[bug.name] = (bug, (theta_vec, layer_sizes, X, y))
    return cases


def check_catalogued(bug, network, method):
    """The report of checking backprop with ``bug`` planted, by ``method``."""
    from tests.mutants import planted as plant

    theta_vec, layer_sizes, X, y = network
    with plant(bug):
        return mb.check_gradients(lambda t: mb.nn_cost_function(t, layer_sizes, X, y, LAM), theta_vec, layer_sizes,
                                  method=method, cost=lambda t: mb.nn_cost(t, layer_sizes, X, y, LAM),
                                  rng=np.random.default_rng(0), lam=LAM, m=X.shape[0])


def check_case(case, method, seed=0):
    return mb.check_gradients(case.cost_fn, case.theta_vec, case.layer_sizes, method=method, cost=case.cost,
                              rng=np.random.default_rng(seed), lam=LAM, m=5)


def verdicts():
    """{kind: {method: verdict}} for the corpus, the refused kinds and the catalogue."""
    table = {}
    for name, build in CORPUS.items():
        table[name] = {method: check_case(build(), method).verdict for method in METHODS}
    for name, build in REFUSED.items():
        row = {}
        for method in METHODS:
            case = build()
            try:
                row[method] = check_case(case, method).verdict
            except ValueError as error:
                row[method] = "refused" if "disagree" in str(error) else f"error: {error}"
        table[name] = row
    for name, (bug, network) in catalogue_cases().items():
        table[f"catalogue: {name}"] = {method: check_catalogued(bug, network, method).verdict for method in METHODS}
    return table


def main():
    table = verdicts()
    width = max(map(len, table))
    print(f"{'kind':<{width}}  " + "  ".join(f"{m:>11}" for m in METHODS))
    for name, row in table.items():
        print(f"{name:<{width}}  " + "  ".join(f"{row[m]:>11}" for m in METHODS))
    caught = sum(all(v in ("failed", "refused") for v in row.values()) for row in table.values())
    print(f"\n{caught} of {len(table)} kinds failed (or were refused) by every method "
          f"({len(CORPUS)} planted by hand, {len(REFUSED)} cost/cost_fn mismatches refused, "
          f"{len(table) - len(CORPUS) - len(REFUSED)} from the catalogue)")
    return 0 if caught == len(table) else 1


if __name__ == "__main__":
    sys.exit(main())
