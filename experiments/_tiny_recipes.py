"""Tiny-scale recipes shared by several findings (the tiny world: suite/tiny, docs/tiny_world.md, docs/tiny_rl.md).

The RL arms are the issue-#5 RL probe, as a recipe: PPO as the paper ran it (multi-gamma returns, k1 KL split over
channels, reward clip, value clipping), scaled to a 0.1M-parameter model, from the search world's SFT recipe.
"""

from dataclasses import replace

from suite.rewards.settings import SPEC_CLASSIC, SPEC_COSINE, SPEC_COSINE_REP
from suite.tiny.recipes import TinyRLRecipe, TinySFTRecipe
from suite.tiny.rl.config import RLConfig
from suite.tiny.sft_config import SEARCH_SFT

#: the search world's SFT policy (`solve` with guess-check-narrow traces that sometimes give up; 500 problems x 4
#: traces, 1,500 steps): the checkpoint of evidence/tiny/search/sft_search (held-out 0.789 at seed 0). Here thinking
#: longer raises accuracy (docs/tiny_world.md, "The search world"), so a reward has a reason to change the length.
SFT_SEARCH = TinySFTRecipe(SEARCH_SFT)

#: The RL probe's PPO settings; everything else is RLConfig's default (each with its reason there).
PROBE = RLConfig(
    reward=SPEC_CLASSIC,
    max_new_tokens=112,  # the exceed rule (>= 96 with the 16-token margin) cuts 5+ tries: 9% of the SFT policy's
    # samples at T=1 (p90 length 85, p95 104)
    samples_per_prompt=8,  # the paper's 8 (Tables 8, 11)
    train_batch_size=16,
    steps=200,
    eval_every=25,
    eval_size=128,
)

RL_CLASSIC = TinyRLRecipe(PROBE, init=SFT_SEARCH)
RL_COSINE = replace(RL_CLASSIC, rl=replace(PROBE, reward=SPEC_COSINE))
RL_COSINE_REP = replace(RL_CLASSIC, rl=replace(PROBE, reward=SPEC_COSINE_REP))

TINY_DEVIATIONS = (
    "Tiny world: a 0.1M-parameter transformer trained from scratch on synthetic equations (`solve x * a + b = t`, "
    "answered by a guess-check-narrow search), not Llama-3.1-8B on MATH; 200 PPO iterations of 8 prompts x 8 "
    "samples; generation limit 112 tokens instead of 14,336 (same 16-token exceed margin); actor LR 1e-4 and critic "
    "LR 1e-3 instead of 5e-7 / 9e-6.",
    "Length is a choice here by construction: after a failed check the SFT policy either tries again or gives up with "
    "an unchecked guess, and searching longer is right more often (seed-0 SFT policy: 0.58 correct with one try, 0.97 "
    "with four; 0.80 -> 0.97 when giving up is banned; docs/tiny_world.md, 'The search world'). Which way a reward "
    "moves the length is the finding, not the task's design.",
    "The dense repetition penalty keeps the paper's N = 40 tokens, about two tries of a tiny response: it fires only "
    "when a response repeats a whole try.",
)
