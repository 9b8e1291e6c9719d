"""Takeaway 4.1 (CoT length stability), paper §4.1, Figure 2, Table 8.

PPO with the classic reward (1 correct / 0 wrong / 0 exceed) from long-CoT SFT models with a 16K context: length grows
toward the context limit, the exceed rate rises and levels off below 1, and accuracy collapses once length saturates
("the red points ... correspond to the iteration where the accuracy dropped to near zero"). Figure 2 has no table.

Changelog (the version goes up whenever a change can move the numbers; experiments/versions.lock.json holds it):
  v1: declaration (paper scale).
  v2: tiny scale added (the issue-#5 RL probe's classic arm, shared with 4.2).
  v3: tiny scale moved to the search world, where thinking longer raises accuracy (docs/tiny_world.md).
"""

from experiments._paper_recipes import RL_T8_LLAMA_CLASSIC, RL_T8_QWEN_CLASSIC
from experiments._tiny_recipes import RL_CLASSIC, TINY_DEVIATIONS
from suite.checks import CurveBand, SeedAgreement, Trend
from suite.experiment import Arm, Claim, Experiment, ScaleSpec
from suite.metrics import names as M

EXPERIMENT = Experiment(
    id="takeaway-4.1",
    title="CoT length stability under the classic reward",
    version=3,
    claim=Claim("CoT length does not always scale up in a stable fashion.", "§4.1", "Figure 2; Table 8"),
    arms=(Arm("llama_classic", "Llama-3.1-8B long-CoT SFT, classic reward"),
          Arm("qwen_classic", "Qwen2.5-Math-7B long-CoT SFT, classic reward"),
          Arm("classic", "tiny search-world SFT model, classic reward (tiny scale)")),
    metrics=(M.RESPONSE_LENGTH, M.RESPONSE_LENGTH_TERMINATED, M.EXCEED_RATE, M.TRAIN_ACCURACY, M.HELDOUT_ACCURACY),
    scales={
        "tiny": ScaleSpec(
            recipes={"classic": RL_CLASSIC},
            seeds=(0, 1, 2),
            checks=(
                Trend("length grows under the classic reward", M.RESPONSE_LENGTH, arm="classic"),
                Trend("the exceed rate rises", M.EXCEED_RATE, arm="classic"),
                CurveBand("length curve within the reference band", M.RESPONSE_LENGTH, arm="classic"),
                CurveBand("exceed-rate curve within the reference band", M.EXCEED_RATE, arm="classic"),
                SeedAgreement("held-out accuracy agrees with the reference", M.HELDOUT_ACCURACY, arm="classic"),
            ),
            deviations=TINY_DEVIATIONS,
        ),
        "paper": ScaleSpec(
            recipes={"llama_classic": RL_T8_LLAMA_CLASSIC, "qwen_classic": RL_T8_QWEN_CLASSIC},
            seeds=(42,),
            checks=(
                Trend("Llama length grows toward the context limit", M.RESPONSE_LENGTH, arm="llama_classic",
                      direction="increasing"),
                Trend("Llama exceed rate rises", M.EXCEED_RATE, arm="llama_classic", direction="increasing"),
                Trend("Qwen length grows toward the context limit", M.RESPONSE_LENGTH, arm="qwen_classic",
                      direction="increasing"),
            ),
            deviations=(
                "Figure 2(c)'s length of terminated CoTs is the quantity the official code logs as "
                "response_length_terminated: every sample's length times (not exceeded), averaged over all samples, so "
                "an exceeded sample counts as 0 and the value is not a mean over terminated samples "
                "(eddycmu/demystify-long-cot, openrlhf/openrlhf/trainer/ppo_trainer.py, training_step_actor).",
            ),
        ),
    },
)
