"""The paper's default RL grader, `hendrycks`: MATH-style string normalisation, then string equality.

Re-implemented, not copied, from the behaviour of `score_hendrycks` / `is_equiv` / `strip_string` of the official
`openrlhf/reward/common.py` (restated in docs/evaluation.md §5; they follow Hendrycks et al.'s MATH
`math_equivalence.py`). It is deliberately *not* symbolic: `\\frac{1}{2}` equals `0.5` (a special case of the
normaliser) but `2/4` does not equal `\\frac{1}{2}`. That is the behaviour the paper's RL runs were trained against,
so it is kept as it is.

>>> strip_string(r"\\dfrac{1}{2}")
'\\\\frac{1}{2}'
>>> hendrycks_equiv("0.5", r"\\tfrac12")
True
"""

from __future__ import annotations

import re

from suite.verify.extract import answer_candidates, extract_gold


def _fix_fracs(s: str) -> str:
    # `\frac12` -> `\frac{1}{2}`, `\frac1{72}` -> `\frac{1}{72}`
    parts = s.split("\\frac")
    out = parts[0]
    for part in parts[1:]:
        out += "\\frac"
        if part.startswith("{") or len(part) < 2:
            out += part
            continue
        a, b, rest = part[0], part[1], part[2:]
        if b == "{":
            out += "{" + a + "}" + b + rest
        else:
            out += "{" + a + "}{" + b + "}" + rest
    return out


def _fix_a_slash_b(s: str) -> str:
    if s.count("/") != 1:
        return s
    a, b = s.split("/")
    if re.fullmatch(r"-?\d+", a) and re.fullmatch(r"\d+", b):
        return "\\frac{" + a + "}{" + b + "}"
    return s


def _remove_right_units(s: str) -> str:
    # "5 \text{ cm}" -> "5 ": MATH only strips a trailing \text{ ...} that starts with a space
    if "\\text{ " in s:
        return s.split("\\text{ ")[0]
    return s


def _fix_sqrt(s: str) -> str:
    # `\sqrt3` -> `\sqrt{3}`
    return re.sub(r"\\sqrt(\w)", r"\\sqrt{\1}", s)


def strip_string(s: str, *, drop_short_lhs: bool = True, drop_units: bool = True) -> str:
    """MATH normalisation of one answer string (the steps of `strip_string`, in their original order).

    The symbolic grader's fallback turns off two steps that can make a wrong answer right: `drop_short_lhs=False`
    keeps a left side of at most two characters (`7 = 12` would become `12`), and `drop_units=False` keeps everything
    after a `\\text{ ` (`1 \\text{ and } 36` would become `1`).
    """
    s = s.replace("\n", "").replace("\\!", "")
    s = s.replace("\\\\", "\\")
    s = s.replace("tfrac", "frac").replace("dfrac", "frac")
    s = s.replace("\\left", "").replace("\\right", "")
    s = s.replace("^{\\circ}", "").replace("^\\circ", "")
    s = s.replace("\\$", "")
    if drop_units:
        s = _remove_right_units(s)
    s = s.replace("\\%", "").replace(r"\%", "").replace("%", "")
    s = s.replace(" .", " 0.").replace("{.", "{0.")
    if not s:
        return s
    if s[0] == ".":
        s = "0" + s
    # "x = 5" -> "5" when the left side is a short variable name
    if drop_short_lhs and len(s.split("=")) == 2 and len(s.split("=")[0]) <= 2:
        s = s.split("=")[1]
    s = _fix_sqrt(s)
    s = s.replace(" ", "")
    s = _fix_fracs(s)
    if s == "0.5":
        s = "\\frac{1}{2}"
    s = _fix_a_slash_b(s)
    return s


def hendrycks_equiv(gold: str, pred: str) -> bool:
    """`is_equiv`: equality after `strip_string` on both sides (raw equality if normalisation raises)."""
    try:
        return strip_string(gold) == strip_string(pred)
    except Exception:  # noqa: BLE001 - the original falls back to raw equality on any normaliser error
        return gold == pred


def score_hendrycks(response: str, gold_raw: str) -> float:
    """1.0 if any extraction of the response (`answer_candidates`) is `is_equiv` to the gold, else 0.0."""
    gold = extract_gold(gold_raw)
    return float(any(hendrycks_equiv(gold, cand) for cand in answer_candidates(response)))
