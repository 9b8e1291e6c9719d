"""Answer equivalence and response grading: math-verify first, always under a hard timeout, never hackable by hedging.

Two entry points:

- `is_equivalent(gold, pred)`: are two *answer strings* the same mathematical answer?
- `grade_response(response, gold, prompt=None)`: is a *whole response* (any length: a chain of thought of 100k
  characters is fine) correct? The final answer is extracted first (`suite.verify.extract.locate_final_answer`: the
  final boxed answer, or a later "the answer is ...", else the last paragraph that holds a value), and only the
  extracted answer, bounded by `MAX_ANSWER_CHARS`, is compared.

Batch forms `are_equivalent` and `grade_responses` spread the symbolic work over worker processes.

Comparison pipeline (`is_equivalent`; the first decisive step wins):

1. **Refuse what cannot be an honest answer** (not equivalent): a non-string or empty side, an answer longer than
   `MAX_ANSWER_CHARS`, a prediction with look-alike or invisible characters (`lookalike_characters`: Cyrillic
   letters, full-width or mathematical-alphanumeric letters and digits, zero-width and bidirectional controls), and
   a prediction that hedges between alternatives ("3 or 4", `3 \\lor 4`) when the gold does not, and a false
   numeric equation (`7 = 12`, which math-verify and MATH's normaliser both read as its right side, 12).
2. **Multiple choice**: a gold that is one capital letter A-J (`B`, `(B)`, `\\text{(B)}`) matches only the same letter.
3. **Exact shortcuts** that cannot disagree with math-verify: identical strings, and two plain decimal numbers (no
   comma, which could be a decimal or a thousands separator) compared exactly as fractions after rounding to
   `config.float_rounding` places, as math-verify rounds.
4. **math-verify, the judge** (`parse` + `verify` in a worker process of `suite.verify.timeout`; a timeout or crash
   scores False). Each side is handed over as math-verify reads it best (`math_verify_input`): text that already has
   math delimiters or a `\\boxed{}` goes as it is; bare LaTeX and comma lists are put in `$...$` (math-verify's
   LaTeX extractor needs delimiters, and without them it reads `10, 4, -2` as -2); a bare number with a decimal comma
   (`1000,99`, `0,111`; not `1,000`, read as thousands) goes as it is, since wrapping turns it into the set
   {99, 1000}, unless the other side lists several values (`-2,1` vs `1, -2` is a list).
5. **Fallback, documented**: when math-verify does not find the two equal (or cannot parse a side), the MATH normaliser
   (`suite.verify.hendrycks.strip_string`, without its rules that drop a short left-hand side `x =`, which made
   `7 = 12` equal `12`, and everything after `\\text{ `, which made `1 \\text{ and } 36` equal `1`) may still find the
   strings equal: text answers (`\\text{Monday}` vs `Monday`), degree signs, `\\dfrac` vs `\\frac`.

Choices a benchmark makes differently are arguments (`GradingConfig`), defaulting to the paper's evaluation grader
(SymEval-like symbolic equivalence, App. E.1): comma lists unordered (math-verify's sets; `ordered_lists=True`
compares them as tuples, as the MATH repository's string grader does), floats rounded to 6 places, strict symbol
comparison, LaTeX and plain-expression extraction.

>>> is_equivalent(r"\\frac{1}{2}", "0.5")
True
>>> is_equivalent("(1,2)", "(2,1)")
False
>>> grade_response(r"... so the answer is $\\boxed{3}$ or $\\boxed{4}$.", "4")
False
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, fields
from fractions import Fraction
from typing import Iterable, Sequence

from suite.verify.extract import HEDGE, last_boxed_only_string, locate_final_answer, remove_boxed, strip_prompt
from suite.verify.hendrycks import strip_string
from suite.verify.timeout import DEFAULT_TIMEOUT_S, shared_pool

MAX_ANSWER_CHARS = 2_000  # bounds the *extracted* answer; a response itself may be any length
_PLAIN_DECIMAL = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")
_THOUSANDS = re.compile(r"^[-+]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$")
_CHOICE_GOLD = re.compile(r"^\s*(?:\\text\{\s*)?\(?([A-J])\)?(?:\s*\})?\s*$")
_CHOICE_PRED = re.compile(r"^\s*(?:\\text\{\s*)?\(?([A-J])(?:\)|\.|:|\s|\}|$)")
_FALSE_EQUATION = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*=\s*([-+]?\d+(?:\.\d+)?)\s*$")
_AND = re.compile(r"\\text\{\s*and\s*\}|\band\b")
_DELIMITED = re.compile(r"\$|\\\(|\\\[|\\boxed|\\fbox")
_LOOKALIKE_SCRIPTS = ("CYRILLIC", "ARMENIAN", "CHEROKEE", "COPTIC")


@dataclass(frozen=True)
class GradingConfig:
    """Choices that differ between benchmarks' graders (module docstring); the defaults are the paper's evaluation.

    - `float_rounding`: decimal places floats are rounded to before comparing (math-verify's default 6; MATH's
      string grader is exact, Qwen2.5-Math's `math_equal` allows a relative 1e-4).
    - `rel_tol`: also accept two plain numbers within this relative tolerance (Qwen2.5-Math's `math_equal` uses
      1e-4; None: off).
    - `ordered_lists`: compare bare comma lists `a, b, c` in order (MATH's `is_equiv`) instead of as sets.
    - `strict`: math-verify's strict mode (symbols must match; `x = 3` vs `3` is not accepted when False is needed).
    - `latex_only`: extract only LaTeX (no plain-expression extraction), as math-verify's LaTeX-only configuration.
    - `allow_set_relation`: let math-verify compare a set with an equivalent relation (`x > 1` vs `(1, \\infty)`).
    """

    float_rounding: int = 6
    rel_tol: float | None = None
    ordered_lists: bool = False
    strict: bool = True
    latex_only: bool = False
    allow_set_relation: bool = False

    def __post_init__(self):
        if not isinstance(self.float_rounding, int) or not 0 <= self.float_rounding <= 15:
            raise ValueError(f"GradingConfig.float_rounding must be an int in 0..15, got {self.float_rounding!r}")


DEFAULT_CONFIG = GradingConfig()


def lookalike_characters(text: str) -> list[str]:
    """Characters in `text` that look like ASCII letters or digits (or are invisible) but are not.

    A grader that silently maps `４２`, `𝟒𝟐` or a Cyrillic `х` to ASCII, or drops a zero-width space, can be paid for
    text that is not the answer as written. Greek letters, superscripts and math symbols are allowed.

    >>> lookalike_characters("４2"), lookalike_characters("π/2"), lookalike_characters("x²")
    (['４'], [], [])
    """
    out = []
    for ch in text:
        if ch.isascii():
            continue
        if unicodedata.category(ch) == "Cf":  # zero-width space/joiner, bidirectional overrides, soft hyphen
            out.append(ch)
            continue
        if unicodedata.name(ch, "").startswith(_LOOKALIKE_SCRIPTS):
            out.append(ch)
            continue
        folded = unicodedata.normalize("NFKC", ch)
        if folded != ch and folded.isascii() and folded.isalnum() and unicodedata.category(ch)[0] in "LN" \
                and unicodedata.category(ch) != "No":  # full-width and math-alphanumeric forms; not superscripts
            out.append(ch)
    return out


def unwrap(answer: str) -> str:
    """Strip one layer of math delimiters around the *whole* string and a whole-string `\\boxed{}`, repeatedly.

    `$1$ and $2$` is left alone: its outer dollars belong to two different segments.
    """
    s = answer.strip()
    for _ in range(4):
        before = s
        for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
            if len(s) >= len(left) + len(right) and s.startswith(left) and s.endswith(right):
                inner = s[len(left) : len(s) - len(right)]
                if "$" not in inner and "\\(" not in inner and "\\[" not in inner:
                    s = inner.strip()
        boxed = last_boxed_only_string(s)
        if boxed is not None and s.startswith(boxed[:6]) and len(boxed) == len(s):
            s = remove_boxed(s)
        s = s.rstrip(".").strip()
        if s == before:
            break
    return s


def choice_letter(answer: str) -> str | None:
    """The multiple-choice letter an answer names (`B`, `(B)`, `B) 4`, `\\text{(B)}`), or None."""
    m = _CHOICE_PRED.match(answer)
    return m.group(1) if m else None


def hedges(answer: str) -> bool:
    """True when an answer offers alternatives joined by "or" (`3 or 4`, `3 \\text{ or } 4`, `3 \\lor 4`)."""
    return HEDGE.search(answer) is not None


def _is_bare_list(s: str) -> bool:
    depth = 0
    for ch in s:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            return True
    return False


def looks_like_list(answer: str) -> bool:
    """True for an answer that lists several values: a comma outside brackets (other than one decimal comma), or
    "and" between values (`1 \\text{ and } 5`)."""
    s = answer.strip()
    return (_is_bare_list(s) and not _DECIMAL_COMMA.match(s)) or _AND.search(s) is not None


def math_verify_input(answer: str, config: GradingConfig = DEFAULT_CONFIG, raw: bool = False,
                      other_is_list: bool = False) -> str:
    """The string handed to math-verify's `parse` for one answer (module docstring, step 4); `raw` text (a sentence
    or a delimited segment from a response) goes as it is, for math-verify's own extraction to read.
    `other_is_list`: the answer it is compared with lists several values, so `-2,1` is a list, not -2.1."""
    if raw:
        return answer
    s = answer.replace("\\$", "").strip()  # a currency sign never changes the value; math-verify stops at `\$`
    if _DELIMITED.search(s):
        return s
    if _DECIMAL_COMMA.match(s) and not _THOUSANDS.match(s) and not other_is_list:
        return s  # `1000,99`: math-verify reads a decimal comma; wrapped, it would read the set {99, 1000}
    if config.ordered_lists and _is_bare_list(s):
        s = f"({s})"  # a tuple: compared in order
    return f"${s}$"


def _parse(text: str, config: GradingConfig):
    from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse

    extraction = [LatexExtractionConfig()] if config.latex_only else [LatexExtractionConfig(), ExprExtractionConfig()]
    return parse(text, extraction_config=extraction, parsing_timeout=None)


_GOLD_CACHE: dict[tuple[str, GradingConfig, bool], list] = {}


def math_verify_equivalent(job: tuple) -> bool | None:
    """math-verify on `(gold, pred[, config[, pred_is_raw]])` *in this process and thread*, its own signal timeouts disabled.

    True / False is math-verify's verdict; None means it could not parse one side. Runs inside the pool workers,
    which impose the timeout; the caller then applies the fallback (module docstring, step 5) to anything not True.
    """
    from math_verify import verify

    gold, pred, *rest = job
    config = rest[0] if rest else DEFAULT_CONFIG
    raw = len(rest) > 1 and rest[1]
    pred_is_list, gold_is_list = looks_like_list(answer_core(pred) or pred), looks_like_list(answer_core(gold) or gold)
    key = (gold, config, pred_is_list)
    g = _GOLD_CACHE.get(key)
    if g is None:
        g = _parse(math_verify_input(gold, config, other_is_list=pred_is_list), config)
        if len(_GOLD_CACHE) > 10_000:
            _GOLD_CACHE.clear()
        _GOLD_CACHE[key] = g
    p = _parse(math_verify_input(pred, config, raw, other_is_list=gold_is_list), config)
    if not g or not p:
        return None
    return bool(verify(g, p, float_rounding=config.float_rounding, strict=config.strict,
                       allow_set_relation_comp=config.allow_set_relation, timeout_seconds=None))


def _fallback_equal(gold: str, pred: str) -> bool:
    """Step 5: MATH-normalised string equality, without the two rules that can make a wrong answer right (dropping a
    short `lhs =` and everything after `\\text{ `; module docstring)."""
    try:
        a = strip_string(gold, drop_short_lhs=False, drop_units=False)
        b = strip_string(pred, drop_short_lhs=False, drop_units=False)
    except Exception:  # noqa: BLE001 - a normaliser error decides nothing
        return False
    return bool(a) and a == b


def answer_core(answer: str) -> str | None:
    """The answer as the shortcuts and the fallback see it: the content of its one box (`so \\boxed{5}` -> `5`), or
    the unwrapped string when it has none; None when it holds several boxes (only math-verify reads those)."""
    n_boxes = answer.count("\\boxed") + answer.count("\\fbox")
    if n_boxes > 1:
        return None
    if n_boxes == 1:
        box = last_boxed_only_string(answer)
        return None if box is None else unwrap(remove_boxed(box))
    return unwrap(answer)


def _last_line(text: str) -> str:
    return text.rstrip().rsplit("\n", 1)[-1]


def _quick_decision(gold, pred, raw: bool, config: GradingConfig) -> bool | None:
    """Steps 1-3: True/False when decided without math-verify, None to ask it. `raw`: `pred` is text from a response
    for math-verify to read (`suite.verify.extract.FinalAnswer`); only its last line is checked for a hedge."""
    if not isinstance(gold, str) or not isinstance(pred, str):
        return False
    if len(gold) > MAX_ANSWER_CHARS or len(pred) > MAX_ANSWER_CHARS:
        return False
    if not gold.strip() or not pred.strip() or lookalike_characters(pred):
        return False
    g, p = answer_core(gold), answer_core(pred)
    if g is not None and not g or p is not None and not p:
        return False  # an empty box
    if hedges(_last_line(pred) if raw else pred) and not hedges(gold):
        return False
    if g is None or p is None:
        return None
    false_claim = _FALSE_EQUATION.match(p)
    if false_claim and Fraction(false_claim.group(1)) != Fraction(false_claim.group(2)):
        return False  # `7 = 12`: math-verify (like MATH's normaliser) would read the right side alone
    m = _CHOICE_GOLD.match(g)
    if m:
        return choice_letter(p) == m.group(1)
    if g == p:
        return True
    if _PLAIN_DECIMAL.match(g) and _PLAIN_DECIMAL.match(p):
        a, b = Fraction(g), Fraction(p)
        if a == b:
            return True
        if config.rel_tol is not None and abs(a - b) <= Fraction(config.rel_tol) * max(abs(a), abs(b)):
            return True
        return round(a, config.float_rounding) == round(b, config.float_rounding) if (
            a.denominator > 1 or b.denominator > 1) else False
    return None


def _settle(gold: str, pred: str, verdict: bool | None) -> bool:
    if verdict is True:
        return True
    g, p = answer_core(gold), answer_core(pred)
    return g is not None and p is not None and _fallback_equal(g, p)


def is_equivalent(gold: str, pred: str, *, config: GradingConfig | None = None,
                  timeout_s: float = DEFAULT_TIMEOUT_S) -> bool:
    """True when `pred` denotes the same mathematical answer as `gold` (see the module docstring for the pipeline).

    Never raises on odd input and never runs longer than about `timeout_s` (plus worker start-up on first use).
    """
    return _compare_many([(gold, pred, False)], config or DEFAULT_CONFIG, 1, timeout_s)[0]


def are_equivalent(pairs: Iterable[tuple[str, str]], *, config: GradingConfig | None = None, workers: int = 2,
                   timeout_s: float = DEFAULT_TIMEOUT_S) -> list[bool]:
    """`is_equivalent` over many (gold, pred) pairs, spread over `workers` processes; results in input order."""
    return _compare_many([(g, p, False) for g, p in pairs], config or DEFAULT_CONFIG, workers, timeout_s)


def _compare_many(triples: Sequence[tuple[str, str, bool]], config: GradingConfig, workers: int,
                  timeout_s: float) -> list[bool]:
    """(gold, pred, pred_is_raw) triples -> verdicts. Pairs decided without math-verify never reach a worker; the
    rest go out sorted by gold, so a worker parses a repeated gold once (it keeps parsed golds). math-verify gets
    the strings as given (never unwrapped: `$\\boxed{1}\\boxed{2}$` is the set {1, 2} to it)."""
    out: list[bool | None] = [_quick_decision(g, p, raw, config) for g, p, raw in triples]
    todo: Sequence[int] = sorted((i for i, q in enumerate(out) if q is None), key=lambda i: triples[i][0])
    if todo:
        jobs = [(triples[i][0].strip(), triples[i][1].strip(), config, triples[i][2]) for i in todo]
        verdicts = shared_pool(workers, timeout_s).map(math_verify_equivalent, jobs, False)
        for i, verdict in zip(todo, verdicts):
            out[i] = _settle(triples[i][0], triples[i][1], verdict)
    return [bool(x) for x in out]


def grade_response(response: str, gold: str, *, prompt: str | None = None, config: GradingConfig | None = None,
                   timeout_s: float = DEFAULT_TIMEOUT_S) -> bool:
    """True when the final answer of `response` equals `gold` (an answer, or a full solution with a `\\boxed{}`).

    `prompt`: when the text graded is prompt + response (the paper's fork grades the decoded query), the prompt is
    removed first, and so is any verbatim copy of a prompt line inside the response, so an answer restated from the
    prompt (or a boxed worked example in it) is never graded.
    """
    return grade_responses([(response, gold)], prompt=[prompt], config=config, workers=1, timeout_s=timeout_s)[0]


def grade_responses(items: Iterable[tuple[str, str]], *, prompt: Sequence[str | None] | None = None,
                    config: GradingConfig | None = None, workers: int = 2,
                    timeout_s: float = DEFAULT_TIMEOUT_S) -> list[bool]:
    """`grade_response` over many (response, gold) pairs (with one prompt per pair, or none); input order kept."""
    items = list(items)
    prompts = list(prompt) if prompt is not None else [None] * len(items)
    if len(prompts) != len(items):
        raise ValueError(f"grade_responses: {len(items)} responses but {len(prompts)} prompts")
    triples = []
    for (response, gold), p in zip(items, prompts):
        if not isinstance(response, str) or not isinstance(gold, str):
            triples.append(("", "", False))
            continue
        found = locate_final_answer(strip_prompt(response, p) if p else response)
        triples.append((gold, found.text if found else "", bool(found and found.raw)))
    return _compare_many(triples, config or DEFAULT_CONFIG, workers, timeout_s)


def config_from_dict(options: dict | None) -> GradingConfig:
    """A `GradingConfig` from a plain mapping (a TOML table, reward kwargs); unknown keys are an error."""
    options = dict(options or {})
    known = set(asdict(DEFAULT_CONFIG))
    unknown = sorted(set(options) - known)
    if unknown:
        raise ValueError(f"unknown grading option(s) {unknown}; known: {sorted(known)}")
    return GradingConfig(**options)


def config_from_strings(options: Iterable[str]) -> GradingConfig:
    """A `GradingConfig` from `KEY=VALUE` strings (`ordered_lists=true`, `rel_tol=1e-4`, `rel_tol=none`), as a command
    line gives them. A bad key or value raises ValueError naming the option."""
    kinds = {f.name: str(f.type) for f in fields(GradingConfig)}
    values: dict = {}
    for option in options:
        key, sep, raw = option.partition("=")
        if not sep or key not in kinds:
            raise ValueError(f"{option}: expected KEY=VALUE with KEY one of {', '.join(kinds)}")
        if kinds[key] == "bool":
            if raw.lower() not in ("true", "false"):
                raise ValueError(f"{option}: expected true or false")
            values[key] = raw.lower() == "true"
            continue
        try:
            values[key] = int(raw) if kinds[key] == "int" else None if raw.lower() == "none" else float(raw)
        except ValueError:
            raise ValueError(f"{option}: bad value {raw!r}") from None
    return config_from_dict(values)
