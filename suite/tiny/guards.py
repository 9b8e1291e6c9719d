"""Stopping a run that has gone numerically wrong, with the step and the quantity named.

A NaN or infinite loss poisons every weight it touches; training on would finish with NaN curves and a job that looks
as if it ran. The engines check each loss before its backward pass and stop the job instead (the runner records the
message in the job's error.txt and the experiment's status is "error").
"""

from __future__ import annotations

import math


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite."""


def require_finite(loss, what: str, step: int) -> None:
    """Raise TrainingDiverged when `loss` (a number or a one-element tensor) is NaN or infinite.

    >>> require_finite(0.5, "SFT loss", 3)
    >>> try:
    ...     require_finite(float("nan"), "policy loss", 12)
    ... except TrainingDiverged as exc:
    ...     print(exc)
    policy loss is nan at step 12: training diverged; lower the learning rate or check the recipe's coefficients
    """
    value = float(loss.detach()) if hasattr(loss, "detach") else float(loss)
    if not math.isfinite(value):
        raise TrainingDiverged(f"{what} is {value} at step {step}: training diverged; lower the learning rate or "
                               "check the recipe's coefficients")
