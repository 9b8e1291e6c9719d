"""Takeaway 5.1 (SFT with noisy verifiable data), paper §5.1, Table 2.

Long-CoT SFT on 100% MATH (rejection-sampled), 100% WebInstruct (one unfiltered response per prompt) or a 50/50 mix,
then RL as in §3.2 on MATH train: the mix gives the most balanced performance across in-domain and OOD benchmarks.

Changelog: v1 declaration (paper scale) with Table 2 as the reference.
"""

from dataclasses import replace

from experiments._paper_recipes import RL_T7, SFT_LONG_LLAMA, SFT_MIX, SFT_WEBIT
from suite.checks import Directional, table_agreement
from suite.experiment import Arm, Claim, Experiment, ScaleSpec
from suite.metrics import names as M

EXPERIMENT = Experiment(
    id="takeaway-5.1",
    title="Noisy, diverse SFT data balances performance",
    claim=Claim("Adding noisy but diverse data to SFT leads balanced performance across different tasks.", "§5.1",
                "Table 2"),
    arms=(
        Arm("math_sft", "100% MATH SFT"), Arm("math_sft_rl", "100% MATH SFT, then RL"),
        Arm("webit_sft", "100% WebInstruct SFT"), Arm("webit_sft_rl", "100% WebInstruct SFT, then RL"),
        Arm("mix_sft", "50% MATH + 50% WebInstruct SFT"), Arm("mix_sft_rl", "mix SFT, then RL"),
    ),
    metrics=tuple(M.benchmark_accuracy(b) for b in M.BENCHMARKS) + (M.ACCURACY_AVG,),
    scales={
        "paper": ScaleSpec(
            recipes={
                "math_sft": SFT_LONG_LLAMA, "math_sft_rl": RL_T7,
                "webit_sft": SFT_WEBIT, "webit_sft_rl": replace(RL_T7, init=SFT_WEBIT),
                "mix_sft": SFT_MIX, "mix_sft_rl": replace(RL_T7, init=SFT_MIX),
            },
            seeds=(42,),
            checks=table_agreement(("math_sft", "math_sft_rl", "webit_sft", "webit_sft_rl", "mix_sft", "mix_sft_rl"))
            + (
                Directional("the mix beats 100% MATH on average", M.ACCURACY_AVG, lower="math_sft", higher="mix_sft"),
                Directional("the mix beats 100% WebInstruct on average", M.ACCURACY_AVG, lower="webit_sft",
                            higher="mix_sft"),
                Directional("adding WebInstruct helps MMLU-Pro-1k", M.benchmark_accuracy("mmlu_pro_1k"),
                            lower="math_sft", higher="mix_sft"),
            ),
        ),
    },
    # Table 2, plus Table 3's baseline row, which is Table 2's MATH SFT + RL
    table_rows={
        "table2:math_sft": "math_sft",
        "table2:math_sft_rl": "math_sft_rl",
        "table2:webit_sft": "webit_sft",
        "table2:webit_sft_rl": "webit_sft_rl",
        "table2:mix_sft": "mix_sft",
        "table2:mix_sft_rl": "mix_sft_rl",
        "table3:math_baseline": "math_sft_rl",
    },
)
