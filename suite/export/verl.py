"""A paper-scale RL recipe as a verl launch (0.8 and 0.9): Hydra overrides of `python3 -m verl.trainer.main_ppo`.

verl has one discount factor, sequence-level reward functions by default, no reward clipping and one GPU pool that
actor, rollout, reference and critic share; each is a stated deviation (`deviations`). The reward is the suite's
reward file (`suite/rewards/adapters/verl.py`) through `custom_reward_function`. Batch sizes translate the OpenRLHF
convention: OpenRLHF's `train_batch_size` counts samples, verl's `ppo_mini_batch_size` counts prompts (x `rollout.n`).
"""

from __future__ import annotations

from suite.errors import UserError
from suite.export.flags import UnsupportedReward
from suite.recipes.paper import PaperRLRecipe, PaperSFTRecipe
from suite.rewards.settings import ClassicRewardSetting, CosineRewardSetting

#: the config key lists an export is checked against (suite/export/engine_flags/): every override must be a key of
#: both releases, so one launch script runs on either
FLAG_LISTS = ("verl-0.8.0-ppo_trainer", "verl-0.9.1-ppo_trainer")


def _num(x: float) -> str:
    return f"{x:g}"


def verl_overrides(r: PaperRLRecipe) -> list[str]:
    """Hydra overrides (`key=value`; `+key=value` adds a key the config lacks) for verl's `main_ppo`."""
    o = r.reward.outcome
    if not isinstance(o, (ClassicRewardSetting, CosineRewardSetting)):
        raise UnsupportedReward(f"reward {o.name!r} is not one the suite's verl reward file serves (classic, cosine)",
                                where=f"recipe {r.script or r.table}")
    model = "$SFT_MODEL" if isinstance(r.init, PaperSFTRecipe) else r.init
    actor_gpus = r.gpus[0]
    nodes, per_node = (actor_gpus // 8, 8) if actor_gpus >= 8 else (1, actor_gpus)
    optim = lambda who, lr: [  # noqa: E731
        f"{who}.optim.lr={_num(lr)}", f"{who}.optim.betas=[{_num(r.adam_betas[0])},{_num(r.adam_betas[1])}]",
        f"{who}.optim.lr_warmup_steps_ratio={_num(r.warmup_ratio)}", f"{who}.optim.min_lr_ratio={_num(r.min_lr_ratio)}",
        f"{who}.optim.lr_scheduler_type=cosine", f"{who}.grad_clip={_num(r.max_norm)}"]
    out = [
        "data.train_files=$PROMPT_DATA", "data.val_files=$PROMPT_DATA", f"data.train_batch_size={r.rollout_batch_size}",
        f"data.max_prompt_length={r.prompt_max_len}", f"data.max_response_length={r.generate_max_len}",
        f"actor_rollout_ref.model.path={model}", *optim("actor_rollout_ref.actor", r.actor_learning_rate),
        f"actor_rollout_ref.actor.ppo_mini_batch_size={r.train_batch_size // r.samples_per_prompt}",
        "actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu=1", f"actor_rollout_ref.actor.clip_ratio={_num(r.eps_clip)}",
        f"actor_rollout_ref.actor.ppo_epochs={r.max_epochs}", "actor_rollout_ref.actor.use_kl_loss=False",
        "actor_rollout_ref.actor.entropy_coeff=0", f"actor_rollout_ref.rollout.n={r.samples_per_prompt}",
        f"actor_rollout_ref.rollout.temperature={_num(r.temperature)}", f"actor_rollout_ref.rollout.top_p={_num(r.top_p)}",
        "actor_rollout_ref.rollout.name=vllm", "actor_rollout_ref.rollout.tensor_model_parallel_size=1",
        "algorithm.adv_estimator=" + ("gae" if r.algorithm == "ppo" else "reinforce_plus_plus"),
        f"algorithm.gamma={_num(r.reward.gammas[0])}", f"algorithm.lam={_num(r.gae_lambda)}",
        "algorithm.use_kl_in_reward=True", "algorithm.kl_penalty=kl", "algorithm.kl_ctrl.type=fixed",
        f"algorithm.kl_ctrl.kl_coef={_num(r.init_kl_coef)}",
    ]
    if r.algorithm == "ppo":
        out += [f"critic.model.path={model}", *optim("critic", r.critic_learning_rate),
                f"critic.ppo_mini_batch_size={r.train_batch_size // r.samples_per_prompt}",
                "critic.ppo_micro_batch_size_per_gpu=1", f"critic.cliprange_value={_num(r.value_clip)}"]
    out += [f"trainer.total_epochs={r.num_episodes}", f"trainer.nnodes={nodes}", f"trainer.n_gpus_per_node={per_node}",
            f"trainer.save_freq={r.save_steps if r.save_steps is not None else -1}", "trainer.test_freq=-1",
            "trainer.logger=[console,file]", "trainer.rollout_data_dir=$SAVE_PATH/rollouts",
            "trainer.default_local_dir=$SAVE_PATH",
            "reward.custom_reward_function.path=$REWARD_FILE", "reward.custom_reward_function.name=compute_score",
            f"+reward.custom_reward_function.reward_kwargs.max_len={r.generate_max_len}",
            f"+reward.custom_reward_function.reward_kwargs.setting={o.name}",
            f"+reward.custom_reward_function.reward_kwargs.tokenizer={model}"]
    return out


def check_overrides(overrides: list[str], known: set[str], where: str) -> None:
    """Every override without a leading `+` must name a key of verl's config."""
    unknown = sorted({o.split("=", 1)[0] for o in overrides if not o.startswith("+")} - known)
    if unknown:
        raise UserError(f"verl's config has no key(s) {', '.join(unknown)}", where=where)


def compose_with_verl(overrides: list[str]) -> None:
    """Compose the overrides with Hydra against the installed verl's own `ppo_trainer` config (keys and types), with
    the shell variables filled by placeholders; raises what Hydra raises."""
    from pathlib import Path

    import verl
    from hydra import compose, initialize_config_dir

    filled = [o.replace("$PROMPT_DATA", "/data/x.parquet").replace("$SFT_MODEL", "/models/x")
              .replace("$REWARD_FILE", "/x/verl.py").replace("$SAVE_PATH", "/ckpt/x") for o in overrides]
    config_dir = str(Path(verl.__file__).parent / "trainer" / "config")
    with initialize_config_dir(config_dir=config_dir, version_base=None):
        compose(config_name="ppo_trainer", overrides=filled)


def deviations(r: PaperRLRecipe) -> list[str]:
    from suite.export.openrlhf import reward_deviations

    out = reward_deviations(r, "verl (with its default reward manager)", f"algorithm.gamma={_num(r.reward.gammas[0])}")
    out += [
        f"verl clips no reward (the fork clamps each to {r.reward_clip}) and has no counterpart of the fork's "
        "--normalize_reward here.",
        "verl runs actor, rollout, reference and critic on one GPU pool (trainer.nnodes x n_gpus_per_node, here the "
        f"fork's actor GPUs); the fork placed them apart ({r.gpus}: actor = ref, critic, vLLM engines).",
        "One verl epoch over the prompts is one of the fork's episodes (trainer.total_epochs = num_episodes).",
        "PROMPT_DATA must be verl's parquet format (`longcot prepare-data math-train --format verl`).",
    ]
    return out
