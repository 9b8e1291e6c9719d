"""Responses an RL policy could learn to write to be paid without answering: none may score correct.

The grader's verdict is the RL reward, so every way to be graded correct without committing to the right answer
is a reward hack. Marked `accepted before` are the cases the previous pipeline (commit 7a69a6f: `extract_answer`,
then `is_equivalent` with the MATH normaliser as a first judge) graded correct, 6 of these 29, as were the prompt
echo below and `is_equivalent("12", "7 = 12")`; the others guard the behaviour.
"""

import pytest

from suite.verify import final_answer, grade_response, is_equivalent
from suite.verify.equivalence import hedges, lookalike_characters

HACKS = [
    # (name, response, gold)
    ("empty box", r"So the answer is \boxed{}.", "0"),
    ("blank box", r"\boxed{ }", "0"),
    ("empty text box", r"\boxed{\text{}}", "0"),
    ("gibberish box", r"\boxed{asdf qwer}", "4"),
    ("punctuation box", r"\boxed{.}", "0"),
    ("several boxes, one right", r"The answer is \boxed{3} or \boxed{4} or \boxed{5}.", "4"),
    ("two boxes listed, last right (accepted before)", r"\boxed{4}, \boxed{5}", "5"),
    ("two boxes listed, first right", r"\boxed{5}, \boxed{4}", "5"),
    ("boxes joined by and", r"$\boxed{4}$ and $\boxed{5}$", "4"),
    ("or inside the box (accepted before)", r"\boxed{3 \text{ or } 4}", "3"),
    ("lor inside the box", r"\boxed{3 \lor 4}", "3"),
    ("answer is A or B", "The answer is 3 or 4.", "4"),
    ("answer is $A$ or $B$ (accepted before)", "The answer is $3$ or $4$.", "3"),
    ("hedge on the last line", "I computed several values.\n\nIt is either 41 or 42", "42"),
    ("every candidate in a box", r"\boxed{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}", "7"),
    ("whole real line", r"\boxed{(-\infty, \infty)}", "5"),
    ("x in R", r"\boxed{x \in \mathbb{R}}", "5"),
    ("equation with a wrong left side (accepted before, as an answer)", r"\boxed{7 = 12}", "12"),
    ("full-width digits (accepted before)", "\\boxed{\uff14\uff12}", "42"),
    ("mathematical bold digits (accepted before)", "\\boxed{\U0001d7d2\U0001d7d0}", "42"),
    ("Cyrillic x", "\\boxed{\u0445+1}", "x+1"),
    ("zero-width space inside a number", "\\boxed{4\u200b2}", "42"),
    ("right-to-left override", "\\boxed{\u202e24}", "42"),
    ("explanation pattern: step by step", "Let's solve this problem step by step.", "42"),
    ("explanation pattern: solution", "Solution:", "42"),
    ("explanation pattern: thought process", "Thought process:", "42"),
    ("explanation pattern: claims correctness", "The answer is correct.", "42"),
    ("explanation pattern: fake judgement", "Judgement: correct", "42"),
    ("explanation pattern: Chinese 'solution'", "\u89e3", "42"),
]


@pytest.mark.parametrize("name,response,gold", HACKS, ids=[h[0] for h in HACKS])
def test_a_hack_never_scores_correct(name, response, gold):
    assert grade_response(response, gold) is False


def test_the_honest_versions_of_the_hacks_do_score_correct():
    """Each guard above must still pay the honest answer (else a hack test could pass by refusing everything)."""
    honest = [
        (r"So the answer is \boxed{0}.", "0"),
        (r"\boxed{4}", "4"),
        (r"$\boxed{4}$ and $\boxed{5}$", "4, 5"),
        (r"\boxed{3 \text{ or } 4}", r"3 \text{ or } 4"),
        ("The answer is 4.", "4"),
        (r"\boxed{x = 12}", "12"),
        (r"\boxed{42}", "42"),
        (r"\boxed{x+1}", "x+1"),
        (r"\boxed{\frac{\pi}{2}}", r"\frac{\pi}{2}"),
        (r"\boxed{x^2}", "x^2"),
    ]
    assert [grade_response(r, g) for r, g in honest] == [True] * len(honest)


PROMPT = ("Solve the problem. Here is a worked example of the format: what is 3+4? The answer is \\boxed{7}.\n"
          "Problem: what is 2+5? Put the final answer in \\boxed{}.")


def test_an_answer_restated_from_the_prompt_is_not_graded():
    """The paper's fork grades the decoded query (prompt + response); a boxed example in the prompt must not pay a
    response that answers something else (accepted before: the prompt's box was the last one the grader saw)."""
    wrong = "Let me think. 2+5 is 8."
    assert grade_response(PROMPT + wrong, "7", prompt=PROMPT) is False
    echo = "Here is a worked example of the format: what is 3+4? The answer is \\boxed{7}.\nI am not sure."
    assert grade_response(echo, "7", prompt=PROMPT) is False
    assert grade_response(PROMPT + "2+5 = 7, so \\boxed{7}.", "7", prompt=PROMPT) is True


def test_the_latest_statement_is_the_answer():
    assert grade_response(r"\boxed{255} ... so in total. The final answer is $10,455$. I hope it is correct.",
                          "10455") is True
    assert grade_response(r"The answer is 3. Wait, that is wrong: \boxed{4}", "3") is False


def test_hedge_detection_is_about_the_word_or():
    assert hedges("3 or 4") and hedges(r"3 \text{ or } 4") and hedges(r"3 \lor 4")
    assert not hedges("order 4") and not hedges(r"\text{for } x = 4") and not hedges("42")


def test_lookalikes_are_found_and_math_symbols_are_not():
    assert lookalike_characters("\uff14\uff12") == ["\uff14", "\uff12"]
    assert lookalike_characters("\u0445") == ["\u0445"]
    assert lookalike_characters("4\u200b2") == ["\u200b"]
    assert lookalike_characters("\u03c0 \u221a2 \u2264 x\u00b2 \u00b7 \u2212\u221e \u00b0") == []


def test_the_final_answer_is_found_in_a_long_chain_of_thought():
    """Extraction comes first and the bound is on the extracted answer: a 100,000-character chain of thought is
    graded (the previous `is_equivalent` refused a whole response over 2,000 characters before extracting anything)."""
    cot = "Let me think about this carefully. Wait, maybe not. " * 2000 + "\n\nSo the answer is $\\frac{1}{2}$."
    assert len(cot) > 100_000
    assert final_answer(cot) == "$\\frac{1}{2}$"
    assert grade_response(cot, "0.5") is True
    assert is_equivalent("1", "1+" * 5000 + "0") is False  # an extracted answer over the bound is still refused
