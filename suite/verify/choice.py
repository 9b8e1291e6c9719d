"""Multiple-choice grading for MMLU-Pro (ten options, letters A-J).

Extraction follows MMLU-Pro's own evaluation order (TIGER-Lab `evaluate_from_local.py`): "answer is (X)", then
"Answer: X", then the last `\\boxed{X}`; only then a parenthesised letter "(X)" on the final line, or a final line
that is just the letter. A response
naming no letter is wrong.

>>> extract_choice("Let's think... The answer is (C).")
'C'
>>> grade_mmlu_pro("so the answer is (c)", "C")
True
"""

from __future__ import annotations

import re

from suite.verify.extract import last_boxed_only_string, remove_boxed, response_tail

LETTERS = "ABCDEFGHIJ"
# Possessive quantifiers keep every pattern linear-time (see `suite.verify.extract`); the old trailing `\s*\)?` before
# the look-ahead could only succeed as "the letter is not followed by a letter", so it is left out.
_ANSWER_IS = re.compile(r"answer is:?+\s*+\(?+\s*+([A-J])(?![A-Za-z])", re.IGNORECASE)
_ANSWER_COLON = re.compile(r"answer:\s*+\(?+\s*+([A-J])(?![A-Za-z])", re.IGNORECASE)
_PAREN_LETTER = re.compile(r"\(([A-J])\)")
_BARE_LINE = re.compile(r"^\s*+\(?+([A-J])\)?+\s*+\.?+\s*+$")


def extract_choice(text: str) -> str | None:
    """The option letter (upper case) a response commits to, or None (linear time; reads the response's last
    `suite.verify.extract.MAX_RESPONSE_CHARS` characters)."""
    text = response_tail(text)
    for pattern in (_ANSWER_IS, _ANSWER_COLON):
        hits = pattern.findall(text)
        if hits:
            return hits[-1].upper()
    boxed = last_boxed_only_string(text)
    if boxed is not None:
        inner = remove_boxed(boxed).replace("\\text{", "").strip("{}() ")
        if len(inner) == 1 and inner.upper() in LETTERS:
            return inner.upper()
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if lines:
        # only "(E)" or a line that is just a letter: a bare "I" or "A" in prose is a word, not an option
        hits = _PAREN_LETTER.findall(lines[-1]) or _BARE_LINE.findall(lines[-1])
        if hits:
            return hits[-1]
    return None


def grade_mmlu_pro(response: str, gold: str) -> bool:
    """True when the response's letter equals the gold letter (gold may be 'C', '(C)' or an index 0-9)."""
    gold = gold.strip().strip("()").upper()
    if gold.isdigit() and int(gold) < len(LETTERS):
        gold = LETTERS[int(gold)]
    return extract_choice(response) == gold
