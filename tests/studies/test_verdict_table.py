"""The verdict table of a run: one row per finding with its two verdicts, one row per check as the summary holds it."""

import pytest

from studies import verdict_table
from studies.runs import main_guard
from suite import runner
from suite.registry import discover, select


def test_every_check_of_every_finding_that_ran_is_a_row_with_its_verdict(tmp_path):
    exps = select(discover("synthetic_experiments"), ["synth-length", "synth-shaping"], "tiny")
    summary, errors = runner.run(exps, "tiny", tmp_path / "run", seeds=(0, 1), progress=False)
    assert not errors
    text = verdict_table.to_markdown(tmp_path / "run")
    for exp_id, e in summary.experiments.items():
        assert f"| {exp_id} | {e.claim_verdict} | {e.reproduction_verdict} |" in text
        for c in e.checks:
            assert f"| {exp_id} | {c.role} | {c.name} | {c.verdict} |" in text
    assert text.count("\n") == 2 + len(summary.experiments) + 3 + sum(len(e.checks) for e in
                                                                       summary.experiments.values())


def test_a_folder_that_is_not_a_run_exits_2(tmp_path):
    with pytest.raises(SystemExit) as exc:
        main_guard(lambda: verdict_table.main(["--run", str(tmp_path)]))
    assert exc.value.code == 2
