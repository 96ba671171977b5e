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

__all__ = ["Skip", "Contestant", "CONTESTANTS", "by_name"]


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


def _torch(problem):
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        raise Skip("PyTorch is not installed; pip install torch==2.13.0 (the CPU build) or the 'bench' extra") from None
    p = problem
    sizes, m = p.layer_sizes, p.point.m
    theta = torch.tensor(p.theta_vec, dtype=torch.float64, requires_grad=True)
    X, Y = torch.from_numpy(p.X), torch.from_numpy(p.Y)
    blocks, start = [], 0
    for s, s_next in zip(sizes[:-1], sizes[1:]):
        blocks.append((start, s + 1, s_next))
        start += s_next * (s + 1)
    zero = torch.zeros((), dtype=torch.float64)

    def cost(theta):
        # The same cost as reference.autodiff.make_cost, term for term, in torch.
        thetas = [theta[b:b + c * r].view(c, r).t() for b, c, r in blocks]  # Theta(l), column-major
        a = X
        for l, Theta in enumerate(thetas):
            z = torch.addmm(Theta[:, 0], a, Theta[:, 1:].t())
            a = torch.sigmoid(z) if l < len(thetas) - 1 else z
        data = torch.logaddexp(zero, (1.0 - 2.0 * Y) * a).sum()  # softplus, without torch's threshold
        penalty = sum((Theta[:, 1:] ** 2).sum() for Theta in thetas)
        return data / m + p.lam / (2.0 * m) * penalty

    def call():
        theta.grad = None
        J = cost(theta)
        J.backward()
        return J.detach(), theta.grad

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
    Contestant("floor", "the matrix products alone (BLAS floor)", matrix_products, False),
    Contestant("jax-jit", "jax.jit(jax.value_and_grad(cost))", _jax),
    Contestant("torch", "PyTorch autograd, J.backward()", _torch),
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
