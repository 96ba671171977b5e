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

computed in their transposed form (z(l+1)^T = Theta(l) a(l)^T, ...: the hidden layers are kept
with one column per example; see ``_Block``).

g'(z) of the hidden layers is taken from z, as ``manual_backprop.activations`` does, right to a
few ulp wherever its true value is a normal float, even where a unit saturates: for the sigmoid,
e = exp(-z) is kept in the g' array while a = 1 / (1 + e) is formed, and g' = (e a) a; for tanh,
g' = 1 / cosh(z)^2 before tanh overwrites z. The regulariser is the plain sum of squares, and
:func:`manual_backprop.cost.regularization_cost` (scaled, no square overflows) where that sum
overflows or is so small that its squares lost digits.

Threads: NumPy's BLAS runs with one thread during a call (the caller's setting is restored after
it): BLAS threads spin waiting for each other, and a call whose second thread shares a core with
another process took 14 times its one-thread time at 64-25-10 (python -m benchmarks.threads --busy).
From PARALLEL_ABOVE_FLOPS of products up, the examples are split into one block of rows per core
this process may use; the caller's thread and the pool's threads each take the next block not yet
taken and run its forward and backward pass, and the blocks' J and Delta(l) are added at the end
in the blocks' order. The number of blocks follows from the sizes and the cores alone, never from
the machine's load, and which thread runs a block changes no bit (each block writes only its own
arrays), so the same call on the same machine gives the same bits every time.

Sigmoid, tanh and ReLU hidden units; the sigmoid output is computed into kept arrays, the softmax
output by the library's functions.
"""

from __future__ import annotations

import os
import threading

import numpy as np

from ._arguments import as_array, as_count, as_layer_sizes, network_arguments, overflow_is_an_error
from .cost import regularization_cost
from .unrolling import length_error, n_params, theta_shapes


def theta_views(theta_vec, shapes):
    """Theta(1), ..., Theta(L-1) of the given shapes (``unrolling.theta_shapes``) as views into
    theta_vec (unrolling.reshape copies): each the transpose of a C-ordered (s_l + 1, s_{l+1})
    block, as column-major unrolling lays it out."""
    return [block.T for block in _transposed_blocks(theta_vec, shapes)]


def _transposed_blocks(vec, shapes):
    """Theta(l)^T (or D(l)^T), C-ordered (s_l + 1, s_{l+1}), as views into an unrolled vector, for
    the shapes (s_{l+1}, s_l + 1) of Theta(1), ..., Theta(L-1)."""
    blocks, start = [], 0
    for rows, cols in shapes:
        blocks.append(vec[start:start + rows * cols].reshape(cols, rows))
        start += rows * cols
    return blocks


def _weight_slices(layer_sizes):
    """The entries of Theta(l)[:, 1:] in theta_vec, one contiguous slice per layer: column-major
    unrolling puts Theta(l)'s bias column first, then its weights column by column."""
    slices, start = [], 0
    for rows, cols in theta_shapes(layer_sizes):
        slices.append(slice(start + rows, start + rows * cols))
        start += rows * cols
    return slices


__all__ = ["BoundCost"]

# From this many floating-point operations in the products up, the examples are split into one
# block per core. On 2 cores, timed in steady state as a training loop calls the function, two
# blocks took 0.54 to 0.62 of one block's time from 308.55 Mflop (400-25-10, m = 5000) up with the
# machine quiet, and 0.77 to 1.06 with one core busy; at 20 and 31 Mflop 1.06 and 0.84 quiet, 1.13
# and 1.13 busy (1.05 and 1.02 quiet, 1.41 and 1.24 busy in an earlier run: between 20 and 300
# Mflop blocks gain in one run and lose in another); 1.10 to 4.41 times it below 12 Mflop (python -m
# benchmarks.threads and python -m benchmarks.threads --busy; benchmarks/results/profile/threads.md
# and threads-busy.md). One block on the BLAS's own threads takes 0.55 to 0.87 of one block's time
# from 20 Mflop up on a quiet machine and 1.07 to 1.39 times it with a core busy, 14.2 times at
# 64-25-10 (m = 1797): the caller may choose it (blas_threads=None).
PARALLEL_ABOVE_FLOPS = 300e6
# Where the plain sum of squared weights is used for the regulariser: below SQUARES_FROM a square
# may have been rounded in the subnormal range (2^-1022 u^-1, so that such a square's absolute
# error, at most 2^-1074, is below u times the sum); inf means a square or the sum overflowed.
SQUARES_FROM = 2.0 ** -969
_FLOAT_MAX = np.finfo(np.float64).max

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
    """The kept arrays of one block of examples (rows of X) and its share of the sums over them.

    a(1) = [1 X] is kept as X comes, one row per example, (m, s_1 + 1). Every later array is kept
    with one column per example, as its transpose: a(l)^T (s_l + 1, m) with the bias unit's ones as
    its first row, z(L)^T, delta(l)^T and g'(z(l))^T (s_l, m). The products then run with the
    examples as their long side,

        z(l+1)^T = Theta(l) a(l)^T,  delta(l)^T = Theta(l)[:, 1:]^T delta(l+1)^T,  Delta(l) = delta(l+1)^T a(l),

    which OpenBLAS runs faster than the course's rows, z(l+1) = a(l) Theta(l)^T and so on: with one
    thread every z product of the grid from 64-25-10 up took 0.55 to 0.98 of its time (0.64 for z(2) at 400-25-10,
    m = 5000), the other products 0.60 to 1.35 (slower only for a few small products of the output
    layer; python -m benchmarks.orientation, benchmarks/results/profile/orientation.md). The
    elementwise passes run over contiguous rows of a(l)^T.
    """

    def __init__(self, layer_sizes, X, Y, act, out):
        m, K = X.shape[0], layer_sizes[-1]
        self.layer_sizes, self.act, self.out, self.Y = layer_sizes, act, out, Y
        a_1 = np.empty((m, layer_sizes[0] + 1))
        a_1[:, 0] = 1.0
        a_1[:, 1:] = X
        # a(l)^T = [1; g(z(l))^T] for l = 2..L-1, each with its row of ones set once.
        self.a_T = [a_1.T]
        for s in layer_sizes[1:-1]:
            a_T = np.empty((s + 1, m))
            a_T[0] = 1.0
            self.a_T.append(a_T)
        self.a = [a_1] + [a_T.T for a_T in self.a_T[1:]]  # a(l), views
        self.z_L = np.empty((K, m))  # z(L)^T
        self.delta = [np.empty((s, m)) for s in layer_sizes[1:]]  # delta(l+1)^T, (s_{l+1}, m)
        self.g_prime = [np.empty((s, m)) for s in layer_sizes[1:-1]]  # g'(z(l))^T of the hidden layers
        self.Delta = [np.empty((b, a + 1)) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]
        self.sign = 1.0 - 2.0 * Y.T  # sigmoid output: the cost and delta(L) of y in {0, 1} (see cost.py)
        self.work = [np.empty((K, m)), np.empty((K, m))]

    def run(self, thetas):
        """Forward and backward over this block: returns its sum of cost terms, leaves its Delta(l)
        (the first block's then takes the sum over the blocks)."""
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # as overflow_is_an_error, in this thread
            a, a_T, L = self.a, self.a_T, len(self.layer_sizes)
            for l in range(L - 2):  # z(l+1)^T = Theta(l) a(l)^T, computed inside a(l+1)^T, then g in place
                g = a_T[l + 1][1:]
                np.matmul(thetas[l], a_T[l], out=g)
                _g_and_g_prime(self.act, g, self.g_prime[l])
            np.matmul(thetas[L - 2], a_T[L - 2], out=self.z_L)
            J_data, delta = self._output(self.z_L)
            for l in range(L - 2, -1, -1):
                np.matmul(delta, a[l], out=self.Delta[l])  # Delta(l) = delta(l+1)^T a(l)
                if l > 0:
                    previous = self.delta[l - 1]
                    np.matmul(thetas[l][:, 1:].T, delta, out=previous)
                    previous *= self.g_prime[l - 1]  # g'(z(l))^T, kept by the forward pass
                    delta = previous
        return J_data

    def _output(self, z_L):
        """(sum of the cost terms, delta(L)^T = (h - y)^T) from z(L)^T, into kept arrays (the sigmoid
        output's passes; another output's cost and error by the library's functions, then copied)."""
        delta = self.delta[-1]
        if self.out.name != "sigmoid":
            np.copyto(delta, self.out.error(z_L.T, self.Y).T)
            return self.out.cost(z_L.T, self.Y), delta
        t, u = self.work
        np.multiply(self.sign, z_L, out=t)  # t = (1 - 2y) z
        _sigmoid(t, out=delta)  # delta(L) = (1 - 2y) g(t), as sigmoid_output_error
        delta *= self.sign
        # softplus(t) = max(t, 0) + log1p(exp(-|t|)), as sigmoid_cross_entropy: six SIMD passes take
        # 0.049 ms where np.logaddexp(0, t) takes 0.19 (64-25-10, m = 1797; 0.14 against 0.92 ms at
        # 400-25-10, m = 5000), within 4.1e-16 relative (python -m benchmarks.profile).
        with np.errstate(under="ignore"):
            np.abs(t, out=u)
            np.negative(u, out=u)
            np.exp(u, out=u)
            np.log1p(u, out=u)
        np.maximum(t, 0.0, out=t)
        return t.sum() + u.sum(), delta


def _g_and_g_prime(act, z, g_prime):
    """g(z) written over z (a view into a(l+1)) and g'(z), taken from z, into ``g_prime``.

    Sigmoid: e = exp(-z) is kept in ``g_prime`` while a = 1 / (1 + e) is formed over z (e = inf,
    z < -709.78, gives a = 0, where e^z is 0 or a subnormal); then e is clipped at the largest float,
    so that g' = (e a) a = e / (1 + e)^2 is 0 there, never inf * 0, and right to a few ulp wherever
    it is a normal float. Tanh:
    g' = 1 / cosh(z)^2 (cosh = inf gives the correct 0), then g = tanh(z). ReLU: g' = [z > 0].
    """
    name = act.name
    if name == "sigmoid":
        with np.errstate(over="ignore", under="ignore"):  # as activations.sigmoid: exp(-z) = inf, g = 0 are right
            np.negative(z, out=g_prime)
            np.exp(g_prime, out=g_prime)
            np.add(g_prime, 1.0, out=z)
            # 1 / x by np.divide, as activations.sigmoid: 0.042 ms where np.reciprocal takes 0.058
            # (a(2) at 64-25-10, m = 1797; bit for bit the same; python -m benchmarks.profile).
            np.divide(1.0, z, out=z)  # a = 0 where e = inf (z < -709.78): e^z rounds to 0 or a subnormal
            np.minimum(g_prime, _FLOAT_MAX, out=g_prime)  # then g' = (e a) a = 0 there, not inf * 0
            g_prime *= z
            g_prime *= z
    elif name == "tanh":
        with np.errstate(over="ignore", under="ignore"):  # cosh(z)^2 = inf gives the correct g' = 0
            np.cosh(z, out=g_prime)
            g_prime *= g_prime
            np.divide(1.0, g_prime, out=g_prime)
        np.tanh(z, out=z)
    elif name == "relu":
        np.greater(z, 0.0, out=g_prime, casting="unsafe")
        np.maximum(z, 0.0, out=z)
    else:  # an Activation of the caller's own: its g'(z) and g(z), allocating
        g_prime[...] = act.gradient(z)
        act.g(z, out=z)


def _sigmoid(z, out):
    """g(z) = 1 / (1 + exp(-z)) into ``out``, as activations.sigmoid; the last pass divides, since
    np.divide(1, x) takes 0.042 ms where np.reciprocal(x) takes 0.058 (a(2) at 64-25-10, m = 1797;
    0.12 against 0.16 at 400-25-10, m = 5000; bit for bit the same; python -m benchmarks.profile)."""
    with np.errstate(over="ignore", under="ignore"):  # exp(-z) = inf gives g = 0, exactly as the library's
        np.negative(z, out=out)
        np.exp(out, out=out)
        out += 1.0
        np.divide(1.0, out, out=out)
    return out


def _run_blocks(blocks, thetas, threads):
    """Each block's sum of cost terms, in the blocks' order: the caller's thread and threads - 1
    threads of the pool take the next block not yet taken until none is left, so that a thread
    slowed by another process on its core takes fewer. Which thread runs a block changes no bit:
    each block writes only its own arrays."""
    sums, taken = [None] * len(blocks), iter(range(len(blocks)))
    lock, failed = threading.Lock(), []

    def work():
        while not failed:
            with lock:
                i = next(taken, None)
            if i is None:
                return
            try:
                sums[i] = blocks[i].run(thetas)
            except BaseException:
                failed.append(True)  # the others stop after their block
                raise

    helpers = [_thread_pool().submit(work) for _ in range(min(threads, len(blocks)) - 1)]
    try:
        work()
    finally:
        errors = [h.exception() for h in helpers]  # waits for every helper: none outlives the call
    for error in errors:
        if error is not None:
            raise error
    return sums


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
    blocks : "auto" (one per core this process may use from PARALLEL_ABOVE_FLOPS of products up,
        else 1: fixed by the sizes and the cores, never by the machine's load) or an int: the
        examples are split into this many blocks of rows, run on the caller's thread and a pool of
        one thread per further core, each thread taking the next block not yet taken, with one BLAS
        thread each, and their sums added in the blocks' order;
    blas_threads : the BLAS threads inside a call: 1 (the default, see "Threads" above) or None,
        which leaves the caller's setting: one block on the BLAS's threads takes 0.55 to 0.87 of
        one thread's time from 20 Mflop of products up on a quiet machine, and 1.07 to 1.39 times
        it with another process busy on a core, 14.2 times at 64-25-10 (python -m benchmarks.threads,
        with and without --busy).

    Calling it with theta_vec (P,) returns J (float) and a new grad_vec (P,), equal to
    ``nn_cost_function(theta_vec, layer_sizes, X, y, lam)`` to rounding. It computes in float64:
    X and theta_vec of another real dtype (float32 included) are converted, never computed in it.
    """

    def __init__(self, layer_sizes, X, y, lam=0.0, *, activation="sigmoid", output="sigmoid", blocks="auto",
                 blas_threads=1):
        self.layer_sizes = as_layer_sizes(layer_sizes)
        self.blas_threads = None if blas_threads is None else as_count("blas_threads", blas_threads)
        # The library's own gate, once: X, y and lambda checked and converted here, never per call.
        self.shapes = theta_shapes(self.layer_sizes)  # once: the call needs no check of them
        shapes = [np.zeros(shape) for shape in self.shapes]
        self.args = network_arguments(shapes, X, y, lam, activation=activation, output=output)
        _, X, Y, self.lam, act, out = self.args
        X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
        m = X.shape[0]
        self.m, self.P = m, n_params(self.layer_sizes)
        if isinstance(blocks, str) and blocks == "auto":
            blocks = _cores() if _products_flops(self.layer_sizes, m) >= PARALLEL_ABOVE_FLOPS else 1
        else:
            blocks = as_count("blocks", blocks, note=' (or "auto")')
        bounds = np.linspace(0, m, min(blocks, m) + 1).astype(int)
        self.blocks = [_Block(self.layer_sizes, X[r0:r1], Y[r0:r1], act, out) for r0, r1 in zip(bounds[:-1], bounds[1:])]
        self.threads = min(len(self.blocks), _cores())
        self.X = X
        self.weight_slices, self.scratch = _weight_slices(self.layer_sizes), np.empty(self.P)

    def __call__(self, theta_vec):
        theta_vec = np.ascontiguousarray(as_array("theta_vec", theta_vec, ndim=1), dtype=np.float64)
        if theta_vec.shape[0] != self.P:
            raise length_error(theta_vec.shape[0], self.layer_sizes)
        thetas, m, lam = theta_views(theta_vec, self.shapes), self.m, self.lam
        with blas_threads(self.blas_threads), overflow_is_an_error(self.args._replace(thetas=thetas)):
            first, others = self.blocks[0], self.blocks[1:]
            J_data = sum(_run_blocks(self.blocks, thetas, self.threads))  # in the blocks' order
            grad_vec = np.empty(self.P)
            for l, D_T in enumerate(_transposed_blocks(grad_vec, self.shapes)):
                Delta = first.Delta[l]
                for block in others:  # Delta(l), summed over the blocks in a fixed order, in their own layout
                    Delta += block.Delta[l]
                # Then one copy into grad_vec's column-major layout: adding the second block's Delta(1)
                # there, across the two layouts, took 1.24 ms where adding first and copying took 0.15
                # (784-256-256-10; python -m benchmarks.profile --points 784-, "Replacements").
                np.copyto(D_T.T, Delta)
            grad_vec /= m  # D(l) = Delta(l) / m ...
            if lam == 0:
                return J_data / m, grad_vec
            squares = 0.0
            for l, weights in enumerate(self.weight_slices):  # ... + (lambda / m) Theta(l)[:, 1:]
                w, scratch = theta_vec[weights], self.scratch[weights]  # contiguous in theta_vec and grad_vec
                # The squares in theta_vec's order, where they lie contiguous (0.087 ms where the
                # squares of Theta(1)[:, 1:] through a C-ordered scratch took 1.04 at 784-256-256-10,
                # ibid.), summed in the same order on every call (a change of order moves J's last
                # bits, and a training run's path with them).
                with np.errstate(over="ignore", under="ignore"):  # judged below, on the sum
                    squares += np.multiply(w, w, out=scratch).sum()
                grad_vec[weights] += np.multiply(w, lam / m, out=scratch)
            if SQUARES_FROM <= squares < np.inf:
                penalty = lam / (2.0 * m) * squares
            else:  # a square overflowed or lost digits: the library's scaled form
                penalty = regularization_cost(thetas, lam, m)
        return J_data / m + penalty, grad_vec
