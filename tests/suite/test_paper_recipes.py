"""Paper-scale recipes (suite/recipes/paper.py, experiments/_paper_recipes.py): validation at construction and the
fields that encode the paper's and the official scripts' settings."""

from dataclasses import replace

import pytest

from experiments._paper_recipes import (
    BASE_QWEN,
    RL_T8_LLAMA_CLASSIC,
    RL_T9_COSINE_REP,
    RL_T13,
    RL_T14_JUDGE_FILTERED,
    RL_T14_JUDGE_UNFILTERED,
    RL_T14_RULE_FILTERED,
    RL_T14_RULE_UNFILTERED,
    RL_T15_DIRECT,
    SFT_MIX,
    SFT_SCALING,
    SFT_WEBIT,
    SFT_WEBIT_FILTERED,
)
from suite.errors import UserError
from suite.eval.presets import get_preset
from suite.recipes import apply_overrides, recipe_hash
from suite.recipes.paper import PaperJudge, PaperModelRecipe, PaperRLRecipe, PaperSFTRecipe, SFTDataSource
from suite.registry import discover
from suite.rewards.settings import SPEC_COSINE_REP
from suite.verify.judge import parse_judgement

EXPS = discover()


def _paper_recipes():
    for exp_id, exp in EXPS.items():
        for arm, recipe in exp.scales["paper"].recipes.items():
            yield exp_id, arm, recipe


# --- evaluation presets ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda: PaperRLRecipe(SPEC_COSINE_REP, eval_preset="paper-greedy"),
    lambda: PaperModelRecipe(eval_preset="paper-greedy"),
    lambda: replace(RL_T15_DIRECT, eval_preset="paper-greedy"),
])
def test_an_unknown_eval_preset_is_rejected_naming_the_recipe_and_field(make):
    with pytest.raises(UserError) as err:
        make()
    msg = str(err.value)
    assert "'eval_preset'" in msg and "'paper-greedy'" in msg
    assert "PaperRLRecipe" in msg or "PaperModelRecipe" in msg
    assert "greedy_4k" in msg  # the known presets are listed


def test_every_paper_recipe_names_an_existing_preset_and_section_6_greedy_rows_use_greedy_4k():
    for exp_id, arm, recipe in _paper_recipes():
        if hasattr(recipe, "eval_preset"):
            get_preset(recipe.eval_preset)  # raises on an unknown name
    # §6.1: the base and direct-RL rows of Table 4 are greedy with at most 4,096 new tokens
    s6 = EXPS["section-6"].scales["paper"].recipes
    for arm in ("base", "direct_rl"):
        preset = get_preset(s6[arm].eval_preset)
        assert (preset.temperature, preset.max_new_tokens) == (0.0, 4096), arm
    assert BASE_QWEN.eval_preset == RL_T15_DIRECT.eval_preset == "greedy_4k"
    assert s6["sft_rl"].eval_preset == "paper"  # Table 4's SFT + RL row: t=0.7, 16K


# --- the §5.2 judge --------------------------------------------------------------------------------------------------


def test_judge_recipes_carry_the_verifiers_settings_with_the_official_parser_by_default():
    assert PaperJudge().official_parser is True  # the paper's runs were rewarded by the fork's parser
    for r in (RL_T14_JUDGE_FILTERED, RL_T14_JUDGE_UNFILTERED):
        j = r.judge
        assert r.grader == "judge" and isinstance(j, PaperJudge)
        # section_5.2__..._judge_{filtered,unfiltered}.sh: --judge_vllm_num_engines 16; openrlhf/reward/judge.py:
        # TRUNCATED_LINES = 20, temperature 0, top_p 1, max_tokens 1024
        assert (j.vllm_engines, j.last_lines, j.temperature, j.top_p, j.max_new_tokens) == (16, 20, 0.0, 1.0, 1024)
        assert j.model == "Qwen/Qwen2.5-7B-Instruct"  # App. E.6
        assert j.official_parser is True
        # the official parser scores a capitalised verdict 0; the suite's default parser scores it 1
        assert parse_judgement("Judgement: Correct", official_bug=j.official_parser) is False
    assert parse_judgement("Judgement: Correct") is True
    assert RL_T14_RULE_FILTERED.judge is None and RL_T14_RULE_UNFILTERED.judge is None
    assert any("official_parser" in d for d in EXPS["takeaway-5.2"].scales["paper"].deviations)


def test_the_official_parser_switch_is_a_recipe_field_and_changes_the_hash():
    fixed = apply_overrides(RL_T14_JUDGE_FILTERED, {"judge.official_parser": "false"}, where="test")
    assert fixed.judge.official_parser is False
    assert recipe_hash(fixed) != recipe_hash(RL_T14_JUDGE_FILTERED)


def test_judge_settings_are_set_exactly_for_the_judge_grader():
    with pytest.raises(UserError, match="'judge'"):
        replace(RL_T14_RULE_FILTERED, grader="judge")
    with pytest.raises(UserError, match="'judge'"):
        replace(RL_T14_RULE_FILTERED, judge=PaperJudge())


# --- SFT data construction -------------------------------------------------------------------------------------------


def test_webinstruct_sft_is_one_unfiltered_response_per_prompt():
    (src,) = SFT_WEBIT.data
    assert (src.construction, src.candidates_per_prompt, src.keep, src.grader) == ("unfiltered", 1, "all", None)
    assert "WebInstruct" in src.prompts and src.teacher == "Qwen/QwQ-32B-Preview"
    math, web = SFT_MIX.data
    assert (math.construction, math.fraction) == ("rejection_sampled", 0.5)
    assert (web.construction, web.candidates_per_prompt, web.keep, web.fraction) == ("unfiltered", 1, "all", 0.5)


def test_filtered_webinstruct_sft_states_extractor_samples_and_keep_rule():
    (src,) = SFT_WEBIT_FILTERED.data
    assert src.construction == "filtered"
    # App. E.7 / §5.2: Llama-3.1-8B-Instruct, greedy, 512 tokens; 2 QwQ responses per prompt; matching ones kept
    assert (src.answer_extractor, src.extractor_temperature, src.extractor_max_tokens) == \
        ("meta-llama/Llama-3.1-8B-Instruct", 0.0, 512)
    assert (src.candidates_per_prompt, src.keep) == (2, "correct")
    assert RL_T14_RULE_FILTERED.init == SFT_WEBIT_FILTERED


@pytest.mark.parametrize("kwargs, field", [
    (dict(construction="unfiltered", candidates_per_prompt=4, grader=None, keep="all"), "candidates_per_prompt"),
    (dict(construction="unfiltered", candidates_per_prompt=1, grader=None, keep="correct"), "keep"),
    (dict(construction="rejection_sampled", grader=None), "grader"),
    (dict(construction="filtered", candidates_per_prompt=2), "answer_extractor"),
    (dict(construction="rejection_sampled", answer_extractor="meta-llama/Llama-3.1-8B-Instruct"), "answer_extractor"),
    (dict(fraction=0.0), "fraction"),
])
def test_inconsistent_data_construction_is_rejected_naming_the_field(kwargs, field):
    with pytest.raises(UserError, match=f"'{field}'"):
        SFTDataSource(**kwargs)


def test_mixture_fractions_must_add_up_to_one():
    with pytest.raises(UserError, match="'data'"):
        PaperSFTRecipe(data=(SFTDataSource(fraction=0.5),))


# --- §3.1: the nine released SFT scripts -----------------------------------------------------------------------------

# eddycmu/demystify-long-cot @ 7cec7017d52444798b39496efa8759aaeafdd125,
# openrlhf/scripts/section_3.1_sft_scaling/section_3.1_sft_llama3.1_8b_math_train_{qwq,qwen}_rs_n{N}.sh
# (all nine: --pretrain "meta-llama/Meta-Llama-3.1-8B" --input_key messages --apply_chat_template
#  --max_len $((128 * 1024)) --train_batch_size 256 --micro_train_batch_size 1 --learning_rate "5e-6" --max_epochs 2
#  --zero_stage 2; DATASET_ID as below)
SCRIPTS_31 = {
    "long_n32": ("section_3.1_sft_llama3.1_8b_math_train_qwq_rs_n32.sh", "demystify-long-cot/math-train-qwq-rs-n32",
                 32),
    "long_n64": ("section_3.1_sft_llama3.1_8b_math_train_qwq_rs_n64.sh", "demystify-long-cot/math-train-qwq-rs-n64",
                 64),
    "long_n128": ("section_3.1_sft_llama3.1_8b_math_train_qwq_rs_n128.sh", "demystify-long-cot/math-train-qwq-rs-n128",
                  128),
    "long_n192": ("section_3.1_sft_llama3.1_8b_math_train_qwq_rs_n192.sh", "demystify-long-cot/math-train-qwq-rs-n192",
                  192),
    "long_n256": ("section_3.1_sft_llama3.1_8b_math_train_qwq_rs_n256.sh", "demystify-long-cot/math-train-qwq-rs-n256",
                  256),
    "short_n32": ("section_3.1_sft_llama3.1_8b_math_train_qwen_rs_n32.sh", "demystify-long-cot/math-train-qwen-rs-n32",
                  32),
    "short_n64": ("section_3.1_sft_llama3.1_8b_math_train_qwen_rs_n64.sh", "demystify-long-cot/math-train-qwen-rs-n64",
                  64),
    "short_n128": ("section_3.1_sft_llama3.1_8b_math_train_qwen_rs_n128.sh",
                   "demystify-long-cot/math-train-qwen-rs-n128", 128),
    "short_n256": ("section_3.1_sft_llama3.1_8b_math_train_qwen_rs_n256.sh",
                   "demystify-long-cot/math-train-qwen-rs-n256", 256),
}


def test_takeaway_3_1_has_one_recipe_per_released_script_with_its_flags():
    recipes = EXPS["takeaway-3.1"].scales["paper"].recipes
    assert set(recipes) == set(SCRIPTS_31) == set(SFT_SCALING)
    for arm, (script, dataset, n) in SCRIPTS_31.items():
        r = recipes[arm]
        assert r.script == f"openrlhf/scripts/section_3.1_sft_scaling/{script}"
        assert r.dataset_id == dataset
        # "meta-llama/Meta-Llama-3.1-8B" in the script is the same hub repository under its former name
        assert r.base_model == "meta-llama/Llama-3.1-8B"
        assert (r.context_length, r.batch_size, r.micro_batch_size, r.learning_rate, r.epochs, r.zero_stage) == \
            (131072, 256, 1, 5e-6, 2, 2)
        assert (r.input_key, r.apply_chat_template) == ("messages", True)
        (src,) = r.data
        assert (src.construction, src.candidates_per_prompt) == ("rejection_sampled", n)
        teacher = "Qwen/QwQ-32B-Preview" if "_qwq_" in script else "Qwen/Qwen2.5-Math-72B-Instruct"
        assert src.teacher == teacher


def test_takeaway_3_2_starts_rl_from_the_3_1_n256_script_recipes():
    p31, p32 = EXPS["takeaway-3.1"].scales["paper"].recipes, EXPS["takeaway-3.2"].scales["paper"].recipes
    assert recipe_hash(p32["long_sft"]) == recipe_hash(p31["long_n256"])
    assert recipe_hash(p32["short_sft"]) == recipe_hash(p31["short_n256"])
    assert p32["long_sft_rl"].init == p31["long_n256"]


# --- evaluation cadence during training ------------------------------------------------------------------------------


def test_rl_recipes_carry_the_scripts_save_steps_and_an_eval_cadence():
    # section_4.1__cot_length_stability__llama_classic.sh: --save_steps 8; Figure 2a plots MATH-500 per iteration
    assert (RL_T8_LLAMA_CLASSIC.save_steps, RL_T8_LLAMA_CLASSIC.eval_every_steps) == (8, 8)
    assert RL_T8_LLAMA_CLASSIC.eval_benchmark == "math500"
    # section_4.2__active_scaling_of_cot_length__cosine_repetition_penalty.sh: --save_steps 8 (Figure 5)
    assert (RL_T9_COSINE_REP.save_steps, RL_T9_COSINE_REP.eval_every_steps) == (8, 8)
    for arm in ("ctx_4k", "ctx_8k", "ctx_16k"):  # Figure 6
        assert EXPS["takeaway-4.4"].scales["paper"].recipes[arm].eval_every_steps == 8
    # section_4.6__optimal_discount_factors__gammas_*.sh: --save_steps 2 in 100_100, 100_999, 100_99, 99_99; 8 otherwise
    assert {k: r.save_steps for k, r in RL_T13.items()} == \
        {"100_100": 2, "100_999": 2, "100_99": 2, "999_999": 8, "999_99": 8, "99_99": 2}
    with pytest.raises(UserError, match="'eval_every_steps'"):
        replace(RL_T8_LLAMA_CLASSIC, eval_every_steps=12)  # not a saved checkpoint
    with pytest.raises(UserError, match="'eval_benchmark'"):
        replace(RL_T8_LLAMA_CLASSIC, eval_benchmark="math")


# --- stated assumptions ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("exp_id, words", [
    ("takeaway-3.2", ("gamma_c = gamma_p = 1", "hendrycks")),
    ("takeaway-3.3", ("gamma_c = gamma_p = 1", "hendrycks", "50.4")),
    ("takeaway-5.1", ("gamma_c = gamma_p = 1", "hendrycks", "one unfiltered")),
    ("takeaway-4.1", ("Qwen2.5-Math-7B run starts from", "eval_every_steps")),
    ("takeaway-4.2", ("eval_every_steps",)),
    ("takeaway-4.4", ("eval_every_steps",)),
    ("takeaway-4.5", ("eval_every_steps",)),
    ("takeaway-4.6", ("one SFT recipe for both",)),
    ("takeaway-3.1", ("7cec7017",)),
])
def test_assumptions_are_stated_as_deviations(exp_id, words):
    text = " ".join(EXPS[exp_id].scales["paper"].deviations)
    for w in words:
        assert w in text, (exp_id, w)
