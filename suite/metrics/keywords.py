"""Reflection-keyword statistics of §6.1 (Fig. 7) and the branching count of §4.5 (Figs. 10-11) of the paper.

Frozen definitions (the paper leaves case handling and normalisation open; these are ours, documented once here):

- `keyword_counts(text)`: case-insensitive, whole-word counts (regex `\\bword\\b`) of the five §6.1 keywords
  `wait`, `recheck`, `alternatively`, `retry`, `however`, plus the key `"alternatively,"`: the §4.5 pivot keyword
  *with its comma* (regex `\\balternatively,`). Whole words: "waiting", "rechecking" and "re-check" do not count.
- response-level rate: share of responses with >= 1 occurrence (of one keyword, or of any of the five).
- question-level rate: share of questions with >= 1 such response among its samples.
- mean count per response.
- coding rate (§6.2): share of responses containing the substring "```python" (case-sensitive).

>>> keyword_counts("Wait, waiting... Alternatively, however; ALTERNATIVELY")
{'wait': 1, 'recheck': 0, 'alternatively': 2, 'retry': 0, 'however': 1, 'alternatively,': 1}
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Sequence

KEYWORDS = ("wait", "recheck", "alternatively", "retry", "however")
PIVOT = "alternatively,"
_PATTERNS = {word: re.compile(rf"\b{word}\b", re.IGNORECASE) for word in KEYWORDS}
_PATTERNS[PIVOT] = re.compile(r"\balternatively,", re.IGNORECASE)
CODE_MARKER = "```python"


def keyword_counts(text: str) -> dict[str, int]:
    """Counts of the five keywords and of "alternatively," in one response (keys in `KEYWORDS` order, then PIVOT)."""
    return {key: len(pattern.findall(text)) for key, pattern in _PATTERNS.items()}


def _selected(counts: Mapping[str, int], keyword: str | None) -> int:
    """The count of one key, or (keyword=None) the total over the five §6.1 keywords."""
    return sum(counts[k] for k in KEYWORDS) if keyword is None else counts[keyword]


def response_keyword_rate(texts: Iterable[str], keyword: str | None = None) -> float:
    """Share of responses with >= 1 occurrence of `keyword` (None: any of the five). NaN for no responses."""
    hits = [_selected(keyword_counts(t), keyword) > 0 for t in texts]
    return sum(hits) / len(hits) if hits else float("nan")


def question_keyword_rate(texts_per_question: Sequence[Sequence[str]], keyword: str | None = None) -> float:
    """Share of questions with >= 1 response containing `keyword` (None: any of the five) among its samples."""
    hits = [any(_selected(keyword_counts(t), keyword) > 0 for t in samples) for samples in texts_per_question]
    return sum(hits) / len(hits) if hits else float("nan")


def mean_keyword_count(texts: Iterable[str], keyword: str = PIVOT) -> float:
    """Mean count of one key per response (default: the pivot "alternatively,"). NaN for no responses."""
    counts = [keyword_counts(t)[keyword] for t in texts]
    return sum(counts) / len(counts) if counts else float("nan")


def coding_rate(texts: Iterable[str]) -> float:
    """Share of responses that contain "```python" (§6.2). NaN for no responses."""
    hits = [CODE_MARKER in t for t in texts]
    return sum(hits) / len(hits) if hits else float("nan")
