"""Answer extraction is linear-time: a seeded generator of adversarial strings never makes it slow.

A regex such as `answer\\s*(?:is)?\\s*:?\\s*\\(?\\s*X` backtracks polynomially over a run of whitespace (an outside user
measured 3.7 s for "answer" + 200 spaces, 58 s for 400). These tests time the extraction functions over a few hundred
generated strings of the dangerous tokens, up to ~20,000 characters, and bound the time per character and per call.
Each call runs under an interval timer, so a super-linear implementation fails the test instead of hanging it.
"""

import random
import signal
import time

import pytest

from suite.verify.choice import extract_choice
from suite.verify.extract import answer_candidates, extract_answer, extract_gold
from suite.verify.hendrycks import score_hendrycks

SEED = 20240917
N_STRINGS = 300
MAX_CHARS = 20_000
US_PER_CHAR = 20.0  # generous: linear extraction costs well under 1 us a character here
CALL_S = 0.5
PER_CHAR_MIN_LEN = 2_000  # below this the fixed cost of a call dominates the per-character figure

TOKENS = ["answer", "the answer", "final answer", "is", ":", "(", ")", " ", "\t", "\n", "$", "=", "\\boxed{",
          "\\fbox{", "\\boxed ", "{", "}", ".", *"ABCDEFGHIJ", *"0123456789"]
WHITESPACE = [" ", "\t", "\n"]


class _TooSlow(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _TooSlow


def _timed(fn, text: str) -> float:
    """Seconds one call takes; a call that runs past 2 * CALL_S is cut off and reported as infinitely slow."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, 2 * CALL_S)
    start = time.perf_counter()
    try:
        fn(text)
        return time.perf_counter() - start
    except _TooSlow:
        return float("inf")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _run(rng: random.Random, token: str, max_repeat: int) -> str:
    # heavy-tailed run length: most runs are short, some are thousands long (the dangerous shape)
    return token * min(max_repeat, int(rng.paretovariate(0.6)))


def adversarial_strings(seed: int = SEED, n: int = N_STRINGS) -> list[str]:
    """Seeded: phrase tokens separated by long runs of whitespace / ':' / '(' / '=$' / '\\boxed{', up to MAX_CHARS."""
    rng = random.Random(seed)
    fixed = [
        "answer" + " " * 19_990 + "x",
        "answer is" + " " * 19_990,
        "the answer" + " " * 19_980 + "is",
        "answer:" + " " * 19_990,
        "answer" + " \t\n" * 6_600 + "x",
        "answer " * 2_800,
        "answer is " * 2_000,
        "the answer is " * 1_400,
        "= $" * 6_600,
        "=$" + "1" * 19_990,
        "\\boxed{" * 2_800,
        "\\boxed{" + "{" * 19_990,
        "answer" + " " * 9_000 + "is" + " " * 9_000 + ":" + " " * 1_000 + "x",
        "answer (" + " " * 19_990 + "x",
        "A" + " " * 19_990 + "x",  # MMLU-Pro's bare-letter last line
        "the answer is " + "." * 19_980,
    ]
    out = list(fixed)
    while len(out) < n:
        target = rng.randint(1, MAX_CHARS)
        parts: list[str] = []
        size = 0
        while size < target:
            token = rng.choice(TOKENS)
            part = _run(rng, rng.choice(WHITESPACE), target - size) if rng.random() < 0.4 else token
            if rng.random() < 0.1:  # a run of any token, e.g. "answer answer ..." or "(((("
                part = _run(rng, token, max(1, (target - size) // len(token)))
            parts.append(part)
            size += len(part)
        out.append("".join(parts)[:MAX_CHARS])
    return out


STRINGS = adversarial_strings()
FUNCTIONS = {
    "extract_answer": extract_answer,
    "answer_candidates": answer_candidates,
    "extract_gold": extract_gold,
    "extract_choice": extract_choice,
    "score_hendrycks": lambda text: score_hendrycks(text, "42"),
}


def test_the_generator_is_seeded_and_covers_long_inputs():
    assert adversarial_strings() == STRINGS
    assert len(STRINGS) == N_STRINGS and max(map(len, STRINGS)) >= MAX_CHARS - 20
    assert sum(len(s) >= 5_000 for s in STRINGS) >= 50


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_extraction_time_is_linear_in_the_input_length(name):
    fn = FUNCTIONS[name]
    fn("warm up")
    timings = [(_timed(fn, s), s) for s in STRINGS]
    # Re-time the slowest few (best of three) so a scheduler hiccup on a busy machine is not read as super-linearity.
    worst = sorted(timings, key=lambda ts: ts[0] / max(len(ts[1]), PER_CHAR_MIN_LEN), reverse=True)[:5]
    worst += sorted(timings, key=lambda ts: ts[0], reverse=True)[:5]
    for t, s in worst:
        best = min([t] + [_timed(fn, s) for _ in range(2)])
        us_per_char = best / max(len(s), PER_CHAR_MIN_LEN) * 1e6
        assert best < CALL_S, f"{name} took {best:.3f} s on {s[:40]!r}... ({len(s)} chars)"
        assert us_per_char < US_PER_CHAR, f"{name}: {us_per_char:.1f} us/char on {s[:40]!r}... ({len(s)} chars)"


@pytest.mark.parametrize("text", ["answer" + " " * 400 + "x", "the answer" + " " * 400 + "is",
                                  "answer" + " \t\n" * 134 + "x"])
def test_the_reported_regression_400_spaces_after_answer_is_fast(text):
    assert _timed(extract_answer, text) < 0.05


PATHOLOGICAL = ["answer" + " " * 400 + "x", "the answer" + " " * 20_000 + "is", "answer:" + " \t\n" * 6_000 + "(",
                "answer " * 3_000, "\\boxed{" * 3_000, "A" + " " * 20_000 + "x", "answer is" + " " * 400_000 + "."]


@pytest.mark.parametrize("name", ["hendrycks", "symbolic", "mmlu_pro", "theoremqa"])
def test_every_grader_grades_a_pathological_response_wrong_within_the_bound(name):
    from suite.verify import get_grader

    grader = get_grader(name)
    gold = "B" if name == "mmlu_pro" else "42"
    for text in PATHOLOGICAL:
        start = time.perf_counter()
        assert grader(text, gold) is False
        assert time.perf_counter() - start < CALL_S, f"{name} on {text[:20]!r}..."


def test_extraction_reads_only_the_end_of_an_overlong_response():
    from suite.verify.extract import MAX_RESPONSE_CHARS

    early = r"\boxed{1} " + "x" * MAX_RESPONSE_CHARS
    assert extract_answer(early) is None  # the box lies before the last MAX_RESPONSE_CHARS characters
    late = "x" * (10 * MAX_RESPONSE_CHARS) + r" so the answer is \boxed{2}"
    assert extract_answer(late) == "2" and _timed(extract_answer, late) < CALL_S
    far_box = r"\boxed{3} " + "Let me double-check. " * 4_000  # a box ~80,000 characters before the end is kept
    assert extract_answer(far_box) == "3"
