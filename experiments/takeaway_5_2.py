"""Takeaway 5.2 (RL with noisy verifiable data), paper §5.2, Table 3, Table 14.

RL from a WebInstruct-filtered SFT model on 30k WebInstruct prompts x 4 samples: unfiltered vs filtered prompts (kept
when a short-form answer could be extracted and a QwQ response agreed), each with a rule-based (SymEval) or
model-based (LLM judge) verifier. Filtered + rule-based works best; unfiltered + rule-based worst.
"""

from experiments._paper_recipes import (
    RL_T14_JUDGE_FILTERED,
    RL_T14_JUDGE_UNFILTERED,
    RL_T14_RULE_FILTERED,
    RL_T14_RULE_UNFILTERED,
    SFT_WEBIT_FILTERED,
)
from suite.checks import Directional, table_agreement
from suite.experiment import Arm, Claim, Experiment, ScaleSpec
from suite.metrics import names as M

THEOQA = M.benchmark_accuracy("theoremqa")
MMLU = M.benchmark_accuracy("mmlu_pro_1k")

EXPERIMENT = Experiment(
    id="takeaway-5.2",
    title="Verifiable rewards from noisy web data",
    version=2,
    claim=Claim("To obtain reward signals from noisy verifiable data, the ruled-based verifier after filtering the "
                "prompt set for short-form answers works the best.", "§5.2", "Table 3; Table 14"),
    arms=(
        Arm("sft_init", "SFT on filtered WebInstruct (the RL start point)"),
        Arm("unfiltered_rule", "unfiltered prompts, rule-based verifier"),
        Arm("unfiltered_model", "unfiltered prompts, model-based verifier"),
        Arm("filtered_rule", "filtered prompts, rule-based verifier"),
        Arm("filtered_model", "filtered prompts, model-based verifier"),
    ),
    metrics=tuple(M.benchmark_accuracy(b) for b in M.BENCHMARKS),
    scales={
        "paper": ScaleSpec(
            recipes={
                "sft_init": SFT_WEBIT_FILTERED,
                "unfiltered_rule": RL_T14_RULE_UNFILTERED, "unfiltered_model": RL_T14_JUDGE_UNFILTERED,
                "filtered_rule": RL_T14_RULE_FILTERED, "filtered_model": RL_T14_JUDGE_FILTERED,
            },
            seeds=(42,),
            checks=table_agreement(("sft_init", "unfiltered_rule", "unfiltered_model", "filtered_rule",
                                    "filtered_model")) + (
                Directional("filtering helps the rule-based verifier on TheoremQA", THEOQA, lower="unfiltered_rule",
                            higher="filtered_rule"),
                Directional("filtering helps the rule-based verifier on MMLU-Pro-1k", MMLU, lower="unfiltered_rule",
                            higher="filtered_rule"),
            ),
            deviations=(
                "The judge model is Qwen2.5-Math-7B-Instruct in §5.2 but Qwen2.5-7B-Instruct in App. E.6; the suite "
                "follows App. E.6 (the appendix describes the run configuration).",
                "The WebInstruct-462k filtering code is not released; the SFT recipe encodes App. E.7's procedure "
                "(Llama-3.1-8B-Instruct extracts a short-form answer greedily with 512 tokens, QwQ-32B-Preview draws 2 "
                "responses per prompt, matching responses are kept), and the grader that matched answers is not "
                "stated.",
                "The model-based verifier keeps the official parser (judge.official_parser = True): it compares the "
                "verdict word case-sensitively, so \"Judgement: Correct\" scores 0, and the paper's runs were rewarded "
                "that way. The suite's own judge grader (suite/verify/judge.py) fixes this by default; set "
                "judge.official_parser = false to train with the fix.",
            ),
        ),
    },
    # Table 3 (its baseline row, table3:math_baseline, is Table 2's MATH SFT + RL: see takeaway_5_1)
    table_rows={
        "table3:sft_init": "sft_init",
        "table3:unfiltered_rule": "unfiltered_rule",
        "table3:unfiltered_model": "unfiltered_model",
        "table3:filtered_rule": "filtered_rule",
        "table3:filtered_model": "filtered_model",
    },
    changelog={  # one entry per version; Change(..., numbers=False) for a change of checks only
        1: 'declaration (paper scale) with Table 3 as the reference.',
        2: "paper recipes: the judge arms carry the verifier's settings as a recipe field (model, 16 vLLM engines, "
           "last 20 lines, temperature 0, 1,024 tokens, and official_parser = True, the fork's case-sensitive "
           "verdict parser the paper's runs used); the filtered-WebInstruct SFT states its data construction "
           "(extractor, 2 samples, keep matching); RL recipes gain eval-cadence fields and a validated eval preset.",
    },
)
