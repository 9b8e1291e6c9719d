"""`is_equivalent(gold, pred)`: symbolic equivalence of two answer strings, always under a hard timeout.

Pipeline (cheapest first; the first decisive step wins):

1. unwrap: surrounding `$...$`, `\\(...\\)`, `\\[...\\]`, a whole-string `\\boxed{...}`; empty -> not equivalent.
2. multiple choice: a gold that is one capital letter A-J (optionally `(B)`, `\\text{(B)}`) matches only the same
   letter in the prediction (`B`, `(B)`, `B) 42`, `\\text{(B)}`); the letters are never read as sympy symbols.
3. the `hendrycks` normaliser (`suite.verify.hendrycks.strip_string`): equal strings are equivalent. Pure string
   work, linear time, no timeout needed. Two plain decimal numbers (optionally with thousands separators) are
   compared exactly as fractions, equal when closer than 1e-6 (math-verify's 6-decimal rounding), skipping the
   ANTLR parse (~5-70 ms a side).
4. math-verify (`parse` + `verify`) in a worker process of `suite.verify.timeout` (hard wall-clock timeout; a timeout
   or any exception scores False). math-verify covers numbers, fractions, radicals, percentages, thousands separators,
   `\\text{}` units, intervals, sets (order-free), tuples, matrices, and `x=3` vs `3`.

Deviations from plain math-verify, each because a documented case needs it: step 2 (math-verify reads a bare `B` as
the symbol b, so `A` vs `B` is "not equal" only by luck and `(B)` vs `B` is decided by symbol equality); inputs over
`MAX_ANSWER_CHARS` are refused (not equivalent) before any parsing, since no real answer is that long and sympy's
parser is super-linear.

>>> is_equivalent(r"\\frac{1}{2}", "0.5")
True
>>> is_equivalent("(1,2)", "(2,1)")
False
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Iterable, Sequence

from suite.verify.extract import last_boxed_only_string, remove_boxed
from suite.verify.hendrycks import hendrycks_equiv
from suite.verify.timeout import DEFAULT_TIMEOUT_S, shared_pool

MAX_ANSWER_CHARS = 2_000
_PLAIN_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
NUMBER_ABS_TOL = Fraction(1, 10**6)  # math-verify rounds floats to 6 decimals before comparing: same absolute tolerance
_CHOICE_GOLD = re.compile(r"^\s*(?:\\text\{\s*)?\(?([A-J])\)?(?:\s*\})?\s*$")
_CHOICE_PRED = re.compile(r"^\s*(?:\\text\{\s*)?\(?([A-J])(?:\)|\.|:|\s|\}|$)")


def unwrap(answer: str) -> str:
    """Strip math delimiters and a whole-string `\\boxed{}` (repeatedly: `$\\boxed{5}$` -> `5`)."""
    s = answer.strip()
    for _ in range(4):
        before = s
        for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
            if len(s) >= len(left) + len(right) and s.startswith(left) and s.endswith(right):
                s = s[len(left) : len(s) - len(right)].strip()
        boxed = last_boxed_only_string(s)
        if boxed is not None and s.startswith(boxed[:6]) and s.endswith("}") and len(boxed) == len(s):
            s = remove_boxed(s)
        s = s.rstrip(".").strip()
        if s == before:
            break
    return s


def choice_letter(answer: str) -> str | None:
    """The multiple-choice letter an answer names (`B`, `(B)`, `B) 4`, `\\text{(B)}`), or None."""
    m = _CHOICE_PRED.match(answer)
    return m.group(1) if m else None


def _as_latex(s: str) -> str:
    s = s.replace("\\$", "").replace("\\!", "")  # a currency sign or thin negative space never changes the value
    return s if "$" in s else f"${s}$"


def math_verify_equivalent(pair: tuple[str, str]) -> bool:
    """math-verify on (gold, pred) *in this process and thread*, with its own signal timeouts disabled.

    Used inside the pool workers (which impose the timeout) and by the throughput benchmark as the baseline.
    """
    from math_verify import parse, verify

    gold, pred = pair
    g = parse(_as_latex(gold), parsing_timeout=None)
    p = parse(_as_latex(pred), parsing_timeout=None)
    if not g or not p:
        return False
    return bool(verify(g, p, timeout_seconds=None))


def _quick_decision(gold: str, pred: str) -> bool | None:
    """Steps 1-3 of the pipeline: True/False when decided without sympy, None to go on to math-verify."""
    if not isinstance(gold, str) or not isinstance(pred, str):
        return False
    if len(gold) > MAX_ANSWER_CHARS or len(pred) > MAX_ANSWER_CHARS:
        return False
    g, p = unwrap(gold), unwrap(pred)
    if not g or not p:
        return False
    m = _CHOICE_GOLD.match(g)
    if m:
        return choice_letter(p) == m.group(1)
    if g == p or hendrycks_equiv(g, p):
        return True
    if _PLAIN_NUMBER.match(g) and _PLAIN_NUMBER.match(p):  # most AIME/MATH answers: decide without sympy
        a, b = Fraction(g.replace(",", "")), Fraction(p.replace(",", ""))
        return abs(a - b) < NUMBER_ABS_TOL
    return None


def is_equivalent(gold: str, pred: str, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> bool:
    """True when `pred` denotes the same mathematical answer as `gold` (see the module docstring for the pipeline).

    Never raises on odd input and never runs longer than about `timeout_s` (plus worker start-up on first use).
    """
    quick = _quick_decision(gold, pred)
    if quick is not None:
        return quick
    return bool(shared_pool(1, timeout_s).call(math_verify_equivalent, (unwrap(gold), unwrap(pred)), False))


def are_equivalent(
    pairs: Iterable[tuple[str, str]], *, workers: int = 2, timeout_s: float = DEFAULT_TIMEOUT_S
) -> list[bool]:
    """`is_equivalent` over many (gold, pred) pairs, spread over `workers` processes; results in input order."""
    pairs = list(pairs)
    out: list[bool | None] = [_quick_decision(g, p) for g, p in pairs]
    todo: Sequence[int] = [i for i, q in enumerate(out) if q is None]
    if todo:
        results = shared_pool(workers, timeout_s).map(
            math_verify_equivalent, [(unwrap(pairs[i][0]), unwrap(pairs[i][1])) for i in todo], False
        )
        for i, r in zip(todo, results):
            out[i] = bool(r)
    return [bool(x) for x in out]
