"""Checks: a closed vocabulary of tolerance kinds. Each kind is a frozen dataclass whose `evaluate` returns a
`CheckResult` with a verdict (pass / fail / inconclusive), the observed and expected values, the tolerance, and the
evidence in words.

| kind                 | question                                                        | typical role  |
|----------------------|-----------------------------------------------------------------|---------------|
| `scalar_tolerance`   | is the run's mean within an absolute/relative tolerance?        | reproduction  |
| `seed_agreement`     | do run seeds and reference seeds agree (two-sided Welch)?       | reproduction  |
| `directional`        | is arm B's metric higher than arm A's (one-sided, across seeds)? | claim         |
| `trend`              | does a curve rise / fall over steps (slope CI)?                 | claim         |
| `curve_band`         | does the run's curve stay in the reference seeds' band?         | reproduction  |
"""

from suite.checks.tables import table_agreement
from suite.checks.kinds import (
    CHECK_KINDS,
    Check,
    CheckResult,
    CurveBand,
    Directional,
    ScalarTolerance,
    SeedAgreement,
    Trend,
)

__all__ = [
    "CHECK_KINDS",
    "Check",
    "CheckResult",
    "CurveBand",
    "Directional",
    "ScalarTolerance",
    "SeedAgreement",
    "Trend",
    "table_agreement",
]
