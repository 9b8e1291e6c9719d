"""Synthetic 'length grows' finding: one arm, a trend claim, reproduction checks against a stored reference."""

from dataclasses import replace

from suite.checks import CurveBand, ScalarTolerance, SeedAgreement, Trend
from suite.experiment import Arm, Claim, Experiment, ScaleSpec
from suite.metrics import names as M
from synthetic_experiments._recipes import NoisyLineRecipe, PaperOnlyRecipe

BASE = NoisyLineRecipe()

EXPERIMENT = Experiment(
    id="synth-length",
    title="Synthetic length growth",
    claim=Claim("Length grows under the classic reward.", "§4.1", "synthetic"),
    arms=(Arm("classic", "slope 1"),),
    metrics=(M.RESPONSE_LENGTH, M.HELDOUT_ACCURACY),
    scales={
        "tiny": ScaleSpec(
            recipes={"classic": BASE},
            seeds=(0, 1, 2),
            checks=(
                Trend("length grows", M.RESPONSE_LENGTH, arm="classic", direction="increasing"),
                CurveBand("length curve matches reference", M.RESPONSE_LENGTH, arm="classic"),
                SeedAgreement("held-out accuracy agrees", M.HELDOUT_ACCURACY, arm="classic"),
                ScalarTolerance("held-out accuracy near 0.5", M.HELDOUT_ACCURACY, arm="classic", expected=0.5,
                                abs_tol=0.2),
            ),
            deviations=("Synthetic stand-in for a training run.",),
        ),
        "gpu": ScaleSpec(recipes={"classic": replace(BASE, steps=40)}, seeds=(0,)),
        "paper": ScaleSpec(recipes={"classic": PaperOnlyRecipe()}, seeds=(42,)),
    },
)
