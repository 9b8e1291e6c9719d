"""studies.training_budget: Section 4's claim checks on runs cut after part of their RL iterations, and the findings
with their RL iterations scaled."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from studies import training_budget as tb
from studies.runs import main_guard
from suite import runner, verdicts
from suite.errors import UserError
from suite.metrics import names as M


@pytest.fixture(scope="module")
def smoke_42(smoke_run_of, tmp_path_factory):
    return smoke_run_of(tmp_path_factory, "takeaway-4.2")  # 8 RL iterations, held-out evaluation every 4


def test_cutting_at_the_whole_run_gives_the_runners_own_claim_verdicts(smoke_42):
    cut = tb.truncated_verdicts(smoke_42, 1.0, ids=("takeaway-4.2",))["takeaway-4.2"]
    summary = runner.read_summary(smoke_42).experiments["takeaway-4.2"]
    own = [c for c in summary.checks if c.role == verdicts.CLAIM]
    assert [(r.name, r.verdict) for r in cut] == [(c.name, c.verdict) for c in own]
    def number(x):  # summary.json stores NaN as null
        return float("nan") if x is None else x

    assert [number(r.observed) for r in cut] == pytest.approx([number(c.observed) for c in own], nan_ok=True)


def test_a_cut_keeps_each_curve_up_to_the_cut_and_reads_the_final_scalars_there(smoke_42):
    summary = runner.read_summary(smoke_42).experiments["takeaway-4.2"]
    arm = summary.arms["cosine"]
    m = runner.load_metrics(smoke_42, arm.recipe_hash, arm.seeds[0])
    cut = tb.truncate(m, 4, "here")
    for name, c in cut["curves"].items():
        full = m["curves"][name]
        kept = [i for i, s in enumerate(full["step"]) if s <= 4]
        assert c["step"] == [full["step"][i] for i in kept] and c["value"] == [full["value"][i] for i in kept]
        assert max(c["step"]) == 4 and max(full["step"]) == 8
    assert cut["scalars"][M.HELDOUT_ACCURACY] == cut["curves"][M.HELDOUT_ACCURACY_CURVE]["value"][-1]
    assert cut["scalars"][M.MEAN_LENGTH_FINAL] == cut["curves"][M.RESPONSE_LENGTH]["value"][-1]
    # the cut moved something: the smoke run's curves are not flat between iterations 4 and 8
    assert any(cut["scalars"][k] != m["scalars"][k] for k in tb.FINAL)


def test_an_sft_finding_is_judged_whole_and_refused_a_cut(smoke_run_of, tmp_path_factory):
    run = smoke_run_of(tmp_path_factory, "takeaway-3.1")
    whole = tb.truncated_verdicts(run, 1.0, ids=("takeaway-3.1",))["takeaway-3.1"]
    own = [c for c in runner.read_summary(run).experiments["takeaway-3.1"].checks if c.role == verdicts.CLAIM]
    assert [(r.name, r.verdict) for r in whole] == [(c.name, c.verdict) for c in own]
    with pytest.raises(UserError, match="only tiny RL arms can be cut"):
        tb.truncated_verdicts(run, 0.5, ids=("takeaway-3.1",))


def test_a_scalar_measured_only_at_the_end_cannot_be_cut():
    m = {"scalars": {M.HELDOUT_ACCURACY: 0.5, "ood_accuracy": 0.3},
         "curves": {M.HELDOUT_ACCURACY_CURVE: {"step": [0, 10], "value": [0.4, 0.5]}}}
    with pytest.raises(UserError, match="ood_accuracy"):
        tb.truncate(m, 5, "metrics.json")


def test_the_cut_falls_on_the_evaluation_grid():
    from experiments._tiny_recipes import HR_COSINE, HR_T11

    assert [tb.cut_step(HR_COSINE, f) for f in (0.25, 0.3, 0.5, 1.0)] == [50, 50, 100, 200]
    assert tb.cut_step(HR_T11["large_2x"], 0.25) == 100
    assert tb.cut_step(HR_COSINE, 0.01) == 25  # never before the first evaluation after the start


def test_scaling_multiplies_every_rl_arms_iterations_and_leaves_the_rest():
    from experiments.takeaway_4_4 import EXPERIMENT

    full = EXPERIMENT.scales["tiny"].recipes
    quarter = tb.scaled(EXPERIMENT, 0.25)
    assert {a: r.rl.steps for a, r in quarter.scales["tiny"].recipes.items()} == {
        "small": 50, "mid": 50, "large": 50, "large_2x": 100}
    for arm, r in quarter.scales["tiny"].recipes.items():
        assert r.init == full[arm].init and r.rl.eval_every == full[arm].rl.eval_every
        assert r.rl.max_new_tokens == full[arm].rl.max_new_tokens
    assert quarter.scales["tiny"].checks == EXPERIMENT.scales["tiny"].checks
    assert quarter.scales["paper"] == EXPERIMENT.scales["paper"]


def test_scaling_an_sft_finding_shortens_its_sft_and_keeps_its_evaluation_at_the_end():
    from experiments.takeaway_3_1 import EXPERIMENT

    full = EXPERIMENT.scales["tiny"].recipes
    quarter = tb.scaled(EXPERIMENT, 0.25).scales["tiny"].recipes
    for arm, r in quarter.items():
        f = full[arm].sft
        assert r.sft.steps == round(f.steps / 4) and r.sft.warmup_steps == round(f.warmup_steps / 4)
        assert f.eval_every == f.steps and r.sft.eval_every == r.sft.steps  # evaluated once, at the end
        assert replace(r.sft, steps=f.steps, warmup_steps=f.warmup_steps, eval_every=f.eval_every) == f
    # an SFT config evaluated along the way keeps its cadence, within the shorter run
    from suite.tiny.sft_config import HEADROOM_SFT

    assert tb.scaled_sft(HEADROOM_SFT, 0.1).eval_every == min(HEADROOM_SFT.eval_every, 150)


def test_a_kind_that_cannot_be_scaled_is_refused():
    from experiments.takeaway_5_2 import EXPERIMENT

    assert "tiny-judge" in {r.kind for r in EXPERIMENT.scales["tiny"].recipes.values()}  # 5.2's judge arm
    with pytest.raises(UserError, match="only tiny RL and SFT arms"):
        tb.scaled(EXPERIMENT, 0.5)


def test_nothing_to_do_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main_guard(lambda: tb.main(["--fractions", "0.5"]))
    assert exc.value.code == 2 and "nothing to do" in capsys.readouterr().err


def test_the_table_lines_up_checks_and_columns(smoke_42):
    cut = tb.truncated_verdicts(smoke_42, 0.5, ids=("takeaway-4.2",))
    whole = tb.truncated_verdicts(smoke_42, 1.0, ids=("takeaway-4.2",))
    table = tb.verdict_table({"cut at 0.5": cut, "full run": whole})
    rows = [line for line in table.splitlines() if line.startswith("| takeaway-4.2 |")]
    assert len(rows) == len(whole["takeaway-4.2"]) + 1 and "**claim verdict**" in rows[-1]
    assert table.splitlines()[-1].startswith("| all | checks pass/fail/inconclusive |")


@pytest.mark.parametrize("argv, field", [
    (["--fractions", "0,0.5"], "--fractions"),
    (["--fractions", "half"], "--fractions"),
    (["--train", "1.5"], "--train"),
])
def test_bad_options_exit_2_naming_the_option(smoke_42, argv, field, capsys):
    with pytest.raises(SystemExit) as exc:
        main_guard(lambda: tb.main(["--run", str(smoke_42), *argv]))
    assert exc.value.code == 2 and field in capsys.readouterr().err


def test_a_folder_that_is_not_a_run_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main_guard(lambda: tb.main(["--run", str(tmp_path)]))
    assert exc.value.code == 2 and "summary.json" in capsys.readouterr().err


def test_the_study_writes_its_table_and_json(smoke_42, tmp_path):
    tb.main(["--run", str(smoke_42), "--fractions", "0.5,1", "--out", str(tmp_path)])
    data = json.loads((tmp_path / "training_budget.json").read_text())
    assert set(data["verdicts"]) == {"cut at 0.5", "full run"} and data["train"] is None
    assert "| takeaway-4.2 |" in (tmp_path / "verdicts.md").read_text()
    assert (tmp_path / "verdicts.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
