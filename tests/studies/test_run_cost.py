"""The cost table of a run: jobs per finding with their dependencies, shared jobs counted once in the total."""

import json

import pytest

from studies import run_cost
from studies.runs import main_guard
from suite import runner
from suite.registry import discover, select


def test_each_finding_counts_its_jobs_and_their_dependencies_and_the_total_counts_shared_jobs_once(tmp_path):
    exps = discover("synthetic_experiments")
    run_dir = tmp_path / "run"
    summary, errors = runner.run(select(exps, ["synth-length", "synth-shaping"], "tiny"), "tiny", run_dir,
                                 seeds=(0, 1), progress=False)
    assert not errors
    plan = runner.plan_run(select(exps, ["synth-length", "synth-shaping"], "tiny"), "tiny", seeds=(0, 1))
    layout = runner.RunLayout(run_dir)
    for i, job in enumerate(plan.jobs):  # known wall times: job i took 10 * (i + 1) seconds
        path = layout.timing_json(job.hash, job.seed)
        path.write_text(json.dumps({**json.loads(path.read_text()), "wall_time_s": 10.0 * (i + 1)}))
    wall = {j.key: 10.0 * (i + 1) for i, j in enumerate(plan.jobs)}
    rows, total = run_cost.finding_costs(run_dir, cores=2, package="synthetic_experiments")
    by_id = {r["id"]: r for r in rows}
    for pe in plan.experiments:
        keys = {runner.job_key(h, s) for h in pe.arm_hashes.values() for s in pe.seeds}
        keys |= {d for j in plan.jobs if j.key in keys for d in j.dependency_keys()}
        assert by_id[pe.experiment.id]["jobs"] == len(keys)
        assert abs(by_id[pe.experiment.id]["core_min"] - sum(wall[k] for k in keys) / 60) < 1e-9
    assert total["jobs"] == len(plan.jobs) < sum(r["jobs"] for r in rows)  # the classic arm is shared
    assert abs(total["core_min"] - sum(wall.values()) / 60) < 1e-9
    assert total["alone_min"] >= total["core_min"] / 2
    assert "| all (shared jobs once) |" in run_cost.to_markdown(rows, total, 2)
    kinds = {j.key: j.recipe.kind for j in plan.jobs}
    assert len(set(kinds.values())) >= 2  # the split below has something to split
    for r in [*rows, total]:  # the kinds split each row's core-minutes
        assert sum(r["by_kind"].values()) == pytest.approx(r["core_min"])
    for kind in set(kinds.values()):
        assert total["by_kind"][kind] == pytest.approx(sum(wall[k] for k in wall if kinds[k] == kind) / 60)
    header = run_cost.to_markdown(rows, total, 2).splitlines()[0]
    assert all(f"| {kind} |" in header for kind in kinds.values())
    # --only: that finding's jobs, and a total of those jobs alone
    for exp_id in ("synth-length", "synth-shaping"):
        only, only_total = run_cost.finding_costs(run_dir, cores=2, package="synthetic_experiments", ids=[exp_id])
        assert [r["id"] for r in only] == [exp_id] and only_total["jobs"] == only[0]["jobs"] == by_id[exp_id]["jobs"]
        assert only_total["core_min"] == pytest.approx(by_id[exp_id]["core_min"])


def test_a_folder_that_is_not_a_run_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main_guard(lambda: run_cost.main(["--run", str(tmp_path)]))
    assert exc.value.code == 2 and "summary.json" in capsys.readouterr().err
