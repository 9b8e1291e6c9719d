"""Readings of the paper's words about curve shapes, shared by the findings that use them (§4.1, §4.2).

Each number is a reading of a sentence, stated once here so that every finding judges the same words the same way.
"""

from suite.checks import Drawdown, PlateauBelow, ReachesFraction, Trend
from suite.metrics import names as M

#: "grow CoT length until they hit the context window" (§4.1): the smoothed mean length reaches 80% of the generation
#: limit (Figure 2(d)'s curves end close to the 14,336-token limit; the exceed threshold itself is at limit - 16).
LIMIT_FRACTION = 0.8

#: "the accuracy dropped to near zero" (§4.1): a fall of at least half of the running peak, a lenient reading of
#: "near zero"; §4.2's "stabilizing the training accuracy" is the absence of such a fall.
COLLAPSE = 0.5


def instability_checks(arm: str, limit: int, label: str = "") -> tuple:
    """§4.1's claim about one classic-reward run, as four curve checks: length grows (first half), runs into the
    generation limit `limit`, accuracy collapses once it does, and the exceed rate levels off below 1. `label`
    prefixes the check names when a finding has several such arms ("Llama: ...")."""
    p = f"{label}: " if label else ""
    return (
        Trend(f"{p}length grows", M.RESPONSE_LENGTH, arm=arm, window=(0.0, 0.5)),
        ReachesFraction(f"{p}length runs into the generation limit", M.RESPONSE_LENGTH, arm=arm, limit=limit,
                        fraction=LIMIT_FRACTION),
        Drawdown(f"{p}accuracy collapses once length saturates", M.TRAIN_ACCURACY, arm=arm, min_drop=COLLAPSE),
        PlateauBelow(f"{p}the exceed rate levels off below 1", M.EXCEED_RATE, arm=arm, level=1.0),
    )
