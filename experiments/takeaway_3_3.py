"""Takeaway 3.3 (long CoT cold start), paper §3.3, Table 1.

Llama-3.1-8B SFT on about 200k samples of *constructed* long CoT (Action Prompting: Qwen2.5-72B-Instruct actions,
o1-mini reflections) vs *emergent* long CoT (QwQ-32B-Preview), then the same RL as §3.2. Emergent patterns generalise
better and gain more from RL.

At tiny scale (the headroom world): SFT on the emergent search (takeaway-3.1's long_n256, the same job) vs on
constructed traces of matched length whose reflections carry no search (experiments/_tiny_recipes.py,
SFT_CONSTRUCTED), each then Table 7's RL (the same RL recipe as takeaway-3.2). Claimed, as Table 1 shows it: emergent
beats constructed out of domain (`seekswap`) after SFT and after RL, beats it in domain after RL, and gains more in
domain from RL (difference in differences).
"""

from dataclasses import replace

from experiments._gpu_recipes import gpu_scale
from experiments._paper_recipes import (
    ONE_SFT_FOR_TWO_TABLES,
    RL_T7,
    SFT_CONSTRUCTED_LLAMA,
    SFT_LONG_LLAMA,
    T7_DEVIATIONS,
)
from experiments._tiny_recipes import SCALING_DEVIATIONS, SFT_CONSTRUCTED, SFT_EMERGENT, rl_t7
from suite.checks import (
    DifferenceAgreement,
    DifferenceInDifferences,
    DifferenceInDifferencesAgreement,
    Directional,
    table_agreement,
)
from suite.experiment import Arm, Change, Claim, Experiment, ScaleSpec
from suite.metrics import names as M

RL_GAIN = dict(treated_before="emergent_sft", treated_after="emergent_sft_rl", control_before="constructed_sft",
               control_after="constructed_sft_rl")

TINY_CHECKS = (
    Directional("emergent beats constructed out of domain after SFT", M.OOD_ACCURACY, lower="constructed_sft",
                higher="emergent_sft"),
    Directional("emergent beats constructed out of domain after RL", M.OOD_ACCURACY, lower="constructed_sft_rl",
                higher="emergent_sft_rl"),
    Directional("emergent beats constructed in domain after RL", M.HELDOUT_ACCURACY, lower="constructed_sft_rl",
                higher="emergent_sft_rl"),
    DifferenceInDifferences("RL gains more in domain from the emergent start", M.HELDOUT_ACCURACY, **RL_GAIN),
    DifferenceAgreement("emergent - constructed out of domain after SFT agrees", M.OOD_ACCURACY,
                        lower="constructed_sft", higher="emergent_sft"),
    DifferenceAgreement("emergent - constructed out of domain after RL agrees", M.OOD_ACCURACY,
                        lower="constructed_sft_rl", higher="emergent_sft_rl"),
    DifferenceAgreement("emergent - constructed in domain after RL agrees", M.HELDOUT_ACCURACY,
                        lower="constructed_sft_rl", higher="emergent_sft_rl"),
    DifferenceInDifferencesAgreement("the difference in in-domain RL gains agrees", M.HELDOUT_ACCURACY, **RL_GAIN),
)

#: the tiny scale (and, scaled up, the gpu scale: experiments/_gpu_recipes.py, `gpu_scale`)
TINY = ScaleSpec(
    recipes={"constructed_sft": SFT_CONSTRUCTED, "emergent_sft": SFT_EMERGENT,
             "constructed_sft_rl": rl_t7(SFT_CONSTRUCTED), "emergent_sft_rl": rl_t7(SFT_EMERGENT)},
    seeds=(0, 1, 2), checks=TINY_CHECKS,
    deviations=(
        *SCALING_DEVIATIONS[:1],
        "Constructed long CoT here is a fixed template, not Action Prompting: `clarify <problem> decompose "
        "step <the straight-line solution> reflect fine`, padded with `reflect fine` to the length of an "
        "emergent trace drawn for the same problem; its reflections carry no search (the paper's o1-mini "
        "reflections carry some). Both SFT sets hold 2,000 problems x 16 traces, trained two epochs.",
        "Out of domain is the `seekswap` family (the same equations written `b + a * x`), never trained on; "
        "the paper's are other benchmarks (AIME 2024, TheoremQA, MMLU-Pro-1k).",
        "RL is takeaway-3.2's scaled Table 7 run (250 iterations of 8 x 4, cosine + repetition penalty, "
        "gamma 1), the same jobs for the emergent arm.",
    ),
)

EXPERIMENT = Experiment(
    id="takeaway-3.3",
    title="Long CoT cold start: emergent vs constructed patterns",
    version=4,
    claim=Claim("SFT initialization matters: high-quality, emergent long CoT patterns lead to significantly better "
                "generalization and RL gains.", "§3.3", "Table 1"),
    arms=(
        Arm("constructed_sft", "SFT on constructed (action-prompted) long CoT"),
        Arm("emergent_sft", "SFT on emergent long CoT distilled from QwQ-32B-Preview"),
        Arm("constructed_sft_rl", "constructed SFT, then RL"),
        Arm("emergent_sft_rl", "emergent SFT, then RL"),
    ),
    metrics=(*(M.benchmark_accuracy(b) for b in M.BENCHMARKS), M.HELDOUT_ACCURACY, M.OOD_ACCURACY,
             M.MEAN_LENGTH_FINAL, M.HELDOUT_ACCURACY_CURVE, M.RESPONSE_LENGTH),
    scales={
        "tiny": TINY,
        "gpu": gpu_scale(TINY),
        "paper": ScaleSpec(
            recipes={
                "constructed_sft": SFT_CONSTRUCTED_LLAMA,
                "emergent_sft": SFT_LONG_LLAMA,
                "constructed_sft_rl": replace(RL_T7, init=SFT_CONSTRUCTED_LLAMA),
                "emergent_sft_rl": RL_T7,
            },
            seeds=(42,),
            checks=table_agreement(("constructed_sft", "emergent_sft", "constructed_sft_rl", "emergent_sft_rl")) + (
                Directional("emergent beats constructed after RL on MMLU-Pro-1k (OOD)",
                            M.benchmark_accuracy("mmlu_pro_1k"), lower="constructed_sft_rl", higher="emergent_sft_rl"),
                Directional("emergent beats constructed after RL on MATH-500",
                            M.benchmark_accuracy("math500"), lower="constructed_sft_rl", higher="emergent_sft_rl"),
            ),
            deviations=(
                "The Action Prompting code is not released (official repo issue #6); the constructed data cannot be "
                "regenerated exactly.",
                ONE_SFT_FOR_TWO_TABLES,
                *T7_DEVIATIONS,
            ),
        ),
    },
    # Table 1: SFT and SFT + RL from constructed vs emergent long CoT
    table_rows={
        "table1:sft_constructed": "constructed_sft",
        "table1:sft_emergent": "emergent_sft",
        "table1:sft_rl_constructed": "constructed_sft_rl",
        "table1:sft_rl_emergent": "emergent_sft_rl",
    },
    changelog={  # one entry per version; Change(..., numbers=False) for a change of checks only
        1: 'declaration (paper scale) with Table 1 as the reference.',
        2: "paper recipes: SFT data described by a data-construction field (emergent: QwQ rejection-sampled, about "
           "200k examples; constructed: Action Prompting, settings not stated) and the released SFT scripts' flags; "
           "the RL recipe gains eval-cadence fields (final model only) and a validated eval preset; the shared SFT "
           "recipe for 54.1/50.4, gamma (1, 1) and the hendrycks grader of Table 7 are stated as deviations.",
        3: Change("tiny scale added (issue #14): emergent vs constructed (fixed template, matched length) SFT in the "
                  "headroom world, each then takeaway-3.2's RL; checks declared before the run that becomes the "
                  "reference.", scales=("tiny",)),
        4: Change("gpu scale added (issue #15): the tiny scale's arms with every SFT stage on a 4 x 128 model (8x the "
                  "parameters) on the same data, RL with 4x the prompts per iteration, five seeds, the tiny checks "
                  "(experiments/_gpu_recipes.py, `scale_up`); declared before any run at this scale.",
                  scales=("gpu",)),
    },
)
