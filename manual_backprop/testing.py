"""Gradient checks for test suites: an assertion in the style of numpy.testing.

    from manual_backprop.testing import assert_gradients_close

    def test_my_layer_gradient():
        assert_gradients_close(cost_fn, theta_vec, layer_sizes, cost=cost, rng=np.random.default_rng(0))

The assertion passes only on the verdict "passed"; "failed" and "cannot tell" raise
``AssertionError`` whose message is the check's localisation and diagnosis.
"""

from __future__ import annotations

from .gradient_check import check_gradients

__all__ = ["assert_gradients_close"]


def assert_gradients_close(cost_fn, theta_vec, layer_sizes=None, **options):
    """Raise AssertionError unless :func:`manual_backprop.check_gradients` says "passed".

    Parameters
    ----------
    cost_fn, theta_vec, layer_sizes : as for :func:`manual_backprop.check_gradients` (theta_vec may
        be a list or dict of arrays)
    **options : its keyword arguments: method, cost, rng, eps, h, n_directions, n_worst, lam, m...

    Returns
    -------
    The :class:`manual_backprop.gradient_check.GradientCheckReport`, when the check passed.
    """
    report = check_gradients(cost_fn, theta_vec, layer_sizes, **options)
    if report.passed:
        return report
    lines = [f"Gradients not close: {report.verdict}: {report.reason}"]
    if report.worst:
        lines += ["", "Wrong entries:" if report.verdict == "failed" else "Largest errors:"]
        lines += [f"  {entry}" for entry in report.worst]
    failing = [part for part in report.parts if not part.passed]
    if failing:
        lines += ["", "Failing parts:"] + [f"  {part}" for part in failing]
    if report.diagnoses:
        lines += ["", "Diagnosis:"] + [f"  {d}" for d in report.diagnoses]
    undecided = [entry for entry in report.refined if entry.status in ("kink", "unsettled")]
    if undecided:
        lines += ["", "Undecided:"] + [f"  {entry.name}: {entry.evidence}" for entry in undecided[:5]]
    lines += ["", f"({report.method}, {report.n_evaluations} cost evaluations; print the check's report for all rows)"]
    raise AssertionError("\n".join(lines))
