"""The command line: manual-backprop train, check and demo (also python -m manual_backprop).

* train: the course's whole workflow on handwritten digits: one gradient check on a small network,
  then training (with a progress bar on a terminal), then the train and test accuracy beside those
  of scikit-learn's MLPClassifier on the same split, and two pictures (the learning curve and the
  hidden units' input weights) in the output folder. --json prints one JSON object instead.
* check: gradient checks on a few architectures and activations, as a table.
* demo: the course's 3-5-3 debug network: J, DVec beside gradApprox, their relative difference.

Each step is a library call (manual_backprop.data, manual_backprop.train, manual_backprop.plots);
this module parses the arguments, prints, and turns failures into one line on stderr and an exit
status: 0 done, 1 the data cannot be used or a check or the training failed, 2 the command line
is wrong (an option's value, a path that does not exist, an output folder that cannot be written),
130 interrupted (Ctrl-C). SciPy, scikit-learn, matplotlib, threadpoolctl and tqdm (the train
extra) are imported by the commands that use them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time

import numpy as np

from . import __version__
from .activations import ACTIVATIONS
from .cost import OUTPUTS
from .gradient_check import check_nn_gradients

__all__ = ["main", "CHECKS", "EXIT_DATA", "EXIT_USAGE", "EXIT_INTERRUPTED"]

EXIT_DATA, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130
PROG = "manual-backprop"
# The modules of the train extra: a missing one is named with the command that installs it.
TRAIN_EXTRA = ("scipy", "sklearn", "matplotlib", "threadpoolctl", "tqdm")


class CommandError(Exception):
    """A failure to report as one line on stderr with an exit status (no traceback)."""

    def __init__(self, message, status):
        super().__init__(" ".join(str(message).split()))
        self.status = status


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line (no usage block) and exit status 2."""

    def error(self, message):
        raise CommandError(f"{self.prog}: {message} (see {self.prog} --help)", EXIT_USAGE)


# ---------------------------------------------------------------------------------------------
# demo and check


def demo(args):
    """The course's checkNNGradients output: gradApprox beside DVec, then their relative difference."""
    report = check_nn_gradients(args.lam)
    print(f"network {_network_name(report.layer_sizes)}, m = 5, lambda = {args.lam:g}")
    print(f"cost J = {report.cost:.10f}")
    print(f"{'gradApprox':>14} {'DVec':>14}")
    for numerical, analytical in zip(report.numerical, report.analytical):
        print(f"{numerical:14.10f} {analytical:14.10f}")
    print(f"relative difference norm(gradApprox - DVec) / norm(gradApprox + DVec) = {report.relative_difference:.3e}")
    return 0 if report.passed else EXIT_DATA


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


def _verdict(report):
    return {"passed": "passed", "failed": "FAILED"}.get(report.verdict, report.verdict)


def check(args):
    from .train import check_small_network

    if args.plot is not None:
        from .plots import check_output_folder

        if args.method == "directional":
            raise CommandError(f"{PROG} check: --plot draws the error of each entry, which the directional method "
                               "does not have; use --method central or complex", EXIT_USAGE)
        try:
            check_output_folder(args.plot)
        except OSError as error:
            raise CommandError(f"{PROG} check: --plot {error}", EXIT_USAGE) from None
    header = (f"{'network':<14}{'activation':<12}{'output':<9}{'lambda':>7}  {'relative difference':>20}  "
              f"{'tolerance':>10}  result")
    print(f"gradient checks ({args.method}) of backprop on small networks (weights and X from debug_initialize_weights)")
    print(header)
    print("-" * len(header))
    all_passed, figures = True, []
    for hidden_layers, activation, output, lam, K in CHECKS:
        if args.method == "complex" and activation == "relu":
            continue  # relu is not analytic: the complex step does not apply
        layer_sizes, report = check_small_network(hidden_layers, activation=activation, output=output, lam=lam,
                                                  num_labels=K, method=args.method)
        all_passed &= bool(report.passed)
        print(f"{_network_name(layer_sizes):<14}{activation:<12}{output:<9}{lam:>7g}  "
              f"{report.relative_difference:>20.3e}  {report.tolerance:>10.1e}  {_verdict(report)}")
        if args.plot is not None:
            name = f"check-{_network_name(layer_sizes)}-{activation}-{output}-lambda{lam:g}.png"
            figures.append(report.plot(os.path.join(args.plot, name)))
    if figures:
        print(f"figures: {len(figures)} heat maps of log10 |numerical - analytical| in {args.plot}")
    return 0 if all_passed else EXIT_DATA


# ---------------------------------------------------------------------------------------------
# train


def _network_name(layer_sizes):
    return "-".join(map(str, layer_sizes))


def _progress_bar(total, enabled):
    """A tqdm bar on stderr for ``total`` iterations: iteration, J, rate and time left.

    Returns (callback(iteration, J), bar); the bar is a no-op when not ``enabled``.
    """
    from tqdm import tqdm

    # The terminal's size, or 100 x 24 where it reports none (a pipe, a terminal of size 0 x 0, in
    # which tqdm would draw nothing).
    width, height = shutil.get_terminal_size((100, 24))
    bar = tqdm(total=total, desc="training", unit="it", file=sys.stderr, disable=not enabled, ncols=width, nrows=height,
               mininterval=0.1 if sys.stderr.isatty() else 1.0,
               bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt}{postfix} "
                          "[{elapsed}<{remaining}, {rate_fmt}]")

    def callback(iteration, J):
        bar.set_postfix_str(f"J = {J:.6f}", refresh=False)
        bar.update(iteration - bar.n)

    return callback, bar


def _load(args):
    """The data step, with its failures as command errors: a path is a usage error, its contents data."""
    from .data import load_split

    try:
        return load_split(args.data, test_size=args.test_size)
    except (FileNotFoundError, IsADirectoryError) as error:
        raise CommandError(f"{PROG} train: --data {error}", EXIT_USAGE) from None
    except (OSError, ValueError) as error:
        raise CommandError(f"{PROG} train: {error}", EXIT_DATA) from None


def train(args):
    from .plots import check_output_folder, plot_training_run
    from .train import (OPTIMIZERS, check_small_network, initial_weights, mlp_baseline, summarize_run,
                        train_network)
    from .unrolling import reshape

    import threadpoolctl  # noqa: F401  (the rest of the train extra: a missing one is named before any work)
    import tqdm  # noqa: F401

    started = time.perf_counter()
    say = (lambda *a: None) if args.json or args.quiet else print
    digits, source = _load(args)
    try:
        check_output_folder(args.out)
    except OSError as error:
        raise CommandError(f"{PROG} train: --out {error}", EXIT_USAGE) from None
    K = int(max(digits.y_train.max(), digits.y_test.max())) + 1
    layer_sizes = (digits.X_train.shape[1], *args.hidden, K)
    settings = {
        "layer_sizes": list(layer_sizes), "lambda": args.lam, "activation": args.activation, "output": args.output,
        "optimizer": args.optimizer, "max_iter": args.max_iter, "learning_rate": args.learning_rate,
        "init": args.init, "seed": args.seed, "test_size": args.test_size, "blas_threads": args.blas_threads,
        "data": source, "m_train": int(digits.y_train.size), "m_test": int(digits.y_test.size),
    }
    say(f"data: {source}; {digits.y_train.size} training and {digits.y_test.size} test examples")
    say(f"network {_network_name(layer_sizes)}, {args.activation} hidden units, {args.output} output, "
        f"lambda = {args.lam:g}, initialisation {args.init}")

    # The course's order: check the gradient once, on a small network, then switch the check off.
    check_sizes, report = check_small_network(len(args.hidden), activation=args.activation, output=args.output,
                                              lam=args.lam)
    say(f"gradient check on the small network {_network_name(check_sizes)}: relative difference "
        f"{report.relative_difference:.3e} (tolerance {report.tolerance:g}): {_verdict(report)}")
    if not report.passed:
        print(f"backprop disagrees with the numerical gradient; not training.\n{report}", file=sys.stderr)
        return EXIT_DATA

    say(f"training: {OPTIMIZERS[args.optimizer]}, at most {args.max_iter} iterations, "
        f"{args.blas_threads} BLAS thread{'s' if args.blas_threads > 1 else ''}")
    sys.stdout.flush()
    show = not args.quiet and (args.progress if args.progress is not None else sys.stderr.isatty())
    callback, bar = _progress_bar(args.max_iter, show)
    start = time.perf_counter()
    with bar:
        try:
            theta_vec = initial_weights(layer_sizes, args.init, rng=np.random.default_rng(args.seed))
            result = train_network(layer_sizes, digits.X_train, digits.y_train, args.lam, theta_vec=theta_vec,
                                   activation=args.activation, output=args.output, optimizer=args.optimizer,
                                   max_iter=args.max_iter, learning_rate=args.learning_rate, callback=callback,
                                   blas_threads=args.blas_threads)
        except FloatingPointError as error:
            raise CommandError(f"{PROG} train: training stopped: {error}", EXIT_DATA) from None
        except MemoryError:
            raise CommandError(f"{PROG} train: not enough memory to train the network {_network_name(layer_sizes)}",
                               EXIT_DATA) from None
    seconds = time.perf_counter() - start
    say(f"stopped after {result.n_iterations} iterations ({result.message}): J = {result.cost_history[-1]:.6f}, "
        f"{seconds:.2f} s")

    summary = {"settings": settings, **summarize_run(layer_sizes, result, digits, activation=args.activation,
                                                     output=args.output, seconds=seconds,
                                                     check=(check_sizes, report))}
    if not args.no_baseline:
        summary.update(mlp_baseline(digits, args.hidden, activation=args.activation, lam=args.lam,
                                    max_iter=args.max_iter, seed=args.seed, blas_threads=args.blas_threads))
    title = f"{_network_name(layer_sizes)}, lambda = {args.lam:g}, {OPTIMIZERS[args.optimizer]}, init {args.init}"
    summary["figures"] = plot_training_run(
        args.out, result.cost_history, reshape(result.theta_vec, layer_sizes)[0],
        gradient_norm_history=result.gradient_norm_history, image_shape=digits.image_shape, order=digits.order,
        title=title, note=f"test accuracy {summary['test_accuracy']:.4f}")
    summary["total_seconds"] = time.perf_counter() - started
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
    hidden = summary["settings"]["layer_sizes"][1:-1]
    if summary["hidden_units_identical"]:
        units = (f"the {hidden[0]} hidden units stayed identical" if len(hidden) == 1 else
                 f"the hidden units of each of the {len(hidden)} hidden layers ({', '.join(map(str, hidden))} "
                 f"units) stayed identical")
        lines.append(f"\nsymmetry: {units} "
                     f"(all-equal initial weights never break symmetry), so the network has in effect one hidden "
                     f"unit per layer; test accuracy {summary['test_accuracy']:.4f}")
    elif hidden and max(hidden) > 1:
        lines.append(f"\nsymmetry broken: the hidden units differ (largest weight difference between units "
                     f"{max(summary['hidden_unit_spread']):.3g})")
    lines += [f"figures: {summary['figures']['learning_curve']}, {summary['figures']['hidden_units']}",
              f"total {summary['total_seconds']:.1f} s"]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Arguments


def _integer(minimum):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text}")
        return value

    return parse


def _number(low, *, low_open=False, high=None):
    """A finite float >= low (> low when low_open), < high when given."""
    want = f"a finite number {'>' if low_open else '>='} {low:g}" + (f" and < {high:g}" if high is not None else "")

    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {want}, got {text!r}") from None
        if not (math.isfinite(value) and (value > low if low_open else value >= low)
                and (high is None or value < high)):
            raise argparse.ArgumentTypeError(f"expected {want}, got {text}")
        return value

    return parse


def _train_parser(commands):
    from .train import INITIALIZATIONS, OPTIMIZERS

    description = ("The course's workflow on scikit-learn's 8x8 handwritten digits (or a course .mat file): "
                   "one gradient check on a small network, training, the train and test accuracy beside "
                   "scikit-learn's MLPClassifier, and two pictures in the output folder.")
    p = commands.add_parser("train", help="train on handwritten digits: gradient check, training, accuracy, pictures",
                            description=description,
                            epilog="exit status: 0 done, 1 the data cannot be used or training failed, "
                                   "2 a wrong option or path, 130 interrupted")
    p.add_argument("--hidden", type=_integer(1), nargs="+", default=[25], metavar="S",
                   help="units of each hidden layer (default 25: the network 64-25-10)")
    p.add_argument("--lambda", dest="lam", type=_number(0), default=1.0, help="regularisation lambda (default 1)")
    p.add_argument("--optimizer", choices=list(OPTIMIZERS), default="lbfgs",
                   help="lbfgs (SciPy L-BFGS-B, default), cg (SciPy CG, the course's fmincg), gd (gradient "
                        "descent), or newton-cg, trust-ncg, trust-krylov (SciPy's, with H v by the R-operator)")
    p.add_argument("--max-iter", type=_integer(1), default=400, help="iterations (default 400)")
    p.add_argument("--learning-rate", type=_number(0, low_open=True), default=1.0,
                   help="alpha for gradient descent (default 1)")
    p.add_argument("--init", choices=list(INITIALIZATIONS), default="random",
                   help="initial weights: " + "; ".join(f"{k}: {v}" for k, v in INITIALIZATIONS.items()))
    p.add_argument("--activation", choices=sorted(ACTIVATIONS), default="sigmoid", help="hidden units (default sigmoid)")
    p.add_argument("--output", choices=sorted(OUTPUTS), default="sigmoid", help="output layer (default sigmoid)")
    p.add_argument("--seed", type=_integer(0), default=0,
                   help="seed of the initial weights and of the baseline (default 0)")
    p.add_argument("--test-size", type=_number(0, low_open=True, high=1), default=0.25,
                   help="fraction of each digit held out (default 0.25)")
    p.add_argument("--data", default=None, metavar="FILE.mat",
                   help="an ex4data1.mat-style file (X, y with labels 1..10) instead of scikit-learn's digits")
    p.add_argument("--out", default="manual-backprop-out", metavar="FOLDER",
                   help="folder for the two PNGs, checked before training (default ./manual-backprop-out)")
    p.add_argument("--blas-threads", type=_integer(1), default=1,
                   help="threads of every BLAS library during training and the baseline (default 1)")
    p.add_argument("--json", action="store_true", help="print one JSON object with the settings and the results")
    p.add_argument("--no-baseline", action="store_true", help="skip scikit-learn's MLPClassifier")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar on stderr (default: only when stderr is a terminal)")
    p.add_argument("--quiet", action="store_true", help="print the result only: no steps, no progress bar")


def _parser():
    parser = _Parser(prog=PROG, description="Neural-network backpropagation written by hand in NumPy: train on "
                                            "handwritten digits, check gradients, run the course's debug network.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{train,check,demo}")
    _train_parser(commands)
    check_parser = commands.add_parser(
        "check", help="gradient checks on a few architectures and activations",
        description="Backprop's DVec against a numerical gradient on small networks of several depths, "
                    "activations and output layers, as a table. Exit status 1 when a row fails.")
    check_parser.add_argument("--method", choices=["central", "directional", "complex"], default="central",
                              help="how the numerical gradient is taken (default central differences)")
    check_parser.add_argument("--plot", metavar="FOLDER", default=None,
                              help="also write each check's heat map of the entries' errors there (central or "
                                   "complex), one PNG per network")
    demo_parser = commands.add_parser(
        "demo", help="cost and gradient of the course's 3-5-3 debug network",
        description="The course's checkNNGradients: J, then gradApprox beside DVec, then their relative difference.")
    demo_parser.add_argument("--lambda", dest="lam", type=_number(0), default=0.0, help="regularisation (default 0)")
    return parser


COMMANDS = {"train": train, "check": check, "demo": demo}


def main(argv=None):
    """Run the command line on ``argv`` (default sys.argv[1:]); returns the exit status."""
    try:
        args = _parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except CommandError as error:
        print(error, file=sys.stderr)
        return error.status
    except ModuleNotFoundError as error:
        missing = (error.name or "").split(".")[0]
        if missing not in TRAIN_EXTRA:
            raise
        print(f"{PROG}: this command needs the train extra ({missing} is missing): "
              f'pip install "manual-backprop[train]"', file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
