"""A smoke test of the benchmark harness (benchmarks/ measures; this only checks that it runs and
computes its ratios as documented)."""

import json

import numpy as np

from benchmarks.contestants import SklearnMLP
from benchmarks.floor import floor_flops
from benchmarks.grid import GRID, make_problem
from benchmarks.load import CpuMeter, busy_core
from benchmarks.run import main
from benchmarks.timing import interleaved, summarise
from manual_backprop import nn_cost_function
from reference.tolerances import tolerance


def test_interleaved_rounds_rotate_the_order_and_drop_the_warm_up_round():
    order = []
    calls = {name: (lambda name=name: order.append(name)) for name in "abc"}
    times = interleaved(calls, min_rounds=3, max_rounds=3, budget_s=0)
    assert order == list("abc" "bca" "cab" "abc")
    assert all(len(ts) == 3 for ts in times.values())


def test_in_steady_state_each_round_settles_then_times_a_burst_and_keeps_its_median():
    order = []
    calls = {name: (lambda name=name: order.append(name)) for name in "ab"}
    # The clock reads 0, 1, 3, 6, 10, 15, ...: the timed calls of a burst take 1, 3 and 5 "seconds".
    readings = (k * (k + 1) / 2 for k in range(1000))
    times = interleaved(calls, min_rounds=2, max_rounds=2, budget_s=0, settle_s=1e-9, burst=3,
                        clock=lambda: next(readings))
    # No warm-up round: in each of the 2 rounds, one settling call and 3 timed ones per contestant.
    assert order == list("aaaa" "bbbb" "bbbb" "aaaa")
    assert times["a"] == [3.0, 21.0]  # medians of (1, 3, 5) and, after b's two bursts, of (19, 21, 23)


def test_a_ratio_is_the_median_of_the_per_round_ratios():
    summary = summarise({"ours": [1.0, 2.0, 4.0], "jax": [2.0, 2.0, 40.0]}, references=("ours",))
    assert summary["jax"]["ratio_to_ours"] == 2.0
    assert summary["jax"]["ours_over"] == 0.5
    assert summary["jax"]["median_s"] == 2.0


def test_the_floor_counts_two_products_for_the_first_layer_and_three_for_the_others():
    assert floor_flops((3, 5, 3), 5) == 2 * (2 * 5 * 5 * 4) + 2 * (2 * 5 * 3 * 6) + 2 * 5 * 3 * 5


def test_the_busy_core_spins_while_the_block_runs_and_stops_after_it():
    with busy_core(max_s=30) as spinner:
        meter = CpuMeter().start()
        while meter.stop()["wall_s"] < 0.3:
            pass
    assert spinner["wall_s"] > 0.3
    assert spinner["cpu_share"] > 0
    assert spinner["returncode"] != 0  # stopped by the block's end, long before its own 30 s


def test_scikit_learns_loss_and_gradient_are_the_course_cost_and_ours_in_its_layout():
    p = make_problem(GRID[1])
    mlp = SklearnMLP(p.layer_sizes, p.X, p.Y, p.lam)
    J, packed_grad = mlp.loss_grad(p.X, p.Y)(mlp.theta_to_packed(p.theta_vec))
    J_ours, grad_ours = nn_cost_function(p.theta_vec, p.layer_sizes, p.X, p.y, p.lam)
    tol = tolerance("manual_vs_autodiff")  # two implementations of the same derivatives
    assert np.isclose(J, J_ours, rtol=tol.rtol, atol=tol.atol)
    assert np.allclose(mlp.packed_to_theta(packed_grad), grad_ours, rtol=tol.rtol, atol=tol.atol)


def test_a_quick_run_of_the_smallest_point_writes_the_tables_the_json_and_the_plot(tmp_path):
    main(["--quick", "--points", "3-5-3", "--only", "ours", "--no-training", "--out", str(tmp_path)])
    result = json.loads((tmp_path / "results.json").read_text())
    assert set(result["settings"]) == {"single", "default"}
    (point,) = result["settings"]["single"]["points"]
    assert point["P"] == 38
    assert set(point["loads"]["quiet"]["timings"]) == {"ours", "ours-bound", "floor"}
    assert np.isclose(point["loads"]["quiet"]["timings"]["ours"]["ratio_to_ours"], 1.0)
    assert set(result["settings"]["default"]["points"][0]["loads"]) == {"quiet", "busy"}
    text = (tmp_path / "results.md").read_text()
    assert "| 3-5-3 | 5 | 38 |" in text
    assert "one core kept busy" in text
    assert (tmp_path / "results.png").stat().st_size > 1000

