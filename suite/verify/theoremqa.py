"""TheoremQA grading: numbers with a relative tolerance, booleans, lists of numbers, else symbolic equivalence.

TheoremQA golds have a type (`integer`, `float`, `bool`, `list of integer`, `list of float`, `option`). The official
evaluation compares numbers with a relative tolerance (`within_eps`, 4% of the gold) and lists element-wise; we keep
that tolerance as the default `rel_tol` and expose it. Numeric predictions written in LaTeX (`\\frac{1}{2}`,
`2\\sqrt{2}`, `3\\pi`) are evaluated with sympy inside the timeout pool.

>>> grade_theoremqa("... the answer is 3.14", "3.1416")
True
>>> grade_theoremqa(r"\\boxed{True}", "True")
True
"""

from __future__ import annotations

import math
import re

from suite.verify.equivalence import is_equivalent, unwrap
from suite.verify.extract import extract_answer
from suite.verify.timeout import DEFAULT_TIMEOUT_S, shared_pool

REL_TOL = 0.04
_TRUE = {"true", "yes", "correct", "right"}
_FALSE = {"false", "no", "incorrect", "wrong"}
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def _as_bool(s: str) -> bool | None:
    word = re.sub(r"\\text\{([^{}]*)\}", r"\1", s).strip().strip(".").lower()
    return True if word in _TRUE else False if word in _FALSE else None


def _sympy_number(latex: str) -> float | None:
    """Worker-side: evaluate a LaTeX expression to a float, or None."""
    from math_verify import parse

    parsed = parse(f"${latex}$", parsing_timeout=None)
    if not parsed:
        return None
    try:
        value = complex(parsed[0].evalf())
    except Exception:  # noqa: BLE001 - non-numeric expression
        return None
    return value.real if abs(value.imag) < 1e-12 else None


def to_number(s: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> float | None:
    """A float for a plain or LaTeX number ('1,000', '50\\%' -> 50, '\\frac{1}{2}'), or None."""
    s = unwrap(s).replace(",", "").replace("\\%", "").replace("%", "").replace("\\!", "").strip()
    if _NUMBER.match(s):
        return float(s)
    if not s or len(s) > 200:
        return None
    return shared_pool(1, timeout_s).call(_sympy_number, s, None)


def numbers_close(pred: float, gold: float, rel_tol: float = REL_TOL) -> bool:
    if gold == 0:
        return abs(pred) <= 1e-6
    return math.isfinite(pred) and abs(pred - gold) <= rel_tol * abs(gold)


def _split_list(s: str) -> list[str] | None:
    s = unwrap(s)
    if len(s) >= 2 and s[0] in "[(" and s[-1] in "])":
        return [part.strip() for part in s[1:-1].split(",")]
    return None


def grade_theoremqa(response: str, gold: str, *, rel_tol: float = REL_TOL) -> bool:
    """True when the response's extracted answer matches the TheoremQA gold (see module docstring)."""
    pred = extract_answer(response)
    if pred is None:
        return False
    gold = str(gold).strip()
    gold_bool = _as_bool(gold)
    if gold_bool is not None:
        return _as_bool(pred) == gold_bool
    gold_list = _split_list(gold)
    if gold_list is not None and len(gold_list) > 1:
        pred_list = _split_list(pred)
        if pred_list is None or len(pred_list) != len(gold_list):
            return False
        return all(_item_matches(p, g, rel_tol) for p, g in zip(pred_list, gold_list))
    return _item_matches(pred, gold, rel_tol)


def _item_matches(pred: str, gold: str, rel_tol: float) -> bool:
    gold_num = to_number(gold)
    if gold_num is not None:
        pred_num = to_number(pred)
        return pred_num is not None and numbers_close(pred_num, gold_num, rel_tol)
    return is_equivalent(gold, pred)
