"""The per-arm table of a run: each cell is the claim checks' reduction of that arm's curves, over its seeds."""

import numpy as np
import pytest

from studies import arm_summary
from studies.runs import main_guard
from suite import runner
from suite.checks.kinds import reduce_curve
from suite.registry import discover, select


def test_each_arm_row_holds_the_last_quarter_mean_and_sd_over_seeds(tmp_path):
    exps = discover("synthetic_experiments")
    summary, _ = runner.run(select(exps, ["synth-length", "synth-shaping"], "tiny"), "tiny", tmp_path, seeds=(0, 1, 2),
                            progress=False)
    rows = arm_summary.arm_rows(tmp_path)
    assert {(r["finding"], r["arm"]) for r in rows} == {
        (i, a) for i, e in summary.experiments.items() for a in e.arms}
    checked = 0
    for r in rows:
        obs = runner.arm_observations(tmp_path, summary.experiments[r["finding"]].arms)[r["arm"]]
        for metric, header, is_curve in arm_summary.COLUMNS:
            c = obs.curves.get(metric)
            if is_curve and c is not None:
                per_seed = reduce_curve(c.array(), "last_quarter")
                assert r[header] == (float(np.mean(per_seed)), float(np.std(per_seed, ddof=1)))
                checked += 1
            elif is_curve:
                assert r[header] is None
    assert checked > 0
    assert arm_summary.to_markdown(rows).count("\n| synth-") == len(rows)


def test_a_folder_that_is_not_a_run_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main_guard(lambda: arm_summary.main(["--run", str(tmp_path)]))
    assert exc.value.code == 2 and "summary.json" in capsys.readouterr().err
