"""A paper-scale run, one seed per arm, collected from an external engine's outputs and judged with decided verdicts.

The outputs are synthetic stand-ins for what `longcot eval` and `longcot analyze` write after a real run: an
evaluation summary per arm (accuracy and its problem-clustered SE) and per-step rollout statistics.
"""

import json

import numpy as np
import pytest

from suite import verdicts
from suite.cli import main
from suite.errors import UserError
from suite.metrics import names as M
from suite.registry import discover
from suite.runner import RunLayout, read_summary, run
from suite.runner.collect import collect_arm

EXP = discover()["takeaway-4.5"]
STEPS = list(range(0, 120, 2))  # 60 logged iterations


def eval_summary(tmp_path, name, math500):
    p = tmp_path / name / "summary.json"
    p.parent.mkdir(parents=True)
    benches = {"math500": {"accuracy": math500, "accuracy_se": 0.005}}  # 500 problems x 16 samples, clustered
    p.write_text(json.dumps({"model": name, "benchmarks": benches}))
    return p.parent


def statistics(tmp_path, name, *, repetition_slope, alternatively_slope, length):
    rng = np.random.default_rng(len(name))
    t = np.asarray(STEPS, dtype=float)
    curves = {
        M.RESPONSE_LENGTH: (length + 10 * t + rng.normal(0, 50, t.size)).tolist(),
        M.REPETITION_RATIO: (0.02 + repetition_slope * t + rng.normal(0, 0.002, t.size)).tolist(),
        M.ALTERNATIVELY_CURVE: (3.0 + alternatively_slope * t + rng.normal(0, 0.1, t.size)).tolist(),
        "n_rollouts": [1024] * t.size,
    }
    p = tmp_path / f"{name}-statistics.json"
    p.write_text(json.dumps({"steps": STEPS, "curves": curves, "dropped_curves": []}))
    return p


def collect_both(tmp_path, run_dir, *, hacked: bool):
    cos = statistics(tmp_path, "cos", repetition_slope=0.001 if hacked else -0.0005,
                     alternatively_slope=-0.02 if hacked else 0.02, length=4000)
    rep = statistics(tmp_path, "rep", repetition_slope=0.0, alternatively_slope=0.0, length=3000 if hacked else 5000)
    collect_arm(run_dir, EXP, "paper", "cosine", 42, eval_summary=eval_summary(tmp_path, "cos", 0.50 if hacked else 0.6),
                statistics=cos)
    collect_arm(run_dir, EXP, "paper", "cosine_rep", 42, eval_summary=eval_summary(tmp_path, "rep", 0.56),
                statistics=rep)


def test_one_seed_per_arm_gets_a_decided_claim_verdict(tmp_path):
    run_dir = tmp_path / "run"
    collect_both(tmp_path, run_dir, hacked=True)
    summary, errors = run([EXP], "paper", run_dir, progress=False)
    e = summary.experiments["takeaway-4.5"]
    assert not errors and e.status == verdicts.RAN
    assert e.claim_verdict == verdicts.CLAIM_HOLDS, [(c.name, c.verdict, c.evidence) for c in e.checks]
    math500 = next(c for c in e.checks if c.metric == M.benchmark_accuracy("math500"))
    assert "within-run standard errors" in math500.error_basis  # 0.06 / (0.005 * sqrt 2) = 8.5 SE
    trend = next(c for c in e.checks if c.metric == M.REPETITION_RATIO and c.kind == "trend")
    assert "Newey-West" in trend.error_basis


def test_the_same_run_can_come_out_the_other_way(tmp_path):
    run_dir = tmp_path / "run"
    collect_both(tmp_path, run_dir, hacked=False)
    e = run([EXP], "paper", run_dir, progress=False)[0].experiments["takeaway-4.5"]
    assert e.claim_verdict == verdicts.CLAIM_NOT_REPRODUCED


def test_an_arm_not_yet_collected_is_named(tmp_path):
    run_dir = tmp_path / "run"
    collect_arm(run_dir, EXP, "paper", "cosine", 42, eval_summary=eval_summary(tmp_path, "cos", 0.5))
    e = run([EXP], "paper", run_dir, progress=False)[0].experiments["takeaway-4.5"]
    assert e.status == verdicts.NOT_EXECUTABLE and "still to collect with `longcot collect`: cosine_rep" in e.message


def test_collecting_twice_merges_evaluation_and_training_log(tmp_path):
    run_dir = tmp_path / "run"
    collect_arm(run_dir, EXP, "paper", "cosine", 42, eval_summary=eval_summary(tmp_path, "cos", 0.5))
    path = collect_arm(run_dir, EXP, "paper", "cosine", 42,
                       statistics=statistics(tmp_path, "cos", repetition_slope=0, alternatively_slope=0, length=1))
    data = json.loads(path.read_text())
    assert data["scalars"] == {M.benchmark_accuracy("math500"): 0.5}
    assert data["scalar_se"] == {M.benchmark_accuracy("math500"): 0.005}
    assert M.REPETITION_RATIO in data["curves"] and M.RESPONSE_LENGTH in data["curves"]


def test_bad_collect_input_names_the_file_and_field(tmp_path):
    bad = tmp_path / "bad" / "summary.json"
    bad.parent.mkdir()
    bad.write_text(json.dumps({"benchmarks": {"math500": {"accuracy": "high", "accuracy_se": 0.01}}}))
    with pytest.raises(UserError, match=r"summary.json: benchmarks.math500.accuracy"):
        collect_arm(tmp_path / "run", EXP, "paper", "cosine", 42, eval_summary=bad)
    with pytest.raises(UserError, match="no arm 'nope'"):
        collect_arm(tmp_path / "run", EXP, "paper", "nope", 42, eval_summary=bad)


def test_cli_collect_then_run(tmp_path, capsys):
    run_dir = tmp_path / "run"
    cos = statistics(tmp_path, "cos", repetition_slope=0.001, alternatively_slope=-0.02, length=4000)
    rep = statistics(tmp_path, "rep", repetition_slope=0.0, alternatively_slope=0.0, length=3000)
    assert main(["collect", str(run_dir), "--only", "takeaway-4.5", "--arm", "cosine",
                 "--eval", str(eval_summary(tmp_path, "cos", 0.5)), "--statistics", str(cos)]) == 0
    assert main(["collect", str(run_dir), "--only", "takeaway-4.5", "--arm", "cosine_rep",
                 "--eval", str(eval_summary(tmp_path, "rep", 0.56)), "--statistics", str(rep)]) == 0
    assert main(["run", "--scale", "paper", "--only", "takeaway-4.5", "--out", str(run_dir), "--no-progress"]) == 0
    assert read_summary(run_dir).experiments["takeaway-4.5"].claim_verdict == verdicts.CLAIM_HOLDS
    assert RunLayout(run_dir).summary_json.exists()
    assert main(["collect", str(run_dir), "--only", "takeaway-4.*", "--arm", "cosine"]) == 2
