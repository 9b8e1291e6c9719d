"""Repetition ratio: the share of a response's tokens covered by a repeated n-gram.

The n-gram definition is the dense repetition penalty's (App. C.2, Algorithm 1; the official
`RepetitionDensePenalty`), and it is literally the same code: `suite.rewards.repeated_ngram_mask`, which marks every
token inside an n-gram occurrence whose n-gram appeared earlier in the response. So
`repetition_ratio * len(tokens) * P` is the summed dense penalty of a response.

>>> repetition_ratio([1, 2, 3, 1, 2, 3], ngram_size=3)   # the second "1 2 3" repeats the first
0.5
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

DEFAULT_NGRAM_SIZE = 40  # N = 40 (paper App. C.2, Tables 9-14; every official run script)


def repetition_ratio(tokens: Sequence[int] | np.ndarray, ngram_size: int = DEFAULT_NGRAM_SIZE) -> float:
    """Share of tokens covered by repeated n-grams; 0.0 for a response shorter than `ngram_size` (or empty)."""
    from suite.rewards import repeated_ngram_mask  # lazy: suite.rewards is built alongside

    if ngram_size < 1:
        raise ValueError(f"ngram_size must be >= 1, got {ngram_size}")
    tokens = np.asarray(tokens)
    if tokens.size == 0:
        return 0.0
    return float(np.mean(repeated_ngram_mask(tokens, ngram_size)))
