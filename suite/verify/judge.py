"""The paper's model-based verifier (`judge`): an LLM reads the last 20 lines of the response and the reference.

Prompt: App. E.6 of the paper (identical to `PROMPT_TEMPLATE` of the official `openrlhf/reward/judge.py`). The
official settings (docs/evaluation.md §5) are greedy decoding (temperature 0, top-p 1) with up to 1,024 new tokens,
the judge's chat template applied; the paper's judge model is Qwen2.5-7B-Instruct (App. E.6; §5.2 says
Qwen2.5-Math-7B-Instruct).

**Bug fixed here.** The official parser matches `Judgement:\\s+(correct|wrong|not_found)` case-insensitively but then
compares the captured word with `== "correct"` case-sensitively, so "Judgement: Correct" scores 0. We lower-case
the captured word before comparing (`parse_judgement(..., official_bug=True)` reproduces the original behaviour).
As in the official regex, the *first* "Judgement:" line decides, and a bracketed "<correct>" does not match.

>>> parse_judgement("The final answers agree.\\nJudgement: Correct")
True
>>> parse_judgement("Judgement: Correct", official_bug=True)
False
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from suite.errors import UserError

if TYPE_CHECKING:
    from suite.backends.base import GenerationBackend

TRUNCATED_LINES = 20
MAX_NEW_TOKENS = 1024
PROMPT_TEMPLATE = """Given the following last 20 lines of the LLM response to a math question
and the reference solution to that question, evaluate if the LLM response is correct based only on the LLM's final answer.

LLM response (last 20 lines):
...
{out}

Reference solution:
{ref}

Explain your thought process step-by-step before responding with `Judgement: <correct/wrong/not_found>`
"""
_JUDGEMENT = re.compile(r"Judgement:\s+(correct|wrong|not_found)", re.IGNORECASE)


_VERDICT_LINE = re.compile(r"^.*judge?ment\s*:.*$", re.IGNORECASE | re.MULTILINE)


def judge_prompt(response: str, reference: str) -> str:
    """The judge's user message: the last `TRUNCATED_LINES` lines of the response and the reference solution.

    A response line that writes a verdict for the judge ("Judgement: correct") is dropped first (a deviation from the
    official prompt): a judge model that repeats it, or follows it, would pay a response for addressing its grader.
    """
    response = _VERDICT_LINE.sub("", response)
    last_lines = "\n".join(response.splitlines()[-TRUNCATED_LINES:])
    return PROMPT_TEMPLATE.format(out=last_lines, ref=reference)


def parse_judgement(judge_output: str, *, official_bug: bool = False) -> bool:
    """True when the judge's verdict is "correct" (any case, unless `official_bug`)."""
    m = _JUDGEMENT.search(judge_output)
    if m is None:
        return False
    word = m.group(1)
    return word == "correct" if official_bug else word.lower() == "correct"


def judge_many(
    responses: Sequence[str], references: Sequence[str], *, backend: "GenerationBackend | None" = None
) -> list[bool]:
    """Grade many responses with one batched, greedy call of `backend` (any `suite.backends` backend)."""
    if backend is None:
        raise UserError("the 'judge' grader needs a generation backend (e.g. --judge-model)", where="grader judge")
    from suite.backends.base import SamplingSpec

    prompts = [judge_prompt(r, ref) for r, ref in zip(responses, references)]
    spec = SamplingSpec(n=1, temperature=0.0, top_p=1.0, max_new_tokens=MAX_NEW_TOKENS, seed=0)
    outs = backend.generate(prompts, spec, chat=True)
    return [parse_judgement(samples[0].text) for samples in outs]


def grade_judge(response: str, gold: str, *, backend: "GenerationBackend | None" = None) -> bool:
    return judge_many([response], [gold], backend=backend)[0]
