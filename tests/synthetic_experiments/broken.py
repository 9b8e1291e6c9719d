"""Synthetic finding whose job raises: the runner must record the error and go on."""

from suite.experiment import Arm, Claim, Experiment, ScaleSpec
from suite.metrics import names as M
from synthetic_experiments._recipes import BrokenRecipe

EXPERIMENT = Experiment(
    id="broken-job",
    title="Synthetic broken job",
    claim=Claim("Never holds.", "§5.2", "synthetic"),
    arms=(Arm("broken", "raises"),),
    metrics=(M.HELDOUT_ACCURACY,),
    scales={"gpu": ScaleSpec(recipes={"broken": BrokenRecipe()}, seeds=(0,))},
)
