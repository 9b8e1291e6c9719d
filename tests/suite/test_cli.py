"""The CLI: listing, and bad input -> exit code 2 with one clear message, no traceback, nothing half-written."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from suite import verdicts
from suite.cli import main
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
    from suite.registry import discover

    missing = next(e.id for e in discover().values() if "gpu" not in e.scales)
    assert main(["run", "--only", missing, "--scale", "gpu", "--out", str(tmp_path / "run")]) == 2
    assert f"{missing} is not implemented at scale 'gpu'" in " ".join(capsys.readouterr().err.split())
    assert not (tmp_path / "run" / "summary.json").exists()


def test_a_malformed_reference_file_stops_the_run_before_a_summary_is_written(tmp_path):
    refs = tmp_path / "refs" / "tiny"
    refs.mkdir(parents=True)
    (refs / "synth-length.json").write_text('{"schema": "longcot.reference/1", "experiment": "synth-length"}')
    r = cli("run", "--experiments", "synthetic_experiments", "--only", "synth-length", "--out", str(tmp_path / "run"),
            "--references", str(tmp_path / "refs"), "--no-progress", cwd=tmp_path)
    assert r.returncode == 2
    assert "synth-length.json: experiment_version: required field is missing" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "run" / "summary.json").exists()
    # the finished seeds are kept: fixing the reference and rerunning reuses them
    assert len(list((tmp_path / "run" / "jobs").glob("*/seed-*/metrics.json"))) == 3


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
    assert main(["run", "--experiments", "synthetic_experiments", "--only", "synth-length", "--no-progress",
                 "--references", str(tmp_path / "none"), "--out", "run"]) == 0
    monkeypatch.setattr(suite.references, "default_root", lambda: tmp_path / "default-refs")
    assert main(["promote", "run"]) == 0
    assert (tmp_path / "default-refs" / "tiny" / "synth-length.json").exists()
