"""`longcot run --executor ray` on a local Ray instance: the same results, cache and resume as the local executor, and a
job whose worker process is killed is run again, not lost."""

from __future__ import annotations

import json

import pytest

from suite import runner, verdicts
from suite.cli import main
from suite.experiment import Arm, Claim, Experiment, ScaleSpec
from suite.metrics import names as M
from suite.registry import discover, select
from suite.runner import RunLayout

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def local_ray():
    from suite.runner import ray_executor

    ray_executor.connect(None, 2)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def exps():
    return discover("synthetic_experiments")


def test_ray_gives_the_local_executors_results_and_resumes_from_them(exps, local_ray, tmp_path):
    sel = select(exps, ["synth-*"], "tiny")
    runner.run(sel, "tiny", tmp_path / "local", progress=False, jobs=2)
    events = []
    summary, errors = runner.run(sel, "tiny", tmp_path / "ray", progress=False, jobs=2, executor="ray",
                                 on_event=events.append)
    assert errors == {} and "0 already finished, 9 to run" in events[0]
    assert RunLayout(tmp_path / "ray").summary_json.read_bytes() == \
        RunLayout(tmp_path / "local").summary_json.read_bytes()  # dependencies included (synth-shaping's finetune)
    assert json.loads(RunLayout(tmp_path / "ray").run_json.read_text())["executor"] == "ray"
    events.clear()
    runner.run(sel, "tiny", tmp_path / "ray", progress=False, executor="ray", on_event=events.append)
    assert "9 already finished, 0 to run" in events[0]


def test_a_job_whose_worker_is_killed_is_run_again_not_lost(local_ray, tmp_path):
    from synthetic_experiments._recipes import DiesOnceRecipe

    exp = Experiment(id="dies-once", title="Synthetic job killed once", claim=Claim("Runs.", "§4.1", "synthetic"),
                     arms=(Arm("a", "killed once per seed"),), metrics=(M.HELDOUT_ACCURACY,),
                     scales={"tiny": ScaleSpec(recipes={"a": DiesOnceRecipe(marker_dir=str(tmp_path))},
                                               seeds=(0, 1))})
    summary, errors = runner.run([exp], "tiny", tmp_path / "run", progress=False, executor="ray")
    assert errors == {}
    assert sorted(p.name for p in tmp_path.glob("died-*")) == ["died-0", "died-1"]  # each seed's first try was killed
    assert summary.experiments["dies-once"].status == verdicts.RAN
    assert len(list((tmp_path / "run").glob("jobs/*/seed-*/metrics.json"))) == 2


def test_cli_option_errors_are_clear(tmp_path, capsys):
    assert main(["run", "--experiments", "synthetic_experiments", "--only", "synth-length", "--address",
                 "127.0.0.1:6379", "--out", str(tmp_path / "r")]) == 2
    assert "--address: --address names a Ray cluster; it needs --executor ray" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["run", "--executor", "dask"])
    assert e.value.code == 2
