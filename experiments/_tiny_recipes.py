"""Tiny-scale recipes shared by several findings (the tiny world: suite/tiny, docs/tiny_world.md, docs/tiny_rl.md).

The RL arms are the issue-#5 RL probe, as a recipe: PPO as the paper ran it (multi-gamma returns, k1 KL split over
channels, reward clip, value clipping), scaled to a 0.1M-parameter model, from the long-CoT SFT checkpoint recipe.
"""

from dataclasses import replace

from suite.rewards.settings import SPEC_CLASSIC, SPEC_COSINE, SPEC_COSINE_REP
from suite.tiny.recipes import TinyRLRecipe, TinySFTRecipe
from suite.tiny.rl.config import RLConfig
from suite.tiny.sft_config import SFTConfig

#: long-CoT SFT on `chain` + `solve` (2,000 problems each, `solve` capped by its pool), 1,500 steps: the checkpoint of
#: evidence/tiny/sft_long (held-out 0.555 chain / 0.250 solve at seed 0)
SFT_LONG = TinySFTRecipe(SFTConfig(families=("chain", "solve"), style="long", n_train=2000, steps=1500))

#: The RL probe's PPO settings; everything else is RLConfig's default (each with its reason there).
PROBE = RLConfig(
    reward=SPEC_CLASSIC,
    max_new_tokens=112,  # the SFT policy's p90 length at T=1: the exceed rule (>= 96 with the 16-token margin) binds
    samples_per_prompt=8,  # the paper's 8 (Tables 8, 11)
    train_batch_size=16,
    steps=200,
    eval_every=25,
    eval_size=128,
)

RL_CLASSIC = TinyRLRecipe(PROBE, init=SFT_LONG)
RL_COSINE = replace(RL_CLASSIC, rl=replace(PROBE, reward=SPEC_COSINE))
RL_COSINE_REP = replace(RL_CLASSIC, rl=replace(PROBE, reward=SPEC_COSINE_REP))

TINY_DEVIATIONS = (
    "Tiny world: a 0.1M-parameter transformer trained from scratch on synthetic arithmetic (chain + solve), not "
    "Llama-3.1-8B on MATH; 200 PPO iterations of 8 prompts x 8 samples; generation limit 112 tokens instead of "
    "14,336 (same 16-token exceed margin); actor LR 1e-4 and critic LR 1e-3 instead of 5e-7 / 9e-6.",
    "On this task thinking longer does not raise the SFT policy's accuracy (docs/tiny_world.md: accuracy falls with "
    "trace length, and banning `wait` costs about 2 points), so no reward has a reason to lengthen CoT; read the claim "
    "verdicts at this scale with that in mind.",
    "The dense repetition penalty keeps the paper's N = 40 tokens, which is about half a tiny response: it rarely "
    "fires here.",
)
