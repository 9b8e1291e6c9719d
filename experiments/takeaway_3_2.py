"""Takeaway 3.2 (SFT initialisation for RL), paper §3.2, Figure 1.

RL (PPO, cosine reward + repetition penalty, Table 7: 4 episodes x 4 samples) from the §3.1 SFT checkpoints: "RL can
improve long CoT SFT models by over 3% absolute, while short CoT SFT models have almost the same accuracies before and
after RL" (MATH-500). Per-point values exist only in the Figure 1 plot.
"""

from dataclasses import replace

from experiments._paper_recipes import RL_T7, SFT_SCALING, T7_DEVIATIONS
from suite.checks import Directional
from suite.experiment import Arm, Claim, Experiment, ScaleSpec
from suite.metrics import names as M

MATH500 = M.benchmark_accuracy("math500")
LONG_SFT = SFT_SCALING["long_n256"]  # = takeaway-3.1's long_n256 (section_3.1 script, N=256): one shared job
SHORT_SFT = SFT_SCALING["short_n256"]

EXPERIMENT = Experiment(
    id="takeaway-3.2",
    title="SFT initialisation for RL: long CoT gains more from RL",
    version=2,
    claim=Claim("SFT with long CoTs makes further RL improvement easier, while short CoTs do not.", "§3.2",
                "Figure 1"),
    arms=(
        Arm("long_sft", "long CoT SFT (N=256)"), Arm("long_sft_rl", "long CoT SFT, then RL (Table 7)"),
        Arm("short_sft", "short CoT SFT (N=256)"), Arm("short_sft_rl", "short CoT SFT, then RL (Table 7)"),
    ),
    metrics=(MATH500,),
    scales={
        "paper": ScaleSpec(
            recipes={
                "long_sft": LONG_SFT, "long_sft_rl": replace(RL_T7, init=LONG_SFT),
                "short_sft": SHORT_SFT, "short_sft_rl": replace(RL_T7, init=SHORT_SFT),
            },
            seeds=(42,),
            checks=(
                Directional("RL improves the long-CoT SFT model", MATH500, lower="long_sft", higher="long_sft_rl",
                            min_effect=0.0),
            ),
            deviations=(
                "Which N the Figure 1 RL points start from is not stated; N=256 is assumed (the released "
                "section_3.1 scripts' N=256 SFT runs, shared with takeaway-3.1).",
                *T7_DEVIATIONS,
            ),
        ),
    },
    changelog={  # one entry per version; Change(..., numbers=False) for a change of checks only
        1: 'declaration (paper scale).',
        2: "paper recipes: the SFT arms are takeaway-3.1's N=256 script recipes (section_3.1_sft_scaling, official "
           "repo @ 7cec7017), with a data-construction field; the RL recipe gains eval-cadence fields (final model "
           "only) and a validated eval preset; gamma (1, 1) and the hendrycks grader of Table 7 are stated as "
           "deviations.",
    },
)
