"""The checker checked: the property suite run against a catalogue of classic backprop bugs.

Each bug is a small edit of the library's *current* source: the function's text is read with
:func:`inspect.getsource`, one exact snippet is replaced, the result is compiled in the
function's own module and its code object swapped in for the duration of the run, so that every
caller (``nn_cost_function``, ``Network``, the tests' own imports) sees the faulty version. If a
snippet is no longer in the source (the library was refactored), planting the bug raises
:class:`MutantOutOfDate` naming the function and the snippet: the catalogue then needs updating,
and ``tests/test_mutants.py`` fails until it is.

A bug in the gradient is planted in both backprop methods at once (the same misunderstanding
written twice), so the agreement of the two methods cannot catch it and the oracles must;
``--split-methods`` plants it in one method at a time instead.

    python -m tests.mutants                    # every bug against every property
    python -m tests.mutants --jobs 2           # the bugs spread over two processes
    python -m tests.mutants --bug "1/m"        # only the bugs whose name contains "1/m"
    python -m tests.mutants --split-methods    # each gradient bug in one method at a time

Every property runs with the default profile's number of examples, derandomised (so the table
is the same on every run) and without shrinking: "examples" counts the examples Hypothesis ran
up to and including the first one that failed.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from multiprocessing import get_context

__all__ = ["Edit", "Bug", "CATALOGUE", "MutantOutOfDate", "planted", "prepare", "properties", "run_property", "main"]

PROPERTY_MODULES = ("tests.test_properties",)

VECTORIZED = "manual_backprop.backprop:_backprop_vectorized"
LOOP = "manual_backprop.backprop:_backprop_loop"
METHOD_OF = {VECTORIZED: "vectorized", LOOP: "loop"}


@dataclass(frozen=True)
class Edit:
    """Replace the one occurrence of ``old`` by ``new`` in the source of ``target`` ("module:function")."""

    target: str
    old: str
    new: str


@dataclass(frozen=True)
class Bug:
    """A classic backprop bug: its name and the edits that plant it."""

    name: str
    edits: tuple
    note: str = ""


def in_both_methods(vectorized, loop):
    """The edits that plant one gradient bug in both backprop methods: (old, new) for each."""
    return (Edit(VECTORIZED, *vectorized), Edit(LOOP, *loop))


BIAS_REGULARISED = in_both_methods(("D[l][:, 1:] += (lam / m) * thetas[l][:, 1:]", "D[l] += (lam / m) * thetas[l]"),
                                   ("D_l[:, 1:] += (lam / m) * Theta[:, 1:]", "D_l += (lam / m) * Theta"))


def _from_output(g, z):
    """The course's g' read off a = g(z) (the bug's replacement text, for the unit's activation)."""
    return (f"(lambda a: a * (1 - a) if act.name == 'sigmoid' else 1 - a * a if act.name == 'tanh' "
            f"else act.gradient({z}))({g})")


CATALOGUE = (
    Bug("activation derivative g'(z) left out of delta(l)", in_both_methods(
        ("delta *= g_prime[l]", "pass"),
        ("(thetas[l].T @ delta)[1:] * act.gradient(z[l])", "(thetas[l].T @ delta)[1:]"))),
    Bug("sigmoid_gradient applied to a(l) instead of z(l)", in_both_methods(
        ("g_prime.append(act.gradient(z))", "g_prime.append(act.gradient(act.g(z)))"),
        ("act.gradient(z[l])", "act.gradient(a[l][1:])")),
        note="g'(a) equals g'(z) for ReLU (a > 0 exactly where z > 0), so only sigmoid and tanh reveal it"),
    Bug("g'(z) read off the rounded a = g(z), as a (1 - a) or 1 - a^2", in_both_methods(
        ("g_prime.append(act.gradient(z))", f"g_prime.append({_from_output('act.g(z)', 'z')})"),
        ("act.gradient(z[l])", _from_output("a[l][1:]", "z[l]"))),
        note="right to rounding until a unit saturates, then 0: only the exact oracle of saturated networks sees it"),
    Bug("bias column regularised in the gradient", BIAS_REGULARISED),
    Bug("bias column regularised in the cost and the gradient alike", BIAS_REGULARISED + (
        Edit("manual_backprop.cost:regularization_cost", "((Theta[:, 1:] / c) ** 2).sum()", "((Theta / c) ** 2).sum()"),),
        note="DVec is then the true gradient of a wrong J, which central differences cannot see"),
    Bug("bias row of delta(l) not dropped", in_both_methods(
        ("delta = delta @ thetas[l][:, 1:]", "delta = delta @ thetas[l]"),
        ("(thetas[l].T @ delta)[1:]", "(thetas[l].T @ delta)")),
        note="the shapes no longer match: raises in any network with a hidden layer"),
    Bug("wrong row of delta(l) dropped (the last, not the bias)", in_both_methods(
        ("delta = delta @ thetas[l][:, 1:]", "delta = delta @ thetas[l][:, :-1]"),
        ("(thetas[l].T @ delta)[1:]", "(thetas[l].T @ delta)[:-1]"))),
    Bug("bias weights' gradient left at 0 (Delta without its column of sums)", (
        Edit(VECTORIZED, "np.column_stack([delta.sum(axis=0), ", "np.column_stack([0 * delta.sum(axis=0), "),),
        note="a bug only the vectorised method can have: it forms Delta's bias column apart"),
    Bug("lambda/m written as lambda", in_both_methods(
        ("D[l][:, 1:] += (lam / m) * thetas[l][:, 1:]", "D[l][:, 1:] += lam * thetas[l][:, 1:]"),
        ("D_l[:, 1:] += (lam / m) * Theta[:, 1:]", "D_l[:, 1:] += lam * Theta[:, 1:]")),
        note="invisible when m = 1 or lambda = 0"),
    Bug("1/m forgotten on Delta", in_both_methods(
        ("D[l] = Delta / m", "D[l] = Delta"),
        ("D = [Delta_l / m for Delta_l in Delta]", "D = [Delta_l for Delta_l in Delta]")),
        note="invisible when m = 1"),
    Bug("delta(L) with the wrong sign, y - a(L)", in_both_methods(
        ("delta = out.error(z_L, Y)", "delta = -out.error(z_L, Y)"),
        ("delta = out.error(z_L, Y[t])", "delta = -out.error(z_L, Y[t])"))),
    Bug("transposed Theta(l) in the backward step", in_both_methods(
        ("delta = delta @ thetas[l][:, 1:]", "delta = delta @ thetas[l].T[:, 1:]"),
        ("(thetas[l].T @ delta)[1:]", "(thetas[l] @ delta)[1:]")),
        note="runs only when s_{l+1} = s_l + 1 (and is then silently wrong); raises otherwise"),
    Bug("row-major unrolling against column-major reshape", (
        Edit("manual_backprop.unrolling:unroll", 'ravel(order="F")', 'ravel(order="C")'),),
        note="both methods unroll D(l) into DVec with unroll, so one edit plants it in both"),
    Bug("all-zero initialisation (symmetry never broken)", (
        Edit("manual_backprop.initialization:random_initialize_weights",
             "return as_rng(rng).uniform(-epsilon_init, epsilon_init, size=(l_out, 1 + l_in))",
             "return np.zeros((l_out, 1 + l_in))"),)),
)


class MutantOutOfDate(LookupError):
    """A catalogued snippet is no longer in the library's source: the catalogue needs updating."""


def _resolve(target):
    module_name, function_name = target.split(":")
    return getattr(importlib.import_module(module_name), function_name)


def _mutated_code(function, edits, bug_name):
    source = textwrap.dedent(inspect.getsource(function))
    for edit in edits:
        count = source.count(edit.old)
        if count != 1:
            where = f"{function.__module__}.{function.__qualname__}"
            found = "is no longer in" if count == 0 else f"occurs {count} times in"
            raise MutantOutOfDate(
                f"bug {bug_name!r}: the snippet {edit.old!r} {found} the source of {where}; "
                "update the catalogue in tests/mutants.py to the current code"
            )
        source = source.replace(edit.old, edit.new)
    namespace = dict(function.__globals__)
    exec(compile(source, f"<mutant: {bug_name}>", "exec"), namespace)
    return namespace[function.__name__].__code__


@contextmanager
def planted(bug):
    """Run the body with ``bug`` planted in the library; the original code comes back afterwards."""
    by_target = {}
    for edit in bug.edits:
        by_target.setdefault(edit.target, []).append(edit)
    swaps = [(function, _mutated_code(function, edits, bug.name))
             for function, edits in ((_resolve(target), edits) for target, edits in by_target.items())]
    originals = [(function, function.__code__) for function, _ in swaps]
    try:
        for function, code in swaps:
            function.__code__ = code
        yield
    finally:
        for function, code in originals:
            function.__code__ = code


def split_by_method(bug):
    """The gradient bug planted in one backprop method at a time: [bug] when it has no such edit."""
    methods = [METHOD_OF[e.target] for e in bug.edits if e.target in METHOD_OF]
    if not methods:
        return [bug]
    return [Bug(f"{bug.name} [{method} only]",
                tuple(e for e in bug.edits if METHOD_OF.get(e.target, method) == method), bug.note)
            for method in methods]


# --- running the properties ----------------------------------------------------------------

@contextmanager
def mutants_profile():
    """The default profile, derandomised, without database, shrinking or printed examples.

    Yields its max_examples; the profile that was loaded before comes back afterwards.
    """
    import tests.conftest  # noqa: F401  (registers the profiles)
    from hypothesis import Phase, Verbosity, settings

    previous = settings.get_current_profile_name()
    settings.register_profile(
        "mutants", parent=settings.get_profile("default"), derandomize=True, database=None,
        phases=[Phase.explicit, Phase.generate], print_blob=False, verbosity=Verbosity.quiet,
    )
    settings.load_profile("mutants")
    try:
        yield settings.default.max_examples
    finally:
        settings.load_profile(previous)


def properties(seed=None):
    """[(name, test)] for every Hypothesis property of the suite, in the order of the source.

    The modules are (re)loaded, so that the tests take their settings from the profile loaded
    now; with ``seed``, each test runs the random search that seed gives instead.
    """
    from hypothesis import seed as use_seed

    found = []
    for module_name in PROPERTY_MODULES:
        module = importlib.reload(importlib.import_module(module_name))
        for name, test in vars(module).items():
            if name.startswith("test_") and hasattr(test, "hypothesis"):
                found.append((name, test if seed is None else use_seed(seed)(test)))
    return found


@dataclass
class Outcome:
    """One property against one bug: caught or not, after how many examples, and how it failed."""

    property: str
    caught: bool
    examples: int
    failure: str = ""
    seconds: float = 0.0


def run_property(name, test):
    """Run one property to its first failure (or to max_examples) and count the examples."""
    from hypothesis.errors import UnsatisfiedAssumption

    inner = test.hypothesis.inner_test
    count = {"calls": 0, "first_failure": None, "error": None}

    def counting(*args, **kwargs):
        count["calls"] += 1
        try:
            return inner(*args, **kwargs)
        except UnsatisfiedAssumption:
            raise
        except Exception as error:
            if count["first_failure"] is None:
                count["first_failure"], count["error"] = count["calls"], error
            raise

    test.hypothesis.inner_test = counting
    start = time.perf_counter()
    try:
        test()
    except Exception as error:
        first = count["error"] or error
        message = str(first).strip().splitlines()[0] if str(first).strip() else ""
        return Outcome(name, True, count["first_failure"] or count["calls"],
                       f"{type(first).__name__}: {message}"[:120], time.perf_counter() - start)
    finally:
        test.hypothesis.inner_test = inner
    return Outcome(name, False, count["calls"], seconds=time.perf_counter() - start)


@dataclass
class Result:
    bug: Bug
    outcomes: list = field(default_factory=list)

    @property
    def caught(self):
        return any(o.caught for o in self.outcomes)

    @property
    def first(self):
        """The property that caught the bug in the fewest examples."""
        caught = [o for o in self.outcomes if o.caught]
        return min(caught, key=lambda o: o.examples) if caught else None


def run_bug(bug, stop_at_first=False, seed=None):
    """Every property (or the properties up to the first that catches it) against ``bug``;
    ``bug=None`` runs them against the library as it is."""
    result = Result(bug)
    with mutants_profile(), (planted(bug) if bug is not None else nullcontext()):
        for name, test in properties(seed):
            result.outcomes.append(run_property(name, test))
            if stop_at_first and result.outcomes[-1].caught:
                break
    return result


# --- the table -------------------------------------------------------------------------------

def _label(name):
    return name.removeprefix("test_").replace("_", " ")


def table(results, names, max_examples):
    lines = [
        "| bug | first caught by | examples | how it failed | caught by (examples) |",
        "| --- | --- | ---: | --- | --- |",
    ]
    for result in results:
        first = result.first
        caught_by = ", ".join(f"P{names.index(o.property) + 1} ({o.examples})"
                              for o in result.outcomes if o.caught)
        if first is None:
            lines.append(f"| {result.bug.name} | **not caught** | - | - | - |")
        else:
            lines.append(f"| {result.bug.name} | P{names.index(first.property) + 1} | {first.examples} "
                         f"| {first.failure.split(':')[0]} | {caught_by} |")
    killed = sum(r.caught for r in results)
    legend = [f"P{i + 1}: {_label(name)}" for i, name in enumerate(names)]
    summary = f"kill rate: {killed}/{len(results)} = {100.0 * killed / len(results):.0f}% " \
              f"(default profile: {max_examples} examples per property, derandomised, no shrinking)"
    return "\n".join(lines + [""] + legend + ["", summary])


def _run_job(job):
    bug, seed = job
    return run_bug(bug, stop_at_first=seed is not None, seed=seed)


def robustness_table(results_by_seed, bugs, seeds, max_examples):
    """Per bug: in how many of the random searches it was caught, and the most examples it took."""
    lines = ["| bug | caught in | examples the catching property needed: median, worst |", "| --- | ---: | --- |"]
    for i, bug in enumerate(bugs):
        runs = [results[i] for results in results_by_seed]
        examples = sorted(r.outcomes[-1].examples for r in runs if r.caught)
        caught = len(examples)
        spread = f"{examples[len(examples) // 2]}, {examples[-1]}" if examples else "-"
        lines.append(f"| {bug.name} | {caught}/{len(runs)} | {spread} |")
    killed = sum(all(results[i].caught for results in results_by_seed) for i in range(len(bugs)))
    lines += ["", f"caught in every one of {seeds} random searches (seeds 0..{seeds - 1}, "
                  f"{max_examples} examples per property): {killed}/{len(bugs)} bugs"]
    return "\n".join(lines)


def prepare(bugs, properties, run_bug, suite):
    """Before a run: plant each bug once (a snippet that is out of date raises at once), then run
    ``suite`` on the unmodified library. Returns (property names, examples per property), or None
    after printing the properties that fail without any bug."""
    for bug in bugs:
        with planted(bug):
            pass
    with mutants_profile() as max_examples:
        names = [name for name, _ in properties()]
    broken = [o for o in run_bug(None).outcomes if o.caught]
    if broken:
        print(f"the unmodified library fails {suite}; fix that first:", file=sys.stderr)
        for outcome in broken:
            print(f"  {outcome.property}: {outcome.failure}", file=sys.stderr)
        return None
    return names, max_examples


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.mutants", description=__doc__.splitlines()[0])
    parser.add_argument("--bug", default="", help="only the bugs whose name contains this text")
    parser.add_argument("--jobs", type=int, default=1, help="processes to spread the bugs over (default 1)")
    parser.add_argument("--split-methods", action="store_true",
                        help="plant each gradient bug in one backprop method at a time")
    parser.add_argument("--seeds", type=int, default=0, metavar="N",
                        help="instead of the one derandomised run, N random searches (seeds 0..N-1), "
                             "each property in turn until one catches the bug")
    args = parser.parse_args(argv)

    bugs = [bug for bug in CATALOGUE if args.bug in bug.name]
    if args.split_methods:
        bugs = [variant for bug in bugs for variant in split_by_method(bug)]
    if not bugs:
        parser.error(f"no catalogued bug matches {args.bug!r}")
    start = time.perf_counter()
    prepared = prepare(bugs, properties, run_bug, "the property suite")
    if prepared is None:
        return 2
    names, max_examples = prepared

    seeds = list(range(args.seeds)) if args.seeds > 0 else [None]
    jobs = [(bug, seed) for seed in seeds for bug in bugs]
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs, mp_context=get_context("spawn")) as pool:
            results = list(pool.map(_run_job, jobs))
    else:
        results = [_run_job(job) for job in jobs]

    if args.seeds > 0:
        by_seed = [results[k * len(bugs):(k + 1) * len(bugs)] for k in range(len(seeds))]
        print(robustness_table(by_seed, bugs, args.seeds, max_examples))
    else:
        print(table(results, names, max_examples))
        notes = {}
        for result in results:
            if result.bug.note:
                notes.setdefault(result.bug.note, result.bug.name.split(" [")[0])
        for note, name in notes.items():
            print(f"  note, {name}: {note}")
    print(f"({len(bugs)} bugs x {len(names)} properties x {len(seeds)} run(s) in "
          f"{time.perf_counter() - start:.0f} s)")
    return 0 if all(r.caught for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
