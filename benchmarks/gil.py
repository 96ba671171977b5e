"""What two blocks on two threads lose: the GIL, or the memory both cores share.

Run from the repository root, on a machine as quiet as it gets::

    python -m benchmarks.gil

The bound cost function splits the examples into one block per core from PARALLEL_ABOVE_FLOPS up
and runs the blocks on as many threads of one process. Each block runs its forward and backward
pass as some thirty NumPy calls; NumPy releases the GIL inside each, but a thread must take it back
between them, and when the other thread holds it, wait to be woken. For the grid's points from
64-25-10 up (two blocks, one BLAS thread each), this times the first of the two blocks (the median
of its ``_Block.run`` over one second of calls):

* alone, on one thread;
* while the second block runs at the same time on a second thread of the same process;
* while the second block runs at the same time in a second process, which shares the cores' memory
  and caches but not the GIL.

Threads slower than processes is what the GIL costs; processes slower than alone is what the
shared memory costs. Repeated ``--repeats`` times (medians of the repeats). Writes gil.md and
gil.json into ``--out`` (default benchmarks/results/profile). Measures; asserts nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import threading
import time
from pathlib import Path

import numpy as np

from .grid import GRID
from .load import CpuMeter, load_average
from .report import command_line, write_outputs

__all__ = ["main"]


def _block_time(point, which, seconds, barrier):
    """Median seconds of block ``which``'s forward and backward pass (of two) over ``seconds`` of
    calls, one BLAS thread, the calls started at the barrier."""
    import threadpoolctl

    from manual_backprop.bound import BoundCost, theta_views

    from .grid import make_problem

    p = make_problem(point)
    with threadpoolctl.threadpool_limits(1):
        bound = BoundCost(p.layer_sizes, p.X, p.y, p.lam, blocks=2)
        thetas, block = theta_views(p.theta_vec, bound.shapes), bound.blocks[which]
        block.run(thetas)
        barrier.wait()
        times, end = [], time.perf_counter() + seconds
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            block.run(thetas)
            times.append(time.perf_counter() - t0)
    return float(np.median(times))


def _in_process(point, which, seconds, barrier, queue):
    queue.put((which, _block_time(point, which, seconds, barrier)))


def _side_by_side(point, seconds, processes):
    """The first block's median time while the second runs beside it, in a thread or a process."""
    if processes:
        context = multiprocessing.get_context("spawn")
        barrier, queue = context.Barrier(2), context.Queue()
        workers = [context.Process(target=_in_process, args=(point, i, seconds, barrier, queue)) for i in (0, 1)]
        for worker in workers:
            worker.start()
        times = dict(queue.get() for _ in workers)
    else:
        barrier, times = threading.Barrier(2), {}
        workers = [threading.Thread(target=lambda i=i: times.update({i: _block_time(point, i, seconds, barrier)}))
                   for i in (0, 1)]
        for worker in workers:
            worker.start()
    for worker in workers:
        worker.join()
    return times[0]


def _children_cpu_s():
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gil", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=1.0, help="seconds of calls per measurement (default 1)")
    parser.add_argument("--repeats", type=int, default=3, help="measurements of each kind per point (default 3)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/profile"),
                        help="where gil.md and gil.json are written (default benchmarks/results/profile)")
    args = parser.parse_args(argv)
    command = command_line("benchmarks.gil", argv)
    rows, before = [], load_average()
    for point in [p for p in GRID if p.layer_sizes[0] >= 64]:
        meter, children = CpuMeter().start(), _children_cpu_s()
        alone, threads, processes = [], [], []
        for _ in range(args.repeats):
            alone.append(_block_time(point, 0, args.seconds, threading.Barrier(1)))
            threads.append(_side_by_side(point, args.seconds, processes=False))
            processes.append(_side_by_side(point, args.seconds, processes=True))
        usage = meter.stop(exclude_s=_children_cpu_s() - children)  # the second process is ours
        row = {"network": point.name, "alone_ms": float(np.median(alone)) * 1e3,
               "threads_ms": float(np.median(threads)) * 1e3, "processes_ms": float(np.median(processes)) * 1e3,
               "others_cores": usage["others_cores"]}
        rows.append(row)
        print(f"{point.name:26s} first block alone {row['alone_ms']:8.3f} ms, beside the second: in a thread "
              f"x{row['threads_ms'] / row['alone_ms']:.2f}, in a process x{row['processes_ms'] / row['alone_ms']:.2f}"
              f"  (others used {row['others_cores']:.2f} cores)", flush=True)
    lines = ["# Two blocks at once: in two threads (one GIL) or in two processes", "",
             f"Command: `{command}`; load average {before[0]:.2f} at the start, "
             f"{load_average()[0]:.2f} at the end. The first of two blocks (one BLAS thread), median wall time of its "
             f"forward and backward pass over {args.seconds:g} s of calls, the median of {args.repeats} such measurements.", "",
             "| network | alone ms | beside the second, in a thread | in a process | thread / process | others' cores |",
             "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['network']} | {r['alone_ms']:.3f} | x{r['threads_ms'] / r['alone_ms']:.2f} | "
              f"x{r['processes_ms'] / r['alone_ms']:.2f} | {r['threads_ms'] / r['processes_ms']:.2f} | "
              f"{r['others_cores']:.2f} |" for r in rows]
    write_outputs(args.out, "gil", "\n".join(lines), {"rows": rows})
    return rows


if __name__ == "__main__":
    main()
