"""Checks generated from a paper table: one reproduction check per (arm, benchmark) cell."""

from __future__ import annotations

from typing import Sequence

from suite.checks.kinds import ScalarTolerance
from suite.metrics.names import BENCHMARKS, benchmark_accuracy


def table_agreement(arms: Sequence[str], benchmarks: Sequence[str] = BENCHMARKS) -> tuple[ScalarTolerance, ...]:
    """run - table inside the band stored with the reference cell (its `covers` says what the band includes)."""
    return tuple(
        ScalarTolerance(f"{arm} {bench} matches the table", benchmark_accuracy(bench), arm=arm)
        for arm in arms
        for bench in benchmarks
    )
