"""``python -m benchmarks``: see :mod:`benchmarks` and ``python -m benchmarks --help``."""

from .run import main

main()
