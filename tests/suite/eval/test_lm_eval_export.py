"""The exported lm-eval tasks run offline on a random local GPT-2, and their scores are suite.verify's grades."""

import json
from pathlib import Path

import pytest

from suite.lm_eval_tasks import TASK_DIR, TASKS
from suite.verify import get_grader

DATA = Path(__file__).resolve().parents[2] / "data" / "benchmarks"
GOLD = {"longcot_math500": ("answer", "symbolic"), "longcot_aime24": ("answer", "symbolic"),
        "longcot_theoremqa": ("Answer", "theoremqa"), "longcot_mmlu_pro_1k": ("answer", "mmlu_pro")}


def test_every_benchmark_has_a_task_file():
    assert sorted(p.stem for p in TASK_DIR.glob("longcot_*.yaml")) == sorted(TASKS)


def test_lm_eval_runs_the_exported_tasks_offline_on_a_random_gpt2(tmp_path, monkeypatch, capsys):
    """`longcot lm-eval-tasks --data-dir --max-gen-toks` writes tasks of the shipped names that lm-eval runs with the
    hub unreachable, at the limit asked for; each score is suite.verify's grade of the response."""
    lm_eval = pytest.importorskip("lm_eval")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf_cache"))
    import torch

    torch.set_num_threads(1)
    from lm_eval.tasks import TaskManager

    from suite.backends.random_gpt2 import build_random_gpt2
    from suite.cli import main

    model = build_random_gpt2(tmp_path / "random_gpt2")
    tasks_dir = tmp_path / "tasks"
    assert main(["lm-eval-tasks", "--out", str(tasks_dir), "--data-dir", str(DATA), "--max-gen-toks", "6"]) == 0
    assert f"lm_eval --include_path {tasks_dir}" in capsys.readouterr().out
    results = lm_eval.simple_evaluate(
        model="hf", model_args=f"pretrained={model},device=cpu,dtype=float32", tasks=list(TASKS),
        task_manager=TaskManager(include_path=str(tasks_dir)), limit=2, batch_size=2,
        log_samples=True, random_seed=0, numpy_random_seed=0, torch_random_seed=0,
    )
    for task in TASKS:
        assert results["configs"][task]["generation_kwargs"] == {
            "until": [], "do_sample": True, "temperature": 0.7, "top_p": 0.95, "max_gen_toks": 6}
        scores = results["results"][task]
        assert 0.0 <= scores["exact_match,none"] <= 1.0
        gold_field, grader = GOLD[task]
        samples = results["samples"][task]
        assert len(samples) == 2 and str(DATA) in str(results["configs"][task]["dataset_kwargs"])
        for sample in samples:
            response = sample["filtered_resps"][0]
            assert sample["exact_match"] == int(get_grader(grader)(response, str(sample["doc"][gold_field])))


def test_overlays_change_only_what_was_asked_and_refuse_a_missing_data_file(tmp_path, capsys):
    from suite.cli import main
    from suite.lm_eval_tasks import PAPER_MAX_GEN_TOKS

    assert main(["lm-eval-tasks", "--out", str(tmp_path / "limit"), "--max-gen-toks", "4096",
                 "--tasks", "longcot_aime24"]) == 0
    text = (tmp_path / "limit" / "longcot_aime24.yaml").read_text()
    assert "max_gen_toks: 4096" in text and "dataset_path" not in text  # the hub, as shipped
    assert main(["lm-eval-tasks", "--out", str(tmp_path / "data"), "--data-dir", str(DATA),
                 "--tasks", "longcot_aime24"]) == 0
    text = (tmp_path / "data" / "longcot_aime24.yaml").read_text()
    assert "generation_kwargs" not in text and f"train: {DATA / 'aime24.jsonl'}" in text  # AIME's split is `train`
    assert str(PAPER_MAX_GEN_TOKS) in (TASK_DIR / "longcot_math500.yaml").read_text().replace(",", "")
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "math500.jsonl").write_text((DATA / "math500.jsonl").read_text())
    capsys.readouterr()
    assert main(["lm-eval-tasks", "--out", str(tmp_path / "x"), "--data-dir", str(partial)]) == 2
    err = capsys.readouterr().err
    assert "missing aime24.jsonl, theoremqa.jsonl, mmlu_pro_1k.jsonl" in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()  # nothing written


def load_hooks():
    import importlib.util

    spec = importlib.util.spec_from_file_location("longcot_lm_eval_hooks", TASK_DIR / "utils.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("hook", "doc", "response", "expected"), [
    ("process_math", {"answer": "26000"}, r"so \boxed{26,000}", 1),
    ("process_math", {"answer": "26000"}, r"so \boxed{2600}", 0),
    ("process_theoremqa", {"Answer": "[1, 2]"}, r"\boxed{[1, 2]}", 1),
    ("process_theoremqa", {"Answer": "True"}, r"\boxed{False}", 0),
    ("process_mmlu_pro", {"answer": "C"}, "The answer is (C).", 1),
    ("process_mmlu_pro", {"answer": "C"}, "The answer is (D).", 0),
])
def test_the_hooks_score_with_the_suites_graders(hook, doc, response, expected):
    assert getattr(load_hooks(), hook)(doc, [response]) == {"exact_match": expected}


def test_the_mmlu_pro_hook_keeps_the_seeded_subset():
    datasets = pytest.importorskip("datasets")
    rows = [{"question_id": i, "category": "ab"[i % 2]} for i in range(3000)]
    kept = load_hooks().mmlu_pro_1k_docs(datasets.Dataset.from_list(rows))
    assert len(kept) == 1000
    assert sum(r["category"] == "a" for r in kept) == 500
