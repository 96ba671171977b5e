"""Settings for the test runs of mutation testing (mutmut loads this with ``-p tests.mutation_plugin``).

pytest imports a ``-p`` plugin before any conftest or test module, hence before NumPy, so the
environment set here is what NumPy, OpenBLAS and the suite's conftest read when they load:

* one BLAS thread (``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``): OpenBLAS
  starts a thread pool when NumPy is imported, and mutmut forks a worker per mutant from a process
  that has imported NumPy; the worker would inherit the pool's locks without its threads. One
  thread also keeps two workers on two cores from oversubscribing them.
* a persistent JAX compilation cache in ``.jax_cache`` beside ``tests/`` (under mutmut, in
  ``mutants/``): each worker is a fresh process that would otherwise compile every oracle again;
* ``CI=1``: the suite's Hypothesis profile is derandomised and keeps no example database
  (tests/conftest.py), so every run draws the same examples and reports the same score.

The thread counts and the cache are set whatever the environment says (more threads would bring the hang
back); ``CI`` keeps a value already set, so ``CI=0 mutmut run`` draws random examples.

Two settings change how long a mutant takes, never whether its tests pass:

* Hypothesis does not shrink or explain a failing example (the ``phases`` of the loaded profile
  stop after generation and targeting): a test fails at the first failing example it finds, as it
  would after shrinking, and a shrink with its traced explanation can take minutes;
* every object alive when a session starts is frozen out of the garbage collector
  (:func:`gc.freeze`), see :func:`pytest_configure`.
"""

import gc
import os
from pathlib import Path

BLAS_THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
JAX_CACHE = {
    "JAX_COMPILATION_CACHE_DIR": str(Path(__file__).resolve().parents[1] / ".jax_cache"),
    "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
    "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES": "0",
}

os.environ.update(BLAS_THREADS)
os.environ.update(JAX_CACHE)
os.environ.setdefault("CI", "1")

import pytest  # noqa: E402  (after the environment, in case a plugin of theirs loads NumPy)
from hypothesis import Phase, settings  # noqa: E402

FAILURE_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.target)


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    # After the conftest has loaded its profile, before any test module applies @settings.
    settings.register_profile("mutation", settings.default, phases=FAILURE_PHASES)
    settings.load_profile("mutation")
    # A mutant's worker is forked from a process that has imported NumPy, JAX, SciPy and the
    # tests, millions of objects, and pytest ends every session with full garbage collections
    # that walk all of them (and copy every memory page the fork shared): seconds per mutant.
    # Frozen, they are skipped; the worker's own garbage is still collected.
    gc.freeze()
