"""A cost function bound to one network and one data set, for training loops.

An optimiser calls costFunction(theta_vec) -> (J, grad_vec) hundreds of times with the same X, y
and lambda. :class:`BoundCost` checks X, y and lambda once, builds a(1) = [1 X] once, and keeps
every array the forward and backward passes write between calls, so that a call after the first
allocates nothing but the grad_vec it returns (the optimiser keeps that one). The equations are
those of ``manual_backprop.backprop``:

    z(l+1)   = a(l) Theta(l)^T,  a(l+1) = [1 g(z(l+1))]
    delta(L) = h - y
    delta(l) = (delta(l+1) Theta(l)[:, 1:]) .* g'(z(l))
    Delta(l) = delta(l+1)^T a(l),  D(l) = Delta(l) / m + (lambda / m) [0 Theta(l)[:, 1:]]

Threads: NumPy's BLAS runs with one thread during a call (the caller's setting is restored after
it): BLAS threads spin waiting for each other, and a call whose second thread shares a core with
another process takes many times its one-thread time. Above a measured size, and only while other
processes leave the cores free (read from /proc/stat at most every 50 ms), the examples are split
into one block of rows per core instead (above a larger size, whatever the load), each block's
forward and backward pass on its own thread
(NumPy releases the GIL in products and elementwise passes, so the passes run in parallel too,
which BLAS threads never do), and the blocks' J and Delta(l) are added at the end. Sigmoid, tanh
and ReLU hidden units; the sigmoid output is computed into kept arrays, the softmax output by the
library's functions.
"""

from __future__ import annotations

import os
import time

try:
    import resource
except ImportError:  # not on Windows: the load is then read from nowhere, and blocks run as if the cores were free
    resource = None

import numpy as np

from ._arguments import as_array, as_layer_sizes, network_arguments, overflow_is_an_error
from .unrolling import n_params, theta_shapes


def theta_views(theta_vec, layer_sizes):
    """Theta(1), ..., Theta(L-1) as views into theta_vec (unrolling.reshape copies): each the
    transpose of a C-ordered (s_l + 1, s_{l+1}) block, as column-major unrolling lays it out."""
    thetas, start = [], 0
    for rows, cols in theta_shapes(layer_sizes):
        thetas.append(theta_vec[start:start + rows * cols].reshape(cols, rows).T)
        start += rows * cols
    return thetas

__all__ = ["BoundCost"]

# From this many floating-point operations in the products up, the examples are split into one
# block per core: two blocks took 0.81 to 0.86 of one block's time from 300 Mflop up and 1.4 to 2.3
# times it below 30 Mflop, with other processes using 1.1 to 1.5 of the 2 cores
# (python -m benchmarks.threads; benchmarks/results/profile/threads.md).
PARALLEL_ABOVE_FLOPS = 100e6
# From this many up, blocks even while other processes use the cores: two blocks took 0.78 to 0.86
# of one block's time there with 1.1 to 1.5 of the 2 cores taken by others, and a process with two
# running threads gets a larger share of busy cores than one with one
# (python -m benchmarks.threads --busy; benchmarks/results/profile/threads-busy.md).
ALWAYS_PARALLEL_ABOVE_FLOPS = 300e6

_controllers = None


def _blas_controllers():
    """threadpoolctl's controllers of NumPy's BLAS (of every BLAS loaded when none lies in NumPy's
    own folders), found once per process; [] without threadpoolctl."""
    global _controllers
    if _controllers is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _controllers = []
        else:
            blas = ThreadpoolController().select(user_api="blas").lib_controllers
            numpy_dir = os.path.dirname(os.path.realpath(np.__file__))
            own = [lib for lib in blas if os.path.realpath(lib.filepath).startswith(numpy_dir)]  # numpy/, numpy.libs/
            _controllers = own or blas
    return _controllers


class blas_threads:
    """``with blas_threads(n):`` runs the block with n BLAS threads and restores the count after
    (n = None: leave it). About 3 us per library and switch."""

    def __init__(self, n):
        self.n = n

    def __enter__(self):
        self.saved = []
        if self.n is not None:
            for lib in _blas_controllers():
                before = lib.get_num_threads()
                if before != self.n:
                    lib.set_num_threads(self.n)
                    self.saved.append((lib, before))
        return self

    def __exit__(self, *exc):
        for lib, before in self.saved:
            lib.set_num_threads(before)
        return False


def _products_flops(layer_sizes, m):
    return sum(6 * m * b * (a + 1) for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))


class _Block:
    """The kept arrays of one block of examples (rows of X) and its share of the sums over them."""

    def __init__(self, layer_sizes, X, Y, act, out):
        m, K = X.shape[0], layer_sizes[-1]
        self.layer_sizes, self.act, self.out, self.Y = layer_sizes, act, out, Y
        # a(l) = [1 g(z(l))] for l = 1..L-1, each with its column of ones set once; a(1) = [1 X].
        self.a = []
        for s in layer_sizes[:-1]:
            a = np.empty((m, s + 1))
            a[:, 0] = 1.0
            self.a.append(a)
        self.a[0][:, 1:] = X
        self.z_L = np.empty((m, K))
        self.delta = [np.empty((m, s)) for s in layer_sizes[1:]]  # delta(l+1), (m, s_{l+1})
        self.g_prime = [np.empty((m, s)) for s in layer_sizes[1:-1]]  # g'(z(l)) of the hidden layers
        self.Delta = [np.empty((b, a + 1)) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]
        self.sign = 1.0 - 2.0 * Y  # sigmoid output: the cost and delta(L) of y in {0, 1} (see cost.py)
        self.work = [np.empty((m, K)), np.empty((m, K))]

    def run(self, thetas):
        """Forward and backward over this block: returns its sum of cost terms, leaves its Delta(l)."""
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # as overflow_is_an_error, in this thread
            a, L = self.a, len(self.layer_sizes)
            for l in range(L - 2):  # z(l+1) = a(l) Theta(l)^T, computed inside a(l+1), then g in place
                g = a[l + 1][:, 1:]
                np.matmul(a[l], thetas[l].T, out=g)
                if self.act.name == "sigmoid":
                    _sigmoid(g, out=g)
                else:
                    self.act.g(g, out=g)
            np.matmul(a[L - 2], thetas[L - 2].T, out=self.z_L)
            J_data, delta = self._output(self.z_L)
            for l in range(L - 2, -1, -1):
                np.matmul(delta.T, a[l], out=self.Delta[l])  # Delta(l) = delta(l+1)^T a(l)
                if l > 0:
                    previous = self.delta[l - 1]
                    np.matmul(delta, thetas[l][:, 1:], out=previous)
                    previous *= self._g_prime(a[l][:, 1:], self.g_prime[l - 1])
                    delta = previous
        return J_data

    def _output(self, z_L):
        """(sum of the cost terms, delta(L) = h - y) from z(L), into kept arrays for the sigmoid output."""
        if self.out.name != "sigmoid":
            return self.out.cost(z_L, self.Y), self.out.error(z_L, self.Y)
        (t, u), delta = self.work, self.delta[-1]
        np.multiply(self.sign, z_L, out=t)  # t = (1 - 2y) z
        _sigmoid(t, out=delta)  # delta(L) = (1 - 2y) g(t), as sigmoid_output_error
        delta *= self.sign
        # softplus(t) = max(t, 0) + log1p(exp(-|t|)), as sigmoid_cross_entropy: six SIMD passes take
        # 0.049 ms where np.logaddexp(0, t) takes 0.27 (64-25-10, m = 1797; 0.19 against 1.35 ms at
        # 400-25-10, m = 5000), within 4.1e-16 relative (python -m benchmarks.profile).
        with np.errstate(under="ignore"):
            np.abs(t, out=u)
            np.negative(u, out=u)
            np.exp(u, out=u)
            np.log1p(u, out=u)
        np.maximum(t, 0.0, out=t)
        return t.sum() + u.sum(), delta

    def _g_prime(self, a, out):
        """g'(z) from a = g(z), written into ``out``."""
        name = self.act.name
        if name == "sigmoid":
            np.subtract(1.0, a, out=out)
            out *= a
        elif name == "tanh":
            np.multiply(a, a, out=out)
            np.subtract(1.0, out, out=out)
        else:
            np.greater(a, 0.0, out=out, casting="unsafe")
        return out


class _LoadWatch:
    """How many cores other processes used lately, from /proc/stat, read at most every ``PERIOD`` s.

    (busy CPU time of the machine - this process's CPU time) / elapsed time, over the last period;
    0 where /proc/stat does not exist (then the load average stands in, less this process).
    """

    PERIOD = 0.05

    def __init__(self):
        self.others = 0.0
        self.last = self._sample()

    @staticmethod
    def _sample():
        if resource is None:
            return time.perf_counter(), None, 0.0
        own = resource.getrusage(resource.RUSAGE_SELF)
        try:
            with open("/proc/stat", "rb") as f:
                fields = f.readline().split()[1:9]
        except OSError:
            return time.perf_counter(), None, own.ru_utime + own.ru_stime
        busy = sum(int(v) for v in fields) - int(fields[3]) - int(fields[4])
        return time.perf_counter(), busy / os.sysconf("SC_CLK_TCK"), own.ru_utime + own.ru_stime

    def others_cores(self):
        now = time.perf_counter()
        if now - self.last[0] >= self.PERIOD:
            sample = self._sample()
            if sample[1] is None:  # no /proc/stat: the load average, less this process
                self.others = max(0.0, os.getloadavg()[0] - 1.0) if hasattr(os, "getloadavg") else 0.0
            else:
                elapsed = sample[0] - self.last[0]
                self.others = max(0.0, (sample[1] - self.last[1]) - (sample[2] - self.last[2])) / elapsed
            self.last = sample
        return self.others


def _sigmoid(z, out):
    """g(z) = 1 / (1 + exp(-z)) into ``out``, as activations.sigmoid; the last pass divides, since
    np.divide(1, x) takes 0.042 ms where np.reciprocal(x) takes 0.058 (a(2) at 64-25-10, m = 1797;
    0.13 against 0.18 at 400-25-10, m = 5000; bit for bit the same; python -m benchmarks.profile)."""
    with np.errstate(over="ignore", under="ignore"):  # exp(-z) = inf gives g = 0, exactly as the library's
        np.negative(z, out=out)
        np.exp(out, out=out)
        out += 1.0
        np.divide(1.0, out, out=out)
    return out


_pool = None


def _thread_pool():
    global _pool
    if _pool is None:
        from concurrent.futures import ThreadPoolExecutor

        _pool = ThreadPoolExecutor(max_workers=max(1, _cores() - 1), thread_name_prefix="manual_backprop")
    return _pool


def _cores():
    """The cores this process may use, or fewer where the caller limited NumPy's BLAS threads
    (threadpoolctl, OPENBLAS_NUM_THREADS=1...): such a limit is a request for fewer threads."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return min([cores] + [lib.get_num_threads() for lib in _blas_controllers()])


class BoundCost:
    """costFunction(theta_vec) -> (J, grad_vec) for one network, one data set and one lambda.

    Parameters
    ----------
    layer_sizes : (s_1, ..., s_L); X : (m, s_1); y : labels 0..K-1 (m,) or an (m, K) 0-1 matrix;
    lam : lambda >= 0; activation, output : as for ``nn_cost_function``;
    blocks : "auto" (one per core above PARALLEL_ABOVE_FLOPS, else 1; one block while other
        processes use the cores) or an int: the examples are split into this many blocks of rows,
        run at once on as many threads with one BLAS thread each, and their sums added.

    Calling it with theta_vec (P,) returns J (float) and a new grad_vec (P,), equal to
    ``nn_cost_function(theta_vec, layer_sizes, X, y, lam)`` to rounding. Float64 only.
    """

    def __init__(self, layer_sizes, X, y, lam=0.0, *, activation="sigmoid", output="sigmoid", blocks="auto"):
        self.layer_sizes = as_layer_sizes(layer_sizes)
        # The library's own gate, once: X, y and lambda checked and converted here, never per call.
        shapes = [np.zeros(shape) for shape in theta_shapes(self.layer_sizes)]
        self.args = network_arguments(shapes, X, y, lam, activation=activation, output=output)
        _, X, Y, self.lam, act, out = self.args
        X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
        m = X.shape[0]
        self.m, self.P = m, n_params(self.layer_sizes)
        watch = blocks == "auto"
        if watch:
            blocks = _cores() if _products_flops(self.layer_sizes, m) >= PARALLEL_ABOVE_FLOPS else 1
        bounds = np.linspace(0, m, min(blocks, m) + 1).astype(int)
        self.blocks = [_Block(self.layer_sizes, X[r0:r1], Y[r0:r1], act, out) for r0, r1 in zip(bounds[:-1], bounds[1:])]
        self.whole = self.blocks[0] if len(self.blocks) == 1 else _Block(self.layer_sizes, X, Y, act, out)
        always = _products_flops(self.layer_sizes, m) >= ALWAYS_PARALLEL_ABOVE_FLOPS
        self.load = _LoadWatch() if watch and len(self.blocks) > 1 and not always else None
        self.X = X

    def __call__(self, theta_vec):
        theta_vec = np.ascontiguousarray(as_array("theta_vec", theta_vec, ndim=1), dtype=np.float64)
        if theta_vec.shape[0] != self.P:
            raise ValueError(f"theta_vec must have length {self.P} for layer sizes {self.layer_sizes}, "
                             f"got {theta_vec.shape[0]}")
        thetas, m, lam = theta_views(theta_vec, self.layer_sizes), self.m, self.lam
        # Blocks on threads only while the other cores are free: a thread that waits for a core
        # another process holds makes the whole call wait (measured: docs/benchmarks.md, "threads").
        parallel = self.load is None or self.load.others_cores() < 0.5
        blocks = self.blocks if parallel else [self.whole]
        with blas_threads(1), overflow_is_an_error(self.args._replace(thetas=thetas)):
            first, others = blocks[0], blocks[1:]
            pending = [_thread_pool().submit(block.run, thetas) for block in others]
            J_data = first.run(thetas) + sum(f.result() for f in pending)
            grad_vec = np.empty(self.P)
            penalty = 0.0
            for l, (Theta, D) in enumerate(zip(thetas, theta_views(grad_vec, self.layer_sizes))):
                D[...] = first.Delta[l]  # Delta(l), summed over the blocks
                for block in others:
                    D += block.Delta[l]
                D /= m
                if lam > 0:  # into the first block's Delta(l), free now: no P-sized temporaries
                    weights, scratch = Theta[:, 1:], first.Delta[l][:, 1:]
                    penalty += np.multiply(weights, weights, out=scratch).sum()
                    D[:, 1:] += np.multiply(weights, lam / m, out=scratch)
        return J_data / m + lam / (2.0 * m) * penalty, grad_vec
