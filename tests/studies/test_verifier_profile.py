"""studies.verifier_profile: the verifiers' error rates on a finished 5.2 run's real model outputs."""

from __future__ import annotations

import json

import pytest



@pytest.fixture(scope="module")
def run(tmp_path_factory, smoke_run_of):
    return smoke_run_of(tmp_path_factory, "takeaway-5.2")


def test_each_verifier_is_scored_against_the_reference_and_the_truth_on_the_start_models_responses(run):
    from studies.verifier_profile import profile, to_markdown
    from suite import runner
    from suite.tiny.recipes import FINAL_RESPONSES

    rows = profile(run)
    assert {(r["verifier"], r["against"]) for r in rows} >= {("judge", "reference"), ("judge", "truth"),
                                                             ("rule", "reference"), ("rule", "truth")}
    # every held-out response of the pool's families is scored once per (verifier, against)
    summary = runner.read_summary(run)
    arm = summary.experiments["takeaway-5.2"].arms["sft_init"]
    records = json.loads((runner.RunLayout(run).workdir(arm.recipe_hash, 0) / FINAL_RESPONSES).read_text())
    n = sum(len(records[f]) for f in ("seek", "chain", "solve"))
    truth_rows = [r for r in rows if r["against"] == "truth"]
    assert all(r["n"] == n for r in truth_rows)
    # the positives against the truth are the responses the task's own grader calls correct
    assert truth_rows[0]["positives"] == sum(rec["correct"] for f in ("seek", "chain", "solve") for rec in records[f])
    rule_ref = next(r for r in rows if r["verifier"] == "rule" and r["against"] == "reference")
    assert rule_ref["false_positive_rate"] == 0.0  # the rule never passes an answer its reference does not box
    assert "| rule | reference |" in to_markdown(rows)


def test_a_run_without_the_finding_exits_2(tmp_path):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "studies.verifier_profile", "--run", str(tmp_path)],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_a_runs_observations_name_the_seed_of_each_value(run):
    # what a check that pairs arms by seed reads (suite.checks.kinds.paired_differences)
    from suite import runner

    e = runner.read_summary(run).experiments["takeaway-5.2"]
    obs = runner.observations(run, e)
    for arm, a in e.arms.items():
        assert all(s.seeds == tuple(a.seeds) for s in obs[arm].scalars.values())
        assert all(c.seeds == tuple(a.seeds) for c in obs[arm].curves.values())
