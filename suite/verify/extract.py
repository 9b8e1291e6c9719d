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
from dataclasses import dataclass

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


# --- The final answer of a whole response (the symbolic grader's extraction) ------------------------------------------

MAX_FINAL_BOXES = 8  # more boxes than this in one final answer is not an answer
BOX_GAP_CHARS = 40  # boxes separated by at most this much connecting text ("," "and" "$ and $") form one answer
_BOX_JOIN = re.compile(r"^(?:\\text\{\s*and\s*\}|\\q?quad\b|\band\b|[\s,;.&$()\[\]\\])*+$")
HEDGE = re.compile(r"\bor\b|\\lor\b|\\vee\b", re.IGNORECASE)  # alternatives: `3 or 4`, `3 \text{ or } 4`, `3 \lor 4`
_FINAL_PHRASE = re.compile(r"(?:final answer|the answer)\s*+(?:is|:)\s*+:?+", re.IGNORECASE)
_SPECIAL_MARKER = re.compile(r"<\|[^|<>\n]{1,40}\|>|</?(?:think|answer|s)>")
_HAS_VALUE = re.compile(r"\d|\$|\\[a-zA-Z(\[]")
_STATES_VALUE = re.compile(r"\d|\$|\\[a-zA-Z(\[]|^\(?[A-Za-z]\)?(?![A-Za-z'])")  # a value, or a letter (`B`, `(x)`)
_THINKING = (("<think>", "</think>"), ("<|begin_of_thought|>", "<|end_of_thought|>"))
RAW_TAIL_CHARS = 1_000  # with no box and no "answer is", math-verify reads the last paragraph, at most this long
PROMPT_ECHO_MIN_CHARS = 20


@dataclass(frozen=True)
class FinalAnswer:
    """What a response answers. `text` is handed to math-verify: the answer itself, or, when `raw`, text for
    math-verify to read the answer from (the final boxes as written, a sentence, a paragraph). `stated` is the answer
    as a person would quote it (box contents, joined), what the suite logs as the extracted answer."""

    text: str
    raw: bool = False
    stated: str = ""
    source: str = "box"  # "box", "phrase" ("the answer is ..."), or "tail" (the last paragraph, no answer marked)


def _box_before(text: str, end: int) -> tuple[int, str] | None:
    """The last complete `\\boxed{}` / `\\fbox{}` that starts before `end`: (start, box)."""
    while end > 0:
        idx = max(text.rfind(cmd, 0, end) for cmd in _BOX_COMMANDS)
        if idx < 0:
            return None
        box = last_boxed_only_string(text[idx:end])
        if box is not None and text.startswith(box, idx):
            return idx, box
        end = idx
    return None


def _final_boxes(text: str) -> tuple[int, int, str] | None:
    """(start, end, stated) of the final boxed answer: the last box, with the boxes just before it when only
    connecting text separates them (`\\boxed{3}, \\boxed{5}` states "3, 5"); boxes separated by "or" are a hedge and
    state "3 or 5", which the comparison refuses."""
    last = _box_before(text, len(text))
    if last is None:
        return None
    start, box = last
    end = start + len(box)
    contents = [remove_boxed(box)]
    hedge = False
    while len(contents) <= MAX_FINAL_BOXES:
        prev = _box_before(text, start)
        if prev is None:
            break
        gap = text[prev[0] + len(prev[1]) : start]
        if len(gap) > BOX_GAP_CHARS:
            break
        if HEDGE.search(gap):
            hedge = True
        elif not _BOX_JOIN.match(gap):
            break
        start = prev[0]
        contents.insert(0, remove_boxed(prev[1]))
    distinct = list(dict.fromkeys(contents))
    return start, end, (" or " if hedge else ", ").join(distinct)


def _first_sentence(text: str) -> str:
    """`text` up to the first full stop followed by whitespace outside `$...$` (`$14{,}916$. I hope it is correct.`
    -> `$14{,}916$`); a decimal point is never followed by whitespace."""
    in_math = False
    for i, ch in enumerate(text):
        if ch == "$" and (i == 0 or text[i - 1] != "\\"):
            in_math = not in_math
        elif ch == "." and not in_math and (i + 1 == len(text) or text[i + 1].isspace()):
            return text[:i]
    return text


def locate_final_answer(text: str) -> FinalAnswer | None:
    """The final answer a response states, from a response of any length; None when it states none.

    The latest statement wins: the final boxed answer (`_final_boxes`), or the first sentence after a later "the
    answer is" / "final answer:" when it holds a value (raw text for math-verify, which reads `The largest $n$ is 34`
    as 34). With neither: the last paragraph that holds a value (`_last_paragraph_with_a_value`; raw: math-verify
    takes the last number or math segment in it), unless the response was cut off inside an open thinking block
    (`<think>` or `<|begin_of_thought|>` never closed), whose last number is reasoning, not an answer. Reads at most the last `MAX_RESPONSE_CHARS` characters; linear time.
    """
    if not isinstance(text, str):
        return None
    text = response_tail(text)
    boxes = _final_boxes(text)
    phrase = _last(_FINAL_PHRASE, text)
    if phrase is not None and (boxes is None or phrase.start() > boxes[0]):
        stated = _first_sentence(text[phrase.end() : phrase.end() + RAW_TAIL_CHARS].split("\n", 1)[0]).strip()
        if _STATES_VALUE.search(stated):  # "the answer is correct" states no answer
            return FinalAnswer(stated, raw=True, stated=stated, source="phrase")
    if boxes is not None:
        start, end, stated = boxes
        return FinalAnswer(text[start:end], raw=True, stated=stated)
    if any(text.rfind(open_) > text.rfind(close) for open_, close in _THINKING):
        return None  # cut off while still thinking: the last number in the reasoning is not an answer
    tail = _last_paragraph_with_a_value(text)
    return FinalAnswer(tail, raw=True, stated=tail, source="tail") if tail else None


def _last_paragraph_with_a_value(text: str, max_paragraphs: int = 8) -> str | None:
    """The last paragraph (of the last `max_paragraphs`) that holds a number or math, without markers such as
    `<|end_of_solution|>`, at most its last `RAW_TAIL_CHARS` characters: a closing "I think that's the answer." is
    skipped for the paragraph before it."""
    end = len(text)
    for _ in range(max_paragraphs):
        start = text.rfind("\n\n", 0, end)
        paragraph = _SPECIAL_MARKER.sub(" ", text[start + 2 if start >= 0 else 0 : end]).strip()[-RAW_TAIL_CHARS:]
        if _HAS_VALUE.search(paragraph):
            return paragraph
        if start < 0:
            return None
        end = start
    return None


def final_answer(text: str) -> str | None:
    """The answer `locate_final_answer` finds, as stated (box contents, joined), or None.

    >>> final_answer("First \\\\boxed{2}.\\n\\nSo the result is \\\\boxed{3} and \\\\boxed{5}.")
    '3, 5'
    >>> final_answer("\\\\boxed{3} or \\\\boxed{4}")
    '3 or 4'
    """
    found = locate_final_answer(text)
    return None if found is None else found.stated


_PROMPT_PIECES = re.compile(r"(?<=[.?!:])\s++|\n")


def marked_answer(text: str) -> str | None:
    """The answer a response marks as its answer (final boxes, or what follows "the answer is"), as stated; None when
    it marks none (an unmarked last paragraph is graded, but is no answer to log or vote on).

    >>> marked_answer(r"so \\boxed{7}."), marked_answer("no answer here")
    ('7', None)
    """
    found = locate_final_answer(text)
    return None if found is None or found.source == "tail" else found.stated


def strip_prompt(response: str, prompt: str | None) -> str:
    """`response` without a leading copy of `prompt` and without verbatim copies of the prompt's sentences and lines
    (those of at least `PROMPT_ECHO_MIN_CHARS` characters), so nothing the prompt states (a worked example's boxed
    answer, the problem's own numbers restated as "the answer is") can be graded as the response's answer."""
    if not prompt:
        return response
    if response.startswith(prompt):
        response = response[len(prompt):]
    pieces = {piece.strip() for piece in _PROMPT_PIECES.split(prompt)} | {line.strip() for line in prompt.splitlines()}
    for piece in sorted(pieces, key=len, reverse=True):
        if len(piece) >= PROMPT_ECHO_MIN_CHARS and piece in response:
            response = response.replace(piece, " ")
    return response
