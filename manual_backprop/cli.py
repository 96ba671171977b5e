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
from .initialization import debug_initialize_weights
from .unrolling import unroll

__all__ = ["main", "debug_network"]


def debug_network(input_layer_size=3, hidden_layer_size=5, num_labels=3, m=5):
    """The course's checkNNGradients network: (theta_vec, layer_sizes, X, y).

    Theta(1), Theta(2) and X come from debug_initialize_weights; the course's labels
    y = 1 + mod(1:m, 3) become 0-based: y = mod(t, 3) for t = 1..m, that is 1, 2, 0, 1, 2.
    """
    layer_sizes = (input_layer_size, hidden_layer_size, num_labels)
    theta_vec = unroll([
        debug_initialize_weights(hidden_layer_size, input_layer_size),
        debug_initialize_weights(num_labels, hidden_layer_size),
    ])
    X = debug_initialize_weights(m, input_layer_size - 1)
    y = np.arange(1, m + 1) % num_labels
    return theta_vec, layer_sizes, X, y


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
