"""Master list of metric names, like a logging-constants file: a typo is an import error, not a silent miss.

Every metric declares its unit, its direction (`higher_is_better`, None when neither is better) and whether it is a
scalar per seed or a curve over training steps. Experiments and checks refer to these constants only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from suite.metrics.keywords import KEYWORDS  # the five §6.1 keywords, each with rate and per-token metrics
from suite.tiny.task import FAMILIES as TINY_FAMILIES  # the tiny families, each with a held-out accuracy metric

Shape = Literal["scalar", "curve"]


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    higher_is_better: bool | None
    shape: Shape
    description: str


CATALOG: dict[str, Metric] = {}


def _metric(name: str, unit: str, higher_is_better: bool | None, shape: Shape, description: str) -> str:
    if name in CATALOG:
        raise ValueError(f"metric {name!r} registered twice")
    CATALOG[name] = Metric(name, unit, higher_is_better, shape, description)
    return name


def lookup(name: str) -> Metric:
    from suite.errors import UserError

    try:
        return CATALOG[name]
    except KeyError:
        raise UserError(f"unknown metric {name!r}; known metrics: {', '.join(sorted(CATALOG))}") from None


def benchmark_accuracy(benchmark: str) -> str:
    """Name of the accuracy metric on one benchmark, e.g. `accuracy/math500`."""
    return f"accuracy/{benchmark}"


# --- Evaluation scalars (one value per seed) --------------------------------------------------------------------------
BENCHMARKS = ("math500", "aime24", "theoremqa", "mmlu_pro_1k")
for _b in BENCHMARKS:
    _metric(benchmark_accuracy(_b), "fraction", True, "scalar", f"accuracy on {_b} (mean over samples)")
ACCURACY_AVG = _metric("accuracy/avg", "fraction", True, "scalar", "mean accuracy over the four benchmarks")

# Tiny-world evaluation (in-domain and out-of-domain problem families of the synthetic task)
HELDOUT_ACCURACY = _metric("heldout_accuracy", "fraction", True, "scalar", "accuracy on held-out in-domain problems")
OOD_ACCURACY = _metric("ood_accuracy", "fraction", True, "scalar", "accuracy on held-out problem families")
TRAIN_ACCURACY_FINAL = _metric("train_accuracy_final", "fraction", True, "scalar", "training accuracy at the last step")
MEAN_LENGTH_FINAL = _metric("mean_length_final", "tokens", None, "scalar", "mean response length at the last step")
EXCEED_RATE_FINAL = _metric("exceed_rate_final", "fraction", False, "scalar", "exceed rate at the last step")
KEYWORD_RATE = _metric("keyword_rate", "fraction", None, "scalar", "share of responses with >= 1 reflection keyword")
ALTERNATIVELY_COUNT = _metric("alternatively_count", "count/response", None, "scalar", "mean 'alternatively,' count")
WALL_TIME = _metric("wall_time_s", "s", False, "scalar", "wall-clock time of the job")

# --- Training curves (one value per RL/SFT step) ----------------------------------------------------------------------
RESPONSE_LENGTH = _metric("response_length", "tokens", None, "curve", "mean generated tokens incl. EOS, all samples")
RESPONSE_LENGTH_TERMINATED = _metric(
    "response_length_terminated", "tokens", None, "curve", "mean length of samples that did not hit the limit"
)
RESPONSE_LENGTH_CORRECT = _metric("response_length_correct", "tokens", None, "curve", "mean length of correct samples")
RESPONSE_LENGTH_WRONG = _metric("response_length_wrong", "tokens", None, "curve", "mean length of wrong samples")
EXCEED_RATE = _metric("exceed_rate", "fraction", False, "curve", "share of samples with gen_len + margin >= max_len")
TRAIN_ACCURACY = _metric("train_accuracy", "fraction", True, "curve", "share of rollouts graded correct")
HELDOUT_ACCURACY_CURVE = _metric("heldout_accuracy_curve", "fraction", True, "curve", "held-out accuracy every k steps")
REWARD_OUTCOME = _metric("reward/outcome", "reward", True, "curve", "mean outcome-channel reward per sample")
REWARD_REPETITION = _metric("reward/repetition", "reward", True, "curve", "mean summed repetition penalty per sample")
KL = _metric("kl", "nats/token", None, "curve", "k1 KL to the reference policy, mean per token")
ENTROPY = _metric("entropy", "nats/token", None, "curve", "policy entropy, mean per token")
REPETITION_RATIO = _metric("repetition_ratio", "fraction", False, "curve", "share of tokens in repeated n-grams")
WAIT_COUNT = _metric("keyword/wait", "count/response", None, "curve", "mean whole-word 'wait' count per response")
ALTERNATIVELY_CURVE = _metric(
    "keyword/alternatively,", "count/response", None, "curve", "mean 'alternatively,' (pivot) count per response"
)
KEYWORD_RATE_CURVE = _metric(
    "keyword_rate_curve", "fraction", None, "curve", "share of responses with >= 1 of the five §6.1 keywords"
)
SFT_LOSS = _metric("sft_loss", "nats/token", False, "curve", "SFT completion-token cross-entropy")

# --- Tiny-world RL diagnostics (suite.tiny.rl) ------------------------------------------------------------------------
RESPONSE_LENGTH_TERMINATED_OFFICIAL = _metric(
    "response_length_terminated_official", "tokens", None, "curve",
    "official fork's mean over all samples of (not exceeded) * length; exceeded samples count as 0 (Fig. 2c)",
)
TRUNCATED_RATE = _metric("truncated_rate", "fraction", False, "curve", "share of samples that hit the limit without EOS")
POLICY_LOSS = _metric("policy_loss", "loss", None, "curve", "clipped surrogate loss, mean over the step's minibatches")
VALUE_LOSS = _metric("value_loss", "loss", False, "curve", "clipped critic loss, mean over the step's minibatches")
CLIP_FRACTION = _metric("clip_fraction", "fraction", None, "curve", "share of tokens whose PPO ratio left 1 +- eps")
HELDOUT_RESPONSE_LENGTH = _metric(
    "heldout_response_length", "tokens", None, "curve", "mean response length on the held-out problems every k steps"
)
HELDOUT_EXCEED_RATE = _metric(
    "heldout_exceed_rate", "fraction", False, "curve", "exceed rate on the held-out problems every k steps"
)

# --- Emergence statistics of `longcot analyze` (appended by suite.eval; §6.1 keywords, §6.2 coding rate) --------------
KEYWORD_RECHECK = _metric("keyword/recheck", "count/response", None, "curve", "mean whole-word 'recheck' count")
KEYWORD_ALTERNATIVELY = _metric(
    "keyword/alternatively", "count/response", None, "curve", "mean whole-word 'alternatively' count (comma or not)"
)
KEYWORD_RETRY = _metric("keyword/retry", "count/response", None, "curve", "mean whole-word 'retry' count")
KEYWORD_HOWEVER = _metric("keyword/however", "count/response", None, "curve", "mean whole-word 'however' count")
KEYWORD_QUESTION_RATE = _metric(
    "keyword_question_rate", "fraction", None, "curve", "share of questions with >= 1 response using a §6.1 keyword"
)
CODING_RATE = _metric("coding_rate", "fraction", None, "curve", "share of responses containing '```python' (§6.2)")
N_ROLLOUTS = _metric("n_rollouts", "count", None, "curve", "rollouts logged at the step")

# --- Tiny world (suite/tiny): SFT scalars and curves ------------------------------------------------------------------
SFT_TRAIN_TOKENS = _metric(
    "sft_train_tokens", "tokens", None, "scalar", "non-pad tokens seen by SFT (prompt + completion)"
)
OOD_ACCURACY_CURVE = _metric("ood_accuracy_curve", "fraction", True, "curve", "OOD-family accuracy every k steps")
for _f in TINY_FAMILIES:
    _metric(f"heldout_accuracy/{_f}", "fraction", True, "scalar", f"held-out accuracy on the tiny family {_f}")

# Keyword statistics of the tiny engine, both readings (the paper does not say which it used, §6.1): per-response
# presence (share of responses with >= 1 occurrence, the paper's Figure 7 wording) and per-token frequency; as RL
# curves over the rollouts of each step, and as scalars of an SFT model's final held-out evaluation
def keyword_rate_curve(keyword: str) -> str:
    return f"keyword_rate/{keyword}"


def keyword_per_token_curve(keyword: str) -> str:
    return f"keyword_per_token/{keyword}"


def final_keyword_rate(keyword: str) -> str:
    return f"final_keyword_rate/{keyword}"


def final_keyword_per_token(keyword: str) -> str:
    return f"final_keyword_per_token/{keyword}"


for _k in KEYWORDS:
    _metric(keyword_rate_curve(_k), "fraction", None, "curve", f"share of rollouts with >= 1 whole-word '{_k}'")
    _metric(keyword_per_token_curve(_k), "count/token", None, "curve", f"whole-word '{_k}' per generated token")
    _metric(final_keyword_rate(_k), "fraction", None, "scalar",
            f"share of final held-out responses with >= 1 whole-word '{_k}'")
    _metric(final_keyword_per_token(_k), "count/token", None, "scalar",
            f"whole-word '{_k}' per token of the final held-out responses")
FAMILY_ACCURACY_MEAN = _metric(
    "family_accuracy_mean", "fraction", True, "scalar",
    "mean of the held-out accuracies of every evaluated tiny family, in and out of domain alike (Table 2's AVG)",
)
FAMILY_ACCURACY_SPREAD = _metric(
    "family_accuracy_spread", "fraction", False, "scalar",
    "standard deviation (population) of the held-out accuracies across the evaluated tiny families",
)

# Noisy verifiers (Takeaway 5.2): how a training reward compares with the truth on each step's rollouts, and the
# tiny judge's error profile on held-out (reference, response) pairs (suite.tiny.judge)
REWARD_FALSE_POSITIVE_RATE = _metric(
    "reward_false_positive_rate", "fraction", False, "curve", "share of wrong rollouts the training verifier passed")
REWARD_FALSE_NEGATIVE_RATE = _metric(
    "reward_false_negative_rate", "fraction", False, "curve", "share of correct rollouts the training verifier failed")
TRAIN_ACCURACY_TRUE = _metric(
    "train_accuracy_true", "fraction", True, "curve", "share of rollouts that are correct (the truth, not the reward)")
JUDGE_LOSS = _metric("judge_loss", "nats", False, "curve", "the judge's binary cross-entropy, mean over a window")
_JUDGE_SCALARS = (  # (name, higher is better, description): the judge's error profile on held-out pairs
    ("judge_accuracy", True, "judge verdicts that match agreement with the reference, on held-out pairs"),
    ("judge_false_positive_rate", False, "held-out pairs that disagree with the reference and the judge passed"),
    ("judge_false_negative_rate", False, "held-out pairs that agree with the reference and the judge failed"),
    ("judge_accuracy_vs_truth", True, "judge verdicts that match the response's true correctness, on held-out pairs"),
    ("judge_false_positive_rate_vs_truth", False, "held-out pairs with a wrong response that the judge passed"),
    ("judge_false_negative_rate_vs_truth", False, "held-out pairs with a correct response that the judge failed"),
    ("judge_label_positive_rate", None, "share of held-out pairs whose response agrees with the reference"),
)
(JUDGE_ACCURACY, JUDGE_FALSE_POSITIVE_RATE, JUDGE_FALSE_NEGATIVE_RATE, JUDGE_ACCURACY_VS_TRUTH,
 JUDGE_FALSE_POSITIVE_RATE_VS_TRUTH, JUDGE_FALSE_NEGATIVE_RATE_VS_TRUTH, JUDGE_LABEL_POSITIVE_RATE) = (
    _metric(name, "fraction", better, "scalar", text) for name, better, text in _JUDGE_SCALARS)
for _form in ("boxed", "stated", "none"):  # suite.tiny.verifiers.FORMS
    _metric(f"judge_accuracy/{_form}", "fraction", True, "scalar",
            f"judge accuracy on held-out pairs whose reference ends in the '{_form}' form")

# Hard problems (Takeaway 4.5: the model lengthens its CoTs "on hard questions" by repetition): the step's rollout
# metrics again, over the rows whose problem's difficulty is at least the RL recipe's `hard_from` (None on a step
# that drew no such problem). Logged only by recipes that set `hard_from`.
HARD_SUFFIX = "@hard"
RESPONSE_LENGTH_HARD = _metric(RESPONSE_LENGTH + HARD_SUFFIX, "tokens", None, "curve",
                               "mean generated tokens incl. EOS, on the step's hard problems")
REPETITION_RATIO_HARD = _metric(REPETITION_RATIO + HARD_SUFFIX, "fraction", False, "curve",
                                "share of tokens in repeated n-grams, on the step's hard problems")
ALTERNATIVELY_CURVE_HARD = _metric(ALTERNATIVELY_CURVE + HARD_SUFFIX, "count/response", None, "curve",
                                   "mean 'alternatively,' (pivot) count per response, on the step's hard problems")
TRAIN_ACCURACY_HARD = _metric(TRAIN_ACCURACY + HARD_SUFFIX, "fraction", True, "curve",
                              "share of the step's hard-problem rollouts graded correct")
HARD_SHARE = _metric("hard_share", "fraction", None, "curve", "share of the step's rollouts on hard problems")
