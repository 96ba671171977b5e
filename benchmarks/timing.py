"""Interleaved timing: every contestant once per round, rounds repeated, medians and pairwise ratios.

Round r runs the contestants in an order rotated by r, so none always runs right after the same
neighbour (whose cache footprint or BLAS threads it would inherit). Round 0 is a warm-up and is
dropped. A ratio of contestant c to the reference is the median over rounds of t_c[r] / t_ref[r]:
both times of one round were taken within seconds of each other, so load that comes and goes on
a shared machine slows both, and the median ignores the rounds where it hit one side only.

Steady state (``settle_s`` > 0), as a training loop calls one function over and over: in each
round a contestant is first called, untimed, until ``settle_s`` seconds have passed, and only then
timed ``burst`` times (its time for the round: the median of these). A library's thread pool
keeps its threads spinning on the cores for a while after a call (OpenBLAS's, by default, for 2^28
cycles), so a contestant timed right after a threaded neighbour shares a core with that
neighbour's idle threads, and a pool left idle while the neighbours ran starts cold: on 2 cores
the bound cost function's two blocks took 0.98 to 1.04 of one block's time from 400-25-10,
m = 5000 to 784-256-256-10 in single calls and 0.56 to 0.64 in steady state, and jitted JAX ran
1.5 to 2.1 times as fast in steady state as in single calls between its neighbours over the
same points (``python -m benchmarks.threads --settle 0`` against ``python -m benchmarks.threads``;
docs/benchmarks.md, "Steady state"). With ``settle_s`` the rounds are timed as they come (the settling calls are the
warm-up).
"""

from __future__ import annotations

import time

import numpy as np

__all__ = ["interleaved", "summarise"]


def interleaved(calls, *, min_rounds=5, max_rounds=50, budget_s=10.0, clock=time.perf_counter, settle_s=0.0,
                burst=1):
    """Time ``calls`` (a dict name -> callable of no argument) round by round.

    Runs a warm-up round (none in steady state: ``settle_s`` > 0, see above), then rounds until
    ``max_rounds``, or until ``budget_s`` seconds have passed and at least ``min_rounds`` rounds
    are done. Returns a dict name -> list of seconds, one per timed round (the median of the
    round's ``burst`` timed calls).
    """
    names = list(calls)
    times = {name: [] for name in names}
    start = time.perf_counter()
    first = 0 if settle_s > 0 else 1  # round 0 is the warm-up unless the settling calls are
    for r in range(max_rounds + first):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            call = calls[name]
            if settle_s > 0:
                settled = time.perf_counter() + settle_s
                call()
                while time.perf_counter() < settled:
                    call()
            taken = []
            for _ in range(burst):
                t0 = clock()
                call()
                taken.append(clock() - t0)
            if r >= first:
                times[name].append(float(np.median(taken)))
        if r + 1 - first >= min_rounds and time.perf_counter() - start > budget_s:
            break
    return times


def summarise(times, references=("ours", "floor"), leads=("ours", "ours-bound")):
    """Per contestant: median seconds, quartiles, rounds, and for each reference r present the
    median of the per-round ratios t / t_r (``ratio_to_<r>``) with their quartiles; when "ours" is
    among the times, also ``ours_over``, the median of the per-round ratios t_ours / t (below 1:
    ours is faster), the form in which the targets are stated, and ``over``: the same median for
    every lead contestant present (``over[lead]`` = median of t_lead / t)."""
    summary = {}
    for name, ts in times.items():
        ts = np.asarray(ts)
        entry = {
            "median_s": float(np.median(ts)),
            "q25_s": float(np.percentile(ts, 25)),
            "q75_s": float(np.percentile(ts, 75)),
            "rounds": int(ts.size),
        }
        for ref in references:
            if ref in times:
                ratios = ts / np.asarray(times[ref])
                entry[f"ratio_to_{ref}"] = float(np.median(ratios))
                entry[f"ratio_to_{ref}_iqr"] = [float(np.percentile(ratios, 25)), float(np.percentile(ratios, 75))]
        entry["over"] = {lead: float(np.median(np.asarray(times[lead]) / ts)) for lead in leads if lead in times}
        if "ours" in times:
            inverse = np.asarray(times["ours"]) / ts
            entry["ours_over"] = float(np.median(inverse))
            entry["ours_over_iqr"] = [float(np.percentile(inverse, 25)), float(np.percentile(inverse, 75))]
        summary[name] = entry
    return summary
