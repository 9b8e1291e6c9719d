"""Reference files: valid ones load; corrupt or incomplete ones give one error naming the file and the field."""

import json
import tomllib
from pathlib import Path

import pytest

import suite.references
from suite.errors import UserError
from suite.references import default_root, load_reference, reference_path

ROOT = Path(__file__).resolve().parents[2]


def valid():
    return {
        "schema": "longcot.reference/1",
        "experiment": "takeaway-4.1",
        "experiment_version": 1,
        "scale": "tiny",
        "source": "hand-written test data",
        "notes": ["a note"],
        "provenance": {"suite_version": "0.1.0", "git_commit": "abc", "libraries": {}, "hardware": {}, "date": "d"},
        "arms": {
            "classic": {
                "scalars": {"heldout_accuracy": {"per_seed": [0.4, 0.5, 0.6], "mean": 0.5, "sd": 0.1, "n": 3,
                                                 "tolerance": {"abs": 0.05, "basis": "test"}}},
                "curves": {"response_length": {"steps": [0, 1, 2], "per_seed": [[1, 2, 3], [1, 2, 4]]}},
            }
        },
    }


def write(tmp_path, data, name="takeaway-4.1.json", raw=None):
    d = tmp_path / "tiny"
    d.mkdir(exist_ok=True)
    p = d / name
    p.write_text(raw if raw is not None else json.dumps(data))
    return p


def test_a_valid_reference_loads_with_its_tolerance(tmp_path):
    r = load_reference(write(tmp_path, valid()))
    s = r.observations["classic"].scalars["heldout_accuracy"]
    assert (s.mean, s.sd, s.n, s.values) == (0.5, 0.1, 3, (0.4, 0.5, 0.6))
    t = r.tolerance("classic", "heldout_accuracy")
    assert (t.abs, t.basis, t.interval, t.confidence, t.covers) == (0.05, "test", (-0.05, 0.05), 0.95, "")
    assert tuple(t) == (0.05, "test") and t[0] == 0.05  # the original (abs, basis) form still reads
    assert r.observations["classic"].curves["response_length"].array().shape == (2, 3)


def test_the_same_reference_in_toml_loads(tmp_path):
    toml = """
schema = "longcot.reference/1"
experiment = "takeaway-4.1"
experiment_version = 1
scale = "tiny"
source = "toml"
[provenance]
suite_version = "0.1.0"
git_commit = "abc"
hardware = "x"
date = "d"
[provenance.libraries]
[arms.classic.scalars.heldout_accuracy]
mean = 0.5
n = 2
per_seed = [0.4, 0.6]
"""
    r = load_reference(write(tmp_path, None, name="takeaway-4.1.toml", raw=toml))
    assert r.observations["classic"].scalars["heldout_accuracy"].values == (0.4, 0.6)


def test_corrupt_json_names_the_file(tmp_path):
    p = write(tmp_path, None, raw='{"schema": "longcot.reference/1", ')
    with pytest.raises(UserError) as e:
        load_reference(p)
    assert str(p) in str(e.value) and "not valid JSON" in str(e.value)


def _tol(d):
    return d["arms"]["classic"]["scalars"]["heldout_accuracy"]["tolerance"]


def test_an_asymmetric_tolerance_loads_as_an_interval(tmp_path):
    data = valid()
    _tol(data).update(low=-0.01, high=0.04, abs=0.04, confidence=0.9, covers="evaluation noise only",
                      components={"run_evaluation": {"problems": 30, "samples_per_problem": 64}})
    t = load_reference(write(tmp_path, data)).tolerance("classic", "heldout_accuracy")
    assert (t.interval, t.abs, t.confidence, t.covers, t.symmetric) == ((-0.01, 0.04), 0.04, 0.9,
                                                                         "evaluation noise only", False)
    assert t.components["run_evaluation"]["samples_per_problem"] == 64
    _tol(data).pop("abs")  # optional with an interval: it is max(-low, high)
    assert load_reference(write(tmp_path, data)).tolerance("classic", "heldout_accuracy").abs == 0.04


@pytest.mark.parametrize("mutate, field, message", [
    (lambda d: d.pop("source"), "source", "required field is missing"),
    (lambda d: d["provenance"].pop("git_commit"), "provenance.git_commit", "missing"),
    (lambda d: d["arms"]["classic"]["scalars"]["heldout_accuracy"].pop("n"), "heldout_accuracy.n", "missing"),
    (lambda d: d["arms"]["classic"]["scalars"]["heldout_accuracy"].update(mean="high"), "heldout_accuracy.mean",
     "finite number"),
    (lambda d: d["arms"]["classic"]["scalars"]["heldout_accuracy"].update(mean=0.7), "heldout_accuracy.mean",
     "disagrees"),
    (lambda d: d["arms"]["classic"]["scalars"]["heldout_accuracy"].update(n=4), "heldout_accuracy.n", "per_seed has 3"),
    (lambda d: d["arms"]["classic"]["curves"]["response_length"]["per_seed"].append([1, 2]),
     "response_length.per_seed[2]", "has 2 values"),
    (lambda d: d["arms"]["classic"]["scalars"].update(bogus={"mean": 1, "n": 1}), "scalars.bogus", "unknown metric"),
    (lambda d: d.update(scale="gpu"), "scale", "lives under tiny/"),
    (lambda d: d.update(schema="v0"), "schema", "expected 'longcot.reference/1'"),
    (lambda d: _tol(d).update(abs=0), "heldout_accuracy.tolerance.abs", "must be positive"),
    (lambda d: _tol(d).pop("abs"), "heldout_accuracy.tolerance.abs", "required field is missing"),
    (lambda d: _tol(d).update(low=-0.01), "heldout_accuracy.tolerance.high", "required field is missing"),
    (lambda d: _tol(d).update(low=0.01, high=0.05), "heldout_accuracy.tolerance.low", "must be <= 0"),
    (lambda d: _tol(d).update(low=-0.05, high=-0.01), "heldout_accuracy.tolerance.high", "must be >= 0"),
    (lambda d: _tol(d).update(low=0.0, high=0.0), "heldout_accuracy.tolerance", "is empty"),
    (lambda d: _tol(d).update(low=-0.01, high=0.03), "heldout_accuracy.tolerance.abs",
     "disagrees with max(-low, high)"),
    (lambda d: _tol(d).update(confidence=1.5), "heldout_accuracy.tolerance.confidence", "in (0, 1)"),
    (lambda d: _tol(d).update(covers=""), "heldout_accuracy.tolerance.covers", "non-empty string"),
    (lambda d: _tol(d).update(components=[1]), "heldout_accuracy.tolerance.components", "expected an object"),
    (lambda d: _tol(d).update(hi=0.1), "heldout_accuracy.tolerance", "unexpected field(s) ['hi']"),
])
def test_incomplete_or_wrong_fields_are_named(tmp_path, mutate, field, message):
    data = valid()
    mutate(data)
    p = write(tmp_path, data)
    with pytest.raises(UserError) as e:
        load_reference(p)
    text = str(e.value)
    assert str(p) in text and field in text and message in text


def test_the_default_root_holds_every_shipped_reference():
    root = default_root()
    shipped = sorted(ROOT.glob("reference_results/*/*.json"))
    assert shipped
    for path in shipped:
        found = reference_path(root, path.parent.name, path.stem)
        assert found is not None and load_reference(found).experiment == path.stem


def _package(monkeypatch, package_dir: Path):
    package_dir.mkdir(parents=True)
    monkeypatch.setattr(suite.references.resources, "files", lambda name: package_dir)


def test_a_built_install_reads_the_references_inside_the_package(tmp_path, monkeypatch):
    _package(monkeypatch, tmp_path / "site-packages" / "suite")
    (tmp_path / "site-packages" / "suite" / "reference_results" / "paper").mkdir(parents=True)
    assert default_root() == tmp_path / "site-packages" / "suite" / "reference_results"


def test_a_source_tree_reads_the_references_beside_the_package(tmp_path, monkeypatch):
    _package(monkeypatch, tmp_path / "checkout" / "suite")
    (tmp_path / "checkout" / "reference_results" / "tiny").mkdir(parents=True)
    assert default_root() == tmp_path / "checkout" / "reference_results"


def test_an_install_without_its_references_points_at_where_they_should_be(tmp_path, monkeypatch):
    _package(monkeypatch, tmp_path / "site-packages" / "suite")
    assert default_root() == tmp_path / "site-packages" / "suite" / "reference_results"
    assert reference_path(default_root(), "paper", "takeaway-3.3") is None


def test_pyproject_ships_every_package_folder_and_maps_the_references_into_suite():
    """The package list is explicit (pyproject.toml says why); a new package folder must be added to it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"] == {"suite.reference_results": "reference_results"}
    assert config["package-data"]["suite.reference_results"] == ["*/*.json", "*/*.toml"]
    on_disk = {".".join(d.relative_to(ROOT).parts) for top in ("suite", "experiments")
               for d in [ROOT / top, *(ROOT / top).rglob("*")]
               if d.is_dir() and d.name != "__pycache__" and any(d.glob("*.py"))}
    listed = set(config["packages"]) - {"suite.reference_results"}
    assert listed == on_disk, (f"add to [tool.setuptools] packages in pyproject.toml: {sorted(on_disk - listed)}; "
                               f"remove: {sorted(listed - on_disk)}")
