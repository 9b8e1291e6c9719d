"""Takeaway 4.3 (cosine reward hyperparameters), paper §4.3, Appendix Figure 9, Table 10.

Rewards A (r0c=0, rLc=+10), B (+6/+5, wrong -10/0) and C (+10/+9, wrong -10/0), each with the repetition penalty:
"if the reward for a correct answer increases with CoT length (r0c < rLc), the CoT length increases explosively", and
"the lower the correct reward relative to the wrong reward, the longer the CoT length" (B longer than C).
"""

from experiments._gpu_recipes import headroom_gpu_scale
from experiments._open_recipes import OPEN_T10, open_scale
from experiments._paper_recipes import RL_T10_A, RL_T10_B, RL_T10_C
from experiments._tiny_recipes import HEADROOM_DEVIATIONS, HR_T10
from suite.checks import ChangeAgreement, DifferenceAgreement, Directional, Trend
from suite.experiment import Arm, Change, Claim, Experiment, ScaleSpec
from suite.metrics import names as M

#: the tiny scale (and, scaled up, the gpu scale: experiments/_gpu_recipes.py, `headroom_gpu_scale`)
TINY = ScaleSpec(
    recipes={"reward_a": HR_T10["a"], "reward_b": HR_T10["b"], "reward_c": HR_T10["c"]},
    seeds=(0, 1, 2),
    checks=(
        # "the CoT length increases explosively" under A: it grows over the first half and ends the longest
        Trend("reward A lengthens CoT over training", M.RESPONSE_LENGTH, arm="reward_a", window=(0.0, 0.5)),
        Directional("reward A lengthens CoT the most", M.RESPONSE_LENGTH, lower="reward_b", higher="reward_a"),
        Directional("a lower correct reward relative to wrong gives longer CoT (B > C)", M.RESPONSE_LENGTH,
                    lower="reward_c", higher="reward_b"),
        # reproduction: the between-reward length differences and A's lengthening, against the reference
        DifferenceAgreement("A - B length agrees", M.RESPONSE_LENGTH, lower="reward_b", higher="reward_a"),
        DifferenceAgreement("B - C length agrees", M.RESPONSE_LENGTH, lower="reward_c", higher="reward_b"),
        ChangeAgreement("reward A's length change agrees", M.RESPONSE_LENGTH, arm="reward_a"),
    ),
    deviations=HEADROOM_DEVIATIONS + (
        "Table 10's rewards keep their values (A: 0 / +10 correct, 0 wrong; B: +6 / +5, -10 / 0; C: +10 / +9, "
        "-10 / 0; exceed -10) on the 160-token limit; 200 iterations of 8 prompts x 4 samples (the scripts' "
        "4 samples; 4 episodes of 512 prompts in the paper).",
    ),
)

EXPERIMENT = Experiment(
    id="takeaway-4.3",
    title="Cosine reward hyperparameters steer length",
    version=5,
    claim=Claim("Cosine Reward can be tuned to incentivize various length scaling behaviors.", "§4.3",
                "Appendix Figure 9; Table 10"),
    arms=(Arm("reward_a", "r0c=0 < rLc=+10: longer correct answers earn more"),
          Arm("reward_b", "r0c=+6, rLc=+5, r0w=-10, rLw=0"),
          Arm("reward_c", "r0c=+10, rLc=+9, r0w=-10, rLw=0")),
    metrics=(M.RESPONSE_LENGTH, M.EXCEED_RATE),
    scales={
        "tiny": TINY,
        "gpu": headroom_gpu_scale(TINY),
        "open": open_scale(TINY, {"reward_a": OPEN_T10["a"], "reward_b": OPEN_T10["b"], "reward_c": OPEN_T10["c"]},
                           "Table 10's rewards keep their values (A: 0 / +10 correct, 0 wrong; B: +6 / +5, -10 / 0; "
                           "C: +10 / +9, -10 / 0; exceed -10) on the 1,024-token limit; 32 prompts x 4 samples per "
                           "iteration (the scripts' 4 samples)."),
        "paper": ScaleSpec(
            recipes={"reward_a": RL_T10_A, "reward_b": RL_T10_B, "reward_c": RL_T10_C},
            seeds=(42,),
            checks=(
                Directional("reward A lengthens CoT the most", M.RESPONSE_LENGTH, lower="reward_b", higher="reward_a"),
                Directional("a lower correct reward relative to wrong gives longer CoT (B > C)", M.RESPONSE_LENGTH,
                            lower="reward_c", higher="reward_b"),
            ),
        ),
    },
    changelog={  # one entry per version; Change(..., numbers=False) for a change of checks only
        1: 'declaration (paper scale).',
        2: "paper recipes: the SFT start point states its data construction and the released SFT scripts' flags; "
           "the RL recipes gain --save_steps 8 and eval-cadence fields (final model only: Figure 9 plots training "
           "length) and a validated eval preset.",
        3: Change("Tiny scale added on the headroom world (issue #13): rewards A, B, C with the repetition penalty "
                  "(N = 16, gamma_p 0.406), 8 prompts x 4 samples; A's lengthening as a first-half trend beside the "
                  "paper-scale orderings; reproduction twins. Declared before the run that became the reference.",
                  scales=("tiny",)),
        4: Change("gpu scale added (issue #15): the tiny scale's arms from the gpu SFT start (4 x 128 model, 4x the "
                  "traces), 4x the prompts per iteration, 1,024 held-out problems, five seeds, the tiny checks "
                  "(experiments/_gpu_recipes.py, `on_gpu`); declared before any run at this scale.",
                  scales=("gpu",)),
        5: Change("open scale added (issue #15): the three Table 10 rewards on Qwen2.5-Math-1.5B-Instruct with MATH "
                  "prompts, a 1,024-token limit, vLLM generation and three seeds (experiments/_open_recipes.py), "
                  "with the tiny scale's checks; declared before any run.",
                  scales=("open",)),
    },
)
