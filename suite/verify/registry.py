"""The grader registry: a name maps to `grade(response, gold, **options) -> bool`.

| name | what it does | paper |
|---|---|---|
| `hendrycks` | any `answer_candidates` extraction equals the gold after MATH normalisation | official RL default |
| `symbolic` | `grade_response`: final answer extracted, then math-verify under a timeout (`equivalence`) | SymEval-like eval, App. E.1 |
| `judge` | LLM judge with the App. E.6 prompt; needs `backend=` | model-based verifier, §5.2 |
| `mmlu_pro` | option letter A-J | MMLU-Pro-1k |
| `theoremqa` | numbers within 4% relative, booleans, lists | TheoremQA |

A duplicate name is an error; an unknown name is a `UserError` listing the known ones.
"""

from __future__ import annotations

from typing import Callable

from suite.errors import UserError
from suite.verify.choice import grade_mmlu_pro
from suite.verify.equivalence import grade_response
from suite.verify.hendrycks import score_hendrycks
from suite.verify.judge import grade_judge
from suite.verify.theoremqa import grade_theoremqa

Grader = Callable[..., bool]
GRADERS: dict[str, Grader] = {}


def register_grader(name: str, grader: Grader) -> Grader:
    if name in GRADERS:
        raise ValueError(f"grader {name!r} registered twice")
    GRADERS[name] = grader
    return grader


def get_grader(name: str) -> Grader:
    try:
        return GRADERS[name]
    except KeyError:
        raise UserError(f"unknown grader {name!r}; known graders: {', '.join(sorted(GRADERS))}") from None


def grade_hendrycks(response: str, gold: str) -> bool:
    return score_hendrycks(response, gold) == 1.0


def grade_symbolic(response: str, gold: str, **options) -> bool:
    return grade_response(response, gold, **options)


register_grader("hendrycks", grade_hendrycks)
register_grader("symbolic", grade_symbolic)
register_grader("judge", grade_judge)
register_grader("mmlu_pro", grade_mmlu_pro)
register_grader("theoremqa", grade_theoremqa)
