import json
from collections import Counter
from pathlib import Path

import pytest

from suite.errors import UserError
from suite.eval.benchmarks import BENCHMARKS, MMLU_PRO_SEED, load_benchmark, mmlu_pro_subset_ids

DATA = Path(__file__).resolve().parents[2] / "data" / "benchmarks"


@pytest.mark.parametrize(("name", "n", "first_answer"), [
    ("math500", 3, r"\left( 3, \frac{\pi}{2} \right)"),
    ("aime24", 2, "204"),
    ("theoremqa", 3, "11760"),
])
def test_local_files_in_the_hub_schema_load_with_their_answers(name, n, first_answer):
    problems, provenance = load_benchmark(name, DATA)
    assert len(problems) == n and provenance["source"].endswith(f"{name}.jsonl")
    assert problems[0].answer == first_answer
    assert r"\boxed{}" in problems[0].prompt


def test_mmlu_pro_prompts_list_the_options_with_letters():
    problems, provenance = load_benchmark("mmlu_pro_1k", DATA)
    assert len(problems) == 12  # fewer rows than the subset size: all of them
    assert "A. 1\nB. 2\nC. 3\nD. 4" in problems[0].prompt and problems[0].answer == "A"
    assert provenance["seed"] == MMLU_PRO_SEED and provenance["ids"][:3] == ["0", "1", "2"]


def synthetic_mmlu_pro(sizes):
    rows, qid = [], 0
    for cat, size in sizes.items():
        for _ in range(size):
            rows.append({"question_id": qid, "category": cat})
            qid += 1
    return rows


def test_the_subset_keeps_category_proportions_with_largest_remainders():
    rows = synthetic_mmlu_pro({"math": 1351, "physics": 1299, "law": 1101, "other": 924, "history": 381})
    ids = mmlu_pro_subset_ids(rows, seed=1, size=1000)
    cat_of = {str(r["question_id"]): r["category"] for r in rows}
    counts = Counter(cat_of[i] for i in ids)
    # quotas: 267.2, 256.9, 217.8, 182.8, 75.3 -> floors 267+256+217+182+75 = 997; the 3 largest remainders
    # (physics .9, law .8, other .8) get one more
    assert counts == {"math": 267, "physics": 257, "law": 218, "other": 183, "history": 75}
    assert len(set(ids)) == 1000


def test_the_subset_is_fixed_by_its_seed():
    rows = synthetic_mmlu_pro({"a": 700, "b": 500})
    assert mmlu_pro_subset_ids(rows, seed=5, size=100) == mmlu_pro_subset_ids(rows, seed=5, size=100)
    assert mmlu_pro_subset_ids(rows, seed=5, size=100) != mmlu_pro_subset_ids(rows, seed=6, size=100)


def test_limit_keeps_the_first_problems():
    problems, _ = load_benchmark("math500", DATA, limit=1)
    assert [p.answer for p in problems] == [r"\left( 3, \frac{\pi}{2} \right)"]


def test_a_missing_field_names_file_line_and_field(tmp_path):
    (tmp_path / "aime24.jsonl").write_text(json.dumps({"id": 1, "problem": "x"}) + "\n")
    with pytest.raises(UserError, match=r"aime24.jsonl:1: missing field 'answer'"):
        load_benchmark("aime24", tmp_path)


def test_a_malformed_line_names_file_and_line(tmp_path):
    (tmp_path / "math500.jsonl").write_text(json.dumps({"problem": "x", "answer": "1"}) + "\n\n{oops\n")
    with pytest.raises(UserError, match=r"math500.jsonl:3: not valid JSON"):
        load_benchmark("math500", tmp_path)


@pytest.mark.parametrize("offline", ["1", None])
def test_a_data_dir_without_the_benchmarks_file_is_an_error_and_never_a_trip_to_the_hub(tmp_path, monkeypatch,
                                                                                        offline):
    if offline:
        monkeypatch.setenv("HF_DATASETS_OFFLINE", offline)
    else:
        monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    (tmp_path / "aime24.jsonl").write_text(json.dumps({"problem": "x", "answer": "1"}) + "\n")
    with pytest.raises(UserError, match="no math500.jsonl in --data-dir .*leave out --data-dir to load from the hub"):
        load_benchmark("math500", tmp_path)


def test_the_four_paper_benchmarks_are_registered_with_their_graders():
    assert {n: b.grader for n, b in BENCHMARKS.items()} == {
        "math500": "symbolic", "aime24": "symbolic", "theoremqa": "theoremqa", "mmlu_pro_1k": "mmlu_pro"}
