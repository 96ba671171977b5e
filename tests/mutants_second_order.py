"""The second-order properties checked: tests/test_hessian.py run against planted R-pass bugs.

The machinery is that of :mod:`tests.mutants` (an :class:`Edit` replaces one exact snippet of a
function's current source, :func:`planted` swaps the faulty code in for the duration of a run);
the catalogue here holds the bugs one makes writing the R-forward and R-backward passes. A bug in
the passes is planted in both methods at once (the same misunderstanding written twice), so that
the agreement of loop and vectorised H v cannot catch it and the oracles, the invariants and the
Hessian-vector check must.

    python -m tests.mutants_second_order              # every bug against every property
    python -m tests.mutants_second_order --bug "1/m"  # only the bugs whose name contains "1/m"
"""

from __future__ import annotations

import argparse
import importlib
import time

from tests.mutants import Bug, Edit, Result, mutants_profile, planted, prepare, run_property, table

__all__ = ["CATALOGUE", "properties", "run_bug", "main"]

PROPERTY_MODULES = ("tests.test_hessian",)

VECTORIZED = "manual_backprop.hessian:_R_vectorized"
LOOP = "manual_backprop.hessian:_R_loop"
REGULARIZE = "manual_backprop.hessian:_regularize"
OUTPUT = "manual_backprop.hessian:_R_h"
BACK = "manual_backprop.hessian:_back_products"
PRODUCTS = "manual_backprop.hessian:_products"


def in_both_methods(vectorized, loop):
    """The edits that plant one R-pass bug in both methods: (old, new) for each."""
    return (Edit(VECTORIZED, *vectorized), Edit(LOOP, *loop))


CATALOGUE = (
    Bug("g'' left out of R{delta(l)}", in_both_methods(
        ("Rdelta += g2_Rz[l]", "pass"),
        ("\n                          + back * g.second_derivative(z[l]) * Rz[l])", ")")),
        note="invisible in ReLU networks, whose g'' is 0"),
    Bug("R{z} term from Theta's own change, a(l) V(l)^T, dropped", (
        Edit(PRODUCTS, "both[:, s:]", "0 * both[:, s:]"),
        Edit(LOOP, "Rz.append(thetas[l] @ Ra[l] + Vs[l] @ a[l])", "Rz.append(thetas[l] @ Ra[l])"))),
    Bug("delta(l+1) V(l) term dropped from R{delta(l)}", (
        Edit(BACK, "np.concatenate((Theta_w, V_w), axis=1)", "np.concatenate((Theta_w, 0 * V_w), axis=1)"),
        Edit(LOOP, "(thetas[l].T @ Rdelta + Vs[l].T @ delta)[1:]", "(thetas[l].T @ Rdelta)[1:]"))),
    Bug("delta(l+1)^T R{a(l)} term dropped from R{Delta(l)}", in_both_methods(
        ("RD[l][:, 1:] += delta.T @ Ra[l]", "pass"),
        ("RDelta[l] += np.outer(delta, Ra[l])", "pass"))),
    Bug("wrong row of V(l)^T delta(l+1) dropped (the last, not the bias)", in_both_methods(
        ("back, Rdelta = _back_products(delta, Rdelta, Theta_w, Vs[l][:, 1:])",
         "back, Rdelta = _back_products(delta, Rdelta, Theta_w, Vs[l][:, :-1])"),
        ("(thetas[l].T @ Rdelta + Vs[l].T @ delta)[1:]",
         "(thetas[l].T @ Rdelta)[1:] + (Vs[l].T @ delta)[:-1]"))),
    Bug("R{a(l)} given 1 in the bias unit (the R of a constant is 0)", in_both_methods(
        ("Rz_L += Ra[l] @ thetas[l][:, 1:].T", "Rz_L += Ra[l] @ thetas[l][:, 1:].T + thetas[l][:, 0]"),
        ("Ra.append(np.concatenate((zero, g.gradient(z[l + 1]) * Rz[l + 1])))",
         "Ra.append(np.concatenate((one, g.gradient(z[l + 1]) * Rz[l + 1])))"))),
    Bug("bias columns of V regularised", (
        Edit(REGULARIZE, "RD_l[:, 1:] += (lam / m) * V[:, 1:]", "RD_l += (lam / m) * V"),),
        note="invisible when lambda = 0"),
    Bug("1/m forgotten on R{Delta}", (Edit(REGULARIZE, "RD_l /= m", "pass"),),
        note="invisible when m = 1"),
    Bug("lambda/m written as lambda in R{D}", (
        Edit(REGULARIZE, "RD_l[:, 1:] += (lam / m) * V[:, 1:]", "RD_l[:, 1:] += lam * V[:, 1:]"),),
        note="invisible when m = 1 or lambda = 0"),
    Bug("sigmoid output's h'(z) left out of R{delta(L)}", (
        Edit(OUTPUT, "h_slope *= Rz_L\n        return h_slope", "return Rz_L"),)),
    Bug("softmax Jacobian taken as diagonal, h .* R{z}", (
        Edit(OUTPUT, "h * (Rz_L - (h * Rz_L).sum(axis=-1, keepdims=True))", "h * Rz_L"),)),
    Bug("Gauss-Newton R{delta(l)} without g'(z(l))", in_both_methods(
        ("Rdelta = (Rdelta @ Theta_w) * g_prime", "Rdelta = Rdelta @ Theta_w"),
        ("Rdelta = (thetas[l].T @ Rdelta)[1:] * g.gradient(z[l])", "Rdelta = (thetas[l].T @ Rdelta)[1:]"))),
)


def properties():
    """[(name, test)] for every Hypothesis property of the second-order suite, in source order,
    its module reloaded so that the tests take their settings from the profile loaded now."""
    found = []
    for module_name in PROPERTY_MODULES:
        module = importlib.reload(importlib.import_module(module_name))
        for name, test in vars(module).items():
            if name.startswith("test_") and hasattr(test, "hypothesis"):
                found.append((name, test))
    return found


def run_bug(bug, stop_at_first=False):
    """Every property (or the properties up to the first that catches it) against ``bug``;
    ``bug=None`` runs them against the library as it is."""
    from contextlib import nullcontext

    result = Result(bug)
    with mutants_profile(), (planted(bug) if bug is not None else nullcontext()):
        for name, test in properties():
            result.outcomes.append(run_property(name, test))
            if stop_at_first and result.outcomes[-1].caught:
                break
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.mutants_second_order", description=__doc__.splitlines()[0])
    parser.add_argument("--bug", default="", help="only the bugs whose name contains this text")
    args = parser.parse_args(argv)
    bugs = [bug for bug in CATALOGUE if args.bug in bug.name]
    if not bugs:
        parser.error(f"no catalogued bug matches {args.bug!r}")
    start = time.perf_counter()
    prepared = prepare(bugs, properties, run_bug, "the second-order properties")
    if prepared is None:
        return 2
    names, max_examples = prepared
    results = [run_bug(bug) for bug in bugs]
    print(table(results, names, max_examples))
    for bug in bugs:
        if bug.note:
            print(f"  note, {bug.name}: {bug.note}")
    print(f"({len(bugs)} bugs x {len(names)} properties in {time.perf_counter() - start:.0f} s)")
    return 0 if all(r.caught for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
