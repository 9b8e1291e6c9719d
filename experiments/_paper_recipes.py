"""Paper-scale recipes shared by several findings, one per official run script or table row (paper App. E.2-E.5).

Identical recipes get identical hashes, so an arm that two findings share (4.2's cosine runs are 4.5's) is one job.
"""

from dataclasses import replace

from suite.recipes.paper import (
    LLAMA_8B_INSTRUCT,
    QWEN_MATH_7B,
    QWEN_MATH_72B_INSTRUCT,
    WEBINSTRUCT_462K,
    PaperJudge,
    PaperModelRecipe,
    PaperRLRecipe,
    PaperSFTRecipe,
    SFTDataSource,
)
from suite.rewards.settings import (
    COSINE_A,
    COSINE_B,
    COSINE_C,
    COSINE_DEFAULT,
    DEFAULT_GAMMAS,
    GAMMA_PAIRS,
    REPETITION_DEFAULT,
    SIMPLERL_FORMAT,
    SPEC_CLASSIC,
    SPEC_COSINE,
    SPEC_COSINE_REP,
    RewardSpec,
)

# --- SFT data sources (§3.1, §3.3, §5.1, §5.2; App. E.2-E.3, E.7) ---------------------------------------------------
#: Long CoT: QwQ-32B-Preview at t=1.0, top-p 0.95, 8,192 tokens, rejection-sampled against the MATH answers (SymEval).
LONG_COT_MATH = SFTDataSource()
#: Short CoT: Qwen2.5-Math-72B-Instruct at t=0.7 (t=1.0 produced a "non-negligible ratio of nonsense output") and
#: 4,096 tokens (its context limit), App. E.2.
SHORT_COT_MATH = SFTDataSource(teacher=QWEN_MATH_72B_INSTRUCT, teacher_temperature=0.7, teacher_max_tokens=4096)
#: §5.1: "one response per prompt from the teacher model without filtration" (QwQ settings of App. E.2 assumed).
WEBIT_UNFILTERED = SFTDataSource(prompts=WEBINSTRUCT_462K, construction="unfiltered", candidates_per_prompt=1,
                                 grader=None, keep="all")
#: §5.2 / App. E.7: Llama-3.1-8B-Instruct extracts a short-form answer (greedy, 512 tokens); QwQ draws 2 responses per
#: prompt and a prompt without a matching response is dropped: "approximately 189k responses across 115k unique
#: prompts" (fewer than 2 x 115k, so only matching responses are kept). The matching grader is not stated.
WEBIT_FILTERED = SFTDataSource(
    prompts=WEBINSTRUCT_462K, construction="filtered", candidates_per_prompt=2, grader=None,
    answer_extractor=LLAMA_8B_INSTRUCT, extractor_temperature=0.0, extractor_max_tokens=512, keep="correct",
    approx_examples=189_000, note="about 189k responses over 115k prompts",
)

# --- SFT (Table 6) ---------------------------------------------------------------------------------------------------
#: The emergent long-CoT SFT of §3.3 (also Table 2's 100% MATH row and the start of §3.2-§4's RL): about 200k samples;
#: which N it used is not stated.
SFT_LONG_LLAMA = PaperSFTRecipe(data=(replace(LONG_COT_MATH, approx_examples=200_000),), source="Table 6; §3.3")
SFT_SHORT_LLAMA = PaperSFTRecipe(data=(SHORT_COT_MATH,))
SFT_CONSTRUCTED_LLAMA = PaperSFTRecipe(
    data=(SFTDataSource(
        construction="constructed", teacher="Qwen/Qwen2.5-72B-Instruct + o1-mini-0912", teacher_temperature=None,
        teacher_top_p=None, teacher_max_tokens=None, grader=None, keep=None, approx_examples=200_000,
        note="Action Prompting (clarify / decompose / solution step / reflection / answer): actions by "
        "Qwen2.5-72B-Instruct, reflections by o1-mini-0912; code not released (official repo issue #6)",
    ),),
    source="Table 6; §3.3",
)
#: §6.4: 7.5k MATH prompts, N=32 from QwQ-32B-Preview, RoPE theta x10.
SFT_LONG_QWEN = PaperSFTRecipe(base_model=QWEN_MATH_7B, data=(replace(LONG_COT_MATH, candidates_per_prompt=32),),
                               rope_theta_multiplier=10.0, source="Table 6; §6.4")

# --- §3.1 SFT scaling: the nine released scripts (eddycmu/demystify-long-cot @ 7cec7017) ------------------------------
# openrlhf/scripts/section_3.1_sft_scaling/section_3.1_sft_llama3.1_8b_math_train_{qwq,qwen}_rs_n{N}.sh: Llama-3.1-8B,
# `--dataset demystify-long-cot/math-train-{qwq,qwen}-rs-n{N}`, max_len 131072, batch 256, LR 5e-6, 2 epochs, ZeRO-2.
# "qwq" is the long-CoT teacher (QwQ-32B-Preview), "qwen" the short-CoT one (Qwen2.5-Math-72B-Instruct), §3.1.
SFT_SCALING_SCRIPTS = "openrlhf/scripts/section_3.1_sft_scaling"
LONG_NS = (32, 64, 128, 192, 256)
SHORT_NS = (32, 64, 128, 256)


def _sft_scaling(tag: str, n: int) -> PaperSFTRecipe:
    source = LONG_COT_MATH if tag == "qwq" else SHORT_COT_MATH
    return PaperSFTRecipe(
        data=(replace(source, candidates_per_prompt=n),), dataset_id=f"demystify-long-cot/math-train-{tag}-rs-n{n}",
        script=f"{SFT_SCALING_SCRIPTS}/section_3.1_sft_llama3.1_8b_math_train_{tag}_rs_n{n}.sh", source="Table 6; §3.1",
    )


#: arm name -> recipe, one per script: long_n{32,64,128,192,256} (QwQ), short_n{32,64,128,256} (Qwen-72B).
SFT_SCALING = {**{f"long_n{n}": _sft_scaling("qwq", n) for n in LONG_NS},
               **{f"short_n{n}": _sft_scaling("qwen", n) for n in SHORT_NS}}

# --- §3.2 RL from SFT (Table 7): cosine + repetition penalty, 4 episodes x 4 samples, gamma = 1 ------------------------
RL_T7 = PaperRLRecipe(
    RewardSpec(COSINE_DEFAULT, REPETITION_DEFAULT, (1.0, 1.0)),  # Table 7 lists a single gamma of 1
    init=SFT_LONG_LLAMA, num_episodes=4, samples_per_prompt=4, critic_learning_rate=9e-6, table="Table 7",
)

#: Stated deviations of every finding that runs RL_T7 (§3.2, §3.3, §5.1).
T7_DEVIATIONS = (
    "Table 7 lists one discount factor, gamma = 1, for its cosine + repetition-penalty runs; the recipe applies it to "
    "both reward channels (gamma_c = gamma_p = 1), although every released script with the repetition penalty uses "
    "gamma_p = 0.99; no script for these runs was released to settle it.",
    "The Table 7 runs' rule grader is assumed to be the released section-4 scripts' (the fork's default score_fn, "
    "hendrycks); App. E.1 names SymEval and says some RL runs used an earlier grader version.",
)
#: Stated deviation of every finding whose table holds the emergent long-CoT SFT model (Tables 1, 2; Table 5's start).
ONE_SFT_FOR_TWO_TABLES = (
    "One SFT recipe stands for both Table 1's emergent SFT (54.1 on MATH-500; also Table 2's 100% MATH row) and "
    "Table 5's SFT start point (50.4, takeaway-4.6): the paper does not say what differs between the two models, so "
    "at most one of the two MATH-500 cells can agree with a run."
)

# --- §4.1 (Table 8): classic reward, 8 x 8, critic 4.5e-6 --------------------------------------------------------------
# Figure 2a plots MATH-500 per iteration: every checkpoint the script saves (--save_steps 8) is evaluated.
RL_T8_LLAMA_CLASSIC = PaperRLRecipe(
    SPEC_CLASSIC, init=SFT_LONG_LLAMA, critic_learning_rate=4.5e-6, gpus=(64, 32, 32), save_steps=8,
    eval_every_steps=8, script="section_4.1 llama_classic", table="Table 8",
)
RL_T8_QWEN_CLASSIC = replace(RL_T8_LLAMA_CLASSIC, init=SFT_LONG_QWEN, script="section_4.1 qwen_classic")

# --- §4.2 (Table 9): rows 1-2 at 8 x 8 / 1 epoch; rows 3-5 at 8 x 16 / 2 epochs (the released scripts) --------------------
# Rows 1-2 (Figure 4) have no script and are plotted as training curves only: no evaluation during training.
RL_T9_CLASSIC_8X8 = replace(RL_T8_LLAMA_CLASSIC, eval_every_steps=None, script="", table="Table 9 row 1")
RL_T9_COSINE_8X8 = replace(RL_T9_CLASSIC_8X8, reward=SPEC_COSINE, table="Table 9 row 2")
RL_T9_CLASSIC = replace(
    RL_T8_LLAMA_CLASSIC, samples_per_prompt=16, max_epochs=2, critic_learning_rate=9e-6, gpus=(32, 16, 16),
    script="section_4.2 classic", table="Table 9 row 3",
)
RL_T9_COSINE = replace(
    RL_T9_CLASSIC, reward=SPEC_COSINE, zero_stage=3, adam_offload=True, gpus=(16, 16, 32),
    script="section_4.2 cosine (= section_4.5 cosine)", table="Table 9 row 4; Table 12",
)
RL_T9_COSINE_REP = replace(
    RL_T9_COSINE, reward=SPEC_COSINE_REP, script="section_4.2 cosine_rep (= section_4.5 cosine_rep)",
    table="Table 9 row 5; Table 12",
)

# --- §4.3 (Table 10): cosine rewards A, B, C with the repetition penalty, 4 x 4 ----------------------------------------
_RL_4X4 = replace(RL_T7, reward=SPEC_COSINE_REP, gpus=(16, 16, 32))
RL_T10_A = replace(_RL_4X4, reward=RewardSpec(COSINE_A, REPETITION_DEFAULT, DEFAULT_GAMMAS),
                   script="section_4.3 reward_A", table="Table 10")
RL_T10_B = replace(RL_T10_A, reward=RewardSpec(COSINE_B, REPETITION_DEFAULT, DEFAULT_GAMMAS), script="section_4.3 reward_B")
RL_T10_C = replace(RL_T10_A, reward=RewardSpec(COSINE_C, REPETITION_DEFAULT, DEFAULT_GAMMAS), script="section_4.3 reward_C")

# --- §4.4 (Table 11): context windows 4K / 8K / 16K = prompt 2048 + generation 2048 / 6144 / 14336 --------------------
RL_T11_16K = replace(RL_T9_COSINE_REP, samples_per_prompt=8, max_epochs=1, zero_stage=2, adam_offload=False,
                     gpus=(32, 32, 64), script="section_4.4 context_window_size 16k", table="Table 11")
RL_T11_8K = replace(RL_T11_16K, generate_max_len=6144, script="section_4.4 context_window_size 8k")
RL_T11_4K = replace(RL_T11_16K, generate_max_len=2048, script="section_4.4 context_window_size 4k")

# --- §4.6 (Table 13): six (gamma_c, gamma_p) pairs, 4 x 4 -------------------------------------------------------------
#: --save_steps of each gammas_* script (2 in four of them, 8 in the other two).
T13_SAVE_STEPS = {"100_100": 2, "100_999": 2, "100_99": 2, "999_999": 8, "999_99": 8, "99_99": 2}
RL_T13 = {
    suffix: replace(_RL_4X4, reward=RewardSpec(COSINE_DEFAULT, REPETITION_DEFAULT, pair),
                    save_steps=T13_SAVE_STEPS[suffix], script=f"section_4.6 gammas_{suffix}", table="Table 13")
    for suffix, pair in GAMMA_PAIRS.items()
}

# --- §5.1: SFT data mixtures, then RL as in §3.2 ------------------------------------------------------------------------
SFT_WEBIT = PaperSFTRecipe(data=(WEBIT_UNFILTERED,), source="Table 6; §5.1")  # one unfiltered response per prompt
SFT_MIX = PaperSFTRecipe(  # "about 50%" each: MATH rejection-sampled as in §3.1, WebInstruct unfiltered
    data=(replace(LONG_COT_MATH, fraction=0.5), replace(WEBIT_UNFILTERED, fraction=0.5)), source="Table 6; §5.1",
)

# --- §5.2 (Table 14): noisy verifiable data, 1 episode, 30k prompts x 4 samples -----------------------------------------
SFT_WEBIT_FILTERED = PaperSFTRecipe(data=(WEBIT_FILTERED,), source="Table 6; §5.2")
_RL_T14 = replace(
    RL_T9_COSINE_REP, init=SFT_WEBIT_FILTERED, num_episodes=1, samples_per_prompt=4, max_epochs=1, max_samples=30000,
    zero_stage=2, adam_offload=False, eval_every_steps=None, table="Table 14",
)
RL_T14_RULE_FILTERED = replace(_RL_T14, prompts="WebInstruct-462k filtered (115k prompts)", grader="symeval",
                               answer_key="ref_ans_boxed", gpus=(32, 32, 64), script="section_5.2 rule_filtered")
RL_T14_RULE_UNFILTERED = replace(RL_T14_RULE_FILTERED, prompts="WebInstruct-462k unfiltered", gpus=(16, 16, 32),
                                 script="section_5.2 rule_unfiltered")
RL_T14_JUDGE_FILTERED = replace(RL_T14_RULE_FILTERED, grader="judge", judge=PaperJudge(),
                                answer_key="extracted_answer", gpus=(16, 16, 16), script="section_5.2 judge_filtered")
RL_T14_JUDGE_UNFILTERED = replace(RL_T14_JUDGE_FILTERED, prompts="WebInstruct-462k unfiltered",
                                  script="section_5.2 judge_unfiltered")

# --- §6 (Table 15): base model, direct RL (SimpleRL setup), SFT and SFT + RL on Qwen2.5-Math-7B -------------------------
BASE_QWEN = PaperModelRecipe(QWEN_MATH_7B, eval_preset="greedy_4k", table="Table 4 row 'Base (0-shot)'")
RL_T15_DIRECT = PaperRLRecipe(
    RewardSpec(SIMPLERL_FORMAT), init=QWEN_MATH_7B, prompts="MATH levels 3-5, about 8k questions (SimpleRL)",
    gae_lambda=0.95, num_episodes=20, samples_per_prompt=8, rollout_batch_size=1024, train_batch_size=128,
    prompt_max_len=1024, generate_max_len=3072, critic_learning_rate=9e-6, eval_preset="greedy_4k",
    table="Table 15 (direct RL)",
)
SFT_QWEN = SFT_LONG_QWEN
RL_T15_SFT = replace(RL_T9_COSINE_REP, init=SFT_LONG_QWEN, samples_per_prompt=8, max_epochs=1,
                     critic_learning_rate=4.5e-6, zero_stage=2, adam_offload=False, eval_every_steps=None, script="",
                     table="Table 15 (SFT + RL, cosine + repetition penalty)")
