"""H v with one BLAS thread against the default threads, alternating, at three grid points.

    python -m benchmarks.hessian_threads [--repeats 15]

Prints the median milliseconds of each setting and the load average. "default" switches off the
library's own choice (``hessian.ONE_BLAS_THREAD_BELOW_FLOPS = 0``), so BLAS keeps the process's threads.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import manual_backprop as mb
from manual_backprop import hessian

POINTS = [((64, 25, 10), 1797), ((400, 25, 10), 5000), ((784, 256, 256, 10), 1024)]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hessian_threads", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="alternating calls of each setting (default 15)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    print(f"load average {os.getloadavg()[0]:.2f}; medians of {args.repeats} alternating calls, ms")
    chosen = hessian.ONE_BLAS_THREAD_BELOW_FLOPS
    for layer_sizes, m in POINTS:
        X, y = rng.uniform(0, 1, (m, layer_sizes[0])), rng.integers(0, layer_sizes[-1], m)
        theta_vec = rng.uniform(-0.12, 0.12, mb.n_params(layer_sizes))
        v = rng.standard_normal(theta_vec.size)
        times = {"default threads": [], "library's choice": []}
        for _ in range(args.repeats):
            for name, threshold in (("default threads", 0), ("library's choice", chosen)):
                hessian.ONE_BLAS_THREAD_BELOW_FLOPS = threshold
                start = time.perf_counter()
                mb.hessian_vector_product(theta_vec, layer_sizes, X, y, 1.0, v)
                times[name].append(time.perf_counter() - start)
        hessian.ONE_BLAS_THREAD_BELOW_FLOPS = chosen
        row = ", ".join(f"{name} {1e3 * np.median(t):.2f}" for name, t in times.items())
        print(f"{'-'.join(map(str, layer_sizes))} m={m}: {row}")


if __name__ == "__main__":
    main()
