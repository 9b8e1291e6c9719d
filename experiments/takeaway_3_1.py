"""Takeaway 3.1 (SFT scaling upper limit), paper §3.1, Figure 1.

Llama-3.1-8B is fine-tuned on rejection-sampled long CoT (QwQ-32B-Preview, N in {32, 64, 128, 192, 256} candidates per
prompt) and short CoT (Qwen2.5-Math-72B-Instruct, N in {32, 64, 128, 256}); SFT tokens grow with N. Long CoT keeps
improving ("over 70% ... has yet to plateau even at 3.5B tokens") while short CoT "converges below 55%".
Figure 1 has no table; only the prose numbers are known, so the paper scale has no numeric reference.
"""

from experiments._paper_recipes import SFT_SCALING
from suite.checks import Directional
from suite.experiment import Arm, Claim, Experiment, ScaleSpec
from suite.metrics import names as M

MATH500 = M.benchmark_accuracy("math500")

EXPERIMENT = Experiment(
    id="takeaway-3.1",
    title="SFT scaling upper limit: long vs short CoT",
    version=2,
    claim=Claim("SFT with long CoT can scale up to a higher performance upper limit than short CoT.", "§3.1",
                "Figure 1"),
    arms=(
        Arm("long_n32", "long CoT SFT, N=32"), Arm("long_n64", "long CoT SFT, N=64"),
        Arm("long_n128", "long CoT SFT, N=128"), Arm("long_n192", "long CoT SFT, N=192"),
        Arm("long_n256", "long CoT SFT, N=256"),
        Arm("short_n32", "short CoT SFT, N=32"), Arm("short_n64", "short CoT SFT, N=64"),
        Arm("short_n128", "short CoT SFT, N=128"), Arm("short_n256", "short CoT SFT, N=256"),
    ),
    metrics=(MATH500,),
    scales={
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
    },
)
