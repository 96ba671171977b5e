"""reference: the oracles that manual_backprop is checked against.

It never imports manual_backprop, so a bug shared by the code under test and its oracle
cannot hide. Modules:

* :mod:`reference.tolerances`: every tolerance of the project in one table, each with its reason.
* :mod:`reference.finite_difference`: numerical gradients of any theta -> J (NumPy only).
* :mod:`reference.autodiff`: the network cost again in ``jax.numpy``, differentiated by JAX in
  reverse and forward mode. JAX is loaded only when that module is first used; nothing in this
  package imports it for you.
"""
