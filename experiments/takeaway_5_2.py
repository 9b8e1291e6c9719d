"""Takeaway 5.2 (RL with noisy verifiable data), paper §5.2, Table 3, Table 14.

RL from a WebInstruct-filtered SFT model on 30k WebInstruct prompts x 4 samples: unfiltered vs filtered prompts (kept
when a short-form answer could be extracted and a QwQ response agreed), each with a rule-based (SymEval) or
model-based (LLM judge) verifier. Filtered + rule-based works best; unfiltered + rule-based worst.

At tiny scale (the headroom world): a WebInstruct-like pool of `seek`, `chain` and `solve` training problems, each with
one raw reference solution (a web-like response, 30% wrong, whose answer is boxed, written without the box, or not
stated); the filter keeps a prompt when its reference has a boxed answer that one of two teacher responses agrees
with (37% of the pool). The RL start is SFT on the agreeing teacher responses. RL (Table 14 scaled: one episode, the
same 1,600 prompts' worth for every arm, cosine + repetition penalty) draws its prompts from the whole pool or the
filtered part, graded by the rule (boxed answer against boxed answer) or by a judge: a small model trained in the tiny
world to read the end of the reference and of the response, whose error profile is reported. Every model is scored
by the truth on `seek`, `chain`, `solve` and `seekswap`. Claimed, as Table 3 shows it: filtered + rule-based is at
least as good as every other arm and better than unfiltered + rule-based; unfiltered + rule-based is the worst.
"""

from experiments._gpu_recipes import gpu_scale
from experiments._paper_recipes import (
    RL_T14_JUDGE_FILTERED,
    RL_T14_JUDGE_UNFILTERED,
    RL_T14_RULE_FILTERED,
    RL_T14_RULE_UNFILTERED,
    SFT_WEBIT_FILTERED,
)
from experiments._tiny_recipes import (
    JUDGE,
    MIX_EVAL,
    NON_INFERIORITY,
    RL_NOISY_TINY,
    SCALING_DEVIATIONS,
    SFT_WEB_FILTERED,
)
from suite.checks import DifferenceAgreement, Directional, SeedAgreement, table_agreement
from suite.experiment import Arm, Change, Claim, Experiment, ScaleSpec
from suite.metrics import names as M

THEOQA = M.benchmark_accuracy("theoremqa")
MMLU = M.benchmark_accuracy("mmlu_pro_1k")
AVG = M.FAMILY_ACCURACY_MEAN
RL_ARMS = ("unfiltered_rule", "unfiltered_model", "filtered_rule", "filtered_model")


def _ordered(name, lower, higher, min_effect=0.0):
    """Table 3's ordering between two RL arms, paired by seed (v4): every RL arm of a seed starts from that seed's
    one SFT model, whose seed-to-seed spread is not a difference between the arms."""
    return Directional(name, AVG, lower=lower, higher=higher, min_effect=min_effect, paired=True)


TINY_CHECKS = (
    # Table 3's pattern on the four families' mean (Table 3 reads all four benchmarks; "out of domain" there means
    # beyond MATH, which the web-like families `chain` and `solve` stand for here)
    _ordered("filtered + rule beats unfiltered + rule", "unfiltered_rule", "filtered_rule"),
    _ordered("filtered + rule is at least as good as filtered + model", "filtered_model", "filtered_rule",
             -NON_INFERIORITY),
    _ordered("filtered + rule is at least as good as unfiltered + model", "unfiltered_model", "filtered_rule",
             -NON_INFERIORITY),
    _ordered("unfiltered + rule is worse than unfiltered + model", "unfiltered_rule", "unfiltered_model"),
    _ordered("unfiltered + rule is worse than filtered + model", "unfiltered_rule", "filtered_model"),
    DifferenceAgreement("filtered - unfiltered (rule) agrees", AVG, lower="unfiltered_rule", higher="filtered_rule"),
    DifferenceAgreement("model - rule (unfiltered) agrees", AVG, lower="unfiltered_rule", higher="unfiltered_model"),
    DifferenceAgreement("rule - model (filtered) agrees", AVG, lower="filtered_model", higher="filtered_rule"),
    DifferenceAgreement("filtered + rule - SFT start agrees", AVG, lower="sft_init", higher="filtered_rule"),
    SeedAgreement("the judge's held-out accuracy agrees", M.JUDGE_ACCURACY, arm="judge"),
)

#: the tiny scale (and, scaled up, the gpu scale: experiments/_gpu_recipes.py, `gpu_scale`)
TINY = ScaleSpec(
    recipes={"sft_init": SFT_WEB_FILTERED, **RL_NOISY_TINY, "judge": JUDGE},
    seeds=(0, 1, 2), checks=TINY_CHECKS,
    deviations=(
        SCALING_DEVIATIONS[0],
        "WebInstruct is stood for by a pool of 2,500 `seek`, 2,500 `chain` and ~500 `solve` training "
        "problems, each with one raw reference solution: a web-like response (answer only, straight line or "
        "the long search), 30% with a wrong answer, whose answer is boxed (60%), written without the box "
        "(`so 7`, 30%) or not stated (10%). The filter (App. E.7) keeps a prompt whose reference has a boxed "
        "answer that one of two responses of the world's teacher (the headroom search, with slips, rechecks "
        "and give-ups) agrees with: 37% of the pool, against the paper's 25%.",
        "The RL start is SFT on the teacher responses that agreed (App. E.7's matching responses), 1,500 "
        "steps of 32, as the headroom world's SFT.",
        "The model-based verifier is a judge trained in the tiny world (suite/tiny/judge.py), not "
        "Qwen2.5-7B-Instruct: a 2-layer transformer with a scalar head that reads the last 20 words of the "
        "reference and of the response and says whether the response's final answer agrees with the "
        "reference, trained on generated pairs (3,000 steps of 64). Its error profile on held-out pairs is "
        "the `judge` arm's scalars, and its disagreement with the truth during RL is logged per step.",
        "RL is Table 14 scaled: cosine + repetition penalty (N = 16 tokens, gammas (1, 0.406) rescaled to the "
        "160-token horizon), 4 samples per prompt, one episode of 1,600 prompts (200 iterations of 8) for "
        "every arm, drawn from the whole pool or the filtered part, as the paper trains both on 30k prompts; "
        "actor LR 1e-4 as every tiny RL recipe.",
        "Table 3's four benchmarks are the four families of takeaway-5.1 (`seek`, `chain`, `solve` and "
        "`seekswap`, 512 held-out problems each, `solve` 128), scored by the truth; the claim checks read "
        "their mean (AVG). 'At least as good' is non-inferiority with a 3-point margin.",
    ),
)

EXPERIMENT = Experiment(
    id="takeaway-5.2",
    title="Verifiable rewards from noisy web data",
    version=5,
    claim=Claim("To obtain reward signals from noisy verifiable data, the ruled-based verifier after filtering the "
                "prompt set for short-form answers works the best.", "§5.2", "Table 3; Table 14"),
    arms=(
        Arm("sft_init", "SFT on filtered WebInstruct (the RL start point)"),
        Arm("unfiltered_rule", "unfiltered prompts, rule-based verifier"),
        Arm("unfiltered_model", "unfiltered prompts, model-based verifier"),
        Arm("filtered_rule", "filtered prompts, rule-based verifier"),
        Arm("filtered_model", "filtered prompts, model-based verifier"),
        Arm("judge", "the model-based verifier itself (tiny scale: a judge trained in the tiny world)"),
    ),
    metrics=tuple(M.benchmark_accuracy(b) for b in M.BENCHMARKS) + (
        AVG, M.FAMILY_ACCURACY_SPREAD, *(f"heldout_accuracy/{f}" for f in MIX_EVAL), M.OOD_ACCURACY,
        M.HELDOUT_ACCURACY, M.HELDOUT_ACCURACY_CURVE, M.TRAIN_ACCURACY, M.TRAIN_ACCURACY_TRUE,
        M.REWARD_FALSE_POSITIVE_RATE, M.REWARD_FALSE_NEGATIVE_RATE, M.RESPONSE_LENGTH, M.EXCEED_RATE,
        M.JUDGE_ACCURACY, M.JUDGE_FALSE_POSITIVE_RATE, M.JUDGE_FALSE_NEGATIVE_RATE, M.JUDGE_ACCURACY_VS_TRUTH,
        M.JUDGE_FALSE_POSITIVE_RATE_VS_TRUTH, M.JUDGE_FALSE_NEGATIVE_RATE_VS_TRUTH, M.JUDGE_LOSS),
    scales={
        "tiny": TINY,
        "gpu": gpu_scale(TINY),
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
        3: Change("tiny scale added (issue #14): a noisy web-like prompt pool with raw references, the paper's filter, "
                  "a rule-based verifier and a judge trained in the tiny world; checks declared before any run.",
                  scales=("tiny",)),
        4: Change("tiny checks only: the five ordering checks pair the arms by seed (Directional(paired=True)) instead "
                  "of Welch across seeds. Changed AFTER seeing v3's run (seeds 0-2): there the Welch tests left three "
                  "of the five inconclusive while every seed showed each step of the ordering, because the spread of "
                  "the shared SFT start across seeds (family mean 0.36-0.48) swamps differences between arms that start "
                  "from it. Declared (this commit) before a confirmatory run on fresh seeds 3-5, which is what tests "
                  "the paired reading (docs/tiny_rl.md, 'Takeaway 5.2'); the reference stays v3's run.",
                  numbers=False),
        5: Change("gpu scale added (issue #15): the tiny scale's arms with every SFT stage on a 4 x 128 model (8x the "
                  "parameters) on the same data, RL with 4x the prompts per iteration, five seeds, the tiny checks "
                  "(experiments/_gpu_recipes.py, `scale_up`); declared before any run at this scale.",
                  scales=("gpu",)),
    },
)
