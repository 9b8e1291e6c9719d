"""Paper-scale recipes shared by several findings, one per official run script or table row (paper App. E.2-E.5).

Identical recipes get identical hashes, so an arm that two findings share (4.2's cosine runs are 4.5's) is one job.
"""

from dataclasses import replace

from suite.recipes.paper import LLAMA_8B, QWEN_MATH_7B, PaperModelRecipe, PaperRLRecipe, PaperSFTRecipe
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

# --- SFT (Table 6) ---------------------------------------------------------------------------------------------------
SFT_LONG_LLAMA = PaperSFTRecipe()  # QwQ-32B-Preview long CoT on MATH train; about 200k samples (§3.3)
SFT_SHORT_LLAMA = PaperSFTRecipe(
    data="short CoT, rejection-sampled from the teacher on MATH train",
    teacher="Qwen/Qwen2.5-Math-72B-Instruct",
    teacher_temperature=0.7,  # t=1.0 produced a "non-negligible ratio of nonsense output" (App. E.2)
    teacher_max_tokens=4096,  # the teacher's context limit
)
SFT_CONSTRUCTED_LLAMA = replace(
    SFT_LONG_LLAMA,
    data="constructed long CoT: Action Prompting (clarify / decompose / step / reflect / answer); actions by "
    "Qwen2.5-72B-Instruct, reflections by o1-mini-0912 (code not released)",
    teacher="Qwen/Qwen2.5-72B-Instruct + o1-mini-0912",
)
SFT_LONG_QWEN = replace(SFT_LONG_LLAMA, base_model=QWEN_MATH_7B, candidates_per_prompt=32, rope_theta_multiplier=10.0)

# --- §3.2 RL from SFT (Table 7): cosine + repetition penalty, 4 episodes x 4 samples, gamma = 1 ------------------------
RL_T7 = PaperRLRecipe(
    RewardSpec(COSINE_DEFAULT, REPETITION_DEFAULT, (1.0, 1.0)),  # Table 7 lists a single gamma of 1
    init=SFT_LONG_LLAMA, num_episodes=4, samples_per_prompt=4, critic_learning_rate=9e-6, table="Table 7",
)

# --- §4.1 (Table 8): classic reward, 8 x 8, critic 4.5e-6 --------------------------------------------------------------
RL_T8_LLAMA_CLASSIC = PaperRLRecipe(
    SPEC_CLASSIC, init=SFT_LONG_LLAMA, critic_learning_rate=4.5e-6, gpus=(64, 32, 32),
    script="section_4.1 llama_classic", table="Table 8",
)
RL_T8_QWEN_CLASSIC = replace(RL_T8_LLAMA_CLASSIC, init=SFT_LONG_QWEN, script="section_4.1 qwen_classic")

# --- §4.2 (Table 9): rows 1-2 at 8 x 8 / 1 epoch; rows 3-5 at 8 x 16 / 2 epochs (the released scripts) --------------------
RL_T9_CLASSIC_8X8 = replace(RL_T8_LLAMA_CLASSIC, script="", table="Table 9 row 1")
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
RL_T13 = {
    suffix: replace(_RL_4X4, reward=RewardSpec(COSINE_DEFAULT, REPETITION_DEFAULT, pair),
                    script=f"section_4.6 gammas_{suffix}", table="Table 13")
    for suffix, pair in GAMMA_PAIRS.items()
}

# --- §5.1: SFT data mixtures, then RL as in §3.2 ------------------------------------------------------------------------
SFT_WEBIT = replace(SFT_LONG_LLAMA, data="WebInstruct-462k (MinHash-deduplicated), one unfiltered QwQ response per prompt")
SFT_MIX = replace(SFT_LONG_LLAMA, data="about 50% MATH (rejection-sampled) + 50% WebInstruct-462k (unfiltered)")

# --- §5.2 (Table 14): noisy verifiable data, 1 episode, 30k prompts x 4 samples -----------------------------------------
SFT_WEBIT_FILTERED = replace(
    SFT_LONG_LLAMA,
    data="WebInstruct filtered: short-form answer extracted (Llama-3.1-8B-Instruct) and matched by >= 1 of 2 QwQ "
    "responses; about 189k responses over 115k prompts",
)
_RL_T14 = replace(
    RL_T9_COSINE_REP, init=SFT_WEBIT_FILTERED, num_episodes=1, samples_per_prompt=4, max_epochs=1, max_samples=30000,
    zero_stage=2, adam_offload=False, table="Table 14",
)
RL_T14_RULE_FILTERED = replace(_RL_T14, prompts="WebInstruct-462k filtered (115k prompts)", grader="symeval",
                               answer_key="ref_ans_boxed", gpus=(32, 32, 64), script="section_5.2 rule_filtered")
RL_T14_RULE_UNFILTERED = replace(RL_T14_RULE_FILTERED, prompts="WebInstruct-462k unfiltered", gpus=(16, 16, 32),
                                 script="section_5.2 rule_unfiltered")
RL_T14_JUDGE_FILTERED = replace(RL_T14_RULE_FILTERED, grader="judge", answer_key="extracted_answer",
                                gpus=(16, 16, 16), script="section_5.2 judge_filtered")
RL_T14_JUDGE_UNFILTERED = replace(RL_T14_JUDGE_FILTERED, prompts="WebInstruct-462k unfiltered",
                                  script="section_5.2 judge_unfiltered")

# --- §6 (Table 15): base model, direct RL (SimpleRL setup), SFT and SFT + RL on Qwen2.5-Math-7B -------------------------
BASE_QWEN = PaperModelRecipe(QWEN_MATH_7B, eval_preset="paper-greedy", table="Table 4 row 'Base (0-shot)'")
RL_T15_DIRECT = PaperRLRecipe(
    RewardSpec(SIMPLERL_FORMAT), init=QWEN_MATH_7B, prompts="MATH levels 3-5, about 8k questions (SimpleRL)",
    gae_lambda=0.95, num_episodes=20, samples_per_prompt=8, rollout_batch_size=1024, train_batch_size=128,
    prompt_max_len=1024, generate_max_len=3072, critic_learning_rate=9e-6, eval_preset="paper-greedy",
    table="Table 15 (direct RL)",
)
SFT_QWEN = SFT_LONG_QWEN
RL_T15_SFT = replace(RL_T9_COSINE_REP, init=SFT_LONG_QWEN, samples_per_prompt=8, max_epochs=1,
                     critic_learning_rate=4.5e-6, zero_stage=2, adam_offload=False, script="",
                     table="Table 15 (SFT + RL, cosine + repetition penalty)")
