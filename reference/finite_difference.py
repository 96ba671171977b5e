"""Numerical gradients of any cost J: theta -> scalar, in NumPy only.

Central differences, the course's gradApprox:

    gradApprox_k = (J(theta + eps e_k) - J(theta - eps e_k)) / (2 eps),   eps = 1e-4,

costs 2P evaluations of J for P parameters. Its error is truncation, (eps^2 / 6) J'''
(~1e-9 for eps = 1e-4), plus rounding, about u |J| / eps (~1e-12 in float64).
"""

from __future__ import annotations

import numpy as np

__all__ = ["central_difference"]


def central_difference(J, theta, eps=1e-4):
    """gradApprox: the central-difference gradient of J at theta, one coordinate at a time.

    Parameters
    ----------
    J : callable, theta (P,) -> scalar cost
    theta : array (P,), float64 (float32 input is upcast: float32 central differences cannot
        resolve a gradient better than ~1e-3 relative)
    eps : float > 0, the step

    Returns
    -------
    grad_approx : float64 array (P,)
    """
    theta = np.array(theta, dtype=np.float64)
    if theta.ndim != 1:
        raise ValueError(f"theta must be 1-dimensional, got shape {theta.shape}")
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a finite number > 0, got {eps}")
    grad_approx = np.empty_like(theta)
    for k in range(theta.size):
        saved = theta[k]
        theta[k] = saved + eps
        J_plus = J(theta.copy())
        theta[k] = saved - eps
        J_minus = J(theta.copy())
        theta[k] = saved
        grad_approx[k] = (J_plus - J_minus) / (2.0 * eps)
    return grad_approx
