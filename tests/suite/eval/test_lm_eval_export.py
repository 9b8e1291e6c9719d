"""The exported lm-eval tasks run offline on a random local GPT-2, and their scores are suite.verify's grades."""

import json
from pathlib import Path

import pytest

from suite.lm_eval_tasks import TASK_DIR, TASKS
from suite.verify import get_grader

DATA = Path(__file__).resolve().parents[2] / "data" / "benchmarks"
LOCAL = {"longcot_math500": "math500", "longcot_aime24": "aime24", "longcot_theoremqa": "theoremqa",
         "longcot_mmlu_pro_1k": "mmlu_pro_1k"}
GOLD = {"longcot_math500": ("answer", "symbolic"), "longcot_aime24": ("answer", "symbolic"),
        "longcot_theoremqa": ("Answer", "theoremqa"), "longcot_mmlu_pro_1k": ("answer", "mmlu_pro")}


def test_every_benchmark_has_a_task_file():
    assert sorted(p.stem for p in TASK_DIR.glob("longcot_*.yaml")) == sorted(TASKS)


def test_lm_eval_runs_the_exported_tasks_offline_on_a_random_gpt2(tmp_path, monkeypatch):
    lm_eval = pytest.importorskip("lm_eval")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf_cache"))
    import torch

    torch.set_num_threads(1)
    from lm_eval.tasks import TaskManager

    from suite.backends.random_gpt2 import build_random_gpt2

    model = build_random_gpt2(tmp_path / "random_gpt2")
    tasks_dir = tmp_path / "tasks"
    tasks_dir.mkdir()
    for task, local in LOCAL.items():  # our task files, pointed at the local fixtures instead of the hub
        (tasks_dir / f"{task}_local.yaml").write_text(
            f"include: {TASK_DIR / (task + '.yaml')}\n"
            f"task: {task}_local\n"
            "dataset_path: json\n"
            f"dataset_kwargs:\n  data_files:\n    {'train' if task == 'longcot_aime24' else 'test'}: "
            f"{DATA / (local + '.jsonl')}\n"
        )
    results = lm_eval.simple_evaluate(
        model="hf", model_args=f"pretrained={model},device=cpu,dtype=float32", tasks=[t + "_local" for t in TASKS],
        task_manager=TaskManager(include_path=str(tasks_dir)), limit=2, batch_size=2,
        gen_kwargs="max_gen_toks=6", log_samples=True, random_seed=0, numpy_random_seed=0, torch_random_seed=0,
    )
    for task in TASKS:
        scores = results["results"][f"{task}_local"]
        assert 0.0 <= scores["exact_match,none"] <= 1.0
        gold_field, grader = GOLD[task]
        for sample in results["samples"][f"{task}_local"]:
            response = sample["filtered_resps"][0]
            assert sample["exact_match"] == int(get_grader(grader)(response, str(sample["doc"][gold_field])))


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
