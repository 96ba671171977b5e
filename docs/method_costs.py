"""Cost evaluations and time of each gradient-check method (the table in docs/gradient-check.md).

    PYTHONPATH=. python docs/method_costs.py            # from the repository root
    PYTHONPATH=. python docs/method_costs.py --large    # also 400-25-10 (the digits network), m = 100
"""

import sys
import time

import numpy as np

import manual_backprop as mb
from manual_backprop.debug import debug_network

rng = np.random.default_rng(0)


def problems():
    theta_vec, layer_sizes, X, y = debug_network()
    yield "3-5-3 (course)", theta_vec, layer_sizes, X, y, 3.0
    sizes = [(20, 25, 10)] + ([(400, 25, 10)] if "--large" in sys.argv else [])
    for layer_sizes in sizes:
        m = 50 if layer_sizes[0] < 400 else 100
        theta_vec = mb.Network(layer_sizes).initialize(rng=rng)
        X = rng.standard_normal((m, layer_sizes[0]))
        yield "-".join(map(str, layer_sizes)), theta_vec, layer_sizes, X, rng.integers(0, layer_sizes[-1], m), 1.0


print(f"{'network':>15} {'P':>6} {'method':>12} {'eps':>6} {'evaluations':>12} {'seconds':>8}  verdict")
for name, theta_vec, layer_sizes, X, y, lam in problems():
    for method, eps in [("central", 1e-4), ("central", "auto"), ("directional", 1e-4), ("directional", "auto"),
                        ("complex", 1e-4)]:
        if layer_sizes[0] == 400 and (eps == "auto" or method == "complex"):
            continue  # 6P and P complex evaluations: minutes, and nothing the table needs
        start = time.perf_counter()
        report = mb.check_gradients(lambda t: mb.nn_cost_function(t, layer_sizes, X, y, lam), theta_vec,
                                    layer_sizes, method=method, rng=np.random.default_rng(1), eps=eps,
                                    cost=lambda t: mb.nn_cost(t, layer_sizes, X, y, lam))
        seconds = time.perf_counter() - start
        print(f"{name:>15} {report.n_parameters:>6} {method:>12} {str(eps):>6} {report.n_evaluations:>12} "
              f"{seconds:8.3f}  {report.verdict}, rel. diff. {report.relative_difference:.2g}")
