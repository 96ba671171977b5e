"""reference: the oracles that manual_backprop is checked against.

It never imports manual_backprop, so a bug shared by the code under test and its oracle
cannot hide. Modules:

* :mod:`reference.tolerances`: every tolerance of the project in one table, each with its reason.
"""
