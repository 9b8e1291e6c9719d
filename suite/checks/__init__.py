"""Checks: a closed vocabulary of tolerance kinds. Each kind is a frozen dataclass whose `evaluate` returns a
`CheckResult` with a verdict (pass / fail / inconclusive), the observed and expected values, the tolerance, the
evidence in words, the p-value of its failing direction and the error the decision used.

| kind                   | question                                                              | typical role |
|------------------------|-----------------------------------------------------------------------|--------------|
| `directional`          | is arm B's metric higher than arm A's? (seeds, paired or not; or SE)   | claim        |
| `above_level`          | is one arm's metric above a fixed level (e.g. a behaviour present)?    | claim        |
| `trend`                | does a curve rise / fall over a window? (seed slopes, or Newey-West)  | claim        |
| `drawdown`             | does the curve collapse from its running peak (or stay stable)?       | claim        |
| `reaches_fraction`     | does the curve reach a fraction of a limit (e.g. the context)?        | claim        |
| `plateau_below`        | does the curve level off below a level?                               | claim        |
| `turn`                 | does it rise then fall (or fall then rise)?                           | claim        |
| `stays_below_start`    | does it never exceed where it started?                                | claim        |
| `difference_in_differences` | does one arm pair change more than another (e.g. RL's gain)?     | claim        |
| `difference_agreement` | does the run's between-arm difference match the reference's?          | reproduction |
| `change_agreement`     | does an arm's change over training match the reference's?             | reproduction |
| `difference_in_differences_agreement` | does the run's difference in differences match the reference's? | reproduction |
| `scalar_tolerance`     | is the run's mean within a tolerance of the expected value?           | reproduction |
| `seed_agreement`       | do run seeds and reference seeds share a mean (two-sided Welch)?      | reproduction |
| `curve_band`           | does the run's curve stay in the reference seeds' band?               | reproduction |

A finding's checks become its two verdicts under the rule in `multiplicity.py` (Holm for the failing direction).
"""

from suite.checks.differences import (
    ChangeAgreement,
    DifferenceAgreement,
    DifferenceInDifferences,
    DifferenceInDifferencesAgreement,
)
from suite.checks.kinds import (
    AboveLevel,
    Check,
    CheckResult,
    CurveBand,
    Directional,
    ScalarTolerance,
    SeedAgreement,
    Trend,
)
from suite.checks.shapes import Drawdown, PlateauBelow, ReachesFraction, StaysBelowStart, Turn
from suite.checks.tables import table_agreement

CHECK_KINDS: dict[str, type[Check]] = {}
for _cls in (Directional, AboveLevel, Trend, Drawdown, ReachesFraction, PlateauBelow, Turn, StaysBelowStart,
             DifferenceAgreement, ChangeAgreement, DifferenceInDifferences, DifferenceInDifferencesAgreement,
             ScalarTolerance, SeedAgreement, CurveBand):
    if _cls.kind in CHECK_KINDS:
        raise RuntimeError(f"check kind {_cls.kind!r} registered twice")
    CHECK_KINDS[_cls.kind] = _cls

__all__ = [
    "AboveLevel", "CHECK_KINDS", "ChangeAgreement", "Check", "CheckResult", "CurveBand", "DifferenceAgreement",
    "DifferenceInDifferences", "DifferenceInDifferencesAgreement", "Directional",
    "Drawdown", "PlateauBelow", "ReachesFraction", "ScalarTolerance", "SeedAgreement", "StaysBelowStart", "Trend",
    "Turn", "table_agreement",
]
