"""The CLI: listing, and bad input -> exit code 2 with one clear message, no traceback, nothing half-written."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from suite import verdicts
from suite.cli import main
from suite.errors import UserError
from suite.registry import discover
from suite.runner import RunLayout, read_summary

ROOT = Path(__file__).resolve().parents[2]


def cli(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "suite", *args], capture_output=True, text=True, env=env, cwd=cwd)


def test_list_shows_all_twelve_findings_with_their_status():
    r = cli("list")
    assert r.returncode == 0
    ids = [f"takeaway-{x}" for x in ("3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "5.1", "5.2")]
    for exp_id in ids + ["section-6"]:
        assert exp_id in r.stdout
    assert "12 findings" in r.stdout


@pytest.mark.parametrize("args, message", [
    (("run", "--only", "takeaway-9.9"), "unknown experiment id 'takeaway-9.9'"),
    (("run", "--scale", "huge"), "unknown scale 'huge'"),
    (("run", "--seeds", "a,b"), "comma-separated integers"),
    (("run", "--seeds", "1e23"), "argument --seeds: expected comma-separated integers"),
    (("run", "--seeds", "-1"), "argument --seeds: seed -1 is out of range"),
    (("run", "--jobs", "abc"), "argument --jobs: invalid int value"),
    (("run", "--smoke", "--scale", "paper"),
     "--smoke: --smoke shrinks the recipes this suite runs (scales tiny, gpu and open); it does not apply to scale "
     "'paper'"),
    (("run", "--jobs", "0"), "--jobs must be >= 1"),
    (("run", "--set", "nonsense"), "expected FIELD=VALUE"),
    (("report", "/nonexistent/run"), "summary.json not found"),
])
def test_bad_input_exits_2_with_one_clear_message(args, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in " ".join(err.split())
    assert not (tmp_path / "runs").exists()


def test_asking_for_an_unimplemented_scale_says_so_plainly(tmp_path, capsys):
    # every finding of the suite is declared at every scale; the synthetic reward-shaping finding is tiny only
    assert main(["run", "--experiments", "synthetic_experiments", "--only", "synth-shaping", "--scale", "gpu",
                 "--out", str(tmp_path / "run")]) == 2
    assert "synth-shaping is not implemented at scale 'gpu'" in " ".join(capsys.readouterr().err.split())
    assert not (tmp_path / "run" / "summary.json").exists()


def test_a_malformed_reference_file_stops_the_run_before_any_job_starts(tmp_path):
    refs = tmp_path / "refs" / "tiny"
    refs.mkdir(parents=True)
    (refs / "synth-length.json").write_text('{"schema": "longcot.reference/1", "experiment": "synth-length"}')
    r = cli("run", "--experiments", "synthetic_experiments", "--only", "synth-length", "--out", str(tmp_path / "run"),
            "--references", str(tmp_path / "refs"), "--no-progress", cwd=tmp_path)
    assert r.returncode == 2
    assert "synth-length.json: experiment_version: required field is missing" in r.stderr
    assert "Traceback" not in r.stderr
    # validated when the plan is made: nothing trained, nothing written
    assert not (tmp_path / "run").exists()


def test_a_missing_references_directory_is_an_error_not_inconclusive(tmp_path):
    r = cli("run", "--experiments", "synthetic_experiments", "--only", "synth-length", "--out", str(tmp_path / "run"),
            "--references", str(tmp_path / "refz"), "--no-progress", cwd=tmp_path)
    assert r.returncode == 2 and "refz: references directory does not exist" in " ".join(r.stderr.split())
    assert "Traceback" not in r.stderr and not (tmp_path / "run").exists()


@pytest.mark.parametrize("override", ["rl.actor_lr=NaN", "rl.kl_coef=Infinity", "rl.steps=1000000000",
                                      "rl.eval_size=0", "init.sft.lr=-1"])
def test_bad_recipe_values_are_refused_before_any_job(tmp_path, override):
    r = cli("run", "--only", "takeaway-4.1", "--out", str(tmp_path / "run"), "--set", override, "--no-progress",
            cwd=tmp_path)
    field = override.split("=")[0].rsplit(".", 1)[-1]
    assert r.returncode == 2 and field in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert not (tmp_path / "run").exists()


def test_a_negative_seed_is_refused_before_any_job(tmp_path):
    from suite.runner import plan_run

    with pytest.raises(UserError, match="seed -1 must be an integer from 0"):
        plan_run(discover().values(), "tiny", seeds=(0, -1))


def test_main_returns_exit_codes_in_process(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--experiments", "synthetic_experiments", "--only", "synth-length", "--no-progress",
                 "--references", str(tmp_path)]) == 0
    summary = read_summary(tmp_path / "runs" / "tiny")
    assert summary.experiments["synth-length"].claim_verdict == verdicts.CLAIM_HOLDS
    out = " ".join(capsys.readouterr().out.split())
    assert "synth-length │ ran │ claim holds" in out and "2 pass, 0 fail, 2 inconclusive" in out


def test_a_damaged_summary_is_reported_with_its_file_and_field_not_a_traceback(tmp_path):
    run_dir = tmp_path / "run"
    assert cli("run", "--experiments", "synthetic_experiments", "--only", "synth-length", "--out", str(run_dir),
               "--references", str(tmp_path), "--no-progress", cwd=tmp_path).returncode == 0
    path = RunLayout(run_dir).summary_json
    data = json.loads(path.read_text())
    del data["experiments"]["synth-length"]["status"]
    path.write_text(json.dumps(data))
    for command in ("report", "promote"):
        r = cli(command, str(run_dir), cwd=tmp_path)
        assert r.returncode == 2, r.stderr
        assert f"{path}: experiments.synth-length.status: required field is missing" in " ".join(r.stderr.split())
        assert "Traceback" not in r.stderr
    path.write_text("{")
    r = cli("report", str(run_dir), cwd=tmp_path)
    assert r.returncode == 2 and "not valid JSON" in r.stderr and "Traceback" not in r.stderr


def test_promote_defaults_to_the_suites_own_reference_root(tmp_path, monkeypatch, capsys):
    import suite.references

    monkeypatch.chdir(tmp_path)
    (tmp_path / "none").mkdir()  # an empty references root: no reference to compare with
    assert main(["run", "--experiments", "synthetic_experiments", "--only", "synth-length", "--no-progress",
                 "--references", str(tmp_path / "none"), "--out", "run"]) == 0
    monkeypatch.setattr(suite.references, "default_root", lambda: tmp_path / "default-refs")
    assert main(["promote", "run"]) == 0
    assert (tmp_path / "default-refs" / "tiny" / "synth-length.json").exists()


def test_promote_validates_before_writing_and_keeps_the_old_reference(tmp_path, monkeypatch, capsys):
    """A bad run must not replace a good reference: validate first, write atomically, keep the old file on failure."""
    monkeypatch.chdir(tmp_path)
    run = ["run", "--experiments", "synthetic_experiments", "--only", "synth-length", "--no-progress"]
    assert main([*run, "--out", "run"]) == 0
    assert main(["promote", "run", "--references", "refs"]) == 0
    ref = tmp_path / "refs" / "tiny" / "synth-length.json"
    good = ref.read_bytes()
    e = read_summary(tmp_path / "run").experiments["synth-length"]
    metrics = RunLayout(tmp_path / "run").metrics_json(e.arms["classic"].recipe_hash, 0)
    data = json.loads(metrics.read_text())
    data["scalars"]["heldout_accuracy"] = float("nan")  # a run gone wrong: its reference would not load
    metrics.write_text(json.dumps(data))
    capsys.readouterr()

    assert main(["promote", "run", "--references", "refs"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "arms.classic.scalars.heldout_accuracy.mean: expected a finite number" in err and "nothing" in err
    assert ref.read_bytes() == good  # the old reference, untouched
    assert sorted(p.name for p in ref.parent.iterdir()) == ["synth-length.json"]  # no temporary file left behind
    # and later runs of that finding still judge against it
    assert main([*run, "--out", "run2", "--references", "refs"]) == 0


class _HubError(Exception):
    """Stands in for huggingface_hub.errors.RepositoryNotFoundError (matched by module, not imported by the CLI)."""


_HubError.__module__ = "huggingface_hub.errors"


class _ConnectError(Exception):
    """Stands in for httpx.ConnectError."""


_ConnectError.__module__ = "httpx"


@pytest.mark.parametrize("exc", [
    _HubError("404 Client Error. Repository Not Found for url: https://huggingface.co/x/y"),
    _ConnectError("[Errno -3] Temporary failure in name resolution"),
    OSError("We couldn't connect to 'https://huggingface.co' to load the files"),
    ValueError("Unrecognized model in x/y"),
])
def test_eval_turns_a_model_that_cannot_be_loaded_into_one_message_naming_model(exc, tmp_path, monkeypatch, capsys):
    import suite.backends

    def make_backend(name, model, **options):
        raise exc

    monkeypatch.setattr(suite.backends, "make_backend", make_backend)
    data = tmp_path / "data"
    data.mkdir()
    (data / "math500.jsonl").write_text((ROOT / "tests" / "data" / "benchmarks" / "math500.jsonl").read_text())
    argv = ["eval", "--model", "x/y", "--benchmarks", "math500", "--data-dir", str(data), "--preset", "smoke",
            "--limit", "1", "--out", str(tmp_path / "out")]
    assert main(argv) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "--model x/y: cannot load the model (hf backend)" in err and str(exc).split()[0] in err
    assert not (tmp_path / "out").exists()


def test_eval_does_not_hide_a_bug_behind_a_model_error(tmp_path, monkeypatch):
    import suite.backends

    def make_backend(name, model, **options):
        raise RuntimeError("a bug, not bad input")

    monkeypatch.setattr(suite.backends, "make_backend", make_backend)
    data = tmp_path / "data"
    data.mkdir()
    (data / "math500.jsonl").write_text((ROOT / "tests" / "data" / "benchmarks" / "math500.jsonl").read_text())
    with pytest.raises(RuntimeError, match="a bug"):
        main(["eval", "--model", "x/y", "--benchmarks", "math500", "--data-dir", str(data), "--out",
              str(tmp_path / "out")])
