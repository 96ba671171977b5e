"""Hypothesis profiles, registered once for the whole suite.

* ``default``: a few dozen examples per property, so the whole suite stays within minutes on
  two cores; derandomised when the CI environment variable is set, so CI runs are reproducible.
* ``thorough``: thousands of examples per property, on request:
  ``HYPOTHESIS_PROFILE=thorough python -m pytest -n auto``.

A failing property prints the shrunk example and the ``@reproduce_failure`` blob to replay it.
"""

import os

from hypothesis import HealthCheck, settings

_common = dict(deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow])

settings.register_profile("default", max_examples=30, derandomize=bool(os.environ.get("CI")), **_common)
settings.register_profile("thorough", max_examples=2000, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
