"""Metrics: the frozen definitions of what the suite measures.

`suite.metrics.names` is the master list of metric names (unit, direction); the other modules compute them.
"""
