"""studies.hacking_compute: takeaway-4.5's arms trained longer, judged by 4.5's own claim checks (shrunk here)."""

from __future__ import annotations

import json

import pytest

from studies.hacking_compute import claim_checks, main, recipes
from suite.errors import UserError
from suite.metrics import names as M

SHRINK = ["--set", "init.sft.steps=20", "--set", "init.sft.eval_every=20", "--set", "init.sft.eval_n=8",
          "--set", "init.sft.n_train=40", "--set", "rl.eval_size=16", "--set", "n_train=32"]


def test_the_study_trains_the_two_arms_longer_and_nothing_else():
    from experiments._tiny_recipes import HR_COSINE, HR_COSINE_REP

    long = recipes(800)
    for arm, r in (("cosine", HR_COSINE), ("cosine_rep", HR_COSINE_REP)):
        assert long[arm].rl.steps == 800 and long[arm].rl.eval_every == 100 and long[arm].rl.hard_from == 30
        assert long[arm].rl.reward == r.rl.reward and long[arm].init == r.init and long[arm].n_train == r.n_train
    from experiments.takeaway_4_5 import EXPERIMENT

    declared = [c.name for c in EXPERIMENT.scales["tiny"].checks if c.role == "claim"]
    names = [c.name for c in claim_checks()]
    assert names[:len(declared)] == declared and len(names) == len(declared) + 2  # + the two all-prompt trends
    assert {c.metric for c in claim_checks()} >= {M.ALTERNATIVELY_CURVE_HARD, M.ALTERNATIVELY_CURVE}
    with pytest.raises(UserError, match="--steps"):
        recipes(4)


def test_a_shrunk_study_writes_its_checks_windows_and_plot(tmp_path, capsys):
    out = tmp_path / "out"
    main(["--steps", "8", "--seeds", "0", "--out", str(out), "--runs", str(tmp_path / "runs"), *SHRINK])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["steps"] == 8 and set(summary["hashes"]) == {"cosine", "cosine_rep"}
    assert [c["name"] for c in summary["checks"]] == [c.name for c in claim_checks()]
    assert all(c["verdict"] in ("pass", "fail", "inconclusive") for c in summary["checks"])
    windows = (out / "windows.md").read_text()
    assert windows.count("| cosine | ") == 7 and "`repetition_ratio@hard`" in windows
    assert (out / "curves.png").stat().st_size > 10_000
