"""lm-eval hooks for the exported tasks: prompts from `suite.eval.benchmarks`, grading by `suite.verify`.

Referenced from the YAML files next to this module as `!function utils.<name>`; lm-eval loads this file directly,
so it only imports from the installed `suite` package. Each `process_*` returns `{"exact_match": 0 or 1}` for one
document and its (single, after the default take-first filter) generation.
"""

from __future__ import annotations

from suite.eval.benchmarks import MATH_INSTRUCTION, MMLU_PRO_SEED, format_choice_prompt, mmlu_pro_subset_ids
from suite.verify import get_grader


def math_prompt(doc: dict) -> str:
    return f"{doc['problem']}\n{MATH_INSTRUCTION}"


def theoremqa_prompt(doc: dict) -> str:
    return f"{doc['Question']}\n{MATH_INSTRUCTION}"


def mmlu_pro_prompt(doc: dict) -> str:
    return format_choice_prompt(doc["question"], list(doc["options"]))


def mmlu_pro_1k_docs(dataset):
    """The seeded, stratified 1,000-item subset (`suite.eval.benchmarks.mmlu_pro_subset_ids`, seed MMLU_PRO_SEED)."""
    keep = set(mmlu_pro_subset_ids([{"question_id": q, "category": c} for q, c in
                                    zip(dataset["question_id"], dataset["category"])], seed=MMLU_PRO_SEED))
    return dataset.filter(lambda doc: str(doc["question_id"]) in keep)


def _score(grader: str, response: str, gold: str) -> dict:
    return {"exact_match": int(bool(get_grader(grader)(response, str(gold))))}


def process_math(doc: dict, results: list) -> dict:
    return _score("symbolic", results[0], doc["answer"])


def process_theoremqa(doc: dict, results: list) -> dict:
    return _score("theoremqa", results[0], doc["Answer"])


def process_mmlu_pro(doc: dict, results: list) -> dict:
    return _score("mmlu_pro", results[0], doc["answer"])
