"""The runner on synthetic experiments: caching, resume, determinism, shared arms, dependencies, failures."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from suite import runner, verdicts
from suite.errors import UserError
from suite.runner import RunLayout
from suite.registry import discover, select

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}


@pytest.fixture(scope="module")
def exps():
    return discover("synthetic_experiments")


def run(exps, ids, out, **kw):
    return runner.run(select(exps, ids, "tiny"), "tiny", out, progress=False, **kw)


def test_shared_arms_run_once_and_dependencies_run_first(exps, tmp_path):
    plan = runner.plan_run(select(exps, ["synth-*"], "tiny"), "tiny")
    # 4.1's classic arm and 4.2's classic arm are the same recipe; 4.2's finetuned arm depends on it too.
    assert len(plan.jobs) == 9
    keys = [j.key for j in plan.jobs]
    for job in plan.jobs:
        for _, h in job.dependencies:
            assert keys.index(f"{h}/seed-{job.seed}") < keys.index(job.key)
    summary, errors = run(exps, ["synth-*"], tmp_path)
    assert errors == {}
    assert summary.experiments["synth-length"].arms["classic"].recipe_hash == \
        summary.experiments["synth-shaping"].arms["classic"].recipe_hash


def test_finished_seeds_are_skipped_on_a_second_run(exps, tmp_path):
    run(exps, ["synth-length"], tmp_path)
    events = []
    runner.run(select(exps, ["synth-length"], "tiny"), "tiny", tmp_path, progress=False, on_event=events.append)
    assert "3 already finished, 0 to run" in events[0]


def test_two_runs_with_the_same_seeds_write_identical_summaries(exps, tmp_path):
    a, _ = run(exps, ["synth-*"], tmp_path / "a", jobs=2)
    b, _ = run(exps, ["synth-*"], tmp_path / "b", jobs=1)
    assert a == b
    assert RunLayout(tmp_path / "a").summary_json.read_bytes() == RunLayout(tmp_path / "b").summary_json.read_bytes()
    h = a.experiments["synth-length"].arms["classic"].recipe_hash
    assert RunLayout(tmp_path / "a").metrics_json(h, 0).read_bytes() == \
        RunLayout(tmp_path / "b").metrics_json(h, 0).read_bytes()


def test_different_seeds_give_different_metrics(exps, tmp_path):
    s1, _ = run(exps, ["synth-length"], tmp_path / "a", seeds=(0, 1))
    s2, _ = run(exps, ["synth-length"], tmp_path / "b", seeds=(5, 6))
    assert s1.experiments["synth-length"].checks != s2.experiments["synth-length"].checks


def test_a_run_killed_mid_way_resumes_and_produces_the_same_summary(tmp_path):
    (tmp_path / "none").mkdir()  # an empty references root: no reference to compare with
    cmd = [sys.executable, "-m", "suite", "run", "--experiments", "synthetic_experiments", "--only", "synth-length",
           "--scale", "tiny", "--set", "sleep_s=0.05", "--no-progress", "--references", str(tmp_path / "none")]
    killed = subprocess.Popen(cmd + ["--out", str(tmp_path / "killed")], env=ENV, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    done = lambda: list((tmp_path / "killed" / "jobs").glob("*/seed-*/metrics.json"))  # noqa: E731
    while len(done()) < 1 and time.time() < deadline:
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert 1 <= len(done()) < 3, "the kill should land between the first and the last seed"
    assert not RunLayout(tmp_path / "killed").summary_json.exists()
    resumed = subprocess.run(cmd + ["--out", str(tmp_path / "killed")], env=ENV, cwd=tmp_path, capture_output=True,
                             text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert "already finished" in resumed.stderr and "0 already finished" not in resumed.stderr
    clean = subprocess.run(cmd + ["--out", str(tmp_path / "clean")], env=ENV, cwd=tmp_path, capture_output=True)
    assert clean.returncode == 0
    killed_dir, clean_dir = RunLayout(tmp_path / "killed"), RunLayout(tmp_path / "clean")
    assert killed_dir.summary_json.read_bytes() == clean_dir.summary_json.read_bytes()


def test_a_damaged_metrics_file_is_rerun_not_trusted(exps, tmp_path):
    summary, _ = run(exps, ["synth-length"], tmp_path)
    h = summary.experiments["synth-length"].arms["classic"].recipe_hash
    RunLayout(tmp_path).metrics_json(h, 1).write_text('{"recipe_hash": "')
    events = []
    runner.run(select(exps, ["synth-length"], "tiny"), "tiny", tmp_path, progress=False, on_event=events.append)
    assert "2 already finished, 1 to run" in events[0]


def test_a_failing_job_is_recorded_and_the_others_go_on(exps, tmp_path):
    summary, errors = runner.run(list(exps.values()), "gpu", tmp_path, progress=False)
    assert len(errors) == 1 and "synthetic failure" in next(iter(errors.values()))
    assert summary.experiments["broken-job"].status == verdicts.ERROR
    assert "synthetic failure" in summary.experiments["broken-job"].message
    assert summary.experiments["synth-length"].status == verdicts.RAN
    assert list(tmp_path.glob("jobs/*/seed-0/error.txt"))


def test_unimplemented_and_engine_only_scales_are_reported_not_faked(exps, tmp_path):
    summary, _ = runner.run(list(exps.values()), "paper", tmp_path, progress=False)
    e = summary.experiments
    assert e["synth-length"].status == verdicts.NOT_EXECUTABLE
    assert "external distributed engine" in e["synth-length"].message
    assert e["synth-shaping"].status == verdicts.NOT_IMPLEMENTED
    assert e["synth-shaping"].checks is None and "checks" not in summary.to_dict()["experiments"]["synth-shaping"]
    assert not list(tmp_path.glob("jobs/*/seed-*"))


def test_overrides_are_checked_against_recipe_fields_and_types(exps):
    sel = select(exps, ["synth-length"], "tiny")
    with pytest.raises(UserError, match="unknown recipe field 'slop'"):
        runner.plan_run(sel, "tiny", overrides={"slop": "2"})
    with pytest.raises(UserError, match="expected int"):
        runner.plan_run(sel, "tiny", overrides={"steps": "many"})
    plan = runner.plan_run(sel, "tiny", overrides={"slope": "2"})
    assert plan.jobs[0].recipe.slope == 2.0


def test_a_recipe_that_returns_an_unknown_metric_is_reported_by_name(tmp_path):
    from synthetic_experiments._recipes import BrokenRecipe

    from suite.recipes import JobContext

    job = runner.Job(BrokenRecipe(mode="unknown-metric"), "h", 0)
    with pytest.raises(UserError, match="no_such_metric"):
        runner.validate_job_output(BrokenRecipe(mode="unknown-metric").run(0, JobContext(tmp_path, {})), job)


def test_a_promoted_run_is_reproduced_by_a_rerun_and_a_changed_recipe_is_caught(exps, tmp_path):
    from suite.promote import promote

    refs = tmp_path / "refs"
    run(exps, ["synth-length"], tmp_path / "first")
    [path] = promote(tmp_path / "first", refs)
    assert path == refs / "tiny" / "synth-length.json"
    same, _ = run(exps, ["synth-length"], tmp_path / "again", references_root=refs)
    e = same.experiments["synth-length"]
    assert e.reproduction_verdict == verdicts.MATCHES_REFERENCE, e.checks
    assert e.reference.endswith("synth-length.json")
    # a different recipe (steeper growth) no longer matches the stored reference band
    changed, _ = run(exps, ["synth-length"], tmp_path / "changed", references_root=refs, overrides={"slope": "1.5"})
    e = changed.experiments["synth-length"]
    band = next(c for c in e.checks if c.kind == "curve_band")
    assert band.verdict == verdicts.FAIL
    assert e.reproduction_verdict == verdicts.DEVIATES_FROM_REFERENCE
    assert e.claim_verdict == verdicts.CLAIM_HOLDS  # length still grows: the claim is separate
    # a recipe that differs only where it cannot move a number (a pause per step) gives the reference's numbers, but
    # a run of other recipes is no reproduction: it may deviate, never match
    same_numbers, _ = run(exps, ["synth-length"], tmp_path / "paused", references_root=refs,
                          overrides={"sleep_s": "0.0001"})
    e = same_numbers.experiments["synth-length"]
    assert all(c.verdict == verdicts.PASS for c in e.checks if c.role == verdicts.REPRODUCTION)
    assert e.reproduction_verdict == verdicts.REFERENCE_INCONCLUSIVE
    assert any("recipes differ from the reference's" in line for line in e.changes)


def test_result_files_are_written_whole_and_readable_by_others(tmp_path):
    import stat

    from suite.atomic import write_json_atomic

    p = write_json_atomic(tmp_path / "deep" / "summary.json", {"b": 1, "a": [1, 2]})
    assert p.read_text() == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}\n'
    assert stat.S_IMODE(p.stat().st_mode) & 0o044 == 0o044  # not mkstemp's 0600
    assert [f.name for f in p.parent.iterdir()] == ["summary.json"]  # no temporary left behind


def test_a_promoted_reference_names_the_seed_of_each_value_and_a_bad_seed_list_is_refused(exps, tmp_path):
    import json

    from suite.promote import promote
    from suite.references import load_reference

    run(exps, ["synth-length"], tmp_path / "first", seeds=(3, 1))
    [path] = promote(tmp_path / "first", tmp_path / "refs")
    ref = load_reference(path)
    for o in ref.observations.values():
        assert all(s.seeds == (3, 1) for s in o.scalars.values() if s.values is not None)  # as the run listed them
        assert all(c.seeds == (3, 1) for c in o.curves.values())
    data = json.loads(path.read_text())
    arm = next(iter(data["arms"].values()))
    entry = next(iter(arm["curves"].values()))
    entry["seeds"] = [1, 1]
    path.write_text(json.dumps(data))
    with pytest.raises(UserError, match="seeds.*2 distinct non-negative integers"):
        load_reference(path)
