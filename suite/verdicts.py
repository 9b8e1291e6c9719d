"""The closed vocabulary of verdicts. Each value is defined once, here.

Two notions are kept apart and both reported:
- the **claim verdict**: does the paper's claim hold in this run? (computed from an experiment's claim checks)
- the **reproduction verdict**: does this run match the stored reference within tolerance? (its reproduction checks)
"""

from __future__ import annotations

from typing import Iterable

# Check-level verdicts
PASS = "pass"
FAIL = "fail"
INCONCLUSIVE = "inconclusive"
CHECK_VERDICTS = (PASS, FAIL, INCONCLUSIVE)

# Check roles
CLAIM = "claim"
REPRODUCTION = "reproduction"
ROLES = (CLAIM, REPRODUCTION)

# Experiment-level claim verdicts
CLAIM_HOLDS = "claim holds"
CLAIM_NOT_REPRODUCED = "not reproduced at this scale"
CLAIM_INCONCLUSIVE = "inconclusive"

# Experiment-level reproduction verdicts
MATCHES_REFERENCE = "matches reference"
DEVIATES_FROM_REFERENCE = "deviates from reference"
REFERENCE_INCONCLUSIVE = "inconclusive"
NO_CHECKS = "no checks"

# Experiment status at a scale (before a run) and after it
IMPLEMENTED = "implemented"
RAN = "ran"
NOT_IMPLEMENTED = "not implemented at this scale"
NOT_EXECUTABLE = "needs an external engine"
ERROR = "error"


def aggregate(verdicts: Iterable[str], *, role: str) -> str:
    """Fold check verdicts of one role into the experiment-level verdict: any fail → negative, all pass → positive,
    otherwise inconclusive. An empty list gives NO_CHECKS."""
    verdicts = list(verdicts)
    if not verdicts:
        return NO_CHECKS
    if role == CLAIM:
        if FAIL in verdicts:
            return CLAIM_NOT_REPRODUCED
        return CLAIM_HOLDS if all(v == PASS for v in verdicts) else CLAIM_INCONCLUSIVE
    if FAIL in verdicts:
        return DEVIATES_FROM_REFERENCE
    return MATCHES_REFERENCE if all(v == PASS for v in verdicts) else REFERENCE_INCONCLUSIVE
