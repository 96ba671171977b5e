"""A smoke test of the benchmark harness (benchmarks/ measures; this only checks that it runs and
computes its ratios as documented)."""

import json

import numpy as np

from benchmarks.floor import floor_flops
from benchmarks.run import main
from benchmarks.timing import interleaved, summarise


def test_interleaved_rounds_rotate_the_order_and_drop_the_warm_up_round():
    order = []
    calls = {name: (lambda name=name: order.append(name)) for name in "abc"}
    times = interleaved(calls, min_rounds=3, max_rounds=3, budget_s=0)
    assert order == list("abc" "bca" "cab" "abc")
    assert all(len(ts) == 3 for ts in times.values())


def test_a_ratio_is_the_median_of_the_per_round_ratios():
    summary = summarise({"ours": [1.0, 2.0, 4.0], "jax": [2.0, 2.0, 40.0]}, references=("ours",))
    assert summary["jax"]["ratio_to_ours"] == 2.0
    assert summary["jax"]["median_s"] == 2.0


def test_the_floor_counts_two_products_for_the_first_layer_and_three_for_the_others():
    assert floor_flops((3, 5, 3), 5) == 2 * (2 * 5 * 5 * 4) + 2 * (2 * 5 * 3 * 6) + 2 * 5 * 3 * 5


def test_a_quick_run_of_the_smallest_point_writes_the_table_the_json_and_the_plot(tmp_path):
    main(["--quick", "--points", "3-5-3", "--only", "ours", "--no-suite", "--out", str(tmp_path)])
    result = json.loads((tmp_path / "results.json").read_text())
    (point,) = result["points"]
    assert point["P"] == 38
    assert set(point["timings"]) == {"ours", "floor"}
    assert np.isclose(point["timings"]["ours"]["ratio_to_ours"], 1.0)
    assert "| 3-5-3 | 5 | 38 |" in (tmp_path / "results.md").read_text()
    assert (tmp_path / "results.png").stat().st_size > 1000
