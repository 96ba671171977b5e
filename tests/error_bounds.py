"""How far a correct float computation of J and DVec may be from the exact values, for one problem.

At extreme magnitudes no fixed tolerance is right. With weights and inputs of 1e3, a z(l) is a sum
of terms of 1e6 and carries an absolute rounding error of ~1e-10 or more; a saturated unit's
g'(z) ~ e^-|z| then has that much *relative* error, and the next layer multiplies the error by
|Theta| ~ 1e3 again. Near-zero gradients of saturated units are known only to an absolute error
that scales with the problem. So the comparison bound is computed for each problem, by a running
(a posteriori) error analysis of the forward and backward pass in the course's form:

* every dot product of n terms errs by at most gamma_n sum |terms|, gamma_n = n u / (1 - n u)
  (Higham, Accuracy and Stability of Numerical Algorithms, 3.1), u the unit roundoff;
* an error E in z moves g(z) and g'(z) by at most their largest change over [z - E, z + E]
  (mean value theorem: sigmoid and tanh are monotone in |z|, so the extremes are at the ends;
  ReLU's g' jumps from 0 to 1 when the interval contains 0, a kink that rounding can cross);
* ULPS u relative for each elementwise function (exp, tanh and the logistic of NumPy and XLA
  are faithful to a few ulp, not correctly rounded); g' taken from z (the library) errs by
  that much relative, while g' formed from a = g(z), as a (1 - a) or 1 - a^2 (JAX's derivative
  rules), also takes a's absolute error into 1 - a, which near saturation is all of g';
* below the normal range a value keeps only an absolute accuracy: each operation may add up to
  ``tiny`` (the smallest normal number, 2.2e-308 in float64, 1.2e-38 in float32) absolutely,
  whether it rounds to a subnormal, flushes to 0, or, as in 1 / (1 + exp(-z)) when exp(-z)
  overflows, returns 0 for a true value below ``tiny``; that is the absolute floor, and the
  products after it scale it by the problem's weights. XLA (the oracle's backend on the CPU)
  flushes subnormal inputs and results to zero, so every input, weights and lambda included,
  carries that floor too (lambda = 38 times a weight of 1e-308 is -3.8e-307 here, 0 for JAX);
* the output error delta(L): the library computes it without cancellation; JAX takes it as the
  gradient of log_sigmoid or logsumexp, exp(x - softplus(x)) or exp(z - lse), whose exponent errs
  by u |z| absolutely, a relative error of u |z| in float64 (26 u measured at z = 33.5), and for
  softmax forms h_c - 1 by subtraction, (K + 2) u h_c absolute.

The bound is evaluated in float64 from the exact inputs and holds for any implementation that
follows the same formulas in any summation order, so it bounds the library and the oracle alike.
It leaves out second-order terms (u^2), which the safety factor of the tolerance table covers.
"""

from __future__ import annotations

import numpy as np

__all__ = ["error_bounds", "oracle_and_bounds", "ULPS"]

ULPS = 8  # relative error of an elementwise function, in units of u
_U64 = 2.0 ** -53  # the oracle's delta(L) is always computed in float64


def _gamma(n, u):
    return n * u / (1.0 - n * u)


def _sigmoid(z):
    with np.errstate(over="ignore", under="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def _g_and_slopes(activation, z, Ez):
    """g(z), g'(z), the largest |g'| over [z - Ez, z + Ez], and the largest |g'(z') - g'(z)| there."""
    if activation == "relu":
        g = np.maximum(z, 0.0)
        slope = (z > 0).astype(float)
        crosses = np.abs(z) <= Ez  # the interval contains the kink
        return g, slope, np.maximum(slope, crosses), crosses.astype(float)
    near, far = np.maximum(np.abs(z) - Ez, 0.0), np.abs(z) + Ez
    if activation == "sigmoid":
        g = _sigmoid(z)
        d = lambda x: _sigmoid(x) * _sigmoid(-x)  # noqa: E731
    else:
        g = np.tanh(z)
        d = lambda x: 1.0 / np.cosh(np.minimum(x, 350.0)) ** 2  # noqa: E731  (cosh overflows past 710)
    slope = d(np.abs(z))
    return g, slope, d(near), np.maximum(d(near) - slope, slope - d(far))


def error_bounds(theta_vec, layer_sizes, X, Y, lam, *, activation, output, dtype, g_prime_from="z"):
    """Bounds on |J_computed - J| and |grad_computed - grad| (per entry) for a computation in
    ``dtype`` (float64 or float32), whose unit roundoff is u and smallest normal number tiny,
    that takes g' from z (``g_prime_from="z"``, the library) or from a = g(z) ("a", JAX).

    theta_vec (P,), X (m, s_1) and Y, the (m, K) 0-1 label matrix, are float64 holding the exact
    input values. Returns (EJ, Egrad) with Egrad of shape (P,), unrolled like theta_vec.
    """
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        return _error_bounds(np.asarray(theta_vec, float), tuple(layer_sizes), np.asarray(X, float),
                             np.asarray(Y, float), float(lam), activation, output, np.finfo(dtype), g_prime_from)


def _error_bounds(theta_vec, layer_sizes, X, Y, lam, activation, output, finfo, g_prime_from):
    u, tiny = finfo.eps / 2, finfo.tiny
    thetas, start = [], 0
    for s, s_next in zip(layer_sizes[:-1], layer_sizes[1:]):
        stop = start + s_next * (s + 1)
        thetas.append(theta_vec[start:stop].reshape((s_next, s + 1), order="F"))
        start = stop
    m = X.shape[0]
    ones = np.ones((m, 1))

    # Forward: a(l) with its bias column, its error bound Ea(l), z(l+1) and Ez(l+1). Every input
    # entry (X and Theta) may be flushed to zero when subnormal: an error of tiny.
    a, Ea = [np.hstack([ones, X])], [np.hstack([np.zeros((m, 1)), np.full(X.shape, tiny)])]
    z, Ez, slopes, slope_errors = [], [], [], []
    for l, Theta in enumerate(thetas):
        n = Theta.shape[1]
        z.append(a[l] @ Theta.T)
        Ez.append(_gamma(n + 1, u) * (np.abs(a[l]) @ np.abs(Theta.T)) + Ea[l] @ (np.abs(Theta.T) + tiny)
                  + tiny * np.abs(a[l]).sum(axis=1, keepdims=True) + n * tiny)
        if l < len(thetas) - 1:
            g, slope, slope_max, slope_change = _g_and_slopes(activation, z[l], Ez[l])
            a.append(np.hstack([ones, g]))
            Ea.append(np.hstack([np.zeros((m, 1)), slope_max * Ez[l] + ULPS * u * np.abs(g) + tiny]))
            slopes.append(slope)
            # g' read off a = g(z) as a (1 - a) or 1 - a^2: the error of a, absolute, goes into 1 - a.
            from_a = ULPS * u * 2 * np.abs(g) if g_prime_from == "a" else 0.0
            slope_errors.append(slope_change + ULPS * u * slope + from_a + 2 * tiny)

    # Output error delta(L) = h - y and the cost, with their bounds.
    z_L, E_L = z[-1], Ez[-1]
    K = Y.shape[1]
    if output == "sigmoid":
        sign = 1.0 - 2.0 * Y
        delta = sign * _sigmoid(sign * z_L)
        moved = np.maximum(np.abs(_sigmoid(sign * z_L + E_L) - _sigmoid(sign * z_L)),
                           np.abs(_sigmoid(sign * z_L - E_L) - _sigmoid(sign * z_L)))
        E_delta = moved + (ULPS * u + _U64 * np.abs(z_L)) * np.abs(delta) + tiny
        data = np.logaddexp(0.0, sign * z_L).sum()
        E_data = (_sigmoid(sign * z_L + E_L) * E_L).sum() + _gamma(m * K + 3, u) * data + m * K * tiny
    else:
        shifted = z_L - z_L.max(axis=1, keepdims=True)
        h = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        delta = h - Y
        delta[Y == 1] = -(h * (1 - Y)).sum(axis=1)
        row_E = E_L.max(axis=1, keepdims=True)
        lse = z_L.max(axis=1) + np.log(np.exp(shifted).sum(axis=1))
        E_delta = (np.abs(delta) * np.expm1(2 * row_E) + (K + ULPS) * u * (np.abs(delta) + h * Y)
                   + _U64 * (np.abs(z_L) + np.abs(lse)[:, None]) * h + (K + 1) * tiny)
        data = (lse - (Y * z_L).sum(axis=1)).sum()
        E_data = (2 * row_E.sum() + _gamma(m * (K + 3), u) * (np.abs(data) + np.abs(z_L).max(axis=1).sum())
                  + m * (K + 2) * tiny)
    weights = sum((Theta[:, 1:] ** 2).sum() for Theta in thetas)
    E_weights = _gamma(len(theta_vec) + 3, u) * weights + 2 * tiny * sum(np.abs(T[:, 1:]).sum() for T in thetas)
    EJ = E_data / m + lam / (2 * m) * E_weights + tiny / (2 * m) * weights + len(theta_vec) * tiny

    # Backward: delta(l) = (delta(l+1) Theta(l)[:, 1:]) .* g'(z(l)) and D(l) = delta(l+1)^T a(l) / m + ...
    E_grad = [None] * len(thetas)
    for l in range(len(thetas) - 1, -1, -1):
        D = delta.T @ a[l] / m
        E_D = (_gamma(m + 2, u) * (np.abs(delta.T) @ np.abs(a[l])) + E_delta.T @ (np.abs(a[l]) + Ea[l])
               + np.abs(delta.T) @ Ea[l]) / m + u * np.abs(D) + (m + 3) * tiny
        E_D[:, 1:] += lam / m * (3 * u * np.abs(thetas[l][:, 1:]) + tiny) + tiny / m * np.abs(thetas[l][:, 1:])
        E_grad[l] = E_D
        if l > 0:
            W = thetas[l][:, 1:]
            t = delta @ W
            E_t = (_gamma(W.shape[0] + 1, u) * (np.abs(delta) @ np.abs(W)) + E_delta @ (np.abs(W) + tiny)
                   + tiny * np.abs(delta).sum(axis=1, keepdims=True) + W.shape[0] * tiny)
            slope, slope_error = slopes[l - 1], slope_errors[l - 1]
            delta = t * slope
            E_delta = E_t * (slope + slope_error) + np.abs(t) * slope_error + u * np.abs(delta) + tiny
    return EJ, np.concatenate([E.ravel(order="F") for E in E_grad])


def oracle_and_bounds(problem, dtype):
    """(J_jax, grad_jax, EJ, E_grad) for a problem (tests.hostile.Problem) computed in ``dtype`` by the
    library: the oracle's cost and gradient (reference.autodiff, float64, on the same values) and
    the sums of both sides' error bounds."""
    from reference import autodiff

    theta_vec, layer_sizes, X, y, lam = problem.args()
    J_jax, grad_jax = autodiff.nn_cost_function(theta_vec, layer_sizes, X, y, lam, **problem.kwargs())
    Y = autodiff.label_matrix(y, layer_sizes[-1])
    (EJ, E_grad), (EJ_jax, E_grad_jax) = (
        error_bounds(theta_vec, layer_sizes, X, Y, lam, **problem.kwargs(), dtype=d, g_prime_from=source)
        for d, source in ((dtype, "z"), (np.float64, "a")))
    return J_jax, grad_jax, EJ + EJ_jax, E_grad + E_grad_jax


def _measure(n_examples, activations=("sigmoid", "tanh", "relu")):
    """The largest |library - oracle| / (E_library + E_oracle) over the oracle property's problems
    (those of the given hidden activations)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.hostile import problems
    from tests.test_reliability import ORACLE_NETWORKS, RAISE_BUT_UNDERFLOW, cost_function

    worst = {"gradient": (0.0, None), "cost": (0.0, None)}

    @settings(max_examples=n_examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(problems(sizes=ORACLE_NETWORKS, m=st.sampled_from([1, 3])))
    def measure(problem):
        if problem["activation"] not in activations:
            return
        with np.errstate(**RAISE_BUT_UNDERFLOW):
            J, grad_vec = cost_function(problem)
        J_jax, grad_jax, EJ, E_grad = oracle_and_bounds(problem, grad_vec.dtype)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = {"gradient": np.nan_to_num(np.abs(grad_vec - grad_jax) / E_grad).max(), "cost": abs(J - J_jax) / EJ}
        for key, ratio in ratios.items():
            if ratio > worst[key][0]:
                worst[key] = (float(ratio), f"{problem['layer_sizes']} {problem['activation']} "
                                            f"{problem['output']} {grad_vec.dtype}")

    measure()
    for key, (ratio, where) in worst.items():
        print(f"largest |library - oracle| / (E_library + E_oracle), {key}: {ratio:.3f} ({where})")


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m tests.error_bounds",
        description="The largest |library - oracle| / (E_library + E_oracle) over the oracle property's problems.")
    parser.add_argument("examples", nargs="?", type=int, default=1000, help="problems to draw (default 1000)")
    parser.add_argument("activations", nargs="?", default="sigmoid,tanh,relu",
                        help="comma-separated hidden activations to keep (default sigmoid,tanh,relu)")
    args = parser.parse_args(argv)
    _measure(args.examples, args.activations.split(","))


if __name__ == "__main__":
    main()
