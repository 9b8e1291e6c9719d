import argparse
import json
from pathlib import Path

import pytest

from suite.cli import main
from suite.errors import UserError
from suite.eval.commands import add_analyze_parser, add_eval_parser

DATA = Path(__file__).resolve().parents[2] / "data"


def cli(argv):
    """The lead's CLI in miniature: argparse with sub-commands built by our add_* functions."""
    parser = argparse.ArgumentParser(prog="longcot")
    sub = parser.add_subparsers(dest="command", required=True)
    add_eval_parser(sub)
    add_analyze_parser(sub)
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture(scope="module")
def random_gpt2(tmp_path_factory):
    import torch

    torch.set_num_threads(1)
    from suite.backends.random_gpt2 import build_random_gpt2

    return build_random_gpt2(tmp_path_factory.mktemp("random_gpt2"))


def test_eval_runs_end_to_end_on_a_random_local_gpt2(random_gpt2, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    out = tmp_path / "out"
    code = cli(["eval", "--model", str(random_gpt2), "--benchmarks", "math500,mmlu_pro_1k", "--backend", "hf",
                "--preset", "smoke", "--data-dir", str(DATA / "benchmarks"), "--limit", "2",
                "--max-new-tokens", "8", "--out", str(out), "--compare", "table1:sft_emergent",
                "--grading", "ordered_lists=true", "--grading", "float_rounding=4"])
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["grading"]["ordered_lists"] is True and summary["grading"]["float_rounding"] == 4
    assert summary["preset"]["max_new_tokens"] == 8 and summary["backend"] == "hf"
    assert set(summary["compare"]["benchmarks"]) == {"math500", "mmlu_pro_1k"}
    assert summary["compare"]["benchmarks"]["math500"]["paper"] == 54.1
    rows = [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]
    assert len(rows) == 4 and all(1 <= r["num_tokens"] <= 8 for r in rows)


@pytest.mark.parametrize(("argv", "message"), [
    (["--benchmarks", "gsm8k"], "unknown benchmark"),
    (["--compare", "table9:x"], "unknown paper row"),
    (["--seeds", "a,b"], "comma-separated integers"),
    (["--grading", "float_round=2"], "KEY=VALUE with KEY one of"),
    (["--grading", "ordered_lists=yes"], "expected true or false"),
    (["--grading", "float_rounding=-1"], "float_rounding must be an int"),
])
def test_eval_rejects_bad_options_before_loading_a_model(argv, message, tmp_path):
    with pytest.raises(UserError, match=message):
        cli(["eval", "--model", "nonexistent", "--data-dir", str(DATA / "benchmarks"), "--out", str(tmp_path), *argv])


def test_eval_with_a_data_dir_missing_a_benchmarks_file_names_it_before_loading_a_model(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "math500.jsonl").write_text((DATA / "benchmarks" / "math500.jsonl").read_text())
    assert main(["eval", "--model", "nonexistent", "--benchmarks", "math500,aime24", "--data-dir", str(data),
                 "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"--data-dir {data}: missing aime24.jsonl" in err and "Traceback" not in err


def write_rollouts(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_analyze_computes_per_step_statistics_from_real_outputs(tmp_path):
    samples = [json.loads(line) for line in open(DATA / "cot_samples.jsonl")]
    long_rows = [s for s in samples if s["cot_type"] == "long"]
    short_rows = [s for s in samples if s["cot_type"] == "short"]
    rollouts = [{"step": 0, "prompt": s["problem"], "response": s["text"], "reward": 0.0,
                 "correct": bool(s["correct"]), "response_length": s["n_whitespace_words"]} for s in short_rows]
    rollouts += [{"global_step": 1, "query": s["problem"], "completion": s["text"], "score": 1.0,
                  "is_correct": bool(s["correct"]), "num_tokens": s["n_whitespace_words"]} for s in long_rows]
    path = write_rollouts(tmp_path / "rollouts.jsonl", rollouts)
    assert cli(["analyze", str(path), "--out", str(tmp_path / "a"), "--max-len", "2000"]) == 0
    result = json.loads((tmp_path / "a" / "statistics.json").read_text())
    curves = result["curves"]
    assert result["steps"] == [0, 1]
    # expected values from the stored, independently computed `counts` of the fixture rows
    assert curves["keyword/wait"] == [0.0, pytest.approx(sum(s["counts"]["wait"] for s in long_rows) / len(long_rows))]
    assert curves["keyword/alternatively,"][1] == pytest.approx(
        sum(s["counts"]["alternatively,"] for s in long_rows) / len(long_rows))
    assert curves["keyword_rate_curve"] == [0.0, pytest.approx(14 / 15)]
    assert curves["reward/outcome"] == [0.0, 1.0]
    assert curves["train_accuracy"][0] == pytest.approx(sum(bool(s["correct"]) for s in short_rows) / len(short_rows))
    assert curves["response_length"][0] == pytest.approx(
        sum(s["n_whitespace_words"] for s in short_rows) / len(short_rows))
    assert curves["exceed_rate"][0] == pytest.approx(
        sum(s["n_whitespace_words"] + 16 >= 2000 for s in short_rows) / len(short_rows))
    assert (tmp_path / "a" / "curves.png").stat().st_size > 1000
    from suite.metrics.names import CATALOG

    assert set(curves) <= set(CATALOG)  # every curve is a registered metric name


def test_analyze_computes_the_repetition_ratio_from_logged_token_ids(tmp_path):
    rows = [{"step": 3, "response": "x", "response_token_ids": [1, 2, 3, 1, 2, 3]},
            {"step": 3, "response": "y", "response_token_ids": [1, 2, 3, 4, 5, 6]}]
    path = write_rollouts(tmp_path / "r.jsonl", rows)
    cli(["analyze", str(path), "--ngram-size", "3", "--no-plot", "--out", str(tmp_path / "o")])
    curves = json.loads((tmp_path / "o" / "statistics.json").read_text())["curves"]
    assert curves["repetition_ratio"] == [0.25]  # (0.5 + 0) / 2
    assert curves["response_length"] == [6.0]


@pytest.mark.parametrize(("lines", "message"), [
    (['{"step": 1, "response": "a"}', '{"step": 2}'], r"r.jsonl:2: missing field 'response'"),
    (['{"response": "a"}'], r"r.jsonl:1: missing field 'step'"),
    (['{"step": "one", "response": "a"}'], r"r.jsonl:1: field 'step' must be an integer"),
    (['{"step": 1, "response": "a"}', "not json"], r"r.jsonl:2: not valid JSON"),
    ([], "no rollouts"),
])
def test_analyze_names_the_file_line_and_field_of_bad_input(tmp_path, lines, message):
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(UserError, match=message):
        cli(["analyze", str(path), "--no-plot"])


def test_analyze_of_a_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="file not found"):
        cli(["analyze", str(tmp_path / "nope.jsonl")])
