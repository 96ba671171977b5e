"""Settings for the test runs of mutation testing (mutmut loads this with ``-p tests.mutation_plugin``).

pytest imports a ``-p`` plugin before any conftest or test module, hence before NumPy, so the
environment set here is what NumPy, OpenBLAS and the suite's conftest read when they load:

* one BLAS thread (``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``): OpenBLAS
  starts its thread pool when NumPy is imported, and mutmut forks its workers from a process that
  has imported NumPy; a worker then inherits the pool's locks without its threads. One thread
  also keeps two workers on two cores from oversubscribing them.
* ``CI=1``: the suite's Hypothesis profile is derandomised and keeps no example database
  (tests/conftest.py), so every run draws the same examples and reports the same score.

The thread counts are set whatever the environment says (more threads would bring the hang
back); ``CI`` keeps a value already set, so ``CI=0 mutmut run`` draws random examples.
"""

import os

BLAS_THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

os.environ.update(BLAS_THREADS)
os.environ.setdefault("CI", "1")
