"""Tiny-scale recipes shared by several findings (the tiny world: suite/tiny, docs/tiny_world.md, docs/tiny_rl.md).

The RL arms are the issue-#5 RL probe, as a recipe: PPO as the paper ran it (multi-gamma returns, k1 KL split over
channels, reward clip, value clipping), scaled to a 0.1M-parameter model, from the search world's SFT recipe.
"""

from dataclasses import replace

from suite.rewards.settings import (
    COSINE_A,
    COSINE_B,
    COSINE_C,
    COSINE_DEFAULT,
    DEFAULT_GAMMAS,
    SIMPLERL_FORMAT,
    SPEC_CLASSIC,
    SPEC_COSINE,
    SPEC_COSINE_REP,
    RepetitionPenaltySetting,
    RewardSpec,
    rescale_gamma,
)
from suite.tiny.recipes import TinyJudgeRecipe, TinyRLRecipe, TinySFTRecipe
from suite.tiny.rl.config import RLConfig
from suite.tiny.sft_config import HEADROOM_SFT, SEARCH_SFT
from suite.tiny.verifiers import JudgeConfig, NoisyPool

#: the search world's SFT policy (`solve` with guess-check-narrow traces that sometimes give up; 500 problems x 4
#: traces, 1,500 steps): the checkpoint of evidence/tiny/search/sft_search (held-out 0.789 at seed 0). Here thinking
#: longer raises accuracy (docs/tiny_world.md, "The search world"), so a reward has a reason to change the length.
SFT_SEARCH = TinySFTRecipe(SEARCH_SFT)

#: The RL probe's PPO settings; everything else is RLConfig's default (each with its reason there).
PROBE = RLConfig(
    reward=SPEC_CLASSIC,
    max_new_tokens=112,  # the exceed rule (>= 96 with the 16-token margin) cuts 5+ tries: 9% of the SFT policy's
    # samples at T=1 (p90 length 85, p95 104)
    samples_per_prompt=8,  # the paper's 8 (Tables 8, 11)
    train_batch_size=16,
    steps=200,
    eval_every=25,
    eval_size=128,
)

RL_CLASSIC = TinyRLRecipe(PROBE, init=SFT_SEARCH)
RL_COSINE = replace(RL_CLASSIC, rl=replace(PROBE, reward=SPEC_COSINE))
RL_COSINE_REP = replace(RL_CLASSIC, rl=replace(PROBE, reward=SPEC_COSINE_REP))

TINY_DEVIATIONS = (
    "Tiny world: a 0.1M-parameter transformer trained from scratch on synthetic equations (`solve x * a + b = t`, "
    "answered by a guess-check-narrow search), not Llama-3.1-8B on MATH; 200 PPO iterations of 8 prompts x 8 "
    "samples; generation limit 112 tokens instead of 14,336 (same 16-token exceed margin); actor LR 1e-4 and critic "
    "LR 1e-3 instead of 5e-7 / 9e-6.",
    "Length is a choice here by construction: after a failed check the SFT policy either tries again or gives up with "
    "an unchecked guess, and searching longer is right more often (seed-0 SFT policy: 0.58 correct with one try, 0.97 "
    "with four; 0.80 -> 0.97 when giving up is banned; docs/tiny_world.md, 'The search world'). Which way a reward "
    "moves the length is the finding, not the task's design.",
    "The dense repetition penalty keeps the paper's N = 40 tokens, about two tries of a tiny response: it fires only "
    "when a response repeats a whole try.",
)


# --- The headroom world (docs/tiny_world.md, "The headroom world"; evidence/tiny/headroom/) ---------------------------

#: The headroom world's SFT policy: `seek` (x in 0..R-1, R up to 40), search with slips, rechecks and give-ups.
SFT_HEADROOM = TinySFTRecipe(HEADROOM_SFT)

HEADROOM_LIMIT = 160  # generation limit = the reward's max_len; exceed at >= 144 (the paper's 16-token margin)

#: The dense repetition penalty scaled to the world: N = 16 tokens, the body of one try (`g : g * a = p , p + b = r ,
#: r < t` is 17 tokens), so rechecking a try once already repeats an N-gram; the paper's N = 40 is 0.3% of its limit.
REPETITION_TRY = RepetitionPenaltySetting("repetition-try", ngram_size=16)

#: (gamma_c, gamma_p) = (1, 0.99) rescaled to the tiny horizon: gamma ** (14336 / 160), so (1, 0.406).
HEADROOM_GAMMAS = tuple(rescale_gamma(g, HEADROOM_LIMIT) for g in DEFAULT_GAMMAS)

HEADROOM_PROBE = replace(
    PROBE,
    max_new_tokens=HEADROOM_LIMIT,
    eval_size=512,  # one sample on each of 512 held-out problems: SE ~0.02 per evaluation
    repetition_ngram_size=REPETITION_TRY.ngram_size,
)

#: Takeaway 4.5's "hard questions": the two widest ranges, R = 30 and 40, where 35-51% of the SFT policy's searches
#: would run past the limit if it never gave up (evidence/tiny/headroom/properties.md); 62% of the RL training
#: prompts, as a wide range holds more distinct problems. The cosine arms log their length, repetition and branching
#: on these again (measurement only).
HARD_FROM = 30

HR_CLASSIC = TinyRLRecipe(replace(HEADROOM_PROBE, reward=SPEC_CLASSIC), init=SFT_HEADROOM, n_train=2000)
HR_COSINE = replace(HR_CLASSIC, rl=replace(HEADROOM_PROBE, reward=SPEC_COSINE, hard_from=HARD_FROM))
HR_COSINE_REP = replace(HR_CLASSIC, rl=replace(
    HEADROOM_PROBE, reward=RewardSpec(COSINE_DEFAULT, REPETITION_TRY, HEADROOM_GAMMAS), hard_from=HARD_FROM))

#: Table 10's rewards A, B, C, each with the repetition penalty and the default gammas (rescaled), 4 samples per prompt
#: as the section_4.3 scripts run them (8 prompts x 4 samples, 2 updates of 16 per rollout)
HR_T10 = {
    name: replace(HR_CLASSIC, rl=replace(HEADROOM_PROBE, samples_per_prompt=4,
                                         reward=RewardSpec(outcome, REPETITION_TRY, HEADROOM_GAMMAS)))
    for name, outcome in (("a", COSINE_A), ("b", COSINE_B), ("c", COSINE_C))
}

#: Table 11's context windows scaled to the headroom world: generation limits 112 / 160 / 320 tokens at equal samples
#: (200 iterations of 8 x 8; the exceed margin stays 16, the gammas are the middle window's, as the paper keeps 0.99),
#: and the largest window again with twice the samples (400 iterations)
HR_T11 = {
    "small": replace(HR_COSINE_REP, rl=replace(HR_COSINE_REP.rl, max_new_tokens=112)),
    "mid": HR_COSINE_REP,
    "large": replace(HR_COSINE_REP, rl=replace(HR_COSINE_REP.rl, max_new_tokens=320)),
    "large_2x": replace(HR_COSINE_REP, rl=replace(HR_COSINE_REP.rl, max_new_tokens=320, steps=400)),
}

#: Table 13's six (gamma_c, gamma_p) pairs, each rescaled to the 160-token horizon (gamma ** (14336 / 160): 0.999 ->
#: 0.914, 0.99 -> 0.406), cosine + repetition penalty, 8 prompts x 4 samples as the section_4.6 scripts run them
HR_T13 = {
    f"{name_c}_{name_p}": replace(HR_CLASSIC, rl=replace(
        HEADROOM_PROBE, samples_per_prompt=4,
        reward=RewardSpec(COSINE_DEFAULT, REPETITION_TRY,
                          (rescale_gamma(g_c, HEADROOM_LIMIT), rescale_gamma(g_p, HEADROOM_LIMIT)))))
    for name_c, name_p, g_c, g_p in (("100", "100", 1.0, 1.0), ("100", "999", 1.0, 0.999), ("100", "99", 1.0, 0.99),
                                     ("999", "999", 0.999, 0.999), ("999", "99", 0.999, 0.99),
                                     ("99", "99", 0.99, 0.99))
}

HEADROOM_DEVIATIONS = (
    "Headroom world: a 0.1M-parameter transformer trained from scratch on `seek x < R : x * a + b = t` (R up to 40), "
    "answered by a guess-check-narrow search that slips now and then, rechecks a try sometimes and may give up; not "
    "Llama-3.1-8B on MATH. Generation limit 160 tokens instead of 14,336 (same 16-token exceed margin).",
    "Dense repetition penalty with N = 16 tokens (the body of one try) instead of 40, and discount factors rescaled to "
    "the horizon, gamma_tiny = gamma_paper ** (14336 / 160): (gamma_c, gamma_p) = (1, 0.99) becomes (1, 0.406), so "
    "a penalty fades over the same fraction of the response as in the paper.",
    "PPO's old log-probabilities and the logged entropy come from the sampler (the policy itself at temperature 1) "
    "instead of a second forward pass of the actor, which OpenRLHF needs because its sampler (vLLM) is another "
    "implementation; here the two agree to float rounding (tests/suite/tiny/test_fast_paths.py).",
)

#: "equal or better" accuracy (§4.2, §4.5) read as non-inferiority: the difference is significantly above -3 points,
#: the smallest difference between arms the headroom world resolves (512 held-out problems, 3 seeds)
NON_INFERIORITY = 0.03


# --- §3: SFT data and RL from its checkpoints, in the headroom world ---------------------------------------------------

#: Rejection-sampled traces per problem at tiny scale: the paper's N (32, 64, 128, 256 candidates per prompt) / 16.
#: Keyed by the paper's N, so the arms keep the paper's names.
TINY_N = {32: 2, 64: 4, 128: 8, 256: 16}
SFT_EPOCHS = 2  # the section_3.1 SFT scripts' two epochs: the SFT tokens grow with N, as Figure 1's x-axis does


def scaling_sft(style: str, paper_n: int) -> TinySFTRecipe:
    """SFT from scratch on the headroom world's 2,000 training problems x N traces in `style` ("long": the
    emergent search, which never gives up and catches every slip, so every trace is correct, as rejection sampling
    keeps correct responses only; "short": the straight-line answer), two epochs, evaluated once at the end on 512
    held-out `seek` problems and 512 `seekswap` (out-of-domain) problems."""
    n = TINY_N[paper_n]
    steps = SFT_EPOCHS * HEADROOM_SFT.n_train * n // HEADROOM_SFT.batch_size
    return TinySFTRecipe(replace(HEADROOM_SFT, style=style, traces_per_problem=n, steps=steps, eval_every=steps,
                                 eval_n=512))


SFT_SCALING_TINY = {f"{style}_n{n}": scaling_sft(style, n) for style in ("long", "short") for n in TINY_N}

#: Table 7's RL at tiny scale (§3.2): PPO with the cosine reward and the repetition penalty (N = 16 tokens), one
#: discount factor of 1 for both channels as Table 7 lists it, 4 samples per prompt and four episodes over the 2,000
#: training prompts (250 iterations of 8 prompts x 4 samples, updates of 16). Its held-out problems are the SFT
#: evaluation's (problem_seed 12345, 512 `seek` problems), so that SFT and RL are scored on the same problems, and the
#: final policy is also scored on the SFT evaluation's 512 out-of-domain `seekswap` problems.
T7_TINY = replace(
    HEADROOM_PROBE, reward=RewardSpec(COSINE_DEFAULT, REPETITION_TRY, (1.0, 1.0)), samples_per_prompt=4, steps=250,
    eval_every=50,
)


def rl_t7(init: TinySFTRecipe) -> TinyRLRecipe:
    return TinyRLRecipe(T7_TINY, init=init, n_train=2000, problem_seed=12345, eval_families=("seekswap",))


#: §3.3's constructed long CoT at tiny scale: the action template (clarify / decompose / step / reflect / answer) with
#: the straight-line solution and constant reflections (`reflect fine`), padded to the length of an emergent trace
#: drawn for the same problem; as many traces and steps as the emergent arm (takeaway-3.1's long_n256)
SFT_EMERGENT = SFT_SCALING_TINY["long_n256"]
SFT_CONSTRUCTED = TinySFTRecipe(replace(SFT_EMERGENT.sft, style="constructed"))


SCALING_DEVIATIONS = (
    "Tiny world: SFT from scratch of a 0.1M-parameter transformer on the headroom world (`seek x < R : x * a + b = t`, "
    "R up to 40), not Llama-3.1-8B on MATH. Long CoT is the world's emergent search (guess, check, narrow; every slip "
    "caught by a recheck, never giving up), short CoT the straight-line answer (`try x : ... , t = t V answer x`).",
    "N traces per problem = the paper's N / 16 (2, 4, 8, 16 for 32, 64, 128, 256) on 2,000 problems, two epochs, so "
    "SFT tokens grow with N as in Figure 1. A short trace has one form per problem here, so short CoT's N copies add "
    "epochs, not new traces (the paper's N short responses per prompt differ in wording); N = 192 is not run.",
    "Why short CoT cannot shortcut the task: its first token after `try` is the answer x = (t - b) / a for x up to 39, "
    "which a 2-layer model does not learn to invert in one step from 1,200 training equations (a single-seed trial "
    "peaked at 0.45-0.48 held-out after 1,500-3,000 steps and fell to 0.38 at 6,000 as it memorised), while the "
    "search only needs forward facts (g * a, p + b, comparisons) that its own tries practise.",
)


# --- §5.1: noisy, diverse SFT data -----------------------------------------------------------------------------------

#: The families every §5.1 model is scored on (Table 2 scores four benchmarks): `seek` (in domain for the clean data,
#: MATH-500's place), `chain` and `solve` (covered by the web-like data only), `seekswap` (covered by neither).
MIX_EVAL = ("seek", "chain", "solve", "seekswap")
MIX_EXAMPLES = 16_000  # every arm: 16,000 SFT examples, two epochs (1,000 steps of 32)
WEB_FAMILIES = ("seek", "chain", "solve")  # the web-like data's families: diverse, unfiltered, 30% wrong


def mix_sft(clean_share: float) -> TinySFTRecipe:
    """SFT on `clean_share` of MIX_EXAMPLES clean emergent-search `seek` traces (2,000 problems x N, every trace
    correct, as rejection sampling leaves them) and the rest web-like: one unfiltered response of a random style
    (direct, short or long) per drawn training problem of WEB_FAMILIES, wrong 30% of the time."""
    n_clean = round(clean_share * MIX_EXAMPLES)
    base = HEADROOM_SFT
    return TinySFTRecipe(replace(
        base, style="long", n_train=base.n_train if n_clean else 0, traces_per_problem=max(1, n_clean // base.n_train),
        web_families=WEB_FAMILIES, web_examples=MIX_EXAMPLES - n_clean, ood_families=MIX_EVAL[1:],
        steps=SFT_EPOCHS * MIX_EXAMPLES // base.batch_size, eval_every=SFT_EPOCHS * MIX_EXAMPLES // base.batch_size,
        eval_n=512))


SFT_MIX_TINY = {"math_sft": mix_sft(1.0), "webit_sft": mix_sft(0.0), "mix_sft": mix_sft(0.5)}


def rl_t7_on_seek(init: TinySFTRecipe) -> TinyRLRecipe:
    """§5.1's RL "as in §3.2 on MATH train": takeaway-3.2's RL on `seek` prompts whatever the SFT data, the final
    policy scored on every MIX_EVAL family."""
    return replace(rl_t7(init), rl_families=("seek",), eval_families=MIX_EVAL)


# --- §6: RL from a base model -------------------------------------------------------------------------------------------

#: The base model: trained only on the task's "web text" (takeaway-5.1's 100% web-like arm, the same job): one
#: unfiltered response of a random style to `seek`, `chain` and `solve` problems, 30% wrong. Its long-style `seek`
#: responses recheck a try whenever it slipped (`recheck ... X wait`), so the behaviour is in the text it learned from
#: at the rate web text would have it, in a third of the responses at most, never rewarded.
BASE_MODEL = SFT_MIX_TINY["webit_sft"]

#: §6.4's SFT: the base model fine-tuned on N = 32 / 16 = 2 clean emergent-search traces per problem (2,000 `seek`
#: problems), two epochs (250 steps).
SFT_FROM_BASE = TinySFTRecipe(replace(SFT_SCALING_TINY["long_n32"].sft), init=BASE_MODEL)

#: §6.1's direct RL (SimpleRL, Table 15): PPO from the base model with the format reward (correct +1, wrong -0.5, no
#: answer -1), no length rule, GAE lambda 0.95, gamma 1; the scale of the other §3 runs (250 iterations of 8 prompts x 4
#: samples, updates of 16, limit 160), on `seek` prompts, scored on the same held-out problems as the base model.
DIRECT_RL = replace(rl_t7(BASE_MODEL), rl=replace(T7_TINY, reward=RewardSpec(SIMPLERL_FORMAT), lam=0.95),
                    rl_families=("seek",))
#: §6.4's SFT + RL: takeaway-3.2's RL (cosine + repetition penalty) from SFT_FROM_BASE
SFT_RL_FROM_BASE = rl_t7(SFT_FROM_BASE)


# --- §5.2: RL on noisy verifiable data -------------------------------------------------------------------------------

#: WebInstruct's place: 2,500 training problems each of `seek` and `chain` and `solve`'s ~500, each with one raw
#: reference solution (a web-like response, 30% wrong; the answer boxed in 60%, written without the box in 30%, not
#: stated in 10%) and two teacher responses for the filter (suite.tiny.verifiers). The filter keeps 37% of the
#: prompts (the paper: 115k of 462k, 25%).
WEB_POOL = NoisyPool(families=WEB_FAMILIES)

#: §5.2's RL start: SFT on the filtered pool (the teacher's responses that agree with their reference's short-form
#: answer: 3,415 responses to 2,021 prompts), the headroom SFT's model and schedule (1,500 steps of 32).
SFT_WEB_FILTERED = TinySFTRecipe(replace(
    HEADROOM_SFT, families=WEB_FAMILIES, ood_families=("seekswap",), n_train=0, web_pool=WEB_POOL,
    eval_every=HEADROOM_SFT.steps, eval_n=512))

#: The model-based verifier: a judge trained in the tiny world on (reference, response) pairs written the pool's way.
JUDGE = TinyJudgeRecipe(JudgeConfig(pool=WEB_POOL))

#: Table 14's RL at tiny scale: cosine + repetition penalty with the default gammas rescaled to the horizon (1, 0.406),
#: 4 samples per prompt, one episode over 1,600 prompts (200 iterations of 8 prompts), as the paper trains both prompt
#: sets on the same 30k prompts for one episode.
T14_TINY = replace(HEADROOM_PROBE, reward=RewardSpec(COSINE_DEFAULT, REPETITION_TRY, HEADROOM_GAMMAS),
                   samples_per_prompt=4, steps=200, eval_every=50)
T14_PROMPTS = T14_TINY.steps * T14_TINY.prompts_per_step


def rl_t14(*, filtered: bool, verifier: str) -> TinyRLRecipe:
    """§5.2's RL from SFT_WEB_FILTERED on the pool's prompts (all, or the filtered ones) graded by the rule or the
    judge; the final policy is scored on the four families of §5.1 (MIX_EVAL) by the truth."""
    return TinyRLRecipe(T14_TINY, init=SFT_WEB_FILTERED, n_train=T14_PROMPTS, problem_seed=12345,
                        rl_families=WEB_FAMILIES, eval_families=MIX_EVAL, prompt_pool=WEB_POOL, filtered=filtered,
                        verifier=verifier, judge=JUDGE if verifier == "model" else None)


RL_NOISY_TINY = {f"{'filtered' if f else 'unfiltered'}_{v}": rl_t14(filtered=f, verifier=v)
                 for f in (False, True) for v in ("rule", "model")}
