"""`gpu`-scale recipes: the headroom world of the tiny scale, scaled up for one CUDA GPU (docs/gpu_tier.md).

Same task, same rewards, same checks as `tiny`; what changes is what one GPU buys: a model 8x larger, rollouts 4x
larger (32 prompts x 8 samples a step), twice the held-out problems and five seeds. The task and its generation limit
stay the tiny world's (160 tokens), so a verdict that differs between the scales says what size and batch do, not what
another task does. Each job runs on `device="cuda"`; `--set device=cpu --set init.device=cpu` runs the same recipe
on the CPU (slowly: that is how the tests check it end to end).
"""

from dataclasses import replace

from experiments._tiny_recipes import HEADROOM_PROBE, HR_CLASSIC, HR_COSINE, HR_COSINE_REP
from suite.tiny.recipes import TinySFTRecipe
from suite.tiny.sft_config import HEADROOM_SFT

#: the headroom world's SFT recipe with a 4-layer, 128-wide model (0.8M parameters, 8x the tiny scale's) trained on
#: batches of 64 for 3,000 steps: 4x the tiny scale's examples, drawn from 4x the traces (8 per problem instead of 2),
#: so both see each trace ~12 times; evaluation on 256 problems per family
GPU_SFT = TinySFTRecipe(
    replace(HEADROOM_SFT, n_layer=4, n_head=4, n_embd=128, traces_per_problem=8, steps=3000, batch_size=64, lr=2e-3,
            warmup_steps=100, eval_n=256),
    device="cuda",
)

#: PPO as at the tiny scale, with 32 prompts x 8 samples a step in updates of 64 (4 optimizer steps a rollout, as the
#: tiny scale's 64 in updates of 16) and held-out accuracy on 1,024 problems (of the ~1,080 distinct `seek` held-out
#: problems; SE ~0.015 per evaluation)
GPU_PROBE = replace(HEADROOM_PROBE, prompts_per_step=32, train_batch_size=64, eval_size=1024)


def on_gpu(recipe):
    """A tiny-scale headroom RL recipe at the gpu scale: GPU_PROBE's batch sizes, GPU_SFT's start point, on CUDA."""
    rl = replace(recipe.rl, prompts_per_step=GPU_PROBE.prompts_per_step, train_batch_size=GPU_PROBE.train_batch_size,
                 eval_size=GPU_PROBE.eval_size)
    return replace(recipe, rl=rl, init=GPU_SFT, device="cuda")


GPU_CLASSIC = on_gpu(HR_CLASSIC)
GPU_COSINE = on_gpu(HR_COSINE)
GPU_COSINE_REP = on_gpu(HR_COSINE_REP)

#: five seeds: a GPU job is cheap, and more seeds shrink the between-seed spread that left tiny checks inconclusive
GPU_SEEDS = (0, 1, 2, 3, 4)

GPU_DEVIATIONS = (
    "gpu scale: the tiny scale's headroom world (the same `seek` task, 160-token limit, rewards and rescaled discount "
    "factors) with a 0.8M-parameter model, 32 prompts x 8 samples per PPO iteration (updates of 64 samples), held-out "
    "accuracy on 1,024 problems and five seeds; not Llama-3.1-8B on MATH (docs/gpu_tier.md).",
    "On CUDA, torch's deterministic kernels are used where they exist; bit-identical reruns are measured, not "
    "promised, and another GPU or driver may differ in the last bits.",
)
