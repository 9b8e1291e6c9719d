"""Takeaway 4.6 (optimal discount factors), paper §4.6, Figures 5, 11, Table 5, Table 13.

Cosine reward + repetition penalty with six (gamma_c, gamma_p) pairs: "A lower discount factor effectively enforces the
repetition penalty, whereas a higher discount factor enhances the correctness reward and the exceed-length penalty."
Lower gamma_c increases branching ("short-term thinking", Figure 11).
"""

from experiments._gpu_recipes import headroom_gpu_scale
from experiments._open_recipes import OPEN_T13, open_scale
from experiments._paper_recipes import RL_T13, SFT_LONG_LLAMA
from experiments._tiny_recipes import HEADROOM_DEVIATIONS, HR_T13
from suite.checks import DifferenceAgreement, Directional, table_agreement
from suite.experiment import Arm, Change, Claim, Experiment, ScaleSpec
from suite.metrics import names as M

MATH500 = M.benchmark_accuracy("math500")

#: the tiny scale (and, scaled up, the gpu scale: experiments/_gpu_recipes.py, `headroom_gpu_scale`)
TINY = ScaleSpec(
    recipes={f"gamma_{k}": r for k, r in HR_T13.items()},
    seeds=(0, 1, 2),
    checks=(
        # "a lower discount factor effectively enforces the repetition penalty"
        Directional("a low gamma_p enforces the repetition penalty", M.REPETITION_RATIO,
                    lower="gamma_100_99", higher="gamma_100_100"),
        # "a higher discount factor enhances the correctness reward": gamma_c = 1 beats the lowest gamma_c
        Directional("a high gamma_c beats a low one on held-out accuracy", M.HELDOUT_ACCURACY,
                    lower="gamma_99_99", higher="gamma_100_99"),
        # Figure 11: lowering gamma_c increases branching
        Directional("lower gamma_c increases branching", M.ALTERNATIVELY_CURVE, lower="gamma_100_99",
                    higher="gamma_99_99"),
        DifferenceAgreement("gamma_p 1 - 0.99 repetition agrees", M.REPETITION_RATIO, lower="gamma_100_99",
                            higher="gamma_100_100"),
        DifferenceAgreement("gamma_c 1 - 0.99 held-out accuracy agrees", M.HELDOUT_ACCURACY,
                            lower="gamma_99_99", higher="gamma_100_99"),
        DifferenceAgreement("gamma_c 0.99 - 1 branching agrees", M.ALTERNATIVELY_CURVE, lower="gamma_100_99",
                            higher="gamma_99_99"),
    ),
    deviations=HEADROOM_DEVIATIONS + (
        "Each (gamma_c, gamma_p) of Table 13 is rescaled to the 160-token horizon, gamma ** (14336 / 160): "
        "1 -> 1, 0.999 -> 0.914, 0.99 -> 0.406; arm names keep the paper's values. Branching is the "
        "'alternatively,' count per training response (last quarter of training), not on a benchmark.",
    ),
)

EXPERIMENT = Experiment(
    id="takeaway-4.6",
    title="Different rewards need different discount factors",
    version=5,
    claim=Claim("Different kinds of rewards and penalties have different optimal discount factors.", "§4.6",
                "Figures 5, 11; Table 5"),
    arms=(
        Arm("sft", "the SFT start point (Table 5's first row)"),
        Arm("gamma_100_100", "gamma_c=1, gamma_p=1"), Arm("gamma_100_999", "gamma_c=1, gamma_p=0.999"),
        Arm("gamma_100_99", "gamma_c=1, gamma_p=0.99 (the paper's default)"),
        Arm("gamma_999_999", "gamma_c=0.999, gamma_p=0.999"), Arm("gamma_999_99", "gamma_c=0.999, gamma_p=0.99"),
        Arm("gamma_99_99", "gamma_c=0.99, gamma_p=0.99"),
    ),
    metrics=tuple(M.benchmark_accuracy(b) for b in M.BENCHMARKS) + (M.ALTERNATIVELY_COUNT, M.HELDOUT_ACCURACY,
                                                                    M.REPETITION_RATIO, M.ALTERNATIVELY_CURVE),
    scales={
        "tiny": TINY,
        "gpu": headroom_gpu_scale(TINY),
        "open": open_scale(TINY, {f"gamma_{k}": r for k, r in OPEN_T13.items()},
                           "Each (gamma_c, gamma_p) of Table 13 is rescaled to the 1,024-token horizon, gamma ** "
                           "(14336 / 1024): 1 -> 1, 0.999 -> 0.986, 0.99 -> 0.869; arm names keep the paper's "
                           "values."),
        "paper": ScaleSpec(
            recipes={
                "sft": SFT_LONG_LLAMA,
                "gamma_100_100": RL_T13["100_100"], "gamma_100_999": RL_T13["100_999"],
                "gamma_100_99": RL_T13["100_99"], "gamma_999_999": RL_T13["999_999"],
                "gamma_999_99": RL_T13["999_99"], "gamma_99_99": RL_T13["99_99"],
            },
            seeds=(42,),
            checks=table_agreement(("sft", "gamma_100_100", "gamma_100_999", "gamma_100_99", "gamma_999_999",
                                    "gamma_999_99", "gamma_99_99")) + (
                Directional("a high gamma_c beats a low one (0.99) on MATH-500", MATH500, lower="gamma_99_99",
                            higher="gamma_100_99"),
                Directional("lower gamma_c increases branching", M.ALTERNATIVELY_COUNT, lower="gamma_100_99",
                            higher="gamma_99_99"),
            ),
            deviations=(
                "Table 5's SFT start (50.4 on MATH-500) differs from Table 1's emergent SFT (54.1); the paper does not "
                "explain the difference, so the suite uses one SFT recipe for both (takeaway-3.3's emergent_sft) and "
                "at most one of the two MATH-500 cells can agree with a run.",
            ),
        ),
    },
    # Table 5: gamma_c then gamma_p in the row name (100 = 1.000, 999 = 0.999, 99 = 0.99)
    table_rows={
        "table5:sft_start": "sft",
        "table5:gamma_100_100": "gamma_100_100",
        "table5:gamma_100_999": "gamma_100_999",
        "table5:gamma_100_99": "gamma_100_99",
        "table5:gamma_999_999": "gamma_999_999",
        "table5:gamma_999_99": "gamma_999_99",
        "table5:gamma_99_99": "gamma_99_99",
    },
    changelog={  # one entry per version; Change(..., numbers=False) for a change of checks only
        1: 'declaration (paper scale) with Table 5 as the reference.',
        2: "paper recipes: the SFT arm states its data construction and the released SFT scripts' flags; the RL "
           "recipes gain each gammas_* script's --save_steps (2 or 8), eval-cadence fields (final model only) and a "
           "validated eval preset.",
        3: Change("Tiny scale added on the headroom world (issue #13): the six rescaled (gamma_c, gamma_p) pairs at 8 "
                  "prompts x 4 samples; repetition, held-out accuracy and branching orderings with reproduction "
                  "twins. Declared before the run that became the reference.", scales=("tiny",)),
        4: Change("gpu scale added (issue #15): the tiny scale's arms from the gpu SFT start (4 x 128 model, 4x the "
                  "traces), 4x the prompts per iteration, 1,024 held-out problems, five seeds, the tiny checks "
                  "(experiments/_gpu_recipes.py, `on_gpu`); declared before any run at this scale.",
                  scales=("gpu",)),
        5: Change("open scale added (issue #15): the six Table 13 gamma pairs, rescaled, on "
                  "Qwen2.5-Math-1.5B-Instruct with MATH prompts, a 1,024-token limit, vLLM generation and three "
                  "seeds (experiments/_open_recipes.py), with the tiny scale's checks; declared before any run.",
                  scales=("open",)),
    },
)
