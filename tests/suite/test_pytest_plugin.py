"""The pytest plugin, driven through pytester: checks become items; pass, fail and inconclusive map honestly."""

import os
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def synth(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", f"{ROOT}{os.pathsep}{ROOT / 'tests'}")
    monkeypatch.syspath_prepend(str(ROOT / "tests"))
    monkeypatch.syspath_prepend(str(ROOT))
    return pytester


def test_checks_become_items_and_a_failing_check_fails_with_its_table(synth):
    (synth.path / "none").mkdir()  # an empty references root: no reference to compare with
    res = synth.runpytest_subprocess(
        "--longcot-scale", "tiny", "--longcot-experiments", "synthetic_experiments",
        "--longcot-out", str(synth.path / "run"), "--longcot-references", str(synth.path / "none"),
        "-rs",
    )
    # 4.1: trend passes, 2 reproduction checks inconclusive (no reference), explicit tolerance passes;
    # 4.2: true claim passes, false claim fails; 5.2 is not implemented at tiny -> skipped.
    res.assert_outcomes(passed=3, failed=1, skipped=3)
    out = res.stdout.str()
    assert "cosine length > classic length (false on purpose)" in out
    assert "p(claimed)=1" in out  # the evidence column of the failure table
    assert "inconclusive (reproduction): no reference to compare with" in out
    assert "not implemented at this scale" in out


def test_only_selects_experiments_and_unknown_ids_are_usage_errors(synth):
    res = synth.runpytest_subprocess(
        "--longcot-scale", "tiny", "--longcot-experiments", "synthetic_experiments", "--longcot-only", "synth-length",
        "--longcot-out", str(synth.path / "run"), "--longcot-references", str(synth.path),
    )
    res.assert_outcomes(passed=2, skipped=2)
    bad = synth.runpytest_subprocess("--longcot-scale", "tiny", "--longcot-only", "takeaway-0.0")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    assert "unknown experiment id 'takeaway-0.0'" in bad.stderr.str()


def test_without_the_option_the_plugin_collects_nothing(synth):
    synth.makepyfile("def test_plain():\n    assert True\n")
    synth.runpytest_subprocess().assert_outcomes(passed=1)


def test_bad_input_fails_each_item_with_one_line_and_no_traceback(synth):
    res = synth.runpytest_subprocess(
        "--longcot-scale", "tiny", "--longcot-experiments", "synthetic_experiments", "--longcot-only", "synth-length",
        "--longcot-out", str(synth.path / "run"), "--longcot-references", str(synth.path / "missing"),
    )
    res.stdout.fnmatch_lines(["*missing: references directory does not exist*"])
    assert "Traceback" not in res.stdout.str() and not (synth.path / "run").exists()
