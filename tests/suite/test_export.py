"""`longcot export`: paper-scale RL arms as OpenRLHF launches, held to the paper's released scripts and to the engines'
own option lists."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from experiments import _paper_recipes as P
from suite.cli import main
from suite.errors import UserError
from suite.export import ENGINES, launch_args
from suite.export.flags import check_flags, options_in_source, shipped_options
from suite.export.openrlhf import fork_args
from suite.recipes.paper import PaperRLRecipe
from suite.rewards.settings import FormatRewardSetting
from suite.registry import discover

SCRIPTS = json.loads((Path(__file__).resolve().parents[1] / "data" / "fork_script_flags.json").read_text())
PAPER_RL = [(e.id, a, r) for e in discover().values() if "paper" in e.scales
            for a, r in e.scales["paper"].recipes.items() if isinstance(r, PaperRLRecipe)]

#: recipes with a released script of the paper's fork (eddycmu/demystify-long-cot @ e90cf9b, openrlhf/scripts/)
RELEASED = {
    "section_4.1__cot_length_stability__llama_classic.sh": P.RL_T8_LLAMA_CLASSIC,
    "section_4.1__cot_length_stability__qwen_classic.sh": P.RL_T8_QWEN_CLASSIC,
    "section_4.2__active_scaling_of_cot_length__classic.sh": P.RL_T9_CLASSIC,
    "section_4.2__active_scaling_of_cot_length__cosine.sh": P.RL_T9_COSINE,
    "section_4.2__active_scaling_of_cot_length__cosine_repetition_penalty.sh": P.RL_T9_COSINE_REP,
    "section_4.3__cosine_hyperparameters__reward_A.sh": P.RL_T10_A,
    "section_4.3__cosine_hyperparameters__reward_B.sh": P.RL_T10_B,
    "section_4.3__cosine_hyperparameters__reward_C.sh": P.RL_T10_C,
    "section_4.4__context_window_size__4k.sh": P.RL_T11_4K,
    "section_4.4__context_window_size__8k.sh": P.RL_T11_8K,
    "section_4.4__context_window_size__16k.sh": P.RL_T11_16K,
    **{f"section_4.6__optimal_discount_factors__gammas_{k}.sh": r for k, r in P.RL_T13.items()},
}
#: flags whose value is a path, a logger setting or "keep everything" housekeeping (99999 vs 9999999 checkpoints)
NOT_COMPARED = {"--max_samples", "--max_ckpt_num", "--max_ckpt_mem", "--seed", "--load_checkpoint"}


def _as_dict(argv: list[str]) -> dict[str, object]:
    out, i = {}, 0
    while i < len(argv):
        if i + 1 < len(argv) and not argv[i + 1].startswith("--"):
            out[argv[i]], i = argv[i + 1], i + 2
        else:
            out[argv[i]], i = True, i + 1
    return out


def _same(a, b) -> bool:
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return a == b


@pytest.mark.parametrize("script", sorted(RELEASED))
def test_the_fork_launch_passes_the_released_scripts_flags_and_values(script):
    ours = _as_dict(fork_args(RELEASED[script]))
    theirs = SCRIPTS[script]
    keys = (set(ours) | set(theirs)) - NOT_COMPARED - {"--pretrain", "--save_path", "--ckpt_path", "--prompt_data"}
    diff = {k: (theirs.get(k), ours.get(k)) for k in sorted(keys) if not _same(theirs.get(k), ours.get(k))}
    assert diff == {}, f"(script, ours) per flag: {diff}"


def test_swapping_two_arms_recipes_is_caught_by_the_script_comparison():
    a, b = _as_dict(fork_args(P.RL_T10_A)), SCRIPTS["section_4.3__cosine_hyperparameters__reward_B.sh"]
    assert any(not _same(a.get(k), v) for k, v in b.items() if k.startswith("--math_rule"))


@pytest.mark.parametrize("engine", ENGINES)
def test_every_paper_rl_arm_exports_with_options_the_engine_has(engine):
    """Every arm with a classic or cosine reward (all of Sections 4 and 5); §6's direct RL uses a SimpleRL-style format
    reward that neither engine's rewards serve, and is refused by name."""
    assert len(PAPER_RL) >= 20
    for exp_id, arm, recipe in PAPER_RL:
        if isinstance(recipe.reward.outcome, FormatRewardSetting):
            with pytest.raises(UserError, match="simplerl-format"):
                launch_args(recipe, engine)
            continue
        argv = launch_args(recipe, engine)  # raises UserError on an option the engine's parser lacks
        assert argv.count("--") == 0 and len(argv) > 40, (exp_id, arm)


def test_every_launch_writes_the_logs_that_collect_and_analyze_read():
    """verl: its file logger and its rollout dump; upstream OpenRLHF: TensorBoard at a folder the README names."""
    from suite.export import openrlhf, verl

    for _, _, recipe in PAPER_RL:
        if isinstance(recipe.reward.outcome, FormatRewardSetting):
            continue
        overrides = verl.verl_overrides(recipe)
        assert "trainer.logger=[console,file]" in overrides
        assert "trainer.rollout_data_dir=$SAVE_PATH/rollouts" in overrides
        argv = openrlhf.openrlhf_args(recipe)
        assert argv[argv.index("--logger.tensorboard_dir") + 1] == "$SAVE_PATH/tensorboard"
        assert argv[argv.index("--logger.wandb.run_name") + 1] == "run"


def test_an_option_the_engine_lacks_is_refused_by_name():
    upstream = shipped_options("openrlhf-0.10.2-train_ppo_ray")
    with pytest.raises(UserError, match="no option.*--remote_rm_url"):  # renamed --reward.remote_url in 0.10.2
        check_flags(["--remote_rm_url", "x", "--reward.remote_url", "y"], upstream, "openrlhf")


def test_an_option_a_later_upstream_release_dropped_stops_the_export(monkeypatch):
    """0.11.2 dropped `--algo.advantage.is_correction_enable` (0.10.2 had it): a launch using it must not pass because
    the older list knows it. Every launch is checked against 0.10.2's and 0.11.2's lists."""
    from suite.export import openrlhf

    old, new = (shipped_options(n) for n in openrlhf.FLAG_LISTS["openrlhf"])
    gone = sorted(old - new)
    assert "--algo.advantage.is_correction_enable" in gone
    argv = ["--algo.advantage.is_correction_enable"]
    check_flags(argv, old, "0.10.2")
    monkeypatch.setattr(openrlhf, "openrlhf_args", lambda r: argv)
    with pytest.raises(UserError, match="openrlhf-0.11.2.*is_correction_enable"):
        launch_args(PAPER_RL[0][2], "openrlhf")


def test_option_lists_include_options_built_in_loops_of_f_strings():
    src = (
        "import argparse\np = argparse.ArgumentParser()\np.add_argument('--plain')\n"
        "for prefix in ('actor', 'critic'):\n    p.add_argument(f'--{prefix}.adam.lr', type=float)\n"
        "p.add_argument(f'--{undefined}.x')\n"
    )
    assert options_in_source(src) == {"--plain", "--actor.adam.lr", "--critic.adam.lr"}


def test_export_writes_runnable_launch_files_and_the_deviations(tmp_path, capsys):
    assert main(["export", "--only", "takeaway-4.2", "--engine", "openrlhf", "--out", str(tmp_path)]) == 0
    readme = (tmp_path / "README.md").read_text()
    assert "Per-reward discount factors (1.0, 0.99) exist only in the paper's fork" in readme
    assert "trains WITHOUT it" in readme  # cosine_rep's dense penalty cannot be carried over upstream
    for arm in ("classic", "cosine", "cosine_rep", "classic_8x8", "cosine_8x8"):
        launch = tmp_path / arm / "launch.sh"
        assert subprocess.run(["bash", "-n", str(launch)]).returncode == 0
        assert json.loads((tmp_path / arm / "recipe.json").read_text())["recipe_hash"]
    text = (tmp_path / "cosine_rep" / "launch.sh").read_text()
    assert "--algo.advantage.gamma 1" in text and 'export LONGCOT_REWARD_SETTING="cosine"' in text
    assert main(["export", "--only", "takeaway-4.2", "--engine", "openrlhf-fork", "--out", str(tmp_path / "f")]) == 0
    assert "--gamma 1,0.99" in (tmp_path / "f" / "cosine_rep" / "launch.sh").read_text()


def test_a_launch_refuses_to_start_without_its_model_and_data(tmp_path):
    assert main(["export", "--only", "takeaway-4.1", "--engine", "openrlhf-fork", "--out", str(tmp_path)]) == 0
    r = subprocess.run(["bash", str(tmp_path / "llama_classic" / "launch.sh")], capture_output=True, text=True,
                       env={"PATH": "/usr/bin:/bin"})
    assert r.returncode != 0 and "set SFT_MODEL" in r.stderr


def test_export_errors_are_clear(tmp_path, capsys):
    assert main(["export", "--only", "takeaway-3.1", "--engine", "openrlhf", "--out", str(tmp_path / "x")]) == 2
    assert "has no RL arm at scale 'paper'" in capsys.readouterr().err
    assert main(["export", "--only", "nope", "--engine", "openrlhf", "--out", str(tmp_path / "y")]) == 2


def _write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_prepare_data_turns_math_rows_into_rl_prompts_with_the_boxed_answer(tmp_path, capsys):
    # MATH's solution style: the answer is the last \boxed{} of a worked solution (nested braces included)
    src = _write_jsonl(tmp_path / "math.jsonl", [
        {"problem": "What is $1+1$?", "solution": "We add: $1+1=\\boxed{2}$.", "level": "Level 1"},
        {"problem": "Simplify $\\frac{2}{4}$.", "solution": "First $\\boxed{4}$ is wrong; it is $\\boxed{\\frac{1}{2}}$."},
        {"problem": "No box here.", "solution": "The answer is 3."},
    ])
    out = tmp_path / "prompts.jsonl"
    assert main(["prepare-data", "math-train", "--from-jsonl", str(src), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["answer"] for r in rows] == ["2", "\\frac{1}{2}"]
    assert rows[0]["prompt"].startswith("What is $1+1$?\n") and "\\boxed{}" in rows[0]["prompt"]
    assert rows[0]["level"] == "Level 1" and "level" not in rows[1]  # kept where MATH gives one
    assert "dropped 1 row(s)" in capsys.readouterr().err  # the console writes to stderr


def _sft_repo(tmp_path, monkeypatch) -> tuple[Path, list[dict]]:
    """A released SFT set as `datasets` reads a hub repository, offline (a local folder of JSON lines is one): 50
    chat rows, five responses per prompt, prompt by prompt, as a rejection-sampled set may come."""
    pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "cache"))
    repo = tmp_path / "math-train-rs"
    repo.mkdir()
    rows = [{"messages": [{"role": "user", "content": f"q{i // 5}"}, {"role": "assistant", "content": f"a{i}"}]}
            for i in range(50)]
    _write_jsonl(repo / "train.jsonl", rows)
    return repo, rows


def test_prepare_data_streams_an_sft_set_and_stops_at_the_limit(tmp_path, monkeypatch):
    repo, rows = _sft_repo(tmp_path, monkeypatch)
    for args in (["--dataset", str(repo)], ["--from-jsonl", str(repo / "train.jsonl")]):
        out = tmp_path / "sft_out.jsonl"
        assert main(["prepare-data", "sft", *args, "--limit", "7", "--out", str(out)]) == 0
        assert [json.loads(line) for line in out.read_text().splitlines()] == rows[:7]


def test_prepare_data_samples_an_sft_set_uniformly_and_keeps_its_order(tmp_path, monkeypatch, capsys):
    repo, rows = _sft_repo(tmp_path, monkeypatch)
    drawn = {}
    for seed in (3, 4):
        for args in (["--dataset", str(repo)], ["--from-jsonl", str(repo / "train.jsonl")]):
            out = tmp_path / f"sample_{seed}.jsonl"
            assert main(["prepare-data", "sft", *args, "--sample", "7", "--seed", str(seed), "--out", str(out)]) == 0
            got = [json.loads(line) for line in out.read_text().splitlines()]
            assert drawn.setdefault(seed, got) == got  # the same rows through the hub path and from a local copy
        idx = [rows.index(r) for r in drawn[seed]]
        assert len(set(idx)) == 7 and idx == sorted(idx)  # distinct rows, in the set's order
    assert drawn[3] != drawn[4]
    assert main(["prepare-data", "sft", "--from-jsonl", str(repo / "train.jsonl"), "--sample", "7", "--limit", "7",
                 "--out", str(tmp_path / "x.jsonl")]) == 2
    assert "--sample draws from a whole SFT set" in capsys.readouterr().err


def test_reservoir_sampling_gives_every_row_the_same_chance():
    """4,000 draws of 10 of 100 rows: each row is kept about 400 times (sd ~19); taking the first rows, or any
    position bias, would put some counts far outside 400 +- 6 sd."""
    from suite.export.data import reservoir_sample

    counts = [0] * 100
    for seed in range(4000):
        for row in reservoir_sample(range(100), 10, seed):
            counts[row] += 1
    assert all(abs(c - 400) < 6 * 19 for c in counts), (min(counts), max(counts))
    assert reservoir_sample(range(4), 10, 0) == [0, 1, 2, 3]


def test_prepare_data_errors_name_the_file_line_and_field(tmp_path, capsys):
    bad = _write_jsonl(tmp_path / "bad.jsonl", [{"problem": "x"}])
    assert main(["prepare-data", "math-train", "--from-jsonl", str(bad), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert f"{bad}:1: missing or empty field 'solution'" in capsys.readouterr().err
    assert main(["prepare-data", "sft", "--out", str(tmp_path / "o.jsonl")]) == 2
    assert not (tmp_path / "o.jsonl").exists()


def test_prepare_data_writes_verls_parquet_schema(tmp_path):
    datasets = pytest.importorskip("datasets")
    src = _write_jsonl(tmp_path / "math.jsonl", [{"problem": "What is $2+2$?", "solution": "It is $\\boxed{4}$."}])
    out = tmp_path / "train.parquet"
    assert main(["prepare-data", "math-train", "--from-jsonl", str(src), "--format", "verl", "--out", str(out)]) == 0
    row = datasets.Dataset.from_parquet(str(out))[0]
    assert row["data_source"] == "math" and row["reward_model"]["ground_truth"] == "4"
    assert row["prompt"][0]["role"] == "user" and row["prompt"][0]["content"].startswith("What is $2+2$?")


def test_the_verl_launch_overrides_name_keys_of_verls_config_and_carry_the_recipe():
    from suite.export import verl

    ov = dict(o.lstrip("+").split("=", 1) for o in launch_args(P.RL_T9_COSINE_REP, "verl"))
    assert ov["actor_rollout_ref.rollout.n"] == "16" and ov["data.train_batch_size"] == "512"
    assert ov["actor_rollout_ref.actor.ppo_mini_batch_size"] == "32"  # 512 samples / 16 per prompt
    assert ov["algorithm.gamma"] == "1" and ov["reward.custom_reward_function.reward_kwargs.setting"] == "cosine"
    with pytest.raises(UserError, match="no key.*algorithm.gama"):
        verl.check_overrides(["algorithm.gama=1"], shipped_options(verl.FLAG_LISTS[-1]), "verl")


def test_a_verl_key_the_later_release_dropped_stops_the_export(monkeypatch):
    """verl 0.9.1 dropped `actor_rollout_ref.rollout.skip` (0.8.0 had it): an export that used it would run on one
    release only, so it must not pass because the older list knows it."""
    from suite.export import verl

    old, new = (shipped_options(n) for n in verl.FLAG_LISTS)
    assert "actor_rollout_ref.rollout.skip.enable" in old - new
    overrides = ["actor_rollout_ref.rollout.skip.enable=True"]
    verl.check_overrides(overrides, old, "0.8.0")
    monkeypatch.setattr(verl, "verl_overrides", lambda r: overrides)
    with pytest.raises(UserError, match="verl-0.9.1.*rollout.skip.enable"):
        launch_args(P.RL_T9_COSINE_REP, "verl")
