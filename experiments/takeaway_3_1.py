"""Takeaway 3.1 (SFT scaling upper limit), paper §3.1, Figure 1.

Llama-3.1-8B is fine-tuned on rejection-sampled long CoT (QwQ-32B-Preview, N in {32, 64, 128, 192, 256} candidates per
prompt) and short CoT (Qwen2.5-Math-72B-Instruct, N in {32, 64, 128, 256}); SFT tokens grow with N. Long CoT keeps
improving ("over 70% ... has yet to plateau even at 3.5B tokens") while short CoT "converges below 55%".
Figure 1 has no table; only the prose numbers are known, so the paper scale has no numeric reference.

At tiny scale (the headroom world): SFT from scratch on N emergent-search traces or N straight-line answers per
problem, N = 2, 4, 8, 16 (the paper's N / 16), two epochs each, so SFT tokens grow with N. Claimed, as Figure 1 shows
it: at the largest budget long CoT is ahead; over the top two budgets (N = 128 -> 256 in the paper's names) long CoT
still gains while short CoT's gain stays below 3 points (the paper: "only a marginal absolute improvement of about
3%" over a six-fold token increase).
"""

from experiments._gpu_recipes import gpu_scale
from experiments._paper_recipes import SFT_SCALING
from experiments._tiny_recipes import NON_INFERIORITY, SCALING_DEVIATIONS, SFT_SCALING_TINY
from suite.checks import DifferenceAgreement, Directional
from suite.experiment import Arm, Change, Claim, Experiment, ScaleSpec
from suite.metrics import names as M

MATH500 = M.benchmark_accuracy("math500")

#: short CoT's gain over its top two budgets counts as a plateau below this (one-sided): the smallest difference the
#: world resolves with 512 held-out problems and 3 seeds, and the paper's "about 3%"
PLATEAU = NON_INFERIORITY

TINY_CHECKS = (
    Directional("long CoT beats short CoT at the largest budget", M.HELDOUT_ACCURACY, lower="short_n256",
                higher="long_n256"),
    Directional("long CoT still improves over the top two budgets", M.HELDOUT_ACCURACY, lower="long_n128",
                higher="long_n256"),
    # short_n256 - short_n128 < PLATEAU, one-sided: written as short_n128 - short_n256 > -PLATEAU
    Directional("short CoT's gain over the top two budgets stays below 3 points (plateau)", M.HELDOUT_ACCURACY,
                lower="short_n256", higher="short_n128", min_effect=-PLATEAU),
    DifferenceAgreement("long - short at the largest budget agrees", M.HELDOUT_ACCURACY, lower="short_n256",
                        higher="long_n256"),
    DifferenceAgreement("long CoT's gain over the top two budgets agrees", M.HELDOUT_ACCURACY, lower="long_n128",
                        higher="long_n256"),
    DifferenceAgreement("short CoT's gain over the top two budgets agrees", M.HELDOUT_ACCURACY, lower="short_n128",
                        higher="short_n256"),
)

#: the tiny scale (and, scaled up, the gpu scale: experiments/_gpu_recipes.py, `gpu_scale`)
TINY = ScaleSpec(recipes=SFT_SCALING_TINY, seeds=(0, 1, 2), checks=TINY_CHECKS,
                  deviations=SCALING_DEVIATIONS)

EXPERIMENT = Experiment(
    id="takeaway-3.1",
    title="SFT scaling upper limit: long vs short CoT",
    version=4,
    claim=Claim("SFT with long CoT can scale up to a higher performance upper limit than short CoT.", "§3.1",
                "Figure 1"),
    arms=(
        Arm("long_n32", "long CoT SFT, N=32"), Arm("long_n64", "long CoT SFT, N=64"),
        Arm("long_n128", "long CoT SFT, N=128"), Arm("long_n192", "long CoT SFT, N=192"),
        Arm("long_n256", "long CoT SFT, N=256"),
        Arm("short_n32", "short CoT SFT, N=32"), Arm("short_n64", "short CoT SFT, N=64"),
        Arm("short_n128", "short CoT SFT, N=128"), Arm("short_n256", "short CoT SFT, N=256"),
    ),
    metrics=(MATH500, M.HELDOUT_ACCURACY, M.OOD_ACCURACY, M.SFT_TRAIN_TOKENS, M.MEAN_LENGTH_FINAL, M.KEYWORD_RATE),
    scales={
        "tiny": TINY,
        "gpu": gpu_scale(TINY),
        "paper": ScaleSpec(
            # one recipe per released script, openrlhf/scripts/section_3.1_sft_scaling/*.sh (official repo @ 7cec7017)
            recipes=dict(SFT_SCALING),
            seeds=(42,),
            checks=(
                Directional("long CoT beats short CoT at the largest data size", MATH500,
                            lower="short_n256", higher="long_n256"),
                Directional("long CoT still improves from N=128 to N=256", MATH500,
                            lower="long_n128", higher="long_n256"),
            ),
            deviations=(
                "The number of SFT examples per N is not given; only the token axis of Figure 1 is.",
                "The nine recipes follow the SFT scripts the official repository released after the paper (commit "
                "7cec7017, openrlhf/scripts/section_3.1_sft_scaling/) and train on the released data sets "
                "demystify-long-cot/math-train-{qwq,qwen}-rs-n{N}; that these are the exact runs behind Figure 1 "
                "is assumed.",
            ),
        ),
    },
    changelog={  # one entry per version; Change(..., numbers=False) for a change of checks only
        1: 'declaration (paper scale).',
        2: "paper recipes now mirror the nine released section_3.1_sft_scaling scripts (official repo @ 7cec7017): "
           "hub data set id, script path, ZeRO-2, micro batch 1, chat-template messages; the SFT data is described "
           "by a data-construction field (rejection-sampled, N candidates) instead of free text.",
        3: Change("tiny scale added (issue #14): long (emergent search) vs short CoT SFT at N = 2, 4, 8, 16 traces per "
                  "problem in the headroom world, two epochs; checks declared before the run that becomes the "
                  "reference.", scales=("tiny",)),
        4: Change("gpu scale added (issue #15): the tiny scale's arms with every SFT stage on a 4 x 128 model (8x the "
                  "parameters) on the same data, RL with 4x the prompts per iteration, five seeds, the tiny checks "
                  "(experiments/_gpu_recipes.py, `scale_up`); declared before any run at this scale.",
                  scales=("gpu",)),
    },
)
