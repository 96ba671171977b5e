"""The contestants: each turns a problem into a call of no argument that returns (J, gradient).

A contestant's ``prepare(problem)`` does the set-up that a user does once (building the JAX or
torch function, moving the arrays into its tensors, compiling) and returns the call to time,
or raises :class:`Skip` with the reason it does not run on this machine or at this size.
"""

from __future__ import annotations

import importlib
from typing import Callable, NamedTuple

import numpy as np

from manual_backprop import nn_cost, nn_cost_function

from .floor import matrix_products

__all__ = ["Skip", "Contestant", "CONTESTANTS", "by_name", "SklearnMLP", "torch_cost", "torch_module"]


class Skip(Exception):
    """A contestant that does not run here; the message says why."""


class Contestant(NamedTuple):
    name: str
    description: str
    prepare: Callable
    exact: bool = True  # an exact gradient (compared with ours at rounding level), not an approximation


def _ours(problem):
    p = problem
    return lambda: nn_cost_function(p.theta_vec, p.layer_sizes, p.X, p.y, p.lam)


def _ours_bound(problem):
    """Our cost function bound to the network and the data, as a training loop calls it."""
    from manual_backprop import Network

    p = problem
    cost_function = Network(p.layer_sizes).bind(p.X, p.y, p.lam)
    return lambda: cost_function(p.theta_vec)


def _loop(problem, max_work=60_000):
    p = problem
    # The per-example loop costs tens of microseconds per example and layer in Python.
    work = p.point.m * (len(p.layer_sizes) - 1)
    if work > max_work:
        raise Skip(f"per-example loop skipped above m (L - 1) = {max_work} (here {work})")
    return lambda: nn_cost_function(p.theta_vec, p.layer_sizes, p.X, p.y, p.lam, method="loop")


def _cost_only(problem):
    p = problem
    return lambda: (nn_cost(p.theta_vec, p.layer_sizes, p.X, p.y, p.lam), None)


def _jax_modules():
    try:
        autodiff = importlib.import_module("reference.autodiff")
        jax, jnp = autodiff.jax_modules()
    except ImportError as error:
        raise Skip(f"JAX is not available ({error}); install the extra: pip install -e '.[reference]'") from None
    return autodiff, jax, jnp


def _jax(problem, *, jit=True):
    autodiff, jax, jnp = _jax_modules()
    p = problem
    value_and_grad = jax.value_and_grad(autodiff.make_cost(p.layer_sizes))
    if jit:
        value_and_grad = jax.jit(value_and_grad)
    args = [jax.device_put(jnp.asarray(x)) for x in (p.theta_vec, p.X, p.Y)]

    def call():
        return jax.block_until_ready(value_and_grad(*args, p.lam))

    return call


def torch_module():
    try:
        return importlib.import_module("torch")
    except ImportError:
        raise Skip("PyTorch is not installed; pip install torch==2.13.0 (the CPU build) or the 'bench' extra") from None


def torch_cost(torch, layer_sizes, X, Y, lam):
    """The cost of reference.autodiff.make_cost, term for term, in torch: a function of a theta tensor
    laid out as theta_vec (Theta(l) unrolled column by column)."""
    m = X.shape[0]
    X, Y = torch.from_numpy(X), torch.from_numpy(Y)
    blocks, start = [], 0
    for s, s_next in zip(layer_sizes[:-1], layer_sizes[1:]):
        blocks.append((start, s + 1, s_next))
        start += s_next * (s + 1)
    zero = torch.zeros((), dtype=torch.float64)

    def cost(theta):
        thetas = [theta[b:b + c * r].view(c, r).t() for b, c, r in blocks]  # Theta(l), column-major
        a = X
        for l, Theta in enumerate(thetas):
            z = torch.addmm(Theta[:, 0], a, Theta[:, 1:].t())
            a = torch.sigmoid(z) if l < len(thetas) - 1 else z
        data = torch.logaddexp(zero, (1.0 - 2.0 * Y) * a).sum()  # softplus, without torch's threshold
        penalty = sum((Theta[:, 1:] ** 2).sum() for Theta in thetas)
        return data / m + lam / (2.0 * m) * penalty

    return cost


def _torch(problem):
    torch = torch_module()
    p = problem
    theta = torch.tensor(p.theta_vec, dtype=torch.float64, requires_grad=True)
    cost = torch_cost(torch, p.layer_sizes, p.X, p.Y, p.lam)

    def call():
        theta.grad = None
        J = cost(theta)
        J.backward()
        return J.detach(), theta.grad

    return call


class SklearnMLP:
    """scikit-learn's MLPClassifier set up as its L-BFGS solver runs it, on our network and data.

    Logistic hidden units, alpha = lambda, and the labels given as the (m, K) 0-1 matrix Y, which
    makes scikit-learn treat the task as multi-label: K logistic outputs and the binary log loss
    summed over them, which is the course's cost J term for term (alpha / (2m) sum W^2 included).
    ``theta_to_packed`` and ``packed_to_theta`` translate between our theta_vec and its packed
    vector (coefficients of every layer, then intercepts; coefs_[l] is Theta(l)[:, 1:]^T).
    """

    def __init__(self, layer_sizes, X, Y, lam, *, max_iter=1, tol=1e-4):
        import warnings

        try:
            from sklearn.exceptions import ConvergenceWarning
            from sklearn.neural_network import MLPClassifier
        except ImportError:
            raise Skip("scikit-learn is not installed; pip install -e '.[train]'") from None
        self.layer_sizes = tuple(layer_sizes)
        self.clf = MLPClassifier(hidden_layer_sizes=self.layer_sizes[1:-1], activation="logistic", alpha=lam,
                                 solver="lbfgs", max_iter=max_iter, tol=tol, max_fun=10**9)
        with warnings.catch_warnings():  # one iteration, only to set every fitted attribute up
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.clf.fit(X[:max(2, min(len(X), 50))], Y[:max(2, min(len(X), 50))])
        if self.clf.out_activation_ != "logistic":
            raise Skip(f"scikit-learn chose a {self.clf.out_activation_} output, not the course's logistic one")
        self.clf.warm_start = True

    def set_theta(self, theta_vec):
        """Write theta_vec into the classifier's coefs_ and intercepts_."""
        start = 0
        for l, (s, s_next) in enumerate(zip(self.layer_sizes[:-1], self.layer_sizes[1:])):
            Theta = theta_vec[start:start + s_next * (s + 1)].reshape(s + 1, s_next).T
            start += s_next * (s + 1)
            self.clf.coefs_[l] = np.array(Theta[:, 1:].T)
            self.clf.intercepts_[l] = np.array(Theta[:, 0])

    def theta_to_packed(self, theta_vec):
        from sklearn.neural_network._multilayer_perceptron import _pack

        self.set_theta(theta_vec)
        return _pack(self.clf.coefs_, self.clf.intercepts_)

    def packed_to_theta(self, packed):
        parts, start = [], 0
        for s, s_next in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            start += s * s_next
        coef_start = 0
        for s, s_next in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            parts.append(packed[start:start + s_next])  # intercepts: Theta(l)[:, 0]
            parts.append(packed[coef_start:coef_start + s * s_next])  # coefs (s_l, s_{l+1}), C order
            start += s_next
            coef_start += s * s_next
        return np.concatenate(parts)

    def loss_grad(self, X, Y):
        """The call L-BFGS makes per iteration, with the buffers ``fit`` allocates once per run."""
        clf, sizes = self.clf, self.layer_sizes
        self.clf._coef_indptr, self.clf._intercept_indptr, start = [], [], 0
        for s, s_next in zip(sizes[:-1], sizes[1:]):
            clf._coef_indptr.append((start, start + s * s_next, (s, s_next)))
            start += s * s_next
        for s_next in sizes[1:]:
            clf._intercept_indptr.append((start, start + s_next))
            start += s_next
        X, Yb = clf._validate_input(X, Y, incremental=False, reset=False)
        activations = [X] + [None] * (len(sizes) - 1)
        deltas = [None] * (len(sizes) - 1)
        coef_grads = [np.empty((s, s_next), dtype=X.dtype) for s, s_next in zip(sizes[:-1], sizes[1:])]
        intercept_grads = [np.empty(s_next, dtype=X.dtype) for s_next in sizes[1:]]

        def call(packed):
            return clf._loss_grad_lbfgs(packed, X, Yb, None, activations, deltas, coef_grads, intercept_grads)

        return call


def _sklearn(problem):
    p = problem
    mlp = SklearnMLP(p.layer_sizes, p.X, p.Y, p.lam)
    packed = mlp.theta_to_packed(p.theta_vec)
    loss_grad = mlp.loss_grad(p.X, p.Y)

    def call():
        J, grad = loss_grad(packed)
        return J, grad

    call.to_theta = mlp.packed_to_theta  # the gradient in our layout, for the agreement check
    return call


def _central_difference(problem, max_evaluations=4000):
    p = problem
    P = p.theta_vec.size
    if 2 * P > max_evaluations:
        raise Skip(f"extrapolated: 2P = {2 * P} cost evaluations (run up to {max_evaluations})")
    from reference.finite_difference import central_difference

    def J(theta):
        return nn_cost(theta, p.layer_sizes, p.X, p.y, p.lam)

    return lambda: (J(p.theta_vec), central_difference(J, p.theta_vec))


def _directional(problem):
    p = problem
    finite_difference = importlib.import_module("reference.finite_difference")
    rng = np.random.default_rng(1)
    u = rng.standard_normal(p.theta_vec.size)
    u /= np.linalg.norm(u)

    def J(theta):
        return nn_cost(theta, p.layer_sizes, p.X, p.y, p.lam)

    if hasattr(finite_difference, "directional_difference"):
        slope = lambda: finite_difference.directional_difference(J, p.theta_vec, u)  # noqa: E731
    else:  # the same central difference along u, for a reference without it
        eps = 1e-4
        slope = lambda: (J(p.theta_vec + eps * u) - J(p.theta_vec - eps * u)) / (2 * eps)  # noqa: E731

    def call():
        J_value, grad_vec = nn_cost_function(p.theta_vec, p.layer_sizes, p.X, p.y, p.lam)
        return J_value, (u @ grad_vec, slope())

    return call


CONTESTANTS = [
    Contestant("ours", "manual_backprop.nn_cost_function, vectorised backprop (NumPy)", _ours),
    Contestant("ours-bound", "our cost function bound to one network and data set (kept arrays, threads chosen per call)",
               _ours_bound),
    Contestant("floor", "the matrix products alone (BLAS floor)", matrix_products, False),
    Contestant("jax-jit", "jax.jit(jax.value_and_grad(cost))", _jax),
    Contestant("torch", "PyTorch autograd, J.backward()", _torch),
    Contestant("sklearn", "scikit-learn MLPClassifier._loss_grad_lbfgs (logistic units, alpha = lambda)", _sklearn),
    Contestant("jax", "jax.value_and_grad(cost), not jitted", lambda p: _jax(p, jit=False)),
    Contestant("loop", "manual_backprop, method='loop' (per example, as in the course)", _loop),
    Contestant("cost-only", "manual_backprop.nn_cost: J alone, the forward pass", _cost_only, False),
    Contestant("directional", "our gradient + one central difference along a random direction", _directional, False),
    Contestant("central-diff", "gradApprox: central differences, 2P cost evaluations", _central_difference, False),
]


def by_name(name):
    for contestant in CONTESTANTS:
        if contestant.name == name:
            return contestant
    raise KeyError(f"no contestant {name!r}; known: {[c.name for c in CONTESTANTS]}")
