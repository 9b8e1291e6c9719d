"""Answer extraction from a model response: the candidates the paper's default grader tries.

The official RL grader `score_hendrycks` (`openrlhf/reward/common.py`; docs/evaluation.md §5) takes the *maximum* of
`is_equiv` over several extractions of the response. `answer_candidates` returns those extractions in priority order;
`extract_answer` returns the first one, which is what the suite logs as "the extracted answer".

Priority (first hit wins in `extract_answer`; `hendrycks` grading tries all of them):

1. the content of the last `\\boxed{...}` / `\\fbox{...}` (nested braces balanced; `\\boxed 5` also accepted),
2. the text after the last "the answer is:" (MetaMath style) / "the answer is" / "final answer is",
3. the last `$...$` segment that follows an "=",
4. a multiple-choice letter "answer: (C)" / "Answer: C".

Every function here is linear-time string scanning (no backtracking regex on unbounded input), so it cannot hang.

>>> extract_answer(r"so $x=2$ and thus \\boxed{\\frac{1}{2}}.")
'\\\\frac{1}{2}'
>>> extract_answer("Therefore, the answer is 42.")
'42'
"""

from __future__ import annotations

import re

_BOX_COMMANDS = ("\\boxed", "\\fbox")
# The phrase patterns are anchored on literal words and consume at most one line: no catastrophic backtracking.
_ANSWER_IS = re.compile(r"(?:final answer|the answer)\s+is\s*:?\s*([^\n]*)", re.IGNORECASE)
_CHOICE = re.compile(r"answer\s*(?:is)?\s*:?\s*\(?\s*([A-J])\s*\)?(?![A-Za-z])", re.IGNORECASE)
_DOLLAR_AFTER_EQ = re.compile(r"=\s*\$([^$\n]{1,500})\$")


def last_boxed_only_string(text: str) -> str | None:
    """The last `\\boxed{...}` (or `\\fbox{...}`) including the command, braces balanced; None if absent or unclosed.

    >>> last_boxed_only_string(r"a \\boxed{1} b \\boxed{\\frac{2}{3}} c")
    '\\\\boxed{\\\\frac{2}{3}}'
    """
    idx = max(text.rfind(cmd) for cmd in _BOX_COMMANDS)
    if idx < 0:
        return None
    cmd = next(c for c in _BOX_COMMANDS if text.startswith(c, idx))
    rest = idx + len(cmd)
    if text.startswith(" ", rest):  # `\boxed 5`: the argument runs to the next `$` or whitespace
        end = rest + 1
        while end < len(text) and text[end] not in "$ \n":
            end += 1
        return text[idx:end]
    depth = 0
    for i in range(rest, len(text)):
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[idx : i + 1]
        elif depth == 0 and not ch.isspace():
            return None  # `\boxed` not followed by a brace group
    return None


def remove_boxed(boxed: str) -> str:
    """`\\boxed{X}` -> `X`; `\\boxed X` -> `X`; anything else is returned stripped."""
    for cmd in _BOX_COMMANDS:
        if boxed.startswith(cmd + " "):
            return boxed[len(cmd) + 1 :].strip()
        if boxed.startswith(cmd + "{") and boxed.endswith("}"):
            return boxed[len(cmd) + 1 : -1].strip()
    return boxed.strip()


def _strip_sentence_end(answer: str) -> str:
    answer = answer.strip()
    if answer.startswith("$") and not answer.startswith("$$"):  # "$x = 5$, so ..." -> the math segment only
        end = answer.find("$", 1)
        if end > 0:
            return answer[1:end].strip()
    while answer and answer[-1] in ".。 ":
        answer = answer[:-1].rstrip()
    if len(answer) >= 2 and answer[0] == "$" and answer[-1] == "$":
        answer = answer.strip("$").strip()
    return answer


def answer_candidates(text: str) -> list[str]:
    """All extractions `score_hendrycks` tries, in priority order, de-duplicated (may be empty)."""
    out: list[str] = []
    boxed = last_boxed_only_string(text)
    if boxed is not None:
        out.append(remove_boxed(boxed))
    phrases = list(_ANSWER_IS.finditer(text))
    if phrases:
        phrase = phrases[-1].group(1)
        inner = last_boxed_only_string(phrase)
        out.append(remove_boxed(inner) if inner else _strip_sentence_end(phrase))
    dollars = list(_DOLLAR_AFTER_EQ.finditer(text))
    if dollars:
        out.append(dollars[-1].group(1).strip())
    choices = list(_CHOICE.finditer(text))
    if choices:
        out.append(choices[-1].group(1).upper())
    seen: set[str] = set()
    return [c for c in out if c and not (c in seen or seen.add(c))]


def extract_answer(text: str) -> str | None:
    """The answer a response commits to (first of `answer_candidates`), or None when it states none."""
    if not isinstance(text, str):
        return None
    candidates = answer_candidates(text)
    return candidates[0] if candidates else None


def extract_gold(gold_raw: str) -> str:
    """The gold answer of a reference: the last `\\boxed{}` of a full solution, else the raw string.

    As `score_hendrycks` does with its `gold_raw`.
    """
    boxed = last_boxed_only_string(gold_raw)
    return remove_boxed(boxed) if boxed is not None else gold_raw.strip()
