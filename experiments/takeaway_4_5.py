"""Takeaway 4.5 (length reward hacking), paper §4.5, Figures 5, 10, 12, Table 12.

With enough compute the model lengthens CoTs "using repetition" and branching (the count of the pivot keyword
"alternatively,") falls; a dense N-gram repetition penalty with a low discount mitigates it. The two arms are the same
runs as Takeaway 4.2's cosine and cosine_rep (the section_4.5 scripts are byte-identical in arguments), so they share
recipes, hashes and jobs.

Changelog: v1 declaration (paper scale).
"""

from experiments._paper_recipes import RL_T9_COSINE, RL_T9_COSINE_REP
from suite.checks import Directional, Trend
from suite.experiment import Arm, Claim, Experiment, ScaleSpec
from suite.metrics import names as M

EXPERIMENT = Experiment(
    id="takeaway-4.5",
    title="Length reward hacking and the repetition penalty",
    claim=Claim("Length rewards will be hacked with enough compute, but this can be mitigated using a repetition "
                "penalty.", "§4.5", "Figures 5, 10; Table 12"),
    arms=(Arm("cosine", "cosine reward, gamma = 1"),
          Arm("cosine_rep", "cosine + dense repetition penalty (N=40, P=-0.05), gamma_c=1, gamma_p=0.99")),
    metrics=(M.RESPONSE_LENGTH, M.REPETITION_RATIO, M.ALTERNATIVELY_CURVE, M.benchmark_accuracy("math500")),
    scales={
        "paper": ScaleSpec(
            recipes={"cosine": RL_T9_COSINE, "cosine_rep": RL_T9_COSINE_REP},
            seeds=(42,),
            checks=(
                Trend("branching ('alternatively,') falls without the penalty", M.ALTERNATIVELY_CURVE, arm="cosine",
                      direction="decreasing"),
                Directional("the penalty lowers repetition", M.REPETITION_RATIO, lower="cosine_rep", higher="cosine"),
                Directional("the penalty shortens CoTs", M.RESPONSE_LENGTH, lower="cosine_rep", higher="cosine"),
                Directional("the penalty improves MATH-500", M.benchmark_accuracy("math500"), lower="cosine",
                            higher="cosine_rep"),
            ),
        ),
    },
)
