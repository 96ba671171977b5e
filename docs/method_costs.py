"""Cost evaluations and time of each gradient-check method (the table in the README, "The three methods, and what each costs")."""

import time

import numpy as np

import manual_backprop as mb

rng = np.random.default_rng(0)
print(f"{'network':>10} {'P':>6} {'method':>12} {'evaluations':>12} {'seconds':>8}")
for layer_sizes in [(3, 5, 3), (20, 25, 10)]:
    theta_vec = mb.Network(layer_sizes).initialize(rng=rng)
    X = rng.standard_normal((50, layer_sizes[0]))
    y = rng.integers(0, layer_sizes[-1], 50)
    for method in ("central", "directional", "complex"):
        start = time.perf_counter()
        report = mb.check_gradients(lambda t: mb.nn_cost_function(t, layer_sizes, X, y, 1.0), theta_vec,
                                    layer_sizes, method=method, rng=np.random.default_rng(1),
                                    cost=lambda t: mb.nn_cost(t, layer_sizes, X, y, 1.0))
        seconds = time.perf_counter() - start
        print(f"{'-'.join(map(str, layer_sizes)):>10} {report.n_parameters:>6} {method:>12} "
              f"{report.n_evaluations:>12} {seconds:8.3f}  rel. diff. {report.relative_difference:.2g}")
