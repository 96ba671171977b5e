"""What the figures were measured on: CPU, cores, load, library versions, BLAS and its threads.

Some machines set OPENBLAS_CORETYPE (and OPENBLAS_L2_SIZE) so that old OpenBLAS builds pick a
safe kernel; a current NumPy then runs a slower kernel than the CPU allows. The benchmark does
not change them (they must be unset before NumPy loads): it records them and the kernel that
actually ran (threadpoolctl's ``architecture``), and warns when they are set.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys

__all__ = ["describe", "blas_info", "environment_warnings", "ENV_VARS"]

ENV_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
            "MKL_NUM_THREADS", "XLA_FLAGS")


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return sorted(f for f in flags if f.startswith(("avx", "fma")))
    except OSError:
        pass
    return []


def blas_info():
    """threadpoolctl's view of the loaded BLAS libraries (kernel, version, threads), or a note."""
    try:
        import threadpoolctl
    except ImportError:
        return [{"note": "threadpoolctl not installed: BLAS kernel and threads not recorded"}]
    return [{k: info.get(k) for k in ("internal_api", "version", "architecture", "num_threads",
                                      "threading_layer", "filepath")}
            for info in threadpoolctl.threadpool_info() if info.get("user_api") == "blas"]


def _version(distribution):
    """The installed version, read from the package metadata (importing torch takes seconds)."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _commit():
    """The repository's commit (with "+changes" when the work tree differs from it), or None."""
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return (head + ("+changes" if dirty else "")) or None


def describe():
    """A dict describing the machine and the software, for the JSON and the Markdown header."""
    import numpy as np

    info = {
        "commit": _commit(),
        "cpu": _cpu_model(),
        "cpu_simd_flags": _cpu_flags(),
        "cores": os.cpu_count(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "numpy": np.__version__,
        "blas": blas_info(),
        "environment": {name: os.environ.get(name) for name in ENV_VARS},
        "jax": _version("jax"),
        "torch": _version("torch"),
        "sklearn": _version("scikit-learn"),
    }
    if "torch" in sys.modules:
        import torch

        info["torch_threads"] = torch.get_num_threads()
    if "jax" in sys.modules:
        import jax

        info["jax_devices"] = [str(d) for d in jax.devices()]
    return info


def environment_warnings(info):
    """Lines to print when the environment slows the BLAS down or the machine is busy."""
    lines = []
    env = info["environment"]
    if env.get("OPENBLAS_CORETYPE") or env.get("OPENBLAS_L2_SIZE"):
        kernels = ", ".join(str(b.get("architecture")) for b in info["blas"])
        lines.append(
            f"OPENBLAS_CORETYPE={env.get('OPENBLAS_CORETYPE')} / OPENBLAS_L2_SIZE={env.get('OPENBLAS_L2_SIZE')} "
            f"are set: OpenBLAS runs the {kernels} kernel. For the CPU's own kernel run "
            "`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m benchmarks`."
        )
    load = info.get("load_average")
    if load and info["cores"] and load[0] > 0.5 * info["cores"]:
        lines.append(f"the machine is busy (load average {load[0]:.1f} on {info['cores']} cores): "
                     "ratios are taken pairwise, but absolute times will be slow and noisy")
    return lines
