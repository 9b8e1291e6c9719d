"""Synthetic two-arm finding with a true claim and a false one (which must fail), plus a dependent arm."""

from dataclasses import replace

from suite.checks import Directional
from suite.experiment import Arm, Claim, Experiment, ScaleSpec
from suite.metrics import names as M
from synthetic_experiments._recipes import FinetuneRecipe, NoisyLineRecipe

CLASSIC = NoisyLineRecipe(slope=1.0)
COSINE = replace(CLASSIC, slope=0.2)

EXPERIMENT = Experiment(
    id="synth-shaping",
    title="Synthetic reward shaping",
    claim=Claim("Cosine keeps length below classic.", "§4.2", "synthetic"),
    arms=(Arm("classic", "slope 1"), Arm("cosine", "slope 0.2"), Arm("finetuned", "depends on classic")),
    metrics=(M.RESPONSE_LENGTH, M.HELDOUT_ACCURACY),
    scales={
        "tiny": ScaleSpec(
            recipes={"classic": CLASSIC, "cosine": COSINE, "finetuned": FinetuneRecipe(init=CLASSIC)},
            seeds=(0, 1, 2),
            checks=(
                Directional("cosine length < classic length", M.RESPONSE_LENGTH, lower="cosine", higher="classic"),
                Directional("cosine length > classic length (false on purpose)", M.RESPONSE_LENGTH,
                            lower="classic", higher="cosine"),
            ),
        ),
    },
)
