"""Hypothesis fuzzing: random and adversarial LaTeX never makes extraction or grading raise or overrun its time."""

import os
import time
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suite.verify import extract_answer, is_equivalent
from suite.verify.timeout import SLACK_S

EXAMPLES = int(os.environ.get("LONGCOT_FUZZ_EXAMPLES", "25"))  # the benchmark run uses more (docs/evaluation.md)
TIMEOUT_S = 1.0
# A call that had to kill a stuck worker also waits for its replacement to import sympy on the next call;
# that start-up is bounded separately (STARTUP_S) and is not part of the per-call budget checked here.
RESTART_ALLOWANCE_S = 10.0

TOKENS = ["\\frac{", "\\sqrt{", "\\boxed{", "{", "}", "^{", "_", "(", ")", "[", "]", "\\left(", "\\right)", "x", "y",
          "1", "9", "0", ".", ",", "=", "+", "-", "*", "/", "\\pi", "\\infty", "\\%", "$", "\\text{", "\\cdot",
          "\\begin{pmatrix}", "\\end{pmatrix}", "&", "\\\\", "e", "!", "\\{", "\\}", " ", "the answer is "]
latex_soup = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


@st.composite
def adversarial(draw):
    depth = draw(st.integers(1, 400))
    kind = draw(st.sampled_from(["nested_frac", "nested_braces", "tower", "huge_exponent", "long_sum", "factorial"]))
    if kind == "nested_frac":
        return "\\frac{" * depth + "1" + "}{2}" * depth
    if kind == "nested_braces":
        return "\\boxed{" + "{" * depth + "7" + "}" * depth + "}"
    if kind == "tower":
        return "9^{" * min(depth, 12) + "9" + "}" * min(depth, 12)
    if kind == "huge_exponent":
        return f"10^{{{draw(st.integers(10**6, 10**30))}}}"
    if kind == "long_sum":
        return "+".join(["x"] * min(depth, 300))
    return f"{draw(st.integers(10**5, 10**9))}!"


answers = st.one_of(st.text(max_size=80), latex_soup, adversarial())


@settings(max_examples=EXAMPLES * 4, deadline=None)
@given(st.one_of(st.text(max_size=2000), latex_soup, adversarial()))
def test_extract_answer_never_raises_and_returns_a_string_or_none(text):
    result = extract_answer(text)
    assert result is None or isinstance(result, str)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers, answers)
def test_is_equivalent_returns_a_bool_within_its_timeout(gold, pred):
    start = time.monotonic()
    result = is_equivalent(gold, pred, timeout_s=TIMEOUT_S)
    elapsed = time.monotonic() - start
    assert isinstance(result, bool)
    assert elapsed < TIMEOUT_S + SLACK_S + RESTART_ALLOWANCE_S


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.integers(-10**6, 10**6), st.integers(1, 10**4))
def test_a_fraction_equals_its_reduced_form_and_differs_from_its_successor(a, b):
    reduced = Fraction(a, b)
    assert is_equivalent(f"\\frac{{{a}}}{{{b}}}", f"{reduced.numerator}/{reduced.denominator}", timeout_s=5) is True
    assert is_equivalent(f"\\frac{{{a}}}{{{b}}}", f"\\frac{{{a + b}}}{{{b}}}", timeout_s=5) is False


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.integers(0, 10**12))
def test_thousands_separators_never_change_an_integer(n):
    assert is_equivalent(str(n), f"{n:,}", timeout_s=5) is True
    assert is_equivalent(str(n), f"{n + 1:,}", timeout_s=5) is False
