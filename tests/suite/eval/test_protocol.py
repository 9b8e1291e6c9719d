import json
from pathlib import Path

import pytest

from suite.backends.base import Sample
from suite.eval.benchmarks import load_benchmark
from suite.eval.presets import get_preset
from suite.eval.protocol import run_eval

DATA = Path(__file__).resolve().parents[2] / "data" / "benchmarks"


class ScriptedBackend:
    """Answers from a script: (prompt fragment -> response) with a fixed token count per response."""

    name = "scripted"

    def __init__(self, script):
        self.script, self.specs = script, []

    def generate(self, prompts, spec, chat=False):
        self.specs.append(spec)
        out = []
        for p in prompts:
            text = next((r for frag, r in self.script if frag in p), "I don't know.")
            out.append([Sample(text, 10 * (j + 1), j == spec.n - 1 and spec.n > 1) for j in range(spec.n)])
        return out


def test_accuracy_lengths_and_rows_of_a_scripted_run(tmp_path):
    backend = ScriptedBackend([
        ("513^2", r"Wait, the difference of squares gives \boxed{26,000}."),   # right (thousands separator)
        ("(0,3)", r"so \boxed{(3, \frac{\pi}{2})}"),                          # right
        ("x^3 - 2x", r"\boxed{3}"),                                           # wrong (gold 2)
        ("Aya", r"\boxed{204}"),                                              # right
    ])
    data = {n: load_benchmark(n, DATA) for n in ("math500", "aime24")}
    preset = get_preset("smoke", seeds=(0, 1))
    summary = run_eval(backend, data, preset, tmp_path, model="scripted")
    math500, aime = summary["benchmarks"]["math500"], summary["benchmarks"]["aime24"]
    assert math500["accuracy"] == pytest.approx(2 / 3)
    assert aime["accuracy"] == pytest.approx(1 / 2)          # problem 1 right in every sample, problem 2 never
    assert aime["n_samples_per_problem"] == 4                # 2 seeds x 2 samples (smoke preset on AIME)
    assert summary["accuracy/avg"] == pytest.approx((2 / 3 + 1 / 2) / 2)
    assert math500["length_tokens"]["all"]["mean"] == 10.0
    assert aime["truncation_rate"] == 0.5
    assert math500["keyword_response_rate"] == pytest.approx(1 / 3)
    assert [s.n for s in backend.specs] == [1, 1, 2, 2] and [s.seed for s in backend.specs] == [0, 1, 0, 1]
    rows = [json.loads(line) for line in (tmp_path / "samples.jsonl").read_text().splitlines()]
    assert len(rows) == 3 * 2 + 2 * 2 * 2
    first = rows[0]
    assert set(first) == {"benchmark", "problem_id", "seed", "sample", "prompt", "response", "num_tokens",
                          "truncated", "extracted_answer", "gold", "correct"}
    assert first["extracted_answer"] == r"(3, \frac{\pi}{2})" and first["correct"] is True
    assert json.loads((tmp_path / "summary.json").read_text())["benchmarks"]["math500"]["n_problems"] == 3


def test_mmlu_pro_and_theoremqa_use_their_own_graders(tmp_path):
    backend = ScriptedBackend([
        ("Question number 0?", "The answer is (A)."),     # gold A: right
        ("Question number 1?", "The answer is (A)."),     # gold B: wrong
        ("8 elements", r"\boxed{11760}"),                  # right
        ("continuous", r"\boxed{\text{True}}"),           # right
        ("roots", r"\boxed{[2, 1]}"),                      # wrong order
    ])
    data = {"mmlu_pro_1k": load_benchmark("mmlu_pro_1k", DATA, limit=2), "theoremqa": load_benchmark("theoremqa", DATA)}
    summary = run_eval(backend, data, get_preset("smoke"), tmp_path, model="scripted")
    assert summary["benchmarks"]["mmlu_pro_1k"]["accuracy"] == 0.5
    assert summary["benchmarks"]["theoremqa"]["accuracy"] == pytest.approx(2 / 3)
    assert summary["benchmarks"]["mmlu_pro_1k"]["provenance"]["seed"] == 20250205


def test_symbolic_benchmarks_grade_in_one_batch_under_the_grading_config():
    from suite.eval.benchmarks import Problem
    from suite.eval.protocol import grade_samples
    from suite.verify import GradingConfig

    problems = [Problem(id="a", prompt="p", answer="10, 4, -2"), Problem(id="b", prompt="q", answer=r"\frac{1}{3}")]
    responses = [[r"\boxed{4, 10, -2}", r"\boxed{10, 4, -2}"], [r"\boxed{0.33}", r"so \boxed{\frac{1}{3}}", "no"]]
    assert grade_samples("math500", problems, responses) == [[True, True], [False, True, False]]
    config = GradingConfig(ordered_lists=True, float_rounding=2)
    assert grade_samples("math500", problems, responses, grading=config) == [[False, True], [True, True, False]]
