"""Takeaway 3.2 (SFT initialisation for RL), paper §3.2, Figure 1.

RL (PPO, cosine reward + repetition penalty, Table 7: 4 episodes x 4 samples) from the §3.1 SFT checkpoints: "RL can
improve long CoT SFT models by over 3% absolute, while short CoT SFT models have almost the same accuracies before and
after RL" (MATH-500). Per-point values exist only in the Figure 1 plot.

Changelog: v1 declaration (paper scale).
"""

from dataclasses import replace

from experiments._paper_recipes import RL_T7, SFT_LONG_LLAMA, SFT_SHORT_LLAMA
from suite.checks import Directional
from suite.experiment import Arm, Claim, Experiment, ScaleSpec
from suite.metrics import names as M

MATH500 = M.benchmark_accuracy("math500")
LONG_SFT = replace(SFT_LONG_LLAMA, candidates_per_prompt=256)
SHORT_SFT = replace(SFT_SHORT_LLAMA, candidates_per_prompt=256)

EXPERIMENT = Experiment(
    id="takeaway-3.2",
    title="SFT initialisation for RL: long CoT gains more from RL",
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
            deviations=("Which N the Figure 1 RL points start from is not stated; N=256 is assumed.",),
        ),
    },
)
