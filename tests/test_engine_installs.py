"""The suite installed beside a distributed engine (`pip install -e '.[verl]'`): the engine's trainer entry point
imports, and the suite's reward file loads through the engine's own loader and gives the suite's rewards.

Skipped where the engine is not installed (the default test install has none; `tox -e engines` installs verl 0.9.1,
`tox -e openrlhf` OpenRLHF 0.11.2 with its dependencies, flash-attn without its CUDA kernels). OpenRLHF's trainer
cannot import on a CPU machine (it imports vLLM); the tests below run its reward path. `longcot export` checks its
launch flags against its option lists (tests/suite/test_export.py).
"""

from __future__ import annotations

import importlib.util

import pytest

HAS_VERL = importlib.util.find_spec("verl") is not None


def _fixture_tool():
    """tools/make_engine_log_fixtures.py as a module (it holds `cuda_only_standins`)."""
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "make_engine_log_fixtures", Path(__file__).resolve().parents[1] / "tools" / "make_engine_log_fixtures.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def _exportable_paper_rl() -> list:
    """Every paper-scale RL recipe an engine export serves (all but Table 15's format reward, which the suite's engine
    reward files do not serve)."""
    from suite.recipes.paper import PaperRLRecipe
    from suite.registry import discover
    from suite.rewards.settings import FormatRewardSetting

    recipes = [r for e in discover().values() if "paper" in e.scales for r in e.scales["paper"].recipes.values()
               if isinstance(r, PaperRLRecipe) and not isinstance(r.reward.outcome, FormatRewardSetting)]
    assert len(recipes) >= 20
    return recipes


@pytest.mark.skipif(not HAS_VERL, reason="verl not installed (pip install -e '.[verl]')")
def test_verls_trainer_imports_beside_the_suite():
    import verl.trainer.main_ppo  # noqa: F401  (failed with the antlr4 extra: hydra-core pins antlr4 4.9.3)

    import suite.verify
    assert suite.verify.get_grader("symbolic")(r"so the answer is \boxed{\frac{1}{2}}", "0.5")
    # the rest of grading under verl's antlr4 4.9.3: tox -e engines runs tests/suite/verify there too (one public
    # math-verify case, a percentage, flips under 4.9.3: docs/rewards.md)


@pytest.mark.skipif(not HAS_VERL, reason="verl not installed (pip install -e '.[verl]')")
def test_the_reward_file_loads_through_verls_own_loader_and_pays_the_suites_reward():
    from omegaconf import OmegaConf
    from verl.trainer.ppo.reward import get_custom_reward_fn

    import suite.rewards.adapters.verl as adapter
    from suite.rewards import outcome

    config = OmegaConf.create({"reward": {"custom_reward_function": {
        "path": adapter.__file__, "name": "compute_score",
        "reward_kwargs": {"max_len": 1000, "setting": "cosine"}}}})
    fn = get_custom_reward_fn(config)
    right = fn("math", r"... so \boxed{42}", "42", {"response_length": 250})
    wrong = fn("math", r"... so \boxed{41}", "42", {"response_length": 250})
    assert right["acc"] == 1.0 and wrong["acc"] == 0.0
    assert right["score"] == pytest.approx(outcome.cosine_reward(250, 1000, True))
    assert wrong["score"] == pytest.approx(outcome.cosine_reward(250, 1000, False))


@pytest.mark.skipif(not HAS_VERL, reason="verl not installed (pip install -e '.[verl]')")
def test_every_exported_verl_launch_composes_with_verls_own_config():
    """`longcot export --engine verl` overrides, composed by Hydra against the installed verl's ppo_trainer config:
    an unknown key or a value of the wrong kind fails here, not on a cluster."""
    from suite.export import verl

    for r in _exportable_paper_rl():
        verl.compose_with_verl(verl.verl_overrides(r))
    with pytest.raises(Exception, match="gama"):
        verl.compose_with_verl(["algorithm.gama=1"])


@pytest.mark.skipif(not HAS_VERL, reason="verl not installed (pip install -e '.[verl]')")
def test_the_installed_verl_writes_the_log_that_collect_is_tested_on(tmp_path, monkeypatch):
    """tests/data/engine_logs/verl_file_logger.jsonl was written by verl 0.8's metric and logging code; the installed
    verl's own code, given the same batches, must write the same file, or `longcot collect` is tested on a stale
    format."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    monkeypatch.delenv("VERL_FILE_LOGGER_PATH", raising=False)
    written = _fixture_tool().verl_log(tmp_path)
    fixture = root / "tests" / "data" / "engine_logs" / "verl_file_logger.jsonl"
    assert [json.loads(x) for x in written.read_text().splitlines()] == [
        json.loads(x) for x in fixture.read_text().splitlines()]


@pytest.mark.skipif(not HAS_VERL, reason="verl not installed (pip install -e '.[verl]')")
def test_the_installed_verl_dumps_the_rollouts_that_analyze_is_tested_on(tmp_path):
    """tests/data/engine_logs/verl_rollouts was written by verl 0.9.1's `RayPPOTrainer._write_generations` from the
    suite's reward file's results; the installed verl must write the same files."""
    import json
    from pathlib import Path

    written = _fixture_tool().verl_rollout_dump(tmp_path)
    fixture = Path(__file__).resolve().parents[1] / "tests" / "data" / "engine_logs" / "verl_rollouts"
    names = sorted(f.name for f in fixture.glob("*.jsonl"))
    assert sorted(f.name for f in written.glob("*.jsonl")) == names
    for name in names:
        assert [json.loads(x) for x in (written / name).read_text().splitlines()] == [
            json.loads(x) for x in (fixture / name).read_text().splitlines()]


# --- OpenRLHF: it installs beside the suite on the CPU, its reward path runs, its trainer does not --------------------
# OpenRLHF requires flash-attn, whose build wants CUDA; with FLASH_ATTENTION_SKIP_CUDA_BUILD and
# FLASH_ATTENTION_FORCE_BUILD it installs as Python code without its kernels (`tox -e openrlhf`, docs/rewards.md).
# Its trainer imports vLLM at module level (an OpenRLHF extra, CUDA builds only) and so cannot import here. Its
# single-turn rollout executor, the code that loads a reward-function file by path and calls it on every sample, can:
# these tests run it. Its trainer's rollout statistics and its TensorBoard logger run too, with empty stand-ins for
# vLLM and flash-attn during the trainer module's import (tools/make_engine_log_fixtures.py).

HAS_OPENRLHF = importlib.util.find_spec("openrlhf") is not None
needs_openrlhf = pytest.mark.skipif(not HAS_OPENRLHF, reason="openrlhf not installed (tox -e openrlhf)")


class _Engine:
    """Stands in for vLLM's async engine, the one object OpenRLHF's executor samples from: it returns a fixed
    continuation's token ids, ending in the EOS, as vLLM's `RequestOutput` carries them."""

    def __init__(self, tokenizer, text: str):
        self.ids = tokenizer.encode(text, add_special_tokens=False) + [tokenizer.eos_token_id]

    async def generate(self, prompt_token_ids, sampling_params, multi_modal_data=None):
        from types import SimpleNamespace

        out = SimpleNamespace(token_ids=list(self.ids), finish_reason="stop", logprobs=None)
        return SimpleNamespace(outputs=[out])


@needs_openrlhf
def test_openrlhf_is_installed_with_every_dependency_it_declares():
    """`pip install -e '.[openrlhf]'` (`tox -e openrlhf`) installs OpenRLHF with its own requirements, not its wheel
    alone: each requirement it declares outside its extras is installed at a version it accepts (what `pip check`
    checks), transformers 5.15 included, beside the suite's own pins. Its reward path imports; its trainer needs vLLM
    (OpenRLHF's `vllm` extra) and flash-attn's CUDA kernels, which a CPU machine has neither of."""
    from importlib.metadata import PackageNotFoundError, requires, version

    from packaging.requirements import Requirement

    unmet = []
    for line in requires("openrlhf"):
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue  # an extra's requirement (vllm, liger, ring)
        try:
            if not req.specifier.contains(version(req.name), prereleases=True):
                unmet.append(f"{req} (installed {version(req.name)})")
        except PackageNotFoundError:
            unmet.append(f"{req} (not installed)")
    assert not unmet, unmet
    import openrlhf.utils.agent  # noqa: F401  (the executor that loads a reward file)


@needs_openrlhf
def test_openrlhfs_trainer_entry_point_imports_where_its_cuda_packages_are():
    """The import test of OpenRLHF's entry point, as verl's above: it needs vLLM and flash-attn's kernels, CUDA builds
    that a CPU machine has neither of, so there it skips and says which is missing."""
    missing = [m for m in ("vllm", "flash_attn_2_cuda") if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"openrlhf.cli.train_ppo_ray imports {' and '.join(missing)} (CUDA builds), not installed here")
    import openrlhf.cli.train_ppo_ray  # noqa: F401


@needs_openrlhf
def test_the_installed_openrlhf_launcher_has_the_shipped_option_list_and_takes_every_export():
    """The shipped 0.11.2 option list (read from the wheel by tools/extract_engine_flags.py) is the installed
    launcher's, and every paper RL arm's upstream launch passes the installed launcher's check in `launch_args`."""
    from suite.export import launch_args
    from suite.export.flags import installed_options, shipped_options

    installed = installed_options("openrlhf/cli/train_ppo_ray.py")
    assert installed == shipped_options("openrlhf-0.11.2-train_ppo_ray")
    for r in _exportable_paper_rl():
        argv = launch_args(r, "openrlhf")
        assert {a for a in argv if a.startswith("--")} <= installed


def _openrlhf_sample(tmp_path, monkeypatch, response: str, *, setting: str = "cosine"):
    import asyncio
    from types import SimpleNamespace

    from openrlhf.utils.agent import SingleTurnAgentExecutor
    from transformers import AutoTokenizer

    import suite.rewards.adapters.openrlhf as adapter
    from suite.openlm.random_qwen2 import build_random_qwen2

    path = build_random_qwen2(tmp_path / "policy", hidden_size=8, layers=1)
    tok = AutoTokenizer.from_pretrained(path)
    monkeypatch.setenv("LONGCOT_REWARD_MAX_LEN", "64")
    monkeypatch.setenv("LONGCOT_REWARD_TOKENIZER", str(path))
    monkeypatch.setenv("LONGCOT_REWARD_SETTING", setting)
    executor = SingleTurnAgentExecutor(remote_rm_url=adapter.__file__)  # OpenRLHF loads the file by its path
    assert executor.reward_func is not None
    prompt = tok.apply_chat_template([{"role": "user", "content": "what is 3 + 4 ?"}], tokenize=False,
                                     add_generation_prompt=True)
    engine = _Engine(tok, response)
    params = SimpleNamespace(max_tokens=64, logprobs=None)  # vLLM's SamplingParams, as far as the executor reads it
    return asyncio.run(executor.execute(prompt, "7", params, 256, tok, engine)), len(engine.ids)


@needs_openrlhf
@pytest.mark.parametrize("response, correct", [("let me recheck . so the answer is \\boxed{7}", True),
                                               ("so the answer is \\boxed{8}", False)])
def test_the_reward_file_pays_the_suites_reward_inside_openrlhfs_own_executor(tmp_path, monkeypatch, response,
                                                                             correct):
    from suite.rewards import outcome

    out, n = _openrlhf_sample(tmp_path, monkeypatch, response)
    assert float(out["reward"][0]) == pytest.approx(outcome.cosine_reward(n, 64, correct))
    assert float(out["scores"][0]) == float(correct)
    assert out["action_ranges"][0][1] - out["action_ranges"][0][0] == n


@needs_openrlhf
def test_a_reward_error_inside_openrlhf_is_logged_at_error_level(tmp_path, monkeypatch, caplog):
    """OpenRLHF's executor swallows a reward function's exception and logs it at INFO; the file logs it at ERROR
    first, so a misconfigured run is visible in a default log (suite/rewards/adapters/openrlhf.py)."""
    import logging

    with caplog.at_level(logging.ERROR):
        out, _ = _openrlhf_sample(tmp_path, monkeypatch, "so \\boxed{7}", setting="no-such-setting")
    assert out["reward"] is None and out["scores"] is None  # the engine went on without a reward
    assert any(r.levelno >= logging.ERROR and "no-such-setting" in r.getMessage() for r in caplog.records)


@needs_openrlhf
def test_the_installed_openrlhf_writes_the_log_that_collect_is_tested_on(tmp_path):
    """tests/data/engine_logs/openrlhf_tensorboard/fixture was written by OpenRLHF 0.11.2's rollout statistics,
    evaluation metrics and TensorBoard logger; the installed OpenRLHF's code, given the same experiences, must log the
    same scalars under the same tags and steps (and hand its logger the same dictionaries), or `longcot collect` is
    tested on a stale format."""
    import json
    from pathlib import Path

    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    root = Path(__file__).resolve().parents[1]
    run, logged = _fixture_tool().openrlhf_tensorboard_log(tmp_path)
    assert importlib.util.find_spec("vllm") is None  # the tool's stand-ins for the import are gone

    def scalars(folder: Path) -> dict:
        (events,) = folder.glob("events.out.tfevents.*")
        acc = EventAccumulator(str(events), size_guidance={"scalars": 0})
        acc.Reload()
        return {tag: [(e.step, e.value) for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}

    fixture = root / "tests" / "data" / "engine_logs"
    written = scalars(run)
    assert written == scalars(fixture / "openrlhf_tensorboard" / "fixture")
    assert {"train/rollout/response_length_mean", "train/score", "eval/eval_math500_pass1"} <= set(written)
    assert json.loads(logged.read_text()) == json.loads((fixture / "openrlhf_logged.json").read_text())


@needs_openrlhf
def test_every_exported_openrlhf_launch_passes_the_installed_launchers_own_parser_and_checks():
    """Beyond the option names: the installed launcher's argparse parser (types, choices) and its checks of the
    combination run on every exported paper RL arm, and read back the recipe's numbers. On a GPU machine
    `launch_args` does this itself; here vLLM and flash-attn are stood in for while the launcher module imports."""
    from suite.errors import UserError
    from suite.export import openrlhf

    with _fixture_tool().cuda_only_standins():
        arms = _exportable_paper_rl()
        for r in arms:
            args = openrlhf.parse_with_openrlhf(openrlhf.openrlhf_args(r))
            assert args.rollout.n_samples_per_prompt == r.samples_per_prompt
            assert args.rollout.max_new_tokens == r.generate_max_len
            assert args.actor.adam.lr == r.actor_learning_rate
            assert args.algo.advantage.gamma == r.reward.gammas[0]
            assert args.reward.remote_url == [openrlhf.PLACEHOLDERS["$REWARD_FILE"]]
            assert args.logger.tensorboard_dir == openrlhf.PLACEHOLDERS["$SAVE_PATH"] + "/tensorboard"
        argv = openrlhf.openrlhf_args(arms[0])
        bad = list(argv)
        bad[bad.index("--rollout.n_samples_per_prompt") + 1] = "eight"
        with pytest.raises(UserError, match="invalid int value: 'eight'"):
            openrlhf.parse_with_openrlhf(bad)
        few = list(argv)  # one sample batch for a multi-GPU actor: the launcher's own check refuses it
        for flag in ("--rollout.batch_size", "--rollout.n_samples_per_prompt"):
            few[few.index(flag) + 1] = "1"
        with pytest.raises(UserError, match="number of sample batches must be greater than or equal"):
            openrlhf.parse_with_openrlhf(few)
    assert importlib.util.find_spec("vllm") is None
