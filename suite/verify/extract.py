"""Answer extraction from a model response: the candidates the paper's default grader tries.

The official RL grader `score_hendrycks` (`openrlhf/reward/common.py`; docs/evaluation.md §5) takes the *maximum* of
`is_equiv` over several extractions of the response. `answer_candidates` returns those extractions in priority order;
`extract_answer` returns the first one, which is what the suite logs as "the extracted answer".

Priority (first hit wins in `extract_answer`; `hendrycks` grading tries all of them):

1. the content of the last `\\boxed{...}` / `\\fbox{...}` (nested braces balanced; `\\boxed 5` also accepted),
2. the text after the last "the answer is:" (MetaMath style) / "the answer is" / "final answer is",
3. the last `$...$` segment that follows an "=",
4. a multiple-choice letter "answer: (C)" / "Answer: C".

Time bound. Every function here is linear in the length of its input, and a response is read only up to its last
`MAX_RESPONSE_CHARS` characters, so extracting from any string takes at most a few milliseconds:

- the box is found with `str.rfind` and its braces are matched by one forward scan;
- the phrase rules are regexes whose quantified parts are *possessive* (`\\s*+`, `:?+`; Python >= 3.11): they never
  give characters back, so a run of whitespace is crossed once per match attempt instead of being split every
  possible way between neighbouring `\\s*` (the old `answer\\s*(?:is)?\\s*:?\\s*\\(?\\s*` took 3.7 s after 200
  spaces and about a minute after 400). Giving characters back could never have produced another match here (a
  space cannot match `is`, `:` or `(`), so the possessive forms extract exactly what the backtracking ones did.
  The letter rule's old tail `\\s*\\)?(?![A-Za-z])` could only ever succeed as "the letter is not followed by a
  letter", so it is now just that look-ahead;
- `MAX_RESPONSE_CHARS` (400,000, about 100k tokens: six times the paper's 16,384-token budget; real responses in
  tests/data reach 90,000 characters) caps the cost for arbitrary input. The cap keeps the *end* of the response,
  where the final answer is, and is far larger than any budget so that a `\\boxed{}` written long before the end of a
  long or truncated chain of thought is still found.

tests/suite/verify/test_extract_linear_time.py times this over generated adversarial strings.

>>> extract_answer(r"so $x=2$ and thus \\boxed{\\frac{1}{2}}.")
'\\\\frac{1}{2}'
>>> extract_answer("Therefore, the answer is 42.")
'42'
"""

from __future__ import annotations

import re

MAX_RESPONSE_CHARS = 400_000

_BOX_COMMANDS = ("\\boxed", "\\fbox")
# Possessive quantifiers (`*+`, `?+`, `++`): each match attempt crosses the text once (see the module docstring).
_ANSWER_IS = re.compile(r"(?:final answer|the answer)\s++is\s*+:?+\s*+([^\n]*+)", re.IGNORECASE)
_CHOICE = re.compile(r"answer\s*+(?:is)?+\s*+:?+\s*+\(?+\s*+([A-J])(?![A-Za-z])", re.IGNORECASE)
_DOLLAR_AFTER_EQ = re.compile(r"=\s*+\$([^$\n]{1,500}+)\$")
_BRACE = re.compile(r"[{}]")
_SPACE_ARG_END = re.compile(r"[$ \n]")
_SENTENCE_END = ".。"


def response_tail(text: str) -> str:
    """The last `MAX_RESPONSE_CHARS` characters of a response: all that extraction reads (see the module docstring)."""
    return text[-MAX_RESPONSE_CHARS:] if len(text) > MAX_RESPONSE_CHARS else text


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    match = None
    for match in pattern.finditer(text):  # noqa: B007 - only the last one is wanted
        pass
    return match


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
        end = _SPACE_ARG_END.search(text, rest + 1)
        return text[idx : end.start() if end else len(text)]
    start = rest
    while start < len(text) and text[start].isspace():
        start += 1
    if start >= len(text) or text[start] != "{":
        return None  # `\boxed` not followed by a brace group
    depth = 0
    for brace in _BRACE.finditer(text, start):
        if brace.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return text[idx : brace.end()]
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
    end = len(answer)  # drop trailing full stops and whitespace (one pass: linear even for a run of dots)
    while end and (answer[end - 1] in _SENTENCE_END or answer[end - 1].isspace()):
        end -= 1
    answer = answer[:end]
    if len(answer) >= 2 and answer[0] == "$" and answer[-1] == "$":
        answer = answer.strip("$").strip()
    return answer


def answer_candidates(text: str) -> list[str]:
    """All extractions `score_hendrycks` tries, in priority order, de-duplicated (may be empty)."""
    text = response_tail(text)
    out: list[str] = []
    boxed = last_boxed_only_string(text)
    if boxed is not None:
        out.append(remove_boxed(boxed))
    phrase_match = _last(_ANSWER_IS, text)
    if phrase_match is not None:
        phrase = phrase_match.group(1)
        inner = last_boxed_only_string(phrase)
        out.append(remove_boxed(inner) if inner else _strip_sentence_end(phrase))
    dollar = _last(_DOLLAR_AFTER_EQ, text)
    if dollar is not None:
        out.append(dollar.group(1).strip())
    choice = _last(_CHOICE, text)
    if choice is not None:
        out.append(choice.group(1).upper())
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
