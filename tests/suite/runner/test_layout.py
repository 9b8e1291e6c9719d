"""RunLayout: the run-directory paths are pinned (stored runs must stay readable), and they are exactly where
`execute` writes."""

from pathlib import Path

from suite import runner
from suite.registry import discover, select
from suite.runner import RunLayout


def test_the_on_disk_names_are_the_ones_existing_runs_use():
    layout = RunLayout("R")
    assert layout.root == Path("R")
    assert layout.run_json == Path("R/run.json")
    assert layout.summary_json == Path("R/summary.json")
    assert layout.recipe_json("abc") == Path("R/jobs/abc/recipe.json")
    assert layout.seed_dir("abc", 3) == Path("R/jobs/abc/seed-3")
    assert layout.metrics_json("abc", 3) == Path("R/jobs/abc/seed-3/metrics.json")
    assert layout.timing_json("abc", 3) == Path("R/jobs/abc/seed-3/timing.json")
    assert layout.error_txt("abc", 3) == Path("R/jobs/abc/seed-3/error.txt")
    assert layout.workdir("abc", 3) == Path("R/jobs/abc/seed-3/work")
    assert layout.dependency_workdirs((("init", "def"),), 3) == {"init": Path("R/jobs/def/seed-3/work")}


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_layout_paths_are_exactly_what_execute_writes(tmp_path):
    exps = discover("synthetic_experiments")
    plan = runner.plan_run(select(exps, ["synth-*"], "tiny"), "tiny")
    assert runner.execute(plan, tmp_path, progress=False) == {}
    layout = RunLayout(tmp_path)
    expected = {layout.recipe_json(h) for h in plan.recipes}
    for job in plan.jobs:
        expected |= {layout.metrics_json(job.hash, job.seed), layout.timing_json(job.hash, job.seed)}
        if job.recipe.kind == "synthetic-line":  # it leaves a checkpoint for the jobs that depend on it
            expected.add(layout.workdir(job.hash, job.seed) / "checkpoint.json")
    assert _files(tmp_path) == expected
    assert all(layout.workdir(j.hash, j.seed).is_dir() for j in plan.jobs)


def test_a_failed_job_leaves_its_error_where_the_layout_says(tmp_path):
    exps = discover("synthetic_experiments")
    plan = runner.plan_run([exps["broken-job"]], "gpu")
    [job] = plan.jobs
    errors = runner.execute(plan, tmp_path, progress=False)
    layout = RunLayout(tmp_path)
    assert set(errors) == {job.key}
    assert _files(tmp_path) == {layout.recipe_json(job.hash), layout.error_txt(job.hash, job.seed)}
    assert "RuntimeError: synthetic failure" in layout.error_txt(job.hash, job.seed).read_text()


def test_run_writes_run_json_and_summary_json_where_the_layout_says(tmp_path):
    exps = discover("synthetic_experiments")
    runner.run(select(exps, ["synth-length"], "tiny"), "tiny", tmp_path, progress=False)
    top = {p for p in tmp_path.iterdir() if p.is_file()}
    assert top == {RunLayout(tmp_path).run_json, RunLayout(tmp_path).summary_json}


def test_a_resumed_run_keeps_its_first_start_and_lists_each_resumption(tmp_path):
    from suite.runner import read_run_info

    exps = select(discover("synthetic_experiments"), ["synth-length"], "tiny")
    runner.run(exps, "tiny", tmp_path, progress=False)
    first = read_run_info(tmp_path)
    assert first["resumed"] == []
    for n in (1, 2):
        runner.run(exps, "tiny", tmp_path, progress=False)
        info = read_run_info(tmp_path)
        assert info["started"] == first["started"] and len(info["resumed"]) == n
    assert info["resumed"][0] >= first["started"]
