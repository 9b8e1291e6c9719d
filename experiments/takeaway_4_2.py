"""Takeaway 4.2 (active scaling of CoT length), paper §4.2, Figures 4-5, Table 9.

Classic vs cosine reward (and cosine + dense repetition penalty) from the Llama-3.1-8B long-CoT SFT model. The cosine
reward "significantly stabilized the length scaling behavior ... stabilizing the training accuracy and improving RL
efficiency". Figure 5's experiments use Table 9 rows 3-5 (author, official repo issue #5).

Changelog (the version goes up whenever a change can move the numbers; experiments/versions.lock.json holds it):
  v1: declaration (paper scale).
  v2: tiny scale added (the issue-#5 RL probe: classic, cosine, cosine + rep).
  v3: tiny scale moved to the search world, where thinking longer raises accuracy (docs/tiny_world.md).
"""

from experiments._paper_recipes import (
    RL_T9_CLASSIC,
    RL_T9_CLASSIC_8X8,
    RL_T9_COSINE,
    RL_T9_COSINE_8X8,
    RL_T9_COSINE_REP,
)
from experiments._tiny_recipes import RL_CLASSIC, RL_COSINE, RL_COSINE_REP, TINY_DEVIATIONS
from suite.checks import CurveBand, Directional, SeedAgreement
from suite.experiment import Arm, Claim, Experiment, ScaleSpec
from suite.metrics import names as M

EXPERIMENT = Experiment(
    id="takeaway-4.2",
    title="Reward shaping stabilises CoT length",
    version=3,
    claim=Claim("Reward shaping can be used to stabilize and control CoT length while improving accuracy.", "§4.2",
                "Figures 4, 5; Table 9"),
    arms=(
        Arm("classic_8x8", "classic reward, 8 samples, 1 epoch (Table 9 row 1, Figure 4)"),
        Arm("cosine_8x8", "cosine reward, 8 samples, 1 epoch (Table 9 row 2, Figure 4)"),
        Arm("classic", "classic reward, 16 samples, 2 epochs (row 3, Figure 5)"),
        Arm("cosine", "cosine reward (row 4, Figure 5)"),
        Arm("cosine_rep", "cosine reward + dense repetition penalty, gamma_p = 0.99 (row 5, Figure 5)"),
    ),
    metrics=(M.RESPONSE_LENGTH, M.EXCEED_RATE, M.TRAIN_ACCURACY, M.benchmark_accuracy("math500"),
             M.HELDOUT_ACCURACY),
    scales={
        "tiny": ScaleSpec(
            recipes={"classic": RL_CLASSIC, "cosine": RL_COSINE, "cosine_rep": RL_COSINE_REP},
            seeds=(0, 1, 2),
            checks=(
                Directional("cosine keeps length below classic", M.RESPONSE_LENGTH, lower="cosine", higher="classic"),
                Directional("cosine keeps the exceed rate below classic", M.EXCEED_RATE, lower="cosine",
                            higher="classic"),
                Directional("cosine trains to higher accuracy than classic", M.TRAIN_ACCURACY, lower="classic",
                            higher="cosine"),
                Directional("cosine reaches higher held-out accuracy than classic", M.HELDOUT_ACCURACY,
                            lower="classic", higher="cosine"),
                CurveBand("classic length curve within the reference band", M.RESPONSE_LENGTH, arm="classic"),
                CurveBand("cosine length curve within the reference band", M.RESPONSE_LENGTH, arm="cosine"),
                CurveBand("cosine + rep length curve within the reference band", M.RESPONSE_LENGTH, arm="cosine_rep"),
                SeedAgreement("classic held-out accuracy agrees", M.HELDOUT_ACCURACY, arm="classic"),
                SeedAgreement("cosine held-out accuracy agrees", M.HELDOUT_ACCURACY, arm="cosine"),
                SeedAgreement("cosine + rep held-out accuracy agrees", M.HELDOUT_ACCURACY, arm="cosine_rep"),
            ),
            deviations=TINY_DEVIATIONS,
        ),
        "paper": ScaleSpec(
            recipes={"classic_8x8": RL_T9_CLASSIC_8X8, "cosine_8x8": RL_T9_COSINE_8X8, "classic": RL_T9_CLASSIC,
                     "cosine": RL_T9_COSINE, "cosine_rep": RL_T9_COSINE_REP},
            seeds=(42,),
            checks=(
                Directional("cosine keeps length below classic", M.RESPONSE_LENGTH, lower="cosine_8x8",
                            higher="classic_8x8"),
                Directional("cosine keeps the exceed rate below classic", M.EXCEED_RATE, lower="cosine_8x8",
                            higher="classic_8x8"),
                Directional("cosine trains to higher accuracy than classic", M.TRAIN_ACCURACY, lower="classic_8x8",
                            higher="cosine_8x8"),
            ),
            deviations=("Figure 5's MATH-500 start point is below 50% while Table 1 says 54.1; the authors call it a "
                        "typo (official repo issue #1).",),
        ),
    },
)
