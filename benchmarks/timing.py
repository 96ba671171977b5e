"""Interleaved timing: every contestant once per round, rounds repeated, medians and pairwise ratios.

Round r runs the contestants in an order rotated by r, so none always runs right after the same
neighbour (whose cache footprint or BLAS threads it would inherit). Round 0 is a warm-up and is
dropped. A ratio of contestant c to the reference is the median over rounds of t_c[r] / t_ref[r]:
both times of one round were taken within seconds of each other, so load that comes and goes on
a shared machine slows both, and the median ignores the rounds where it hit one side only.
"""

from __future__ import annotations

import time

import numpy as np

__all__ = ["interleaved", "summarise"]


def interleaved(calls, *, min_rounds=5, max_rounds=50, budget_s=10.0, clock=time.perf_counter):
    """Time ``calls`` (a dict name -> callable of no argument) round by round.

    Runs a warm-up round, then rounds until ``max_rounds``, or until ``budget_s`` seconds have
    passed and at least ``min_rounds`` rounds are done. Returns a dict name -> list of seconds,
    one per timed round.
    """
    names = list(calls)
    times = {name: [] for name in names}
    start = time.perf_counter()
    for r in range(max_rounds + 1):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            t0 = clock()
            calls[name]()
            t1 = clock()
            if r > 0:  # round 0 is the warm-up
                times[name].append(t1 - t0)
        if r >= min_rounds and time.perf_counter() - start > budget_s:
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
