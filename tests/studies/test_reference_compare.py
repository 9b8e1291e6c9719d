"""studies.reference_compare: a run beside the stored references, value by value and check by check."""

from __future__ import annotations

import re

import pytest

from studies.reference_compare import compare


@pytest.fixture(scope="module")
def run(tmp_path_factory, smoke_run_of):
    return smoke_run_of(tmp_path_factory, "takeaway-4.1")


def test_a_run_is_set_beside_the_reference_and_a_stored_summary_of_itself_moves_no_check(run):
    text = compare(run, [run / "summary.json"])
    assert text.startswith("## takeaway-4.1: claim ")
    assert "| classic | 0.8125 / 0.8359 / 0.8086 |" in text  # the stored reference's seeds
    # one smoke seed: its curves are counted against the reference's seed 0 (and a shrunk recipe's are not equal)
    assert re.search(r"\| 0 of [1-9][0-9]* \|", text) and "(moved)" not in text


def test_a_check_whose_verdict_differs_from_the_stored_run_is_marked(run, tmp_path):
    import json

    stored = json.loads((run / "summary.json").read_text())
    check = stored["experiments"]["takeaway-4.1"]["checks"][0]
    check["verdict"] = "pass" if check["verdict"] != "pass" else "fail"
    (tmp_path / "summary.json").write_text(json.dumps(stored))
    assert compare(run, [tmp_path / "summary.json"]).count("(moved)") == 1


def test_stored_verdicts_come_from_the_last_summary_that_judged_the_finding(run, tmp_path):
    """References promoted from several runs: a summary where the finding was not run has no checks and is passed
    over; of two that judged it, the later one is the stored verdict."""
    import json

    stored = json.loads((run / "summary.json").read_text())
    judged = json.loads(json.dumps(stored))
    judged["experiments"]["takeaway-4.1"]["checks"][0]["verdict"] = "moved-away"
    (tmp_path / "old.json").write_text(json.dumps(judged))
    unjudged = json.loads(json.dumps(stored))
    unjudged["experiments"]["takeaway-4.1"] = {"status": "not implemented at this scale", "arms": {}}
    (tmp_path / "none.json").write_text(json.dumps(unjudged))
    assert compare(run, [tmp_path / "old.json", tmp_path / "none.json"]).count("(moved)") == 1
    assert "(moved)" not in compare(run, [tmp_path / "old.json", run / "summary.json", tmp_path / "none.json"])
