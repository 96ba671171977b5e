"""The course's ex4.m, section by section, with this library's functions.

    python examples/ex4.py                                       # scikit-learn's 8x8 digits
    python examples/ex4.py --data ex4data1.mat --weights ex4weights.mat   # the course's files

Sections, in ex4.m's order: 1 loading the data; 2 loading the parameters; 3 the feed-forward cost;
4 the regularised cost; 5 the sigmoid gradient; 6 random initialisation; 7 backpropagation and the
gradient check; 8 the regularised gradient check; 9 training; 10 visualising the hidden layer;
11 prediction accuracy.

With the course's ex4data1.mat and ex4weights.mat the costs of sections 3 and 4 are the course's
0.287629 and 0.383770. Without --weights, sections 2 to 4 use random weights of the right shapes
(there are no trained weights for the digits). The course trains on all 5,000 examples and reports
the training accuracy; here a quarter of each digit is held out, and both accuracies are printed.
The course's labels are 1..10 with 10 for the digit 0, and its output unit k (0-based) stands for
label k + 1: the costs with its weights use those units (see manual_backprop.data).

Requires the train extra: pip install "manual-backprop[train]".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

# Run from a clone, the example uses the clone's library (installed or not) rather than another copy.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import manual_backprop as mb  # noqa: E402
from manual_backprop.data import (  # noqa: E402
    digits_to_course_labels, load_course_data, load_course_weights, load_split)
from manual_backprop.plots import check_output_folder, plot_hidden_units  # noqa: E402
from manual_backprop.train import accuracies, train_network  # noqa: E402

# The figures ex4.m prints with the course's ex4data1.mat and ex4weights.mat.
COURSE_COST = {0.0: 0.287629, 1.0: 0.383770, 3.0: 0.576051}
COURSE_SHAPES = [(25, 401), (10, 26)]


def section(number, title):
    if number > 1:
        print()
    print(f"== {number}. {title}")


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python examples/ex4.py",
                                     description="The course's ex4 workflow, section by section, on scikit-learn's "
                                                 "digits or on the course's .mat files.")
    parser.add_argument("--data", metavar="FILE.mat", help="an ex4data1.mat-style file (default: scikit-learn's "
                                                           "8x8 digits)")
    parser.add_argument("--weights", metavar="FILE.mat", help="an ex4weights.mat-style file for sections 2 to 4")
    parser.add_argument("--hidden", type=int, default=25, help="hidden units to train (default 25)")
    parser.add_argument("--lambda", dest="lam", type=float, default=1.0, help="lambda of the training (default 1)")
    parser.add_argument("--max-iter", type=int, default=50, help="iterations of CG, the course's fmincg (default 50)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random weights (default 0)")
    parser.add_argument("--out", default="ex4-out", help="folder for hidden_units.png (default ./ex4-out)")
    args = parser.parse_args(argv)
    if args.hidden < 1 or args.max_iter < 1 or args.seed < 0 or not (np.isfinite(args.lam) and args.lam >= 0):
        parser.error("--hidden and --max-iter must be >= 1, --seed >= 0, --lambda a finite number >= 0")
    return args


def main(argv=None):
    args = parse_arguments(argv)
    rng = np.random.default_rng(args.seed)
    try:
        check_output_folder(args.out)
        digits, source = load_split(args.data)
        X, y = (load_course_data(args.data) if args.data else
                (np.vstack([digits.X_train, digits.X_test]), np.concatenate([digits.y_train, digits.y_test])))
        thetas = load_course_weights(args.weights) if args.weights else None
    except (OSError, ValueError) as error:
        print(f"ex4: {error}", file=sys.stderr)
        return 1
    m, n = X.shape
    K = int(y.max()) + 1
    if thetas is not None:
        layer_sizes = mb.layer_sizes_of(thetas)
        if layer_sizes[0] != n or layer_sizes[-1] < K:
            print(f"ex4: the weights in {args.weights} are {'-'.join(map(str, layer_sizes))}: they need "
                  f"{layer_sizes[0]} inputs and at most {layer_sizes[-1]} labels, the data has {n} inputs and "
                  f"{K} labels", file=sys.stderr)
            return 2

    section(1, "Loading the data")
    print(f"{source}: X {X.shape}, labels 0..{K - 1}; images {'x'.join(map(str, digits.image_shape))}")

    section(2, "Loading the parameters")
    course_weights = thetas is not None and [Theta.shape for Theta in thetas] == COURSE_SHAPES
    if thetas is None:
        layer_sizes = (n, args.hidden, K)
        thetas = [mb.random_initialize_weights(s_in, s_out, rng=rng)
                  for s_in, s_out in zip(layer_sizes[:-1], layer_sizes[1:])]
        print(f"no --weights: random weights for {'-'.join(map(str, layer_sizes))} "
              "(randInitializeWeights), so the costs below are those of an untrained network")
    else:
        print(f"{args.weights}: " + ", ".join(f"Theta{l} {Theta.shape}" for l, Theta in enumerate(thetas, 1)))
    # The course's weights answer label k + 1 on output unit k (0-based): the costs use those units.
    y_units = digits_to_course_labels(y) - 1 if course_weights else y
    theta_vec = mb.unroll(thetas)

    section(3, "Compute cost (feed-forward)")
    for number, lam in ((3, 0.0), (4, 1.0)):
        if number == 4:
            section(4, "Implement regularisation")
        J = mb.nn_cost(theta_vec, layer_sizes, X, y_units, lam)
        expected = f" (the course's value with its own files: {COURSE_COST[lam]:.6f})" if course_weights else ""
        print(f"cost at these parameters, lambda = {lam:g}: J = {J:.6f}{expected}")

    section(5, "Sigmoid gradient")
    z = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
    print(f"sigmoid_gradient({z.tolist()}) = {np.array2string(mb.sigmoid_gradient(z), precision=6)}")

    section(6, "Initialising parameters")
    train_sizes = (n, args.hidden, K)
    initial_thetas = [mb.random_initialize_weights(s_in, s_out, rng=rng)
                      for s_in, s_out in zip(train_sizes[:-1], train_sizes[1:])]
    for l, Theta in enumerate(initial_thetas, start=1):
        epsilon_init = np.sqrt(6) / np.sqrt(train_sizes[l - 1] + train_sizes[l])  # the course's rule
        print(f"random_initialize_weights: Theta{l} {Theta.shape}, uniform in [-{epsilon_init:.4f}, "
              f"{epsilon_init:.4f}], drawn in [{Theta.min():.4f}, {Theta.max():.4f}]")

    section(7, "Implement backpropagation: checking the gradient (lambda = 0)")
    report = mb.check_nn_gradients(0.0)
    print(f"the course's 3-5-3 debug network: {report.numerical.size} parameters, J = {report.cost:.6f}")
    print(f"{'numerical':>14} {'analytical':>14}   (the first 6 of {report.numerical.size} rows)")
    for numerical, analytical in zip(report.numerical[:6], report.analytical[:6]):
        print(f"{numerical:14.10f} {analytical:14.10f}")
    print(f"relative difference {report.relative_difference:.3e} (tolerance {report.tolerance:g}): "
          f"{'passed' if report.passed else 'FAILED'}")
    if not report.passed:
        return 1

    section(8, "Implement regularisation: checking the gradient (lambda = 3)")
    report = mb.check_nn_gradients(3.0)
    print(f"relative difference {report.relative_difference:.3e} (tolerance {report.tolerance:g}): "
          f"{'passed' if report.passed else 'FAILED'}")
    J3 = mb.nn_cost(theta_vec, layer_sizes, X, y_units, 3.0)
    expected = f" (the course's value with its own files: {COURSE_COST[3.0]:.6f})" if course_weights else ""
    print(f"cost at the parameters of section 2, lambda = 3: J = {J3:.6f}{expected}")
    if not report.passed:
        return 1

    section(9, "Training the network")
    print(f"{'-'.join(map(str, train_sizes))} on {digits.y_train.size} examples ({digits.y_test.size} held out), "
          f"lambda = {args.lam:g}, CG (the course's fmincg), {args.max_iter} iterations, one BLAS thread")
    result = train_network(train_sizes, digits.X_train, digits.y_train, args.lam, theta_vec=mb.unroll(initial_thetas),
                           optimizer="cg", max_iter=args.max_iter, blas_threads=1)
    print(f"iteration {result.n_iterations}: J = {result.cost_history[-1]:.6f} (from {result.cost_history[0]:.6f})")
    trained = mb.reshape(result.theta_vec, train_sizes)

    section(10, "Visualising the hidden layer")
    path = plot_hidden_units(trained[0], f"{args.out}/hidden_units.png", image_shape=digits.image_shape,
                             order=digits.order, title=f"Hidden units of {'-'.join(map(str, train_sizes))}")
    print(f"the {args.hidden} rows of Theta1 as images: {path}")

    section(11, "Prediction accuracy")
    found = accuracies(trained, digits)
    print(f"training set accuracy {100 * found['train_accuracy']:.1f} %, "
          f"test set accuracy {100 * found['test_accuracy']:.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
