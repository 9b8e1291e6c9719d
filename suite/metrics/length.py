"""Response-length statistics, in tokens of the policy's own tokenizer (as the official fork counts them; see
docs/rewards.md, "The official code").

`lengths` are generated-token counts (OpenRLHF's `response_length` counts the EOS token too; the caller decides
and records which). A response *exceeds* the limit when `length + margin >= max_len` with `margin = 16`: the
official rule (`MAX_LEN_MARGIN` in the official `openrlhf/reward/common.py`; docs/rewards.md).

>>> exceed_rate([100, 4080, 4096], max_len=4096)
0.666...
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

MAX_LEN_MARGIN = 16


def exceeded(lengths, max_len: int, margin: int = MAX_LEN_MARGIN) -> np.ndarray:
    """Boolean mask: which responses hit the limit (`length + margin >= max_len`)."""
    return np.asarray(lengths) + margin >= max_len


def exceed_rate(lengths, max_len: int, margin: int = MAX_LEN_MARGIN) -> float:
    """Share of responses that hit the generation limit. NaN for no responses."""
    lengths = np.asarray(lengths)
    return float(exceeded(lengths, max_len, margin).mean()) if lengths.size else float("nan")


def _stats(values: np.ndarray) -> dict[str, float]:
    if values.size == 0:
        return {"mean": float("nan"), "median": float("nan"), "n": 0}
    return {"mean": float(values.mean()), "median": float(np.median(values)), "n": int(values.size)}


def length_summary(lengths: Sequence[int], correct: Sequence[bool] | None = None) -> dict[str, dict[str, float]]:
    """Mean, median and count of lengths: over all responses, and over correct and wrong ones when `correct` is given.

    >>> length_summary([10, 20, 60], [True, False, True])["correct"]
    {'mean': 35.0, 'median': 35.0, 'n': 2}
    """
    lengths = np.asarray(lengths, dtype=float)
    out = {"all": _stats(lengths)}
    if correct is not None:
        mask = np.asarray(correct, dtype=bool)
        if mask.shape != lengths.shape:
            raise ValueError(f"lengths and correct differ in shape: {lengths.shape} vs {mask.shape}")
        out["correct"] = _stats(lengths[mask])
        out["wrong"] = _stats(lengths[~mask])
    return out
