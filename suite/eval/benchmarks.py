"""The four evaluation benchmarks (paper §2.5, App. E.1): loaders, prompts and graders.

Each benchmark loads from the Hugging Face hub when a network is available, or from a local JSONL file in the hub
dataset's own schema (`<data_dir>/<benchmark>.jsonl`, e.g. written by `datasets.Dataset.to_json`), so one row
converter serves both. Tests use small local files; nothing downloads during tests.

| name | hub dataset (split) | fields used | grader |
|---|---|---|---|
| `math500` | HuggingFaceH4/MATH-500 (test) | unique_id, problem, answer | symbolic |
| `aime24` | HuggingFaceH4/aime_2024 (train) | id, problem, answer | symbolic |
| `theoremqa` | TIGER-Lab/TheoremQA (test) | Question, Answer, Answer_type | theoremqa |
| `mmlu_pro_1k` | TIGER-Lab/MMLU-Pro (test) -> 1,000 items | question_id, question, options, answer, category | mmlu_pro |

**MMLU-Pro-1k.** The paper used "an 1,000-sample i.i.d. subset" of the test split with the category distribution
kept (its Fig. 14) but released no ids. `mmlu_pro_subset_ids` draws ours: stratified by `category` with
largest-remainder allocation, uniformly within each category, from `numpy.random.default_rng(MMLU_PRO_SEED)`. The
seed and the ids are written into every evaluation summary.

**Prompts.** Neither the paper nor its official code gives an evaluation prompt (docs/evaluation.md §5). We use
the Qwen2.5-Math chain-of-thought instruction ("Please reason step by step, and put your final answer within
\\boxed{}.") for the three math/STEM sets and MMLU-Pro's "The answer is (X)" instruction for multiple choice.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from suite.errors import UserError

MMLU_PRO_SEED = 20250205  # arXiv v1 date of the paper
MMLU_PRO_SUBSET_SIZE = 1000
MATH_INSTRUCTION = "Please reason step by step, and put your final answer within \\boxed{}."
CHOICE_INSTRUCTION = (
    'Think step by step and then finish your answer with "The answer is (X)" where X is the correct letter choice.'
)
LETTERS = "ABCDEFGHIJ"


@dataclass(frozen=True)
class Problem:
    id: str
    prompt: str
    answer: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BenchmarkSpec:
    name: str
    hub_path: str
    hub_split: str
    grader: str
    convert: Callable[[dict[str, Any], int], Problem]


def _field(row: dict[str, Any], name: str, where: str) -> Any:
    if name not in row:
        raise UserError(f"missing field {name!r}", where=where)
    return row[name]


def _math(row: dict[str, Any], line: int, id_field: str, where: str) -> Problem:
    question = _field(row, "problem", where)
    return Problem(str(row.get(id_field, line)), f"{question}\n{MATH_INSTRUCTION}", str(_field(row, "answer", where)))


def _theoremqa(row: dict[str, Any], line: int, where: str) -> Problem:
    question = _field(row, "Question", where)
    meta = {"answer_type": row.get("Answer_type")}
    return Problem(str(row.get("id", line)), f"{question}\n{MATH_INSTRUCTION}", str(_field(row, "Answer", where)), meta)


def format_choice_prompt(question: str, options: list[str]) -> str:
    lines = [f"Question: {question}", "Options:"]
    lines += [f"{LETTERS[i]}. {opt}" for i, opt in enumerate(options)]
    return "\n".join(lines + [CHOICE_INSTRUCTION])


def _mmlu_pro(row: dict[str, Any], line: int, where: str) -> Problem:
    options = _field(row, "options", where)
    if not isinstance(options, list) or not 2 <= len(options) <= len(LETTERS):
        raise UserError("field 'options' must be a list of 2-10 strings", where=where)
    answer = str(_field(row, "answer", where)).strip()
    meta = {"category": _field(row, "category", where)}
    prompt = format_choice_prompt(_field(row, "question", where), options)
    return Problem(str(_field(row, "question_id", where)), prompt, answer, meta)


BENCHMARKS: dict[str, BenchmarkSpec] = {
    "math500": BenchmarkSpec("math500", "HuggingFaceH4/MATH-500", "test", "symbolic",
                             lambda r, i, w="": _math(r, i, "unique_id", w)),
    "aime24": BenchmarkSpec("aime24", "HuggingFaceH4/aime_2024", "train", "symbolic",
                            lambda r, i, w="": _math(r, i, "id", w)),
    "theoremqa": BenchmarkSpec("theoremqa", "TIGER-Lab/TheoremQA", "test", "theoremqa",
                               lambda r, i, w="": _theoremqa(r, i, w)),
    "mmlu_pro_1k": BenchmarkSpec("mmlu_pro_1k", "TIGER-Lab/MMLU-Pro", "test", "mmlu_pro",
                                 lambda r, i, w="": _mmlu_pro(r, i, w)),
}


def get_benchmark(name: str) -> BenchmarkSpec:
    try:
        return BENCHMARKS[name]
    except KeyError:
        raise UserError(f"unknown benchmark {name!r}; known benchmarks: {', '.join(BENCHMARKS)}") from None


def read_jsonl(path: str | os.PathLike) -> Iterable[tuple[int, dict[str, Any]]]:
    """(1-based line number, object) for each non-blank line; a malformed line is a UserError naming it."""
    path = Path(path)
    if not path.is_file():
        raise UserError("file not found" if not path.exists() else "expected a JSONL file, got a directory",
                        where=str(path))
    try:
        f = path.open("rb")
    except OSError as exc:
        raise UserError(f"cannot read file: {exc.strerror or exc}", where=str(path)) from None
    with f:
        for lineno, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise UserError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                                where=f"{path}:{lineno}") from None
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UserError(f"not valid JSON ({exc.msg})", where=f"{path}:{lineno}") from None
            except (ValueError, RecursionError) as exc:  # e.g. an integer literal too long to convert
                raise UserError(f"not valid JSON ({exc})", where=f"{path}:{lineno}") from None
            if not isinstance(obj, dict):
                raise UserError(f"expected a JSON object, got {type(obj).__name__}", where=f"{path}:{lineno}")
            yield lineno, obj


def _offline() -> bool:
    return os.environ.get("HF_DATASETS_OFFLINE") == "1" or os.environ.get("HF_HUB_OFFLINE") == "1"


def _hub_rows(spec: BenchmarkSpec) -> list[dict[str, Any]]:
    if _offline():
        raise UserError(f"no local file for {spec.name} and the hub is offline; pass --data-dir", where=spec.name)
    from datasets import load_dataset

    return [dict(r) for r in load_dataset(spec.hub_path, split=spec.hub_split)]


def mmlu_pro_subset_ids(rows: list[dict[str, Any]], *, seed: int = MMLU_PRO_SEED,
                        size: int = MMLU_PRO_SUBSET_SIZE) -> list[str]:
    """Question ids of a seeded subset stratified by category (largest-remainder allocation), sorted by id."""
    by_cat: dict[str, list[str]] = {}
    for r in rows:
        by_cat.setdefault(str(r["category"]), []).append(str(r["question_id"]))
    if size >= len(rows):
        return sorted((i for ids in by_cat.values() for i in ids), key=_id_key)
    cats = sorted(by_cat)
    quotas = np.array([len(by_cat[c]) * size / len(rows) for c in cats])
    alloc = np.floor(quotas).astype(int)
    for j in np.argsort(-(quotas - alloc), kind="stable")[: size - alloc.sum()]:
        alloc[j] += 1
    rng = np.random.default_rng(seed)
    chosen = []
    for c, k in zip(cats, alloc):
        ids = sorted(by_cat[c], key=_id_key)
        chosen += [ids[i] for i in rng.choice(len(ids), size=int(k), replace=False)]
    return sorted(chosen, key=_id_key)


def _id_key(i: str) -> tuple[int, str]:
    return (int(i), "") if i.isdigit() else (1 << 62, i)


def load_benchmark(name: str, data_dir: str | os.PathLike | None = None, *, limit: int | None = None,
                   mmlu_pro_seed: int = MMLU_PRO_SEED) -> tuple[list[Problem], dict[str, Any]]:
    """(problems, provenance) of one benchmark; provenance records the source and, for MMLU-Pro-1k, seed and ids."""
    spec = get_benchmark(name)
    if data_dir is not None and not Path(data_dir).is_dir():
        raise UserError("no such directory; expected a directory of <benchmark>.jsonl files", where=str(data_dir))
    local = Path(data_dir) / f"{name}.jsonl" if data_dir is not None else None
    if local is not None:  # asked for local data: a missing file is an error, never a silent trip to the hub
        if not local.is_file():
            raise UserError(f"no {local.name} in --data-dir {data_dir}; expected one <benchmark>.jsonl per benchmark "
                            "(hub schema), or leave out --data-dir to load from the hub", where=name)
        numbered = list(read_jsonl(local))
        source = str(local)
    else:
        numbered = list(enumerate(_hub_rows(spec), 1))
        source = f"hf:{spec.hub_path}:{spec.hub_split}"
    provenance: dict[str, Any] = {"source": source, "rows": len(numbered)}
    if name == "mmlu_pro_1k":
        for lineno, row in numbered:
            for key in ("question_id", "category"):
                _field(row, key, f"{source}:{lineno}")
        ids = set(mmlu_pro_subset_ids([r for _, r in numbered], seed=mmlu_pro_seed))
        numbered = [(i, r) for i, r in numbered if str(r["question_id"]) in ids]
        provenance.update(seed=mmlu_pro_seed, ids=sorted(ids, key=_id_key))
    problems = [spec.convert(row, lineno, f"{source}:{lineno}") for lineno, row in numbered]
    if limit is not None:
        problems = problems[:limit]
    return problems, provenance
