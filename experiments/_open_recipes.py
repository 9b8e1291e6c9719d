"""`open`-scale recipes: Section 4's reward findings on a small open model, one GPU, vLLM generation
(`suite.openlm`; docs/gpu_tier.md, "The open-model path").

Where the `gpu` scale keeps the tiny world and grows the model, the `open` scale keeps the paper's task, MATH with
math-verify grading, and shrinks the model and the context: Qwen2.5-Math-1.5B-Instruct (the paper's Qwen2.5-Math-7B
family at a size one GPU trains) with a 1,024-token generation limit, where its MATH solutions (a few hundred tokens)
have room to grow into the limit, 32 prompts x 8 samples per PPO iteration and three seeds. The loop is the tiny
engine's (`suite.tiny.rl.train.rl_loop`: PPO with multi-gamma returns, a critic on the policy's trunk), so the rewards,
returns and logs are the same code at every scale.

Data is the user's, as JSON lines of {prompt, answer, level}: `longcot prepare-data math-train --out
data/math-train.jsonl` writes the training prompts (with MATH's level, which Takeaway 4.5's hard problems read);
MATH-500 (`problem`, `answer`) serves as held-out. Paths and the model are recipe fields:
`--set model=... --set prompts=... --set heldout=...` reaches every arm.
"""

from dataclasses import replace

from suite.experiment import ScaleSpec
from suite.openlm.recipe import OpenLMRLRecipe
from suite.rewards.settings import (
    COSINE_A,
    COSINE_B,
    COSINE_C,
    COSINE_DEFAULT,
    DEFAULT_GAMMAS,
    REPETITION_DEFAULT,
    SPEC_CLASSIC,
    SPEC_COSINE,
    RewardSpec,
    rescale_gamma,
)
from suite.tiny.rl.config import RLConfig

OPEN_MODEL = "Qwen/Qwen2.5-Math-1.5B-Instruct"
#: the generation limit and the rewards' max_len: room for the model's MATH solutions to grow into the limit (the
#: claims of 4.1 and 4.2 are about what happens when they do), well inside Qwen2.5-Math's 4,096-token context
OPEN_LIMIT = 1024

#: PPO as the paper ran it (Tables 8-9: temperature 1, top-p 1, KL 0.01 k1 in the reward, clip 0.2, lambda 1), with
#: a rollout of 32 prompts x 8 samples (the paper: 512 x 8) in updates of 64 samples (4 per rollout; the paper: 8)
#: and learning rates for a 1.5B model (the paper's 8B: 5e-7 actor, 4.5e-6 critic; a smaller model takes ~2x)
OPEN_PPO = RLConfig(
    algorithm="ppo",
    reward=SPEC_CLASSIC,
    prompts_per_step=32,
    samples_per_prompt=8,
    max_new_tokens=OPEN_LIMIT,
    actor_lr=1e-6,
    critic_lr=9e-6,
    kl_coef=0.01,
    train_batch_size=64,
    steps=40,
    eval_every=8,  # the paper's scripts save a checkpoint every 8 iterations (--save_steps 8)
    eval_size=500,  # MATH-500
    repetition_ngram_size=40,  # Algorithm 1's N = 40 tokens: a phrase, whatever the limit
)

#: the repetition channel's discount factor decays over 1,024 tokens as 0.99 does over the paper's 14,336
OPEN_GAMMAS = tuple(rescale_gamma(g, OPEN_LIMIT) for g in DEFAULT_GAMMAS)
SPEC_OPEN_COSINE_REP = RewardSpec(COSINE_DEFAULT, REPETITION_DEFAULT, OPEN_GAMMAS)


def open_arm(reward: RewardSpec, **rl) -> OpenLMRLRecipe:
    """An open-scale arm: OPEN_PPO with this reward (and any other RLConfig field changed)."""
    return OpenLMRLRecipe(model=OPEN_MODEL, rl=replace(OPEN_PPO, reward=reward, **rl))


#: Takeaway 4.5's "hard questions" at this scale: MATH's level 5 (the problem files' `level`); the cosine arms log
#: their length, repetition, branching and accuracy on those again (measurement only, as at the tiny scale)
OPEN_HARD_FROM = 5

OPEN_CLASSIC = open_arm(SPEC_CLASSIC)
OPEN_COSINE = open_arm(SPEC_COSINE, hard_from=OPEN_HARD_FROM)
OPEN_COSINE_REP = open_arm(SPEC_OPEN_COSINE_REP, hard_from=OPEN_HARD_FROM)

#: Table 10's rewards A, B, C, each with the repetition penalty, 4 samples per prompt as the section_4.3 scripts run
#: them
OPEN_T10 = {name: open_arm(RewardSpec(outcome, REPETITION_DEFAULT, OPEN_GAMMAS), samples_per_prompt=4)
            for name, outcome in (("a", COSINE_A), ("b", COSINE_B), ("c", COSINE_C))}

#: Table 11's windows at half, once and twice the open limit (the paper's 2,048 / 6,144 / 14,336), equal samples, the
#: middle window's discount factors for all (as the paper keeps 0.99), and the largest again with twice the iterations
OPEN_T11 = {
    "small": replace(OPEN_COSINE_REP, rl=replace(OPEN_COSINE_REP.rl, max_new_tokens=OPEN_LIMIT // 2)),
    "mid": OPEN_COSINE_REP,
    "large": replace(OPEN_COSINE_REP, rl=replace(OPEN_COSINE_REP.rl, max_new_tokens=2 * OPEN_LIMIT)),
    "large_2x": replace(OPEN_COSINE_REP, rl=replace(OPEN_COSINE_REP.rl, max_new_tokens=2 * OPEN_LIMIT,
                                                    steps=2 * OPEN_PPO.steps)),
}

#: Table 13's six (gamma_c, gamma_p) pairs rescaled to the open horizon, cosine + repetition, 4 samples per prompt as
#: the section_4.6 scripts run them
OPEN_T13 = {
    f"{name_c}_{name_p}": open_arm(RewardSpec(COSINE_DEFAULT, REPETITION_DEFAULT,
                                              (rescale_gamma(g_c, OPEN_LIMIT), rescale_gamma(g_p, OPEN_LIMIT))),
                                   samples_per_prompt=4)
    for name_c, name_p, g_c, g_p in (("100", "100", 1.0, 1.0), ("100", "999", 1.0, 0.999), ("100", "99", 1.0, 0.99),
                                     ("999", "999", 0.999, 0.999), ("999", "99", 0.999, 0.99),
                                     ("99", "99", 0.99, 0.99))
}

#: three seeds, as at the tiny scale: between-arm comparisons are tested on the seed spread
OPEN_SEEDS = (0, 1, 2)

OPEN_DEVIATIONS = (
    f"open scale: {OPEN_MODEL} (not the paper's long-CoT SFT of Llama-3.1-8B or Qwen2.5-Math-7B) with a "
    f"{OPEN_LIMIT:,}-token generation limit (the paper: 14,336), 32 prompts x 8 samples per PPO iteration (the "
    "paper: 512 x 8) in updates of 64, actor / critic learning rates 1e-6 / 9e-6, 40 iterations, three seeds, on one "
    "GPU (docs/gpu_tier.md, 'The open-model path').",
    f"The repetition penalty's discount factor is rescaled to the shorter horizon: gamma_p = 0.99^(14336/{OPEN_LIMIT}) "
    f"= {OPEN_GAMMAS[1]:.4f} (the tiny scale's convention); N = 40 tokens and P = -0.05 are the paper's.",
    "Rollouts are sampled by vLLM with the policy's weights loaded before every rollout; the policy's "
    "log-probabilities are recomputed by a forward pass, as OpenRLHF does. Forward passes run under bf16 autocast "
    "with float32 weights and Adam (OpenRLHF: bf16 weights under DeepSpeed).",
    "The held-out curve is MATH-500 at T = 0.7, top-p 0.95, one sample per problem (the paper's evaluation protocol "
    "with n = 1) every 8 iterations.",
)


def open_scale(tiny: ScaleSpec, recipes: dict, *deviations: str) -> ScaleSpec:
    """A finding's open scale: its tiny scale's checks (none of which reads a tiny-world number) on open recipes."""
    return ScaleSpec(recipes=recipes, seeds=OPEN_SEEDS, checks=tiny.checks, deviations=OPEN_DEVIATIONS + deviations)
