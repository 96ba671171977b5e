"""The load on the machine: a core kept busy on purpose, and how much CPU everybody else used.

A user's machine is rarely idle, and a library whose threads wait for each other on a shared
core can be many times slower than its single-threaded self. :func:`busy_core` starts one
process that spins on a core for the duration of a ``with`` block (it also stops by itself after
``max_s`` seconds, so that a benchmark killed half-way leaves nothing behind) and reports the CPU
share it actually got. :class:`CpuMeter` reads ``/proc/stat`` around a measurement and says how
many cores other processes (neither this one nor its spinner) kept busy meanwhile: the honest
answer to "was the quiet machine quiet", which the load average (a one-minute moving average of
runnable processes) answers only roughly. Both do nothing useful off Linux and say so.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from contextlib import contextmanager

__all__ = ["busy_core", "CpuMeter", "load_average"]

_SPIN = "import time\nend = time.monotonic() + {max_s}\nwhile time.monotonic() < end:\n    pass\n"


def load_average():
    """The 1-, 5- and 15-minute load averages, or None where the system has none."""
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else None


@contextmanager
def busy_core(max_s=600.0):
    """Keep one core busy with a spinning process while the block runs.

    Yields a dict that, after the block, holds ``wall_s`` (how long the spinner ran) and
    ``cpu_share`` (its CPU time over that: near 1 when it had a core to itself) and its
    ``returncode`` (negative: stopped by a signal at the end of the block).
    """
    report = {"max_s": max_s}
    spinner = subprocess.Popen([sys.executable, "-c", _SPIN.format(max_s=float(max_s))])
    time.sleep(0.2)  # let the spinner start and the scheduler place it
    started = time.perf_counter()
    try:
        yield report
    finally:
        report["wall_s"] = time.perf_counter() - started + 0.2
        spinner.terminate()
        _, status, usage = os.wait4(spinner.pid, 0)
        spinner.returncode = report["returncode"] = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait
        report["cpu_share"] = (usage.ru_utime + usage.ru_stime) / report["wall_s"]


def _proc_stat():
    """(busy, total) jiffies of all cores together, from the first line of /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # guest time is already counted in user
    return total - idle, total


def _own_cpu_s():
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


class CpuMeter:
    """How many cores processes other than this one used between :meth:`start` and :meth:`stop`.

    ``others_cores`` = (busy CPU time of the machine - this process's CPU time - ``exclude_s``)
    / wall time, in cores (0: nobody else ran; 2 on a two-core machine: both cores taken).
    """

    def start(self):
        try:
            self._stat = _proc_stat()
        except OSError:
            self._stat = None
        self._own = _own_cpu_s()
        self._wall = time.perf_counter()
        return self

    def stop(self, exclude_s=0.0):
        wall = time.perf_counter() - self._wall
        own = _own_cpu_s() - self._own
        result = {"wall_s": wall, "own_cores": own / wall if wall else None, "load_average": load_average()}
        if self._stat is None:
            result["others_cores"] = None
            return result
        busy, total = _proc_stat()
        tick = os.sysconf("SC_CLK_TCK")
        busy_s = (busy - self._stat[0]) / tick
        result["machine_busy_cores"] = busy_s / wall if wall else None
        result["others_cores"] = max(0.0, (busy_s - own - exclude_s) / wall) if wall else None
        return result
