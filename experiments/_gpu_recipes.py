"""`gpu`-scale recipes: every finding's tiny-scale experiment, scaled up for one CUDA GPU (docs/gpu_tier.md).

Same task, same rewards, same checks as `tiny`; what changes is what one GPU buys: a model 8x larger, rollouts 4x
larger (4x the prompts a step) and five seeds. The task and its generation limit stay the tiny world's (160 tokens),
so a verdict that differs between the scales says what size and batch do, not what another task does.

- Section 4 (`on_gpu`, `headroom_gpu_scale`): every arm starts from GPU_SFT (the headroom SFT with 4x the traces) and
  is evaluated on 1,024 held-out problems.
- Sections 3, 5 and 6 (`scale_up`, `gpu_scale`): what the finding varies (the SFT data, the base model, the verifier)
  stays the tiny scale's exactly; every SFT stage trains the larger model on it.

Each job runs on `device="cuda"`; `longcot run --device cpu` runs the same recipes on the CPU (slowly: that is how the
tests check them end to end).
"""

from dataclasses import replace

from experiments._tiny_recipes import HEADROOM_PROBE, HR_CLASSIC, HR_COSINE, HR_COSINE_REP
from suite.tiny.recipes import TinyJudgeRecipe, TinyRLRecipe, TinySFTRecipe
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


# --- Sections 3, 5 and 6 (and any other tiny recipe): the same experiment with a larger model ------------------------

#: the gpu scale's model for every SFT stage (pretraining of §6's base model included): GPU_SFT's 4 x 128
GPU_MODEL = {"n_layer": GPU_SFT.sft.n_layer, "n_head": GPU_SFT.sft.n_head, "n_embd": GPU_SFT.sft.n_embd,
             "lr": GPU_SFT.sft.lr}
#: RL's rollout grows as at the headroom findings: 4x the prompts per iteration, updates 4x larger (4 optimizer steps
#: a rollout at both scales)
GPU_ROLLOUT_FACTOR = GPU_PROBE.prompts_per_step // HEADROOM_PROBE.prompts_per_step


def scale_up(recipe):
    """A tiny recipe of sections 3, 5 and 6 at the gpu scale, every stage on CUDA. What the finding varies (the SFT
    data: its size, style, mix or filter; the base model; the verifier) stays exactly as at `tiny`, so that a verdict
    that moves between the scales is the model's and the batch's doing:

    - every SFT stage (and §6's pretraining) trains GPU_SFT's 4 x 128 model (8x the parameters) at its learning rate,
      on the same data, for the same steps of the same batch;
    - every RL stage draws 4x the prompts per iteration with updates 4x larger, over the same prompt set (so 4x the
      episodes), for the same iterations, evaluated on the same held-out problems;
    - the 5.2 judge (a verifier, not the policy) keeps its size and only moves to CUDA.
    """
    if isinstance(recipe, TinySFTRecipe):
        return replace(recipe, sft=replace(recipe.sft, **GPU_MODEL),
                       init=scale_up(recipe.init) if recipe.init is not None else None, device="cuda")
    if isinstance(recipe, TinyJudgeRecipe):
        return replace(recipe, device="cuda")
    if isinstance(recipe, TinyRLRecipe):
        rl = replace(recipe.rl, prompts_per_step=recipe.rl.prompts_per_step * GPU_ROLLOUT_FACTOR,
                     train_batch_size=recipe.rl.train_batch_size * GPU_ROLLOUT_FACTOR)
        return replace(recipe, rl=rl, init=scale_up(recipe.init),
                       judge=scale_up(recipe.judge) if recipe.judge is not None else None, device="cuda")
    raise TypeError(f"scale_up: not a tiny recipe: {type(recipe).__name__}")


GPU_SCALED_DEVIATIONS = (
    "gpu scale: every SFT stage (the base model's pretraining included) trains a 4-layer, 128-wide model on the same "
    "data for the same steps as at tiny; RL draws 4x the prompts per iteration over the same prompt set; five seeds "
    "(docs/gpu_tier.md). Not yet run on a device: the recipes are declared, and run end to end on the CPU at smoke "
    "size.",
    GPU_DEVIATIONS[1],
)


#: how the first deviation of a section-3/5/6 finding names the tiny model (SCALING_DEVIATIONS[0])
TINY_MODEL = "0.1M-parameter transformer"
#: what a tiny deviation's batch sizes mean at the gpu scale
TINY_BATCHES = ("Where a deviation below counts iterations, prompts and samples, they are the tiny scale's; at this "
                "scale each iteration draws 4x the prompts, for the same iterations.")


def gpu_scale(tiny):
    """The gpu ScaleSpec of a finding whose tiny scale is `tiny` (sections 3, 5 and 6): every arm `scale_up`-ed, five
    seeds, the tiny scale's checks unchanged, its deviations after the gpu scale's own."""
    from suite.experiment import ScaleSpec

    world, *rest = tiny.deviations
    if TINY_MODEL not in world:
        raise ValueError(f"gpu_scale: the first tiny deviation should name the tiny model ({TINY_MODEL!r})")
    world = world.replace(TINY_MODEL, "0.8M-parameter transformer (4 layers x 128 wide, 8x the tiny scale's)")
    return ScaleSpec(recipes={arm: scale_up(r) for arm, r in tiny.recipes.items()}, seeds=GPU_SEEDS,
                     checks=tiny.checks, deviations=(world, *GPU_SCALED_DEVIATIONS, TINY_BATCHES, *rest))


def headroom_gpu_scale(tiny):
    """The gpu ScaleSpec of a headroom-world finding (section 4) whose tiny scale is `tiny`: every arm `on_gpu`
    (GPU_SFT's start, 4x the prompts per iteration, 1,024 held-out problems), five seeds, the tiny checks unchanged;
    the tiny deviations but the first (the tiny model's), which GPU_DEVIATIONS replace."""
    from suite.experiment import ScaleSpec

    return ScaleSpec(recipes={arm: on_gpu(r) for arm, r in tiny.recipes.items()}, seeds=GPU_SEEDS,
                     checks=tiny.checks, deviations=GPU_DEVIATIONS + (TINY_BATCHES,) + tiny.deviations[1:])
