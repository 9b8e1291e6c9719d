"""One evaluation run: generate with a backend under a preset, grade, write per-sample JSONL and a summary.

Output (in `out_dir`):

- `samples.jsonl`: one line per sample: benchmark, problem_id, seed, sample (index within the seed), prompt,
  response, num_tokens, truncated, extracted_answer, gold, correct.
- `summary.json`: per benchmark: accuracy (mean over problems x seeds x samples), its problem-clustered standard
  error and a 95% bootstrap interval (seeded), pass@k for k = 1 and the number of samples per problem, length
  statistics (all / correct / wrong), truncation rate (the backend's "hit max_new_tokens" flag), keyword statistics,
  and the benchmark's provenance (source; seed and ids for MMLU-Pro-1k); then `accuracy/avg` over benchmarks, the
  preset actually used, the model and the backend.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from suite.atomic import write_json_atomic, write_text_atomic
from suite.backends.base import GenerationBackend, SamplingSpec
from suite.eval.benchmarks import Problem, get_benchmark
from suite.eval.presets import Preset
from suite.metrics import accuracy, keywords, length
from suite.verify import GradingConfig, extract_answer, get_grader, grade_responses
from suite.verify.extract import marked_answer
from suite.verify.choice import extract_choice

BOOTSTRAP_SEED = 0


def grade_samples(benchmark: str, problems: Sequence[Problem], responses: Sequence[Sequence[str]], *,
                  grading: GradingConfig | None = None) -> list[list[bool]]:
    """Correctness of each response (problems x samples) with the benchmark's grader.

    The `symbolic` grader grades all responses in one batch (`suite.verify.grade_responses`, worker processes) under
    `grading` (default: the paper's choices, `GradingConfig()`); the others ignore `grading`. Every call is
    time-bounded: extraction is linear-time and reads at most the last `MAX_RESPONSE_CHARS` characters
    (`suite.verify.extract`), and sympy work runs under `suite.verify.timeout`'s hard timeout (scored wrong when cut
    off); the `judge` grader is bounded by its backend's `max_new_tokens`.
    """
    name = get_benchmark(benchmark).grader
    if name == "symbolic":
        flat = grade_responses([(r, p.answer) for p, rs in zip(problems, responses) for r in rs], config=grading)
        out, i = [], 0
        for rs in responses:
            out.append(flat[i : i + len(rs)])
            i += len(rs)
        return out
    grader = get_grader(name)
    return [[bool(grader(r, p.answer)) for r in rs] for p, rs in zip(problems, responses)]


def _extracted(benchmark: str, text: str) -> str | None:
    """The answer logged beside a sample: what the benchmark's grader reads."""
    grader = get_benchmark(benchmark).grader
    if grader == "mmlu_pro":
        return extract_choice(text)
    return marked_answer(text) if grader == "symbolic" else extract_answer(text)


def summarize(benchmark: str, rows: Sequence[dict[str, Any]], n_problems: int, max_new_tokens: int) -> dict[str, Any]:
    """Statistics of one benchmark's sample rows (all seeds), in the layout described in the module docstring."""
    by_problem: dict[str, list[bool]] = {}
    for r in rows:
        by_problem.setdefault(r["problem_id"], []).append(r["correct"])
    n_per = min(len(v) for v in by_problem.values())
    correct = np.array([v[:n_per] for v in by_problem.values()], dtype=float)  # (problems, seeds x samples)
    mean, se = accuracy.clustered_accuracy(correct)
    lo, hi = accuracy.bootstrap_ci(correct, rng=BOOTSTRAP_SEED)
    texts = [r["response"] for r in rows]
    texts_per_question: dict[str, list[str]] = {}
    for r in rows:
        texts_per_question.setdefault(r["problem_id"], []).append(r["response"])
    return {
        "accuracy": mean, "accuracy_se": se, "accuracy_ci95": [lo, hi],
        "pass_at_k": {str(k): accuracy.mean_pass_at_k(correct, k) for k in sorted({1, n_per})},
        "n_problems": n_problems, "n_samples_per_problem": n_per,
        "length_tokens": length.length_summary([r["num_tokens"] for r in rows], [r["correct"] for r in rows]),
        "truncation_rate": float(np.mean([r["truncated"] for r in rows])),
        "exceed_rate": length.exceed_rate([r["num_tokens"] for r in rows], max_new_tokens),
        "keyword_response_rate": keywords.response_keyword_rate(texts),
        "keyword_question_rate": keywords.question_keyword_rate(list(texts_per_question.values())),
        "keyword_mean_counts": {k: float(np.mean([keywords.keyword_counts(t)[k] for t in texts]))
                                for k in (*keywords.KEYWORDS, keywords.PIVOT)},
        "coding_rate": keywords.coding_rate(texts),
    }


def run_eval(backend: GenerationBackend, benchmarks: dict[str, tuple[list[Problem], dict[str, Any]]],
             preset: Preset, out_dir: str | Path, *, model: str, progress: Any = None,
             grading: GradingConfig | None = None) -> dict[str, Any]:
    """Generate, grade and write results for each benchmark; returns the summary (also written)."""
    out_dir = Path(out_dir)
    grading = grading or GradingConfig()
    all_rows: list[dict[str, Any]] = []
    summary: dict[str, Any] = {"model": model, "backend": backend.name,
                               "preset": {**preset.__dict__, "seeds": list(preset.seeds)},
                               "grading": asdict(grading), "benchmarks": {}}
    for name, (problems, provenance) in benchmarks.items():
        rows: list[dict[str, Any]] = []
        for seed in preset.seeds:
            spec = SamplingSpec(n=preset.samples_for(name), temperature=preset.temperature, top_p=preset.top_p,
                                max_new_tokens=preset.max_new_tokens, seed=seed)
            outputs = backend.generate([p.prompt for p in problems], spec, chat=True)
            correct = grade_samples(name, problems, [[s.text for s in samples] for samples in outputs],
                                    grading=grading)
            for p, samples, oks in zip(problems, outputs, correct):
                for j, (s, ok) in enumerate(zip(samples, oks)):
                    extracted = _extracted(name, s.text)
                    rows.append({"benchmark": name, "problem_id": p.id, "seed": seed, "sample": j,
                                 "prompt": p.prompt, "response": s.text, "num_tokens": s.num_tokens,
                                 "truncated": s.truncated, "extracted_answer": extracted, "gold": p.answer,
                                 "correct": ok})
            if progress is not None:
                progress(name, seed)
        summary["benchmarks"][name] = {**summarize(name, rows, len(problems), preset.max_new_tokens),
                                       "provenance": provenance}
        all_rows += rows
    accs = [b["accuracy"] for b in summary["benchmarks"].values()]
    summary["accuracy/avg"] = float(np.mean(accs)) if accs else float("nan")
    write_text_atomic(out_dir / "samples.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in all_rows))
    write_json_atomic(out_dir / "summary.json", summary)
    return summary
