"""The typed summary: it round-trips through its dict and through summary.json, keeps the pre-split format byte for
byte, and bad summary files are UserErrors that name the file and the field."""

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from suite import runner, verdicts
from suite.atomic import canonical_json
from suite.errors import UserError
from suite.promote import promote
from suite.registry import discover
from suite.runner import ExperimentSummary, RunLayout, RunSummary, read_summary

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Real runs of the synthetic experiments covering every status: ran with a reference (tiny), ran without one,
    error and not implemented (gpu), not executable (paper). Returns {name: (run dir, summary run returned)}."""
    root = tmp_path_factory.mktemp("runs")
    exps = list(discover("synthetic_experiments").values())
    out = {}
    runner.run(exps, "tiny", root / "first", progress=False)
    promote(root / "first", root / "refs")
    for name, scale, refs in (("tiny", "tiny", root / "refs"), ("gpu", "gpu", None), ("paper", "paper", None)):
        summary, _ = runner.run(exps, scale, root / name, progress=False, references_root=refs)
        out[name] = (root / name, summary)
    return out


@pytest.mark.parametrize("name", ["tiny", "gpu", "paper"])
def test_a_summary_survives_its_dict_and_its_file(runs, name):
    run_dir, summary = runs[name]
    assert RunSummary.from_dict(summary.to_dict()) == summary
    assert read_summary(run_dir) == summary
    assert RunLayout(run_dir).summary_json.read_text() == canonical_json(summary.to_dict())


def test_the_runs_cover_every_status_and_a_reference(runs):
    statuses = {e.status for _, s in runs.values() for e in s.experiments.values()}
    assert statuses == {verdicts.RAN, verdicts.ERROR, verdicts.NOT_IMPLEMENTED, verdicts.NOT_EXECUTABLE}
    assert runs["tiny"][1].experiments["synth-length"].reference.endswith("synth-length.json")


def test_entries_keep_the_key_order_the_runner_always_wrote(runs):
    head = ["title", "version", "status", "claim", "deviations"]
    tail = ["claim_verdict", "reproduction_verdict"]
    tiny, gpu, paper = (runs[n][1].experiments for n in ("tiny", "gpu", "paper"))
    assert list(runs["tiny"][1].to_dict()) == ["schema", "scale", "provenance", "experiments"]
    assert list(tiny["synth-length"].to_dict()) == head + ["arms", "reference", "checks"] + tail
    assert list(gpu["broken-job"].to_dict()) == head + ["arms", "message"] + tail
    assert list(gpu["synth-shaping"].to_dict()) == head + ["message"] + tail
    assert list(paper["synth-length"].to_dict()) == head + ["message"] + tail
    assert list(tiny["synth-length"].to_dict()["claim"]) == ["quote", "section", "evidence"]
    assert list(tiny["synth-length"].to_dict()["arms"]["classic"]) == ["recipe_hash", "seeds"]


@pytest.mark.parametrize("name", ["tiny", "gpu", "paper"])
def test_a_summary_written_before_the_split_reads_back_and_rewrites_byte_for_byte(tmp_path, name):
    stored = DATA / f"pre-split-{name}.summary.json"
    shutil.copy(stored, RunLayout(tmp_path).summary_json)
    summary = read_summary(tmp_path)
    assert canonical_json(summary.to_dict()) == stored.read_text()


def test_checks_are_typed_and_rounded_as_stored(runs):
    e = runs["tiny"][1].experiments["synth-shaping"]
    false_claim = next(c for c in e.checks if c.name == "cosine length > classic length (false on purpose)")
    assert false_claim.verdict == verdicts.FAIL and false_claim.arms == ("classic", "cosine")
    assert all(c.observed is None or c.observed == round(c.observed, 10) for c in e.checks)


def _broken(tmp_path, runs, edit) -> Path:
    """A copy of the tiny run's summary.json with `edit(data)` applied; returns the run directory."""
    data = runs["tiny"][1].to_dict()
    edit(data)
    RunLayout(tmp_path).summary_json.write_text(json.dumps(data))
    return tmp_path


@pytest.mark.parametrize("edit, field, message", [
    (lambda d: d["experiments"]["synth-length"].pop("claim_verdict"), "experiments.synth-length.claim_verdict",
     "required field is missing"),
    (lambda d: d.pop("scale"), "scale", "required field is missing"),
    (lambda d: d["experiments"]["synth-length"].update(version="1"), "experiments.synth-length.version",
     "expected an integer"),
    (lambda d: d["experiments"]["synth-length"]["claim"].pop("quote"), "experiments.synth-length.claim.quote",
     "required field is missing"),
    (lambda d: d["experiments"]["synth-length"]["arms"]["classic"].update(seeds=["0"]),
     "experiments.synth-length.arms.classic.seeds", "expected a list of integers"),
    (lambda d: d["experiments"]["synth-shaping"]["checks"][1].pop("verdict"),
     "experiments.synth-shaping.checks[1].verdict", "required field is missing"),
    (lambda d: d["experiments"]["synth-length"].pop("reference"), "experiments.synth-length.reference",
     "required field is missing"),
    (lambda d: d["experiments"]["broken-job"].pop("message"), "experiments.broken-job.message",
     "required field is missing"),
    (lambda d: d.update(schema="longcot.summary/0"), "schema", "expected 'longcot.summary/1'"),
    (lambda d: d.update(experiments=[]), "experiments", "expected an object"),
])
def test_a_missing_or_mistyped_field_names_the_file_and_the_field(tmp_path, runs, edit, field, message):
    run_dir = _broken(tmp_path, runs, edit)
    with pytest.raises(UserError) as exc:
        read_summary(run_dir)
    assert exc.value.where == f"{RunLayout(run_dir).summary_json}: {field}"
    assert message in exc.value.message


@pytest.mark.parametrize("text, message", [
    ('{"schema": "longcot.summary/1", "scale": ', "not valid JSON"),
    ("[1, 2]", "expected an object, got list"),
])
def test_a_damaged_summary_file_names_the_file(tmp_path, text, message):
    RunLayout(tmp_path).summary_json.write_text(text)
    with pytest.raises(UserError, match=message) as exc:
        read_summary(tmp_path)
    assert exc.value.where.startswith(str(RunLayout(tmp_path).summary_json))


def test_a_missing_summary_file_says_where_it_looked(tmp_path):
    with pytest.raises(UserError, match="summary.json not found") as exc:
        read_summary(tmp_path / "nowhere")
    assert exc.value.where == str(RunLayout(tmp_path / "nowhere").summary_json)


def test_an_experiment_summary_is_frozen(runs):
    e = runs["gpu"][1].experiments["broken-job"]
    with pytest.raises(AttributeError):
        e.status = verdicts.RAN
    assert replace(e, status=verdicts.RAN) != e
    assert isinstance(e, ExperimentSummary)
