"""The command line: ``manual-backprop train``, ``check`` and ``demo`` (also ``python -m manual_backprop``).

* ``train``: the course's whole workflow on handwritten digits: one gradient check on a small
  network, then training (a progress bar shows the iteration and J), then the train and test
  accuracy beside those of scikit-learn's MLPClassifier on the same split, and two pictures (the
  learning curve and the hidden units' input weights) in the output folder. ``--json`` prints one
  JSON object instead of the report.
* ``check``: gradient checks on a few architectures and activations, as a table.
* ``demo``: the course's 3-5-3 debug network: J, DVec beside gradApprox, their relative difference.

SciPy, scikit-learn and matplotlib (the ``train`` extra) are imported by the commands that use them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import warnings

import numpy as np

from reference.finite_difference import central_difference, relative_difference

from .activations import ACTIVATIONS
from .backprop import nn_cost, nn_cost_function
from .cost import OUTPUTS
from .gradient_check import check_gradients, debug_network

__all__ = ["main", "ProgressBar"]


def demo(lam):
    theta_vec, layer_sizes, X, y = debug_network()
    J, grad_vec = nn_cost_function(theta_vec, layer_sizes, X, y, lam)
    grad_approx = central_difference(lambda theta: nn_cost(theta, layer_sizes, X, y, lam), theta_vec)
    print(f"network {'-'.join(map(str, layer_sizes))}, m = {X.shape[0]}, lambda = {lam:g}")
    print(f"cost J = {J:.10f}")
    print(f"{'gradApprox':>14} {'DVec':>14}")
    for numerical, analytical in zip(grad_approx, grad_vec):
        print(f"{numerical:14.10f} {analytical:14.10f}")
    rel = relative_difference(grad_approx, grad_vec)
    print(f"relative difference norm(gradApprox - DVec) / norm(gradApprox + DVec) = {rel:.3e}")
    return 0


class ProgressBar:
    """A text progress bar on a stream: ``[#####-----] iteration 120/400  J = 0.4321``.

    On a terminal it redraws one line in place; elsewhere (a log, a pipe) it writes a line every
    tenth of the way, so logs stay short. Call it as ``bar(iteration, J)``; ``bar.close()`` ends it.
    """

    def __init__(self, total, stream=None, width=30):
        self.total, self.width = max(1, total), width
        self.stream = sys.stderr if stream is None else stream
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last_tenth, self.last_draw, self.line, self.written = -1, 0.0, None, None

    def __call__(self, iteration, J):
        fraction = min(1.0, iteration / self.total)
        filled = int(round(fraction * self.width))
        self.line = f"[{'#' * filled}{'-' * (self.width - filled)}] iteration {iteration}/{self.total}  J = {J:.6f}"
        if self.interactive:
            now = time.perf_counter()
            if now - self.last_draw > 0.05:
                self.stream.write("\r" + self.line)
                self.stream.flush()
                self.last_draw = now
        elif int(fraction * 10) > self.last_tenth:
            self.last_tenth = int(fraction * 10)
            self.stream.write(self.line + "\n")
            self.written = self.line

    def close(self):
        """Show the last iteration (an optimiser may stop before ``total``) and end the line."""
        if self.interactive and self.line is not None:
            self.stream.write("\r" + self.line + "\n")
        elif self.line != self.written:
            self.stream.write(self.line + "\n")
        self.stream.flush()


def gradient_check_row(hidden_layers, *, activation, output, lam, num_labels=3, method="central"):
    """One gradient check of backprop on the debug network with ``hidden_layers`` hidden layers of
    5 units (:func:`manual_backprop.gradient_check.debug_network`): (layer_sizes, report)."""
    theta_vec, layer_sizes, X, y = debug_network(num_labels=num_labels, hidden_layers=hidden_layers)

    def cost_function(theta):
        return nn_cost_function(theta, layer_sizes, X, y, lam, activation=activation, output=output)

    def cost(theta):
        return nn_cost(theta, layer_sizes, X, y, lam, activation=activation, output=output)

    report = check_gradients(cost_function, theta_vec, layer_sizes, method=method, cost=cost,
                             rng=np.random.default_rng(0))
    return layer_sizes, report


def _network_name(layer_sizes):
    return "-".join(map(str, layer_sizes))


def _load_data(args):
    from .data import load_course_split, load_digits_split

    if args.data is None:
        return load_digits_split(test_size=args.test_size), "scikit-learn's load_digits, 8x8 images, pixels scaled to [0, 1]"
    return (load_course_split(args.data, test_size=args.test_size),
            f"{os.fspath(args.data)}, course labels 1..10 mapped to digits (10 is 0)")


def _baseline(args, digits):
    """scikit-learn's MLPClassifier with the same hidden layers, activation, lambda and iterations."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    activation = {"sigmoid": "logistic", "tanh": "tanh", "relu": "relu"}[args.activation]
    mlp = MLPClassifier(hidden_layer_sizes=tuple(args.hidden), activation=activation, alpha=args.lam,
                        solver="lbfgs", max_iter=args.max_iter, random_state=args.seed)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        mlp.fit(digits.X_train, digits.y_train)
    seconds = time.perf_counter() - start
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    settings = (f"MLPClassifier(hidden_layer_sizes={tuple(args.hidden)}, activation={activation!r}, "
                f"alpha={args.lam:g}, solver='lbfgs', max_iter={args.max_iter}, random_state={args.seed})")
    return {
        "baseline": settings,
        "baseline_train_accuracy": float(mlp.score(digits.X_train, digits.y_train)),
        "baseline_test_accuracy": float(mlp.score(digits.X_test, digits.y_test)),
        "baseline_converged": converged,
        "baseline_seconds": seconds,
    }


def train(args):
    from threadpoolctl import threadpool_limits

    # The digits' matrices are small (1,347 x 64 by 64 x 25): BLAS threads cost more in synchronisation
    # than they save, and far more on a busy machine, so one thread is the default.
    with threadpool_limits(limits=args.blas_threads, user_api="blas"):
        return _train(args)


def _train(args):
    from reference.tolerances import tolerance

    from .plots import plot_hidden_units, plot_learning_curve
    from .predict import predict
    from .train import OPTIMIZERS, hidden_unit_spread, initial_weights, train_network
    from .unrolling import reshape

    started = time.perf_counter()
    say = (lambda *a: None) if args.json else print
    digits, source = _load_data(args)
    K = int(max(digits.y_train.max(), digits.y_test.max())) + 1
    layer_sizes = (digits.X_train.shape[1], *args.hidden, K)
    settings = {
        "layer_sizes": list(layer_sizes), "lambda": args.lam, "activation": args.activation, "output": args.output,
        "optimizer": args.optimizer, "max_iter": args.max_iter, "learning_rate": args.learning_rate,
        "init": args.init, "seed": args.seed, "test_size": args.test_size,
        "data": source, "m_train": int(digits.y_train.size), "m_test": int(digits.y_test.size),
    }
    say(f"data: {source}; {digits.y_train.size} training and {digits.y_test.size} test examples")
    say(f"network {_network_name(layer_sizes)}, {args.activation} hidden units, {args.output} output, "
        f"lambda = {args.lam:g}, initialisation {args.init}")

    # The course's order: check the gradient once, on a small network, then switch the check off.
    check_sizes, report = gradient_check_row(len(args.hidden), activation=args.activation, output=args.output,
                                             lam=args.lam)
    gradient_check = {"layer_sizes": list(check_sizes), "relative_difference": report.relative_difference,
                      "tolerance": report.tolerance, "passed": bool(report.passed)}
    say(f"gradient check on the small network {_network_name(check_sizes)}: relative difference "
        f"{report.relative_difference:.3e} (tolerance {report.tolerance:g}): {'passed' if report.passed else 'FAILED'}")
    if not report.passed:
        print(f"backprop disagrees with the numerical gradient; not training.\n{report}", file=sys.stderr)
        return 1

    say(f"training: {OPTIMIZERS[args.optimizer]}, at most {args.max_iter} iterations")
    bar = None if args.no_progress else ProgressBar(args.max_iter)
    theta_vec = initial_weights(layer_sizes, args.init, rng=np.random.default_rng(args.seed))
    start = time.perf_counter()
    result = train_network(layer_sizes, digits.X_train, digits.y_train, args.lam, theta_vec=theta_vec,
                           activation=args.activation, output=args.output, optimizer=args.optimizer,
                           max_iter=args.max_iter, learning_rate=args.learning_rate, callback=bar)
    seconds = time.perf_counter() - start
    if bar is not None:
        bar.close()
    say(f"stopped after {result.n_iterations} iterations ({result.message}): J = {result.cost_history[-1]:.6f}, "
        f"{seconds:.2f} s")

    thetas = reshape(result.theta_vec, layer_sizes)
    accuracy = {
        "train_accuracy": float(np.mean(predict(thetas, digits.X_train, activation=args.activation,
                                                output=args.output) == digits.y_train)),
        "test_accuracy": float(np.mean(predict(thetas, digits.X_test, activation=args.activation,
                                               output=args.output) == digits.y_test)),
    }
    spread = hidden_unit_spread(result.theta_vec, layer_sizes)
    # Layers of one unit have nothing to be identical to; the question is for the others.
    spreads = [d for d, s in zip(spread, layer_sizes[1:-1]) if s > 1]
    tol = tolerance("identical_units")
    limit = tol.atol + tol.rtol * float(np.abs(result.theta_vec).max())
    identical = bool(spreads) and all(d <= limit for d in spreads)
    baseline = {} if args.no_baseline else _baseline(args, digits)

    os.makedirs(args.out, exist_ok=True)
    title = f"{_network_name(layer_sizes)}, lambda = {args.lam:g}, {OPTIMIZERS[args.optimizer]}, init {args.init}"
    figures = {
        "learning_curve": plot_learning_curve(result.cost_history, os.path.join(args.out, "learning_curve.png"),
                                              title=f"Learning curve: {title}"),
        "hidden_units": plot_hidden_units(thetas[0], os.path.join(args.out, "hidden_units.png"),
                                          image_shape=digits.image_shape, order=digits.order,
                                          title=f"Hidden units of {_network_name(layer_sizes)}: input weights"),
    }

    summary = {
        "settings": settings, "gradient_check": gradient_check, **accuracy, **baseline,
        "final_cost": result.cost_history[-1], "iterations": result.n_iterations, "converged": result.converged,
        "optimizer_message": result.message, "cost_history": result.cost_history,
        "hidden_units_identical": identical, "hidden_unit_spread": spread,
        "seconds": seconds, "total_seconds": time.perf_counter() - started, "figures": figures,
    }
    print(json.dumps(summary) if args.json else _report(summary))
    return 0


def _report(summary):
    """The end of the text report: accuracies side by side, the symmetry verdict, the figures."""
    lines = [f"\n{'accuracy':<30}{'train':>8}{'test':>8}",
             f"{'manual-backprop (this run)':<30}{summary['train_accuracy']:>8.4f}{summary['test_accuracy']:>8.4f}"]
    if "baseline" in summary:
        note = "" if summary["baseline_converged"] else " (stopped at max_iter)"
        lines += [f"{'scikit-learn MLPClassifier':<30}{summary['baseline_train_accuracy']:>8.4f}"
                  f"{summary['baseline_test_accuracy']:>8.4f}",
                  f"  baseline: {summary['baseline']}{note}, {summary['baseline_seconds']:.2f} s"]
    if summary["hidden_units_identical"]:
        hidden = summary["settings"]["layer_sizes"][1:-1]
        units = (f"the {hidden[0]} hidden units stayed identical" if len(hidden) == 1 else
                 f"the hidden units of each of the {len(hidden)} hidden layers ({', '.join(map(str, hidden))} "
                 f"units) stayed identical")
        lines.append(f"\nsymmetry: {units} "
                     f"(all-equal initial weights never break symmetry), so the network has in effect one hidden "
                     f"unit per layer; test accuracy {summary['test_accuracy']:.4f}")
    elif max(summary["settings"]["layer_sizes"][1:-1]) > 1:
        lines.append(f"\nsymmetry broken: the hidden units differ (largest weight difference between units "
                     f"{max(summary['hidden_unit_spread']):.3g})")
    lines += [f"figures: {summary['figures']['learning_curve']}, {summary['figures']['hidden_units']}",
              f"total {summary['total_seconds']:.1f} s"]
    return "\n".join(lines)


CHECKS = [  # (hidden layers, activation, output, lambda, K) of the networks that `check` runs
    (1, "sigmoid", "sigmoid", 0.0, 3),
    (1, "sigmoid", "sigmoid", 3.0, 3),
    (1, "sigmoid", "sigmoid", 1.0, 1),
    (2, "tanh", "sigmoid", 1.0, 3),
    (2, "relu", "sigmoid", 1.0, 3),
    (1, "sigmoid", "softmax", 1.0, 3),
    (2, "tanh", "softmax", 3.0, 3),
    (3, "sigmoid", "sigmoid", 1.0, 2),
]


def check(args):
    header = f"{'network':<14}{'activation':<12}{'output':<9}{'lambda':>7}  {'relative difference':>20}  {'tolerance':>10}  result"
    print(f"gradient checks ({args.method}) of backprop on small networks (weights and X from debug_initialize_weights)")
    print(header)
    print("-" * len(header))
    all_passed = True
    for hidden_layers, activation, output, lam, K in CHECKS:
        if args.method == "complex" and activation == "relu":
            continue  # relu is not analytic: the complex step does not apply
        layer_sizes, report = gradient_check_row(hidden_layers, activation=activation, output=output, lam=lam,
                                                 num_labels=K, method=args.method)
        all_passed &= bool(report.passed)
        print(f"{_network_name(layer_sizes):<14}{activation:<12}{output:<9}{lam:>7g}  {report.relative_difference:>20.3e}"
              f"  {report.tolerance:>10.1e}  {'passed' if report.passed else 'FAILED'}")
    return 0 if all_passed else 1


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text}")
    return value


def _fraction(text):
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be a fraction in (0, 1), got {text}")
    return value


def _non_negative(text):
    value = float(text)
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text}")
    return value


def _positive(text):
    value = float(text)
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def _train_parser(commands):
    from .train import INITIALIZATIONS, OPTIMIZERS

    p = commands.add_parser("train", help="train on handwritten digits: gradient check, training, accuracy, pictures",
                            description="The course's workflow on scikit-learn's 8x8 digits (or a course .mat file).")
    p.add_argument("--hidden", type=_positive_int, nargs="+", default=[25], metavar="S",
                   help="units of each hidden layer (default 25: the network 64-25-10)")
    p.add_argument("--lambda", dest="lam", type=_non_negative, default=1.0, help="regularisation lambda (default 1)")
    p.add_argument("--optimizer", choices=list(OPTIMIZERS), default="lbfgs",
                   help="lbfgs (SciPy L-BFGS-B, default), cg (SciPy CG, the course's fmincg) or gd (gradient descent)")
    p.add_argument("--max-iter", type=_positive_int, default=400, help="iterations (default 400)")
    p.add_argument("--learning-rate", type=_positive, default=1.0, help="alpha for gradient descent (default 1)")
    p.add_argument("--init", choices=list(INITIALIZATIONS), default="random",
                   help="initial weights: " + "; ".join(f"{k}: {v}" for k, v in INITIALIZATIONS.items()))
    p.add_argument("--activation", choices=sorted(ACTIVATIONS), default="sigmoid", help="hidden units (default sigmoid)")
    p.add_argument("--output", choices=sorted(OUTPUTS), default="sigmoid", help="output layer (default sigmoid)")
    p.add_argument("--seed", type=int, default=0, help="seed of the initial weights and of the baseline (default 0)")
    p.add_argument("--test-size", type=_fraction, default=0.25, help="fraction of each digit held out (default 0.25)")
    p.add_argument("--data", default=None, metavar="FILE.mat",
                   help="an ex4data1.mat-style file (X, y with labels 1..10) instead of scikit-learn's digits")
    p.add_argument("--out", default="manual-backprop-out", help="folder for the PNGs (default ./manual-backprop-out)")
    p.add_argument("--blas-threads", type=_positive_int, default=1, help="threads of BLAS (default 1)")
    p.add_argument("--json", action="store_true", help="print one JSON object with the settings and the results")
    p.add_argument("--no-baseline", action="store_true", help="skip scikit-learn's MLPClassifier")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="manual-backprop", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    _train_parser(commands)
    check_parser = commands.add_parser("check", help="gradient checks on a few architectures and activations")
    check_parser.add_argument("--method", choices=["central", "directional", "complex"], default="central",
                              help="how the numerical gradient is taken (default central differences)")
    demo_parser = commands.add_parser("demo", help="cost and gradient of the course's 3-5-3 debug network")
    demo_parser.add_argument("--lambda", dest="lam", type=_non_negative, default=0.0, help="regularisation (default 0)")
    args = parser.parse_args(argv)
    if args.command == "train":
        return train(args)
    if args.command == "check":
        return check(args)
    return demo(args.lam)
