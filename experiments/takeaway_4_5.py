"""Takeaway 4.5 (length reward hacking), paper §4.5, Figures 5, 10, 12, Table 12.

With enough compute the model lengthens CoTs "using repetition" and branching (the count of the pivot keyword
"alternatively,") falls; a dense N-gram repetition penalty with a low discount mitigates it. The two arms are the same
runs as Takeaway 4.2's cosine and cosine_rep (the section_4.5 scripts are byte-identical in arguments), so they share
recipes, hashes and jobs.

In the headroom world (tiny and gpu scales) the hacking is looked for where the paper saw it, on hard questions: the
two widest ranges (R = 30 and 40), whose length, repetition and branching the cosine arms log on their own
(`HARD_FROM`, measurement only). The penalty's effect on repetition and length is read over all prompts, as Figure 12
plots the training response length.
"""

from experiments._gpu_recipes import GPU_COSINE, GPU_COSINE_REP, GPU_DEVIATIONS, GPU_SEEDS
from experiments._open_recipes import OPEN_COSINE, OPEN_COSINE_REP, OPEN_DEVIATIONS, OPEN_SEEDS
from experiments._paper_recipes import RL_T9_COSINE, RL_T9_COSINE_REP
from experiments._tiny_recipes import HEADROOM_DEVIATIONS, HR_COSINE, HR_COSINE_REP
from suite.checks import ChangeAgreement, DifferenceAgreement, Directional, Trend
from suite.experiment import Arm, Change, Claim, Experiment, ScaleSpec
from suite.metrics import names as M

#: The claim at every scale: with a length reward the cosine run lengthens by repetition and branches less (judged on
#: the second half of training, "with enough compute"), and the repetition penalty lowers repetition and length.
HACKING_CHECKS = (
    Trend("repetition grows late in training without the penalty", M.REPETITION_RATIO, arm="cosine",
          direction="increasing", window=(0.5, 1.0)),
    Trend("branching ('alternatively,') falls without the penalty", M.ALTERNATIVELY_CURVE, arm="cosine",
          direction="decreasing"),
    Directional("the penalty lowers repetition", M.REPETITION_RATIO, lower="cosine_rep", higher="cosine"),
    Directional("the penalty shortens CoTs", M.RESPONSE_LENGTH, lower="cosine_rep", higher="cosine"),
)

#: The claim in the headroom world, on hard problems as §4.5 states it: without the penalty the cosine run lengthens
#: its hard-problem CoTs late in training, by repetition, while branching on them falls; the penalty lowers repetition
#: and length
HARD_HACKING_CHECKS = (
    Trend("hard-problem CoTs lengthen late in training without the penalty", M.RESPONSE_LENGTH_HARD, arm="cosine",
          direction="increasing", window=(0.5, 1.0)),
    Trend("repetition on hard problems grows late in training without the penalty", M.REPETITION_RATIO_HARD,
          arm="cosine", direction="increasing", window=(0.5, 1.0)),
    Trend("branching ('alternatively,') on hard problems falls without the penalty", M.ALTERNATIVELY_CURVE_HARD,
          arm="cosine", direction="decreasing"),
    *HACKING_CHECKS[2:],
)

#: The headroom world's checks (tiny and gpu scales): the claim, and reproduction twins for the penalty's effects and
#: the cosine arm's changes (all prompts and hard problems), against the reference
HEADROOM_CHECKS = (
    *HARD_HACKING_CHECKS,
    DifferenceAgreement("cosine - cosine + repetition repetition ratio agrees", M.REPETITION_RATIO,
                        lower="cosine_rep", higher="cosine"),
    DifferenceAgreement("cosine - cosine + repetition length agrees", M.RESPONSE_LENGTH,
                        lower="cosine_rep", higher="cosine"),
    ChangeAgreement("repetition change without the penalty agrees", M.REPETITION_RATIO, arm="cosine"),
    ChangeAgreement("branching change without the penalty agrees", M.ALTERNATIVELY_CURVE, arm="cosine"),
    ChangeAgreement("hard-problem repetition change without the penalty agrees", M.REPETITION_RATIO_HARD,
                    arm="cosine"),
    ChangeAgreement("hard-problem branching change without the penalty agrees", M.ALTERNATIVELY_CURVE_HARD,
                    arm="cosine"),
)

HARD_PROMPTS = ("'Hard questions' are the problems of the two widest ranges (R = 30 and 40 of 10-40), 62% of the "
                "training prompts (a wide range holds more distinct problems); the paper does not say how it picked "
                "hard questions. The arms are "
                "takeaway-4.2's cosine and cosine_rep runs (same recipes, same jobs), 200 iterations of 64 samples, "
                "which is what 'enough compute' means here.")

EXPERIMENT = Experiment(
    id="takeaway-4.5",
    title="Length reward hacking and the repetition penalty",
    claim=Claim("Length rewards will be hacked with enough compute, but this can be mitigated using a repetition "
                "penalty.", "§4.5", "Figures 5, 10; Table 12"),
    arms=(Arm("cosine", "cosine reward, gamma = 1"),
          Arm("cosine_rep", "cosine + dense repetition penalty (N=40, P=-0.05), gamma_c=1, gamma_p=0.99")),
    metrics=(M.RESPONSE_LENGTH, M.REPETITION_RATIO, M.ALTERNATIVELY_CURVE, M.RESPONSE_LENGTH_HARD,
             M.REPETITION_RATIO_HARD, M.ALTERNATIVELY_CURVE_HARD, M.benchmark_accuracy("math500")),
    scales={
        "tiny": ScaleSpec(recipes={"cosine": HR_COSINE, "cosine_rep": HR_COSINE_REP}, seeds=(0, 1, 2),
                          checks=HEADROOM_CHECKS, deviations=HEADROOM_DEVIATIONS + (HARD_PROMPTS,)),
        "gpu": ScaleSpec(recipes={"cosine": GPU_COSINE, "cosine_rep": GPU_COSINE_REP}, seeds=GPU_SEEDS,
                         checks=HEADROOM_CHECKS,
                         deviations=GPU_DEVIATIONS + HEADROOM_DEVIATIONS[1:] + (
                             "'Hard questions' are the problems of the two widest ranges (R = 30 and 40); the arms "
                             "are takeaway-4.2's gpu-scale cosine and cosine_rep runs, 200 iterations of 256 "
                             "samples.",)),
        "open": ScaleSpec(recipes={"cosine": OPEN_COSINE, "cosine_rep": OPEN_COSINE_REP}, seeds=OPEN_SEEDS,
                          checks=HEADROOM_CHECKS,
                          deviations=OPEN_DEVIATIONS + (
                              "'Hard questions' are MATH's level-5 problems (the problem files' `level`); the paper "
                              "does not say how it picked hard questions. The arms are takeaway-4.2's open-scale "
                              "cosine and cosine_rep runs, 40 iterations of 256 samples.",)),
        "paper": ScaleSpec(
            recipes={"cosine": RL_T9_COSINE, "cosine_rep": RL_T9_COSINE_REP},
            seeds=(42,),
            checks=(
                *HACKING_CHECKS,
                Directional("the penalty improves MATH-500", M.benchmark_accuracy("math500"), lower="cosine",
                            higher="cosine_rep"),
            ),
            deviations=(
                "Figure 5's MATH-500 curve comes from evaluating checkpoints during training, but the scripts set "
                "no evaluation cadence (no --eval_steps; PPO's evaluation hook is a no-op in the fork's OpenRLHF); "
                "they save a checkpoint every 8 iterations (--save_steps 8), and the recipes assume each saved "
                "checkpoint was evaluated on MATH-500 with the paper preset (eval_every_steps = 8).",
                "Repetition and branching are read over all training prompts: an engine's training log (OpenRLHF's, "
                "verl's) has no per-difficulty split, so the 'hard questions' of §4.5 cannot be separated at this "
                "scale; the tiny and gpu scales read them on hard problems.",
            ),
        ),
    },
    version=9,
    changelog={  # one entry per version; Change(..., numbers=False) for a change of checks only
        1: 'declaration (paper scale).',
        2: Change("Adds the shape of the hacking (issue #10): repetition rises over the second half of the cosine run "
                  "(Figure 10); single-run checks decide from within-run errors (Newey-West for curves).",
                  numbers=False),
        3: Change("The paper recipes (shared with takeaway-4.2's cosine and cosine_rep) state how the SFT data was "
                  "built and evaluate MATH-500 every 8 iterations; a deviation says so.", scales=("paper",)),
        4: Change("Tiny scale added on the headroom world (issue #13): takeaway-4.2's cosine and cosine_rep arms "
                  "(repetition N = 16 tokens, gamma_p 0.406), the paper-scale claim checks plus reproduction twins; "
                  "declared before the run that became the reference.", scales=("tiny",)),
        5: Change("gpu scale added (issue #15): the tiny scale's checks on takeaway-4.2's gpu-scale cosine and "
                  "cosine_rep runs (experiments/_gpu_recipes.py), declared before the run that becomes its reference.",
                  scales=("gpu",)),
        6: Change("The claim looked for on hard questions, as §4.5 states it (issue #13): the cosine arms now log "
                  "length, repetition and branching on the two widest ranges (R >= 30, `HARD_FROM`; measurement only, "
                  "the trajectory is the same), and the claim's trends are read there: hard-problem CoTs lengthen "
                  "and repeat more over the second half, branching on them falls. They replace the same trends over "
                  "all prompts, whose v4 result (repetition fell, branching did not fall) was known; the hard-problem "
                  "curves had never been measured. Reproduction twins for the hard-problem changes added. The "
                  "recipes' hashes change (the new field), so the tiny reference is re-promoted from a run after "
                  "this declaration.", scales=("tiny", "gpu")),
        7: Change("Deviation text corrected after the v6 run: hard problems are 62% of the training prompts (that "
                  "run's `hard_share`), not 'about half'; the wide ranges hold more distinct problems. No check or "
                  "recipe changed.", numbers=False),
        8: Change("Paper scale: a deviation says that its repetition and branching trends are read over all "
                  "training prompts, since an engine's log has no per-difficulty split. No check or recipe changed.",
                  numbers=False),
        9: Change("open scale added (issue #15): the tiny scale's checks, hard problems included, on takeaway-4.2's "
                  "open-scale cosine and cosine_rep runs (Qwen2.5-Math-1.5B-Instruct, MATH prompts, hard = level 5; "
                  "experiments/_open_recipes.py); declared before any run.", scales=("open",)),
    },
)
