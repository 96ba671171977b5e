"""The command line: ``manual-backprop demo``.

``demo`` runs the course's gradient-check network (3 inputs, 5 hidden units, 3 outputs, m = 5,
weights from debug_initialize_weights) once: it prints the cost J and DVec beside the
central-difference gradApprox, and the relative difference between them.
"""

from __future__ import annotations

import argparse

import numpy as np

from reference.finite_difference import central_difference

from .backprop import nn_cost, nn_cost_function
from .gradient_check import debug_network

__all__ = ["main", "debug_network"]


def demo(lam):
    theta_vec, layer_sizes, X, y = debug_network()
    J, grad_vec = nn_cost_function(theta_vec, layer_sizes, X, y, lam)
    grad_approx = central_difference(lambda theta: nn_cost(theta, layer_sizes, X, y, lam), theta_vec)
    print(f"network {'-'.join(map(str, layer_sizes))}, m = {X.shape[0]}, lambda = {lam:g}")
    print(f"cost J = {J:.10f}")
    print(f"{'gradApprox':>14} {'DVec':>14}")
    for numerical, analytical in zip(grad_approx, grad_vec):
        print(f"{numerical:14.10f} {analytical:14.10f}")
    rel = np.linalg.norm(grad_approx - grad_vec) / np.linalg.norm(grad_approx + grad_vec)
    print(f"relative difference norm(gradApprox - DVec) / norm(gradApprox + DVec) = {rel:.3e}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="manual-backprop", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    demo_parser = commands.add_parser("demo", help="cost and gradient of the course's 3-5-3 debug network")
    demo_parser.add_argument("--lambda", dest="lam", type=float, default=0.0, help="regularisation (default 0)")
    args = parser.parse_args(argv)
    if args.command == "demo":
        return demo(args.lam)
    return 2
