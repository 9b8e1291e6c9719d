"""A paper-scale RL recipe (`suite.recipes.paper.PaperRLRecipe`) as an OpenRLHF launch: `train_ppo_ray` arguments.

Two dialects:

- `fork`: the paper's own OpenRLHF fork (eddycmu/demystify-long-cot @ e90cf9b), whose built-in `math_rule*` rewards,
  dense repetition penalty and per-reward discount factors (`--gamma 1,0.99`) the paper's numbers came from. The
  arguments are the released scripts' flags; nothing is lost.
- `openrlhf`: upstream OpenRLHF >= 0.10.2 (flags grouped by component, `--actor.adam.lr` and so on), rewarded through
  this suite's reward-function file (`suite/rewards/adapters/openrlhf.py`). Upstream has one discount factor and
  sequence-level reward functions, so multi-gamma and the dense penalty are stated deviations.

Paths a run needs but the recipe cannot know (the SFT model, the prompt data, where to save) stay shell variables.
"""

from __future__ import annotations

from suite.errors import UserError
from suite.export.flags import UnsupportedReward
from suite.recipes.paper import PaperRLRecipe, PaperSFTRecipe
from suite.rewards.settings import ClassicRewardSetting, CosineRewardSetting

DIALECTS = ("fork", "openrlhf")
#: the shipped flag lists each dialect is validated against (suite/export/engine_flags/): the fork's, and the first
#: and the newest upstream release of the grouped-flag dialect (a launch must run on both)
FLAG_LISTS = {"fork": ("fork-e90cf9b-train_ppo_ray",),
              "openrlhf": ("openrlhf-0.10.2-train_ppo_ray", "openrlhf-0.11.2-train_ppo_ray")}
GPUS_PER_NODE = 8  # the paper's nodes (App. E: 8 x H100 per node)


def _num(x: float) -> str:
    return f"{x:g}"


def _nodes(gpus: int) -> tuple[int, int]:
    """GPUs -> (nodes, GPUs per node) as the scripts write them."""
    return (gpus // GPUS_PER_NODE, GPUS_PER_NODE) if gpus >= GPUS_PER_NODE else (1, gpus)


def _pretrain(recipe: PaperRLRecipe) -> str:
    return "$SFT_MODEL" if isinstance(recipe.init, PaperSFTRecipe) else recipe.init


def _placement(r: PaperRLRecipe, sep: str) -> list[str]:
    """Ref, critic (PPO only), actor and vLLM placement, `sep` joining component and field ("_" fork, "." upstream)."""
    actor_gpus, critic_gpus, engines = r.gpus
    roles = [("ref", actor_gpus)] + ([("critic", critic_gpus)] if r.algorithm == "ppo" else []) + [("actor", actor_gpus)]
    out = []
    for role, gpus in roles:
        nodes, per_node = _nodes(gpus)
        out += [f"--{role}{sep}num_nodes", str(nodes), f"--{role}{sep}num_gpus_per_node", str(per_node)]
    return out + [f"--vllm{sep}num_engines", str(engines), f"--vllm{sep}tensor_parallel_size", "1"]


def fork_args(r: PaperRLRecipe) -> list[str]:
    """`python3 -m openrlhf.cli.train_ppo_ray` arguments of the paper's fork, as its section-4/5 scripts pass them."""
    out = _placement(r, "_") + ["--colocate_actor_ref", "--pretrain", _pretrain(r)]
    o = r.reward.outcome
    if isinstance(o, ClassicRewardSetting):
        urls = ["math_rule"]
        reward = ["--math_rule_common_exceed_length", _num(o.exceed_penalty if o.exceed_penalty is not None else 0),
                  "--math_rule_classic_correct", _num(o.correct_reward), "--math_rule_classic_wrong",
                  _num(o.wrong_reward)]
    elif isinstance(o, CosineRewardSetting):  # the fork's min/max are the values at max_len / length 0
        urls = ["math_rule_cosine_scale"]
        reward = ["--math_rule_common_exceed_length", _num(o.exceed_penalty if o.exceed_penalty is not None else 0),
                  "--math_rule_cosine_scale_min_value_wrong", _num(o.r0_wrong),
                  "--math_rule_cosine_scale_max_value_wrong", _num(o.rL_wrong),
                  "--math_rule_cosine_scale_min_value_correct", _num(o.rL_correct),
                  "--math_rule_cosine_scale_max_value_correct", _num(o.r0_correct)]
    else:
        raise UnsupportedReward(f"reward {o.name!r} is none of the fork's math_rule rewards (classic, cosine); this "
                                "arm has no released fork script to follow", where=f"recipe {r.script or r.table}")
    if r.reward.repetition is not None:
        urls.append("math_rule_repetition_dense")
        reward[2:2] = ["--math_rule_common_repetition_ngram_size", str(r.reward.repetition.ngram_size),
                       "--math_rule_repetition_dense_penalty", _num(r.reward.repetition.penalty)]
    if r.grader != "hendrycks":
        reward += ["--math_rule_common_score_fn", r.grader]
    out += ["--remote_rm_url", ",".join(urls), *reward, "--save_path", "$SAVE_PATH", "--ckpt_path", "$CKPT_PATH"]
    if r.save_steps is not None:  # every checkpoint kept: the training curves come from evaluating them
        out += ["--save_steps", str(r.save_steps), "--max_ckpt_num", "99999", "--max_ckpt_mem", "99999"]
    out += ["--load_checkpoint", "--micro_train_batch_size", "1", "--train_batch_size", str(r.train_batch_size),
            "--micro_rollout_batch_size", "1", "--rollout_batch_size", str(r.rollout_batch_size),
            "--n_samples_per_prompt", str(r.samples_per_prompt)]
    if r.max_samples is not None:
        out += ["--max_samples", str(r.max_samples)]
    out += ["--max_epochs", str(r.max_epochs), "--num_episodes", str(r.num_episodes), "--lambd", _num(r.gae_lambda),
            "--gamma", ",".join(_num(g) for g in r.reward.gammas), "--prompt_max_len", str(r.prompt_max_len),
            "--generate_max_len", str(r.generate_max_len), "--zero_stage", str(r.zero_stage), "--bf16",
            "--actor_learning_rate", _num(r.actor_learning_rate)]
    if r.algorithm == "ppo":
        out += ["--critic_learning_rate", _num(r.critic_learning_rate)]
    else:
        out += ["--advantage_estimator", "reinforce"]
    out += ["--init_kl_coef", _num(r.init_kl_coef), "--prompt_data", "$PROMPT_DATA", "--input_key", "prompt",
            "--answer_key", r.answer_key, "--apply_chat_template", "--normalize_reward"]
    if r.adam_offload:
        out += ["--adam_offload"]
    out += ["--flash_attn", "--gradient_checkpointing", "--seed", str(r.seed)]
    return out


def openrlhf_args(r: PaperRLRecipe) -> list[str]:
    """The same run for upstream OpenRLHF >= 0.10.2, rewarded by the suite's reward-function file ($REWARD_FILE)."""
    if not isinstance(r.reward.outcome, (ClassicRewardSetting, CosineRewardSetting)):
        raise UnsupportedReward(f"reward {r.reward.outcome.name!r} is not one the suite's OpenRLHF reward file serves "
                                "(classic, cosine)", where=f"recipe {r.script or r.table}")
    out = _placement(r, ".") + ["--train.colocate_actor_ref",
            "--actor.model_name_or_path", _pretrain(r), "--reward.remote_url", "$REWARD_FILE",
            "--ckpt.output_dir", "$SAVE_PATH", "--ckpt.path", "$CKPT_PATH",
            # TensorBoard at $SAVE_PATH/tensorboard/run: the folder `longcot collect --engine-log` reads
            "--logger.tensorboard_dir", "$SAVE_PATH/tensorboard", "--logger.wandb.run_name", "run"]
    if r.save_steps is not None:
        out += ["--ckpt.save_steps", str(r.save_steps), "--ckpt.max_num", "99999", "--ckpt.max_mem", "99999"]
    out += ["--ckpt.load_enable"]
    out += ["--train.micro_batch_size", "1", "--train.batch_size", str(r.train_batch_size),
            "--rollout.micro_batch_size", "1", "--rollout.batch_size", str(r.rollout_batch_size),
            "--rollout.n_samples_per_prompt", str(r.samples_per_prompt)]
    if r.max_samples is not None:
        out += ["--data.max_samples", str(r.max_samples)]
    out += ["--train.max_epochs", str(r.max_epochs), "--train.num_episodes", str(r.num_episodes),
            "--algo.advantage.estimator", "gae" if r.algorithm == "ppo" else "reinforce",
            "--algo.advantage.lambd", _num(r.gae_lambda), "--algo.advantage.gamma", _num(r.reward.gammas[0]),
            "--data.max_len", str(r.prompt_max_len + r.generate_max_len),
            "--rollout.max_new_tokens", str(r.generate_max_len), "--rollout.temperature", _num(r.temperature),
            "--rollout.top_p", _num(r.top_p), "--ds.zero_stage", str(r.zero_stage), "--ds.param_dtype", "bf16",
            "--actor.adam.lr", _num(r.actor_learning_rate), "--actor.adam.betas", *map(_num, r.adam_betas),
            "--actor.lr_warmup_ratio", _num(r.warmup_ratio), "--actor.min_lr_ratio", _num(r.min_lr_ratio),
            "--actor.max_norm", _num(r.max_norm), "--actor.eps_clip", _num(r.eps_clip)]
    if r.algorithm == "ppo":
        out += ["--critic.adam.lr", _num(r.critic_learning_rate), "--critic.adam.betas", *map(_num, r.adam_betas),
                "--critic.lr_warmup_ratio", _num(r.warmup_ratio), "--critic.min_lr_ratio", _num(r.min_lr_ratio),
                "--critic.max_norm", _num(r.max_norm), "--critic.value_clip", _num(r.value_clip)]
    out += ["--algo.kl.init_coef", _num(r.init_kl_coef), "--algo.kl.estimator", "k1",
            "--reward.clip_range", *map(_num, r.reward_clip), "--reward.normalize_enable",
            "--data.prompt_dataset", "$PROMPT_DATA", "--data.input_key", "prompt", "--data.label_key", r.answer_key,
            "--data.apply_chat_template"]
    if r.adam_offload:
        out += ["--ds.adam_offload"]
    out += ["--ds.attn_implementation", "flash_attention_2", "--actor.gradient_checkpointing_enable",
            "--train.seed", str(r.seed)]
    return out


class _Parsed(Exception):
    def __init__(self, args):
        super().__init__("parsed")
        self.launch = args


#: what the shell variables of a launch become when the installed launcher parses it
PLACEHOLDERS = {"$PROMPT_DATA": "/data/prompts.jsonl", "$SFT_MODEL": "/models/sft", "$REWARD_FILE": "/x/reward.py",
                "$SAVE_PATH": "/ckpt/save", "$CKPT_PATH": "/ckpt/state"}


def parse_with_openrlhf(argv: list[str]):
    """Run the installed OpenRLHF launcher (`openrlhf.cli.train_ppo_ray` as `__main__`) on `argv`, shell variables
    filled by `PLACEHOLDERS`, up to the point where it would start Ray and the models: its own argparse parser (names,
    types, choices), `hierarchize`, and its checks of the combination (estimator and samples, sample batches against
    actor processes, ...). Returns the launcher's args. Raises `UserError` with the launcher's message where it
    refuses the launch.

    The launcher module imports vLLM and flash-attn's kernels, so this runs where those are installed (a GPU
    machine); `launch_args` calls it only there. Nothing is started: Ray's `is_initialized` answers yes and the
    strategy factory, the first thing `train` builds, stops the run with the parsed args."""
    import contextlib
    import io
    import runpy
    import sys

    import openrlhf.utils
    import ray

    filled = list(argv)
    for var, value in PLACEHOLDERS.items():
        filled = [a.replace(var, value) for a in filled]
    saved = sys.argv, ray.is_initialized, openrlhf.utils.get_strategy

    def stop(args):
        raise _Parsed(args)

    sys.argv = ["train_ppo_ray", *filled]
    ray.is_initialized, openrlhf.utils.get_strategy = (lambda: True), stop
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            runpy.run_module("openrlhf.cli.train_ppo_ray", run_name="__main__", alter_sys=False)
    except _Parsed as parsed:
        return parsed.launch
    except SystemExit as exc:  # argparse: an unknown flag or a value of the wrong kind
        msg = err.getvalue().strip().splitlines()
        raise UserError(f"the installed OpenRLHF launcher refuses the launch: {msg[-1] if msg else exc}",
                        where="openrlhf/cli/train_ppo_ray.py") from None
    except AssertionError as exc:  # its checks of the combination
        raise UserError(f"the installed OpenRLHF launcher refuses the launch: {exc}",
                        where="openrlhf/cli/train_ppo_ray.py") from None
    finally:
        sys.argv, ray.is_initialized, openrlhf.utils.get_strategy = saved
    raise RuntimeError("the OpenRLHF launcher returned without reaching training")


def openrlhf_env(r: PaperRLRecipe) -> dict[str, str]:
    """The reward-function file's settings (suite/rewards/adapters/openrlhf.py reads them from the environment)."""
    o = r.reward.outcome
    return {"LONGCOT_REWARD_MAX_LEN": str(r.generate_max_len), "LONGCOT_REWARD_SETTING": o.name,
            "LONGCOT_REWARD_TOKENIZER": "$SFT_MODEL" if isinstance(r.init, PaperSFTRecipe) else r.init}


def reward_deviations(r: PaperRLRecipe, engine: str, gamma_setting: str) -> list[str]:
    """The reward deviations of any engine without the fork's per-reward gammas and token-level rewards."""
    out = []
    if len(r.reward.gammas) > 1:
        out.append(f"Per-reward discount factors {r.reward.gammas} exist only in the paper's fork; {engine} has one "
                   f"({gamma_setting}, the outcome channel's).")
    if r.reward.repetition is not None:
        out.append(f"The dense repetition penalty (N = {r.reward.repetition.ngram_size}, P = "
                   f"{r.reward.repetition.penalty:g}) needs token-level rewards, which {engine}'s reward functions do "
                   "not return: this launch trains WITHOUT it (docs/rewards.md, 'The dense penalty in a "
                   "sequence-level trainer').")
    return out


def deviations(r: PaperRLRecipe, dialect: str) -> list[str]:
    """What the launch cannot carry over from the paper's run, in words."""
    if dialect == "fork":
        return []
    out = reward_deviations(r, "upstream OpenRLHF", f"--algo.advantage.gamma {_num(r.reward.gammas[0])}")
    if r.grader == "judge":
        out.append("The model-based verifier (a judge model served by the fork) has no upstream counterpart here; the "
                   "reward-function file grades with the rule-based grader.")
    out.append("The reward function grades the response only, and recounts its length with the policy tokenizer; the "
               "fork graded prompt + response and counted generated ids (suite/rewards/adapters/openrlhf.py).")
    return out
