"""studies.runs and a real study: a study's recipes go through the runner (cache, layout, validation), nowhere else."""

import json
from dataclasses import replace

import pytest

from studies import search_world
from studies.runs import run_recipes, seeds_arg
from suite.errors import UserError
from suite.runner import RunLayout, read_summary
from suite.tiny.sft_config import SEARCH_SFT
from synthetic_experiments._recipes import BrokenRecipe, NoisyLineRecipe


def test_a_study_runs_each_cell_for_each_seed_through_the_runner_and_reads_back_what_the_runner_wrote(tmp_path):
    cells = {"flat": NoisyLineRecipe(slope=0.0, noise=0.0), "steep": NoisyLineRecipe(slope=2.0, noise=0.0)}
    run = run_recipes("demo", cells, (0, 1), tmp_path)
    for arm, slope in (("flat", 0.0), ("steep", 2.0)):
        for seed in (0, 1):
            values = run.metrics(arm, seed)["curves"]["response_length"]["value"]
            assert values[-1] - values[0] == pytest.approx(slope * 19)
            layout = RunLayout(tmp_path)
            assert run.workdir(arm, seed) == layout.workdir(run.hashes[arm], seed)
            assert (run.workdir(arm, seed) / "checkpoint.json").exists()  # the job's own artifact
            assert json.loads(layout.metrics_json(run.hashes[arm], seed).read_text())["seed"] == seed
    assert set(read_summary(tmp_path).experiments) == {"study-demo"}


def test_a_second_call_reuses_finished_jobs_and_a_cell_equal_to_another_is_one_job(tmp_path, capsys):
    recipe = NoisyLineRecipe(slope=1.0)
    run_recipes("demo", {"a": recipe}, (0,), tmp_path)
    capsys.readouterr()
    again = run_recipes("other", {"a": recipe, "b": replace(recipe)}, (0,), tmp_path)
    assert "1 job(s), 1 already finished, 0 to run" in capsys.readouterr().out
    assert again.hashes["a"] == again.hashes["b"]


def test_a_failed_job_is_a_user_error_naming_it(tmp_path):
    with pytest.raises(UserError, match="synthetic failure"):
        run_recipes("demo", {"bad": BrokenRecipe()}, (0,), tmp_path)


@pytest.mark.parametrize("text", ["", "1,x", "-1", "1.5"])
def test_seed_lists_that_are_not_non_negative_integers_are_refused_with_the_option_named(text):
    with pytest.raises(UserError, match="--sizes"):
        seeds_arg(text, "--sizes")


def test_the_sft_grid_study_writes_one_record_per_run_equal_to_the_runners_metrics(tmp_path):
    base = replace(SEARCH_SFT, steps=4, batch_size=4, eval_every=4, eval_n=4, eval_max_new_tokens=8, n_embd=16,
                   warmup_steps=1, traces_per_problem=1)
    out, runs = tmp_path / "out", tmp_path / "runs"
    rows = search_world.grid(out, runs, [20], (0,), ["search", "short"], base=base)
    assert [(style, n) for style, n, *_ in rows] == [("search", 20), ("short", 20)]
    summary = read_summary(runs).experiments["study-search-grid"]
    for cell in ("search_20", "short_20"):
        rec = json.loads((out / "runs" / f"grid_{cell}_s0.json").read_text())
        metrics = json.loads(RunLayout(runs).metrics_json(summary.arms[cell].recipe_hash, 0).read_text())
        assert json.dumps([rec["scalars"], rec["curves"]]) == json.dumps([metrics["scalars"], metrics["curves"]])
        assert rec["config"]["style"] == cell.split("_")[0] and rec["timing"]["wall_time_s"] > 0
    assert (out / "sft_grid.md").read_text().count("\n| ") == 3  # header + two cells
    assert (out / "sft_grid.png").stat().st_size > 0


def test_the_rl_probe_study_trains_the_findings_arms_with_overrides_and_summarises_them(tmp_path):
    from studies import rl_probe

    small = {"init.sft.steps": "4", "init.sft.eval_every": "4", "init.sft.eval_n": "4", "init.sft.n_embd": "16",
             "init.sft.n_train": "20", "init.sft.traces_per_problem": "1", "init.sft.eval_max_new_tokens": "8",
             "n_train": "16", "rl.steps": "2", "rl.eval_every": "1", "rl.eval_size": "4", "rl.prompts_per_step": "2",
             "rl.max_new_tokens": "24"}
    out = tmp_path / "out"
    rl_probe.run(out, tmp_path / "runs", (0,), small)
    records = {p.name: json.loads(p.read_text()) for p in sorted(out.glob("*_s0.json"))}
    assert set(records) == {"classic_s0.json", "cosine_s0.json", "cosine_rep_s0.json"}
    assert len({r["config"]["reward"] for r in records.values()}) == 3  # one reward per arm
    assert all(r["config"]["max_new_tokens"] == 24 and r["init_sft_config"]["steps"] == 4 for r in records.values())
    assert len({r["recipe_hash"] for r in records.values()}) == 3
    assert "| classic | 1.0 |" in (out / "summary.md").read_text()  # the runner stores steps as floats and (out / "probe.png").stat().st_size > 0


def test_set_pairs_become_overrides_and_a_pair_without_a_value_is_refused_with_the_option_named():
    from studies.runs import overrides_of

    assert overrides_of(["sft.n_embd=32", "rl.steps=8=x"]) == {"sft.n_embd": "32", "rl.steps": "8=x"}
    assert overrides_of([]) == {}
    with pytest.raises(UserError, match="sft.n_embd") as exc:
        overrides_of(["rl.steps=8", "sft.n_embd"])
    assert exc.value.where == "--set"


def test_the_headroom_properties_pass_their_overrides_to_the_sft_recipe(tmp_path, monkeypatch):
    """`properties --set sft.n_embd=32`: the SFT job the study runs is HEADROOM_SFT with that field changed."""
    from studies import headroom_world

    seen = {}

    def fake_run_recipes(study, recipes, seeds, runs, *, jobs=1, overrides=None):
        seen.update(recipes=recipes, overrides=overrides)
        raise UserError("stop here")  # the runner itself is tested above

    monkeypatch.setattr(headroom_world, "run_recipes", fake_run_recipes)
    with pytest.raises(UserError, match="stop here"):
        headroom_world.properties(tmp_path, tmp_path / "runs", (0,), overrides={"sft.n_embd": "32"})
    assert seen["overrides"] == {"sft.n_embd": "32"}
    from suite.recipes import apply_overrides

    (recipe,) = seen["recipes"].values()
    assert apply_overrides(recipe, seen["overrides"], where="test").sft.n_embd == 32 != recipe.sft.n_embd
