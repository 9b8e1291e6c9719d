"""Adapters for TRL, verl and OpenRLHF, checked against hand-computed values of the paper's formulas."""

import importlib.util
import inspect
import json
import logging
import math
import pickle
import re
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

import suite.rewards.adapters.common as common
from suite.rewards.adapters import openrlhf as openrlhf_adapter
from suite.rewards.adapters import trl as trl_adapter
from suite.rewards.adapters import verl as verl_adapter
from suite.rewards.settings import CosineRewardSetting


def paper_cosine(n, L, r0, rL, exceed=-10.0, margin=16):
    """Default cosine reward from the paper's formula, independent of suite.rewards."""
    return exceed if n + margin >= L else rL + 0.5 * (r0 - rL) * (1 + math.cos(math.pi * n / L))


class WhitespaceTokenizer:
    """Stands in for the policy tokenizer: one token per whitespace word; "</s>" is the EOS."""

    eos_token = "</s>"

    def encode(self, text, add_special_tokens=False):
        return text.split()


def is_four(text, gold):  # module level so it pickles
    return "4" in text


# --- shared grading -------------------------------------------------------------------------------------------------


def test_last_boxed_reads_nested_braces_and_the_last_box():
    assert common.last_boxed(r"\boxed{1} then \boxed{\frac{1}{2}}") == r"\frac{1}{2}"
    assert common.last_boxed(r"cut off \boxed{\frac{1}{2") is None


def test_boxed_exact_match_compares_with_the_golds_own_box():
    assert common.boxed_exact_match(r"\boxed{12}", r"so \boxed{12}")
    assert not common.boxed_exact_match(r"\boxed{12}", "1")
    assert not common.boxed_exact_match("12", "12")  # no box, no answer


def test_default_grader_passes_response_then_gold_to_suite_verify(monkeypatch):
    # suite.verify.grade_response takes (response, gold); an asymmetric fake catches a swapped call.
    fake = lambda response, gold: gold == "seven" and response.endswith("7")  # noqa: E731
    monkeypatch.setattr(common, "_verify_functions", lambda: fake)
    assert common.default_grader("answer 7", "seven") and not common.default_grader("answer 8", "seven")


def test_default_grader_is_suite_verify():
    # Symbolic, unlike the strict boxed match: \frac{1}{2} equals 1/2, and a response without an answer is wrong.
    assert common.default_grader(r"so the answer is \boxed{\frac{1}{2}}", "1/2")
    assert not common.boxed_exact_match(r"so the answer is \boxed{\frac{1}{2}}", "1/2")
    assert not common.default_grader(r"so the answer is \boxed{3}", "7")
    assert not common.default_grader("no answer here", "7")


def test_grader_given_as_module_path_is_imported():
    assert common.resolve_grader("suite.rewards.adapters.common:boxed_exact_match") is common.boxed_exact_match
    with pytest.raises(ValueError):
        common.resolve_grader("no_colon_here")


def test_token_length_adds_back_the_eos_that_decoding_dropped():
    assert common.token_length("a b c", WhitespaceTokenizer()) == 4
    assert common.token_length("a b c </s>", WhitespaceTokenizer()) == 4


def test_unknown_setting_names_are_rejected():
    with pytest.raises(ValueError, match="unknown reward setting"):
        common.resolve_outcome("cosine-D")
    with pytest.raises(TypeError):
        common.resolve_outcome("repetition")


# --- TRL ------------------------------------------------------------------------------------------------------------


def test_trl_reward_uses_token_ids_not_text_for_the_length():
    reward = trl_adapter.get_cosine_reward(max_len=1000, grader=is_four)
    out = reward(completions=["4", "4", "5"], completion_ids=[[0] * 10, [0] * 500, [0] * 500], solution=["4"] * 3)
    assert out == pytest.approx([paper_cosine(10, 1000, 2, 1), 1.5, -5.0])


def test_trl_reward_reads_conversational_completions_and_skips_missing_golds():
    reward = trl_adapter.get_cosine_reward(max_len=1000, grader=is_four)
    chats = [[{"role": "assistant", "content": "it is 4"}], [{"role": "assistant", "content": "4"}]]
    with pytest.warns(RuntimeWarning, match="missing gold"):
        assert reward(completions=chats, completion_ids=[[1] * 500, [1]], solution=["4", None]) == [1.5, None]


def test_trl_reward_names_the_missing_answer_column():
    reward = trl_adapter.get_cosine_reward(max_len=100, answer_key="answer")
    with pytest.raises(KeyError, match="answer"):
        reward(completions=["x"], completion_ids=[[1]], solution=["x"], trainer_state=None)


def test_trl_classic_reward_and_named_cosine_variants():
    classic = trl_adapter.get_classic_reward(max_len=100, grader=is_four)
    out = classic(completions=["4", "4", "5"], completion_ids=[[1], [1] * 84, [1]], solution=["4"] * 3)
    assert out == [1.0, 0.0, 0.0]
    reward_a = trl_adapter.get_cosine_reward(max_len=1000, setting="cosine-A", grader=is_four)
    assert reward_a(completions=["4"], completion_ids=[[1] * 500], solution=["4"]) == pytest.approx([5.0])
    with pytest.raises(TypeError):
        trl_adapter.get_cosine_reward(max_len=100, setting="classic")


def test_trl_repetition_reward_is_p_times_the_penalised_tokens():
    rep = trl_adapter.get_repetition_reward()
    block = list(range(40))
    assert rep(completion_ids=[block + [99] + block, block]) == pytest.approx([-0.05 * 40, 0.0])


def test_trl_rewards_are_picklable_and_keep_their_behaviour():
    reward = trl_adapter.get_cosine_reward(max_len=1000, grader=is_four)
    clone = pickle.loads(pickle.dumps(reward))
    kwargs = dict(completions=["4", "5"], completion_ids=[[1] * 500, [1] * 10], solution=["4", "4"])
    assert clone(**kwargs) == reward(**kwargs)
    assert clone.__name__ == "cosine_reward"
    assert pickle.loads(pickle.dumps(trl_adapter.get_repetition_reward())).__name__ == "repetition_reward"
    default_grader_reward = pickle.loads(pickle.dumps(trl_adapter.get_cosine_reward(max_len=10)))
    assert default_grader_reward.grader is common.default_grader


def test_trl_reward_rejects_bad_settings_at_construction():
    with pytest.raises(ValueError):
        trl_adapter.get_cosine_reward(max_len=100, setting=CosineRewardSetting("bad", r0_wrong=1.0))
    with pytest.raises(ValueError):
        trl_adapter.get_cosine_reward(max_len=0)


class Spy:
    """Records what GRPOTrainer passes to a reward function and what it gets back."""

    def __init__(self, inner):
        self.inner, self.calls = inner, []
        self.__name__ = inner.__name__

    def __call__(self, **kwargs):
        out = self.inner(**kwargs)
        self.calls.append((kwargs, out))
        return out


def test_trl_grpo_trainer_calls_our_rewards_with_token_ids(tmp_path):
    pytest.importorskip("trl")
    datasets = pytest.importorskip("datasets")
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast
    from trl import GRPOConfig, GRPOTrainer

    words = ["<pad>", "<eos>", "<unk>", "4", "what", "is", "2+2", "?"] + [f"w{i}" for i in range(24)]
    core = Tokenizer(models.WordLevel(vocab={w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok = PreTrainedTokenizerFast(tokenizer_object=core, pad_token="<pad>", eos_token="<eos>", unk_token="<unk>")
    config = LlamaConfig(vocab_size=len(words), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=64, pad_token_id=0,
                         eos_token_id=1)
    torch.manual_seed(0)
    # margin 0 and a budget above the 8 generated tokens, so the cosine branch (not the exceed branch) is exercised.
    setting = CosineRewardSetting("cosine-test", margin=0)
    cos = Spy(trl_adapter.get_cosine_reward(max_len=12, setting=setting, grader=is_four))
    rep = Spy(trl_adapter.get_repetition_reward())
    args = GRPOConfig(output_dir=str(tmp_path), per_device_train_batch_size=2, num_generations=2,
                      max_completion_length=8, max_steps=1, report_to=[], logging_steps=1, use_cpu=True,
                      save_strategy="no", bf16=False)
    ds = datasets.Dataset.from_list([{"prompt": "what is 2+2 ?", "solution": "4"}] * 4)
    trainer = GRPOTrainer(model=LlamaForCausalLM(config), reward_funcs=[cos, rep], args=args, train_dataset=ds,
                          processing_class=tok)
    trainer.train()

    assert cos.calls and rep.calls
    for kwargs, out in cos.calls:
        ids, texts = kwargs["completion_ids"], kwargs["completions"]
        assert kwargs["solution"] == ["4"] * len(ids)
        expected = [paper_cosine(len(i), 12, 2.0 if "4" in t else -10.0, 1.0 if "4" in t else 0.0, margin=0)
                    for i, t in zip(ids, texts)]
        assert out == pytest.approx(expected)
        assert all(1 <= len(i) <= 8 for i in ids)
    logged = trainer.state.log_history[0]
    all_rewards = [r for _, out in cos.calls for r in out]
    assert logged[f"rewards/{cos.__name__}/mean"] == pytest.approx(sum(all_rewards) / len(all_rewards), abs=1e-5)


# --- verl -----------------------------------------------------------------------------------------------------------


def verl_score(*args, **kwargs):
    """The reward alone, as the default dict result carries it."""
    return verl_adapter.compute_score(*args, **kwargs)["score"]


def test_verl_compute_score_with_a_known_length():
    assert verl_score("math", r"\boxed{4}", "4", {"response_length": 7168}, max_len=14336) == 1.5
    assert verl_score("math", r"\boxed{5}", "4", {"response_length": 7168}, max_len=14336) == -5.0
    assert verl_score("math", r"\boxed{4}", "4", {"response_length": 14320}, max_len=14336) == -10.0


def test_verl_compute_score_counts_tokens_with_the_policy_tokenizer():
    text = " ".join(["w"] * 499) + r" \boxed{4}"  # 500 words + the EOS verl's decoding dropped = 501 tokens
    got = verl_adapter.compute_score("math", text, "4", None, max_len=1000, tokenizer=WhitespaceTokenizer())
    assert got["score"] == pytest.approx(paper_cosine(501, 1000, 2.0, 1.0))
    assert got["response_length"] == 501


def test_verl_compute_score_reads_settings_and_graders_by_name():
    got = verl_score("m", "4", "4", {"response_length": 50, "max_len": 100}, setting="classic", grader=is_four)
    assert got == 1.0
    got = verl_score("m", r"\boxed{4}", "4", None, max_len=100, gen_len=50, setting="cosine-C",
                     grader="suite.rewards.adapters.common:boxed_exact_match")
    assert got == pytest.approx(9.5)


def test_verl_compute_score_explains_missing_configuration():
    with pytest.raises(ValueError, match="max_len"):
        verl_adapter.compute_score("m", "x", "4", None, gen_len=3)
    with pytest.raises(ValueError, match="tokenizer"):
        verl_adapter.compute_score("m", "x", "4", None, max_len=100)


def _load_by_path(path, name):
    """How verl and OpenRLHF load a reward file: by path, outside any package."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_verl_file_works_when_loaded_by_path():
    module = _load_by_path(Path(verl_adapter.__file__), "custom_module")
    assert module.compute_score("math", r"\boxed{4}", "4", {"response_length": 0}, max_len=100)["score"] == 2.0


# --- OpenRLHF -------------------------------------------------------------------------------------------------------


def test_openrlhf_reward_grades_the_response_without_the_prompt():
    reward = openrlhf_adapter.OpenRLHFReward(max_len=100, tokenizer=WhitespaceTokenizer())
    prompt = r"Example: \boxed{4}. Question: 2+2?"
    out = reward([prompt + " so 5 </s>", prompt + r" \boxed{4} done </s>"], [prompt, prompt], ["4", "4"])
    # Responses are 3 tokens each (EOS included); only the second has the right boxed answer.
    assert out["rewards"].tolist() == pytest.approx([paper_cosine(3, 100, -10.0, 0.0), paper_cosine(3, 100, 2.0, 1.0)])
    assert out["scores"].tolist() == [0.0, 1.0]
    assert out["extra_logs"]["response_length_tokens"].tolist() == [3.0, 3.0]


def test_openrlhf_reward_is_picklable():
    reward = openrlhf_adapter.OpenRLHFReward(max_len=100, tokenizer=WhitespaceTokenizer(), setting="classic",
                                            grader=is_four)
    clone = pickle.loads(pickle.dumps(reward))
    assert clone(["q 4"], ["q"], ["4"])["rewards"].tolist() == [1.0]


def test_openrlhf_file_is_configured_from_the_environment(monkeypatch):
    module = _load_by_path(Path(openrlhf_adapter.__file__), "reward_func")
    monkeypatch.setattr(common, "load_tokenizer", lambda name: WhitespaceTokenizer())
    monkeypatch.setenv("LONGCOT_REWARD_MAX_LEN", "1000")
    monkeypatch.setenv("LONGCOT_REWARD_TOKENIZER", "policy")
    monkeypatch.setenv("LONGCOT_REWARD_SETTING", "cosine-B")
    out = module.reward_func(["p " + " ".join(["w"] * 499) + r" \boxed{4}"], ["p"], ["4"])
    assert out["rewards"].tolist() == pytest.approx([paper_cosine(501, 1000, 6.0, 5.0)], rel=1e-6)


def test_openrlhf_file_names_missing_environment_variables(monkeypatch):
    module = _load_by_path(Path(openrlhf_adapter.__file__), "reward_func")
    monkeypatch.delenv("LONGCOT_REWARD_MAX_LEN", raising=False)
    monkeypatch.delenv("LONGCOT_REWARD_TOKENIZER", raising=False)
    with pytest.raises(RuntimeError, match="LONGCOT_REWARD_MAX_LEN"):
        module.reward_func(["x"], [""], ["4"])


# --- missing gold answers and pathological completions ---------------------------------------------------------------

MISSING_GOLDS = [None, "", "   ", "\n\t", float("nan")]


def matches_anything(text, gold):  # the worst grader: it would pay any sample that reaches it
    return True


@pytest.mark.parametrize("gold", MISSING_GOLDS, ids=repr)
def test_a_missing_gold_is_never_matched_by_the_built_in_graders(gold):
    assert common.missing_gold(gold)
    for text in (r"\boxed{None}", r"\boxed{nan}", r"\boxed{}", "the answer is None"):
        assert not common.default_grader(text, gold)
        assert not common.boxed_exact_match(text, gold)


@pytest.mark.parametrize("grader", [None, matches_anything], ids=["default", "matches_anything"])
@pytest.mark.parametrize("gold", MISSING_GOLDS, ids=repr)
def test_verl_scores_a_missing_gold_0_with_a_warning(gold, grader):
    with pytest.warns(RuntimeWarning, match=r"missing gold answer in 'ground_truth'.*extra_info\['index'\]=7"):
        got = verl_adapter.compute_score("math", r"\boxed{None}", gold, {"response_length": 10, "index": 7},
                                         max_len=100, grader=grader)
    assert (got["score"], got["acc"], got["response_length"]) == (0.0, 0.0, 10)


@pytest.mark.parametrize("grader", [None, matches_anything], ids=["default", "matches_anything"])
@pytest.mark.parametrize("gold", MISSING_GOLDS, ids=repr)
def test_openrlhf_scores_a_missing_gold_0_with_one_warning_naming_the_sample(gold, grader):
    reward = openrlhf_adapter.OpenRLHFReward(max_len=100, tokenizer=WhitespaceTokenizer(), grader=grader)
    with pytest.warns(RuntimeWarning, match=r"missing gold answer in 'labels' for sample\(s\) 1 ") as record:
        out = reward(["q \\boxed{4}", r"q \boxed{None}"], ["q", "q"], ["4", gold])
    assert len(record) == 1
    assert out["rewards"].tolist()[1] == 0.0 and out["scores"].tolist() == [1.0, 0.0]
    assert out["extra_logs"]["response_length_tokens"].tolist() == [2.0, 2.0]


@pytest.mark.parametrize("grader", [None, matches_anything], ids=["default", "matches_anything"])
@pytest.mark.parametrize("gold", MISSING_GOLDS, ids=repr)
def test_trl_skips_a_missing_gold_with_one_warning_naming_the_sample(gold, grader):
    # None is TRL's "no reward for this sample" (TRL's nansum pays a sample no function scores 0), never 1.
    reward = trl_adapter.get_cosine_reward(max_len=1000, grader=grader)
    with pytest.warns(RuntimeWarning, match=r"missing gold answer in 'solution' for sample\(s\) 1 ") as record:
        out = reward(completions=[r"\boxed{4}", r"\boxed{None}"], completion_ids=[[1] * 500] * 2, solution=["4", gold])
    assert len(record) == 1
    assert out == [1.5, None]


def test_the_string_none_is_still_a_gold_like_any_other():
    assert not common.missing_gold("None")
    assert verl_score("m", r"\boxed{None}", "None", {"response_length": 0}, max_len=100) == 2.0


@pytest.mark.parametrize("text", ["answer" + " " * 400 + "x", "the answer" + " " * 20_000 + "is",
                                  "answer:" + " \t\n" * 5_000 + "(", "\\boxed{" * 3_000])
def test_a_pathological_completion_is_graded_wrong_quickly_by_every_adapter(text):
    start = time.perf_counter()
    assert not common.default_grader(text, "42") and not common.boxed_exact_match(text, "42")
    got = verl_adapter.compute_score("m", text, "42", {"response_length": 10}, max_len=100, return_dict=False)
    assert got == pytest.approx(paper_cosine(10, 100, -10.0, 0.0))
    reward = openrlhf_adapter.OpenRLHFReward(max_len=100_000, tokenizer=WhitespaceTokenizer())
    assert reward([text], [""], ["42"])["scores"].tolist() == [0.0]
    trl_reward = trl_adapter.get_classic_reward(max_len=100)
    assert trl_reward(completions=[text], completion_ids=[[1]], solution=["42"]) == [0.0]
    assert time.perf_counter() - start < 1.0


# --- verl: the result dict (correctness as `acc`, not the reward) ----------------------------------------------------
# verl facts (volcengine/verl at b178a3cd56f58b2d502255daba591e92833930a7), restated by the helpers below:
# - verl/workers/reward_manager/naive.py: a dict result puts result["score"] at the last response token and appends
#   every key's value to reward_extra_info[key] (one list per key, one entry per sample);
# - verl/experimental/reward_loop/reward_manager/naive.py: a float result is logged as reward_extra_info["acc"];
# - verl/trainer/ppo/ray_trainer.py `_val_metrics_update`: the core validation metric is "acc" when the results carry
#   it, else "reward"; `fit` stores each key as np.array(values); `_dump_generations` writes JSONL rows
#   {input, output, gts, score, step} plus every reward_extra_info key with one value per sample.


def verl_naive_manager(results):
    """(rewards, reward_extra_info) as verl's NaiveRewardManager builds them from compute_score results."""
    rewards, extra = [], {}
    for result in results:
        if isinstance(result, dict):
            rewards.append(result["score"])
            for key, value in result.items():
                extra.setdefault(key, []).append(value)
        else:
            rewards.append(result)
    return rewards, extra


def verl_reward_loop_extra_info(result):
    """reward_extra_info of one sample as verl's reward-loop NaiveRewardManager builds it."""
    return dict(result) if isinstance(result, dict) else {"acc": result}


def verl_dump_rows(step, prompts, responses, golds, results):
    """The JSONL rows verl's `_dump_generations` writes for one batch."""
    scores, extra = verl_naive_manager(results)
    base = {"input": prompts, "output": responses, "gts": golds, "score": scores, "step": [step] * len(responses)}
    base.update({k: v for k, v in extra.items() if len(v) == len(responses)})
    return [{k: v[i] for k, v in base.items()} for i in range(len(responses))]


# Four samples, one right: accuracy 0.25, while every reward is far from it (the cosine rewards 1.5 and -5.0).
VERL_BATCH = [(r"so \boxed{4}", "4"), (r"so \boxed{5}", "4"), (r"so \boxed{6}", "4"), ("no answer", "4")]


def verl_results(batch=VERL_BATCH, **kwargs):
    return [verl_adapter.compute_score("math", text, gold, {"response_length": 7168, "index": i}, max_len=14336,
                                       grader=common.boxed_exact_match, **kwargs)
            for i, (text, gold) in enumerate(batch)]


def test_verl_result_is_a_dict_with_correctness_as_acc():
    right, wrong, _, unanswered = verl_results()
    assert right == {"score": 1.5, "acc": 1.0, "pred": "4", "response_length": 7168}
    assert wrong == {"score": -5.0, "acc": 0.0, "pred": "5", "response_length": 7168}
    assert unanswered == {"score": -5.0, "acc": 0.0, "pred": "", "response_length": 7168}
    for result in (right, wrong, unanswered):  # plain Python scalars and strings: verl stacks and JSON-dumps them
        assert [type(v) for v in result.values()] == [float, float, str, int]


def test_verl_return_dict_false_gives_the_bare_reward():
    assert verl_results(return_dict=False) == [1.5, -5.0, -5.0, -5.0]
    with pytest.raises(TypeError, match="return_dict"):
        verl_adapter.compute_score("m", "x", "4", {"response_length": 1}, max_len=100, return_dict="false")


def test_verl_logs_the_graders_verdict_as_acc_not_the_cosine_reward():
    results = verl_results()
    rewards, extra = verl_naive_manager(results)
    assert rewards == [1.5, -5.0, -5.0, -5.0]
    assert extra["acc"] == [1.0, 0.0, 0.0, 0.0]  # the validation core metric: "acc" when present, else the reward
    assert "acc" in extra and np.mean(extra["acc"]) == 0.25
    assert [verl_reward_loop_extra_info(r)["acc"] for r in results] == [1.0, 0.0, 0.0, 0.0]
    for key, values in extra.items():  # `fit` stores each key as np.array(values), one entry per sample
        assert np.array(values).shape == (len(results),), key


def test_verl_result_keys_are_the_same_for_every_sample(recwarn):
    # verl appends each key per sample; a sample without a key would misalign the lists (verl asserts equal lengths).
    results = verl_results([(r"\boxed{4}", "4"), (r"\boxed{4}", None), ("x", "4")])
    assert [list(r) for r in results] == [["score", "acc", "pred", "response_length"]] * 3
    assert results[1]["score"] == 0.0 and results[1]["acc"] == 0.0


def test_longcot_analyze_reads_verl_acc_as_accuracy_and_score_as_reward(tmp_path):
    from suite.eval.analyze import load_rollouts, step_statistics
    from suite.metrics import names

    prompts = ["2+2?"] * 4
    rows = verl_dump_rows(1, prompts, [t for t, _ in VERL_BATCH], [g for _, g in VERL_BATCH], verl_results())
    second = [(r"\boxed{4}", "4"), (r"\boxed{4}", "4"), (r"\boxed{1}", "4"), (r"\boxed{4}", "4")]
    rows += verl_dump_rows(2, prompts, [t for t, _ in second], [g for _, g in second], verl_results(second))
    path = tmp_path / "rollouts.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))

    curves = step_statistics(load_rollouts(path))["curves"]
    assert curves[names.TRAIN_ACCURACY] == [0.25, 0.75]  # from "acc", not from the cosine "score"
    assert curves[names.REWARD_OUTCOME] == pytest.approx([(1.5 - 15.0) / 4, (4.5 - 5.0) / 4])
    assert curves[names.RESPONSE_LENGTH] == [7168, 7168]


def test_verl_grades_the_response_only_it_never_sees_a_prompt():
    # verl passes solution_str, the decoded response alone; compute_score has no parameter for a prompt, and the
    # question text a dataset may keep in extra_info is never graded.
    params = inspect.signature(verl_adapter.compute_score).parameters
    assert list(params)[:4] == ["data_source", "solution_str", "ground_truth", "extra_info"]
    assert not {"prompt", "prompt_str", "query"} & set(params)
    seen = []

    def spy(text, gold):
        seen.append(text)
        return gold_boxed_anywhere(text, gold)

    info = {"index": 0, "response_length": 3, "question": PROMPT}
    assert verl_adapter.compute_score("math", WRONG_RESPONSE, "7", info, max_len=100, grader=spy)["acc"] == 0.0
    assert seen == [WRONG_RESPONSE]
    with pytest.raises(TypeError, match="prompt"):
        verl_adapter.compute_score("math", WRONG_RESPONSE, "7", info, max_len=100, prompt=PROMPT)


# --- OpenRLHF: grading only what follows the prompt ----------------------------------------------------------------

PROMPT = "Worked example: 3+4 = \\boxed{7}.\nQuestion: what is 1+2? Put the final answer in a box.\n"
WRONG_RESPONSE = "1+2 is 3, so \\boxed{3} </s>"


def gold_boxed_anywhere(text, gold):
    """A grader that pays any boxed gold in the text it is given: it shows whether the prompt's example leaked."""
    return f"\\boxed{{{gold}}}" in text


class ChatTokenizer(WhitespaceTokenizer):
    """A whitespace tokenizer with Gemma-style chat special tokens (not among the generic spellings)."""

    all_special_tokens = ["<bos>", "</s>", "<start_of_turn>", "<end_of_turn>"]


CHATML_PROMPT = "<|im_start|>user\n" + PROMPT + "<|im_end|>\n<|im_start|>assistant\n"
GEMMA_PROMPT = "<start_of_turn>user\n" + PROMPT + "<end_of_turn>\n<start_of_turn>model\n"
LONG_PROMPT = "Some context that a long prompt carries. " * 4 + PROMPT
SEPARABLE = {  # id: (query, prompt); each query's response is WRONG_RESPONSE
    "exact-prefix": (PROMPT + WRONG_RESPONSE, PROMPT),
    "leading-bos": ("<s>" + PROMPT + WRONG_RESPONSE, PROMPT),
    "left-padding-and-bos": ("<pad><pad><|begin_of_text|>" + PROMPT + WRONG_RESPONSE, PROMPT),
    "template-opening-before-prompt": ("<|im_start|>user\n" + PROMPT + WRONG_RESPONSE, PROMPT),
    "special-tokens-dropped": ("user\n" + PROMPT + "\nassistant\n" + WRONG_RESPONSE, CHATML_PROMPT),
    "tokenizer-special-tokens-dropped": ("user\n" + PROMPT + "\nmodel\n" + WRONG_RESPONSE, GEMMA_PROMPT),
    "whitespace-changed": ("<s> " + PROMPT.replace("\n", " \n ").replace(": ", ":  ") + WRONG_RESPONSE, PROMPT),
    "prompt-cut-from-the-left": (LONG_PROMPT[60:] + WRONG_RESPONSE, LONG_PROMPT),
}


@pytest.mark.parametrize("case", SEPARABLE)
def test_openrlhf_never_grades_the_prompts_boxed_example(case):
    query, prompt = SEPARABLE[case]
    seen = []

    def spy(text, gold):
        seen.append(text)
        return gold_boxed_anywhere(text, gold)

    reward = openrlhf_adapter.OpenRLHFReward(max_len=100, tokenizer=ChatTokenizer(), grader=spy)
    out = reward([query], [prompt], ["7"])
    assert [s.strip() for s in seen] == [WRONG_RESPONSE]  # the response alone reached the grader
    assert out["scores"].tolist() == [0.0]
    assert out["rewards"].tolist() == pytest.approx([paper_cosine(6, 100, -10.0, 0.0)])
    assert out["extra_logs"]["response_length_tokens"].tolist() == [6.0]  # 6 words, EOS included: no prompt tokens


def test_openrlhf_grades_what_follows_a_raw_prompt_inside_a_template():
    # Given the raw prompt of a templated query, what follows the prompt (the template's closing, then the response)
    # is graded: never the prompt's example. OpenRLHF passes the templated prompt, which matches exactly.
    query = "<|im_start|>user\n" + PROMPT + "<|im_end|>\n<|im_start|>assistant\n" + WRONG_RESPONSE
    text = openrlhf_adapter.response_text(query, PROMPT)
    assert text == "<|im_end|>\n<|im_start|>assistant\n" + WRONG_RESPONSE
    assert openrlhf_adapter.response_text(query, CHATML_PROMPT) == WRONG_RESPONSE


def test_openrlhf_finds_the_prompt_at_its_first_occurrence():
    # A response that repeats the prompt is graded (and its length counted) whole: the prompt comes first.
    response = "Restating: " + PROMPT + WRONG_RESPONSE
    assert openrlhf_adapter.response_text("<s>" + PROMPT + response, PROMPT) == response
    assert openrlhf_adapter.response_text("anything", "") == "anything"  # no prompt: all of it is the response


def test_openrlhf_refuses_a_query_whose_prompt_it_cannot_find():
    reward = openrlhf_adapter.OpenRLHFReward(max_len=100, tokenizer=ChatTokenizer(), grader=gold_boxed_anywhere)
    other = "A different problem entirely: 5+2 = \\boxed{7}. " + WRONG_RESPONSE
    with pytest.raises(ValueError, match=r"cannot find the prompt in the decoded query of sample 1") as info:
        reward([PROMPT + WRONG_RESPONSE, other], [PROMPT, PROMPT], ["7", "7"])
    message = str(info.value)
    assert f"prompt[:80]={PROMPT[:80]!r}" in message and f"query[:80]={other[:80]!r}" in message


# --- errors surface, naming the field and the sample ------------------------------------------------------------


def raises_zero_division(text, gold):
    return 1 / 0


def returns_none(text, gold):
    return None


@pytest.mark.parametrize("grader, match", [(raises_zero_division, "raised ZeroDivisionError: division by zero"),
                                           (returns_none, r"returned None \(NoneType\)"),
                                           (lambda text, gold: 0.5, r"returned 0.5 \(float\)")],
                         ids=["raises", "returns-None", "returns-0.5"])
def test_a_grader_error_is_an_error_naming_the_sample_never_a_score_of_0(grader, match):
    with pytest.raises(common.GraderError, match=rf"extra_info\['index'\]=5.*{match}"):
        verl_adapter.compute_score("math", "x", "4", {"response_length": 1, "index": 5}, max_len=100, grader=grader)
    reward = openrlhf_adapter.OpenRLHFReward(max_len=100, tokenizer=WhitespaceTokenizer(), grader=grader)
    with pytest.raises(common.GraderError, match=rf"sample 1, label '4'.*{match}"):
        reward(["q a", "q b"], ["q", "q"], [None, "4"])


def test_grader_errors_keep_the_original_exception_and_a_numpy_bool_is_a_verdict():
    with pytest.raises(common.GraderError) as info:
        common.grade(raises_zero_division, "x", "4", "here")
    assert isinstance(info.value.__cause__, ZeroDivisionError)
    assert common.grade(lambda text, gold: np.bool_(True), "x", "4", "here") is True


VERL_SAMPLE = r"sample data_source='math', extra_info\['index'\]=3"


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(setting="cosine-D"), ValueError, r"unknown reward setting 'cosine-D' in custom_reward_function"),
    (dict(settting="cosine-A"), TypeError, r"unknown keyword argument\(s\) \['settting'\]"),
    (dict(grader="suite.rewards.adapters.common:no_such_grader"), ValueError,
     r"reward_kwargs.grader=.*has no callable 'no_such_grader'"),
    (dict(grader="no_such_module_xyz:f"), ValueError, r"reward_kwargs.grader=.*cannot import module"),
    (dict(max_len=None), ValueError, r"needs max_len"),
    (dict(max_len=0), ValueError, r"reward_kwargs.max_len must be positive"),
    (dict(max_len="16k"), TypeError, r"reward_kwargs.max_len must be an integer"),
    (dict(gen_len=2.5), TypeError, r"reward_kwargs.gen_len must be an integer"),
    (dict(gen_len=None, tokenizer="/nonexistent/policy-tokenizer"), ValueError,
     r"reward_kwargs.tokenizer='/nonexistent/policy-tokenizer': cannot load the policy tokenizer \(\w+"),
], ids=["setting", "misspelt-keyword", "grader-function", "grader-module", "no-max_len", "max_len-0",
        "max_len-text", "gen_len-fraction", "tokenizer-path"])
@pytest.mark.parametrize("gold", ["4", None], ids=["gold", "missing-gold"])
def test_verl_configuration_errors_name_the_field_and_the_sample(kwargs, error, match, gold):
    # Even a sample with a missing gold (scored 0 without grading) must not hide a bad configuration.
    call = dict(max_len=100, gen_len=10) | kwargs
    with pytest.raises(error, match=rf"{VERL_SAMPLE}.*{match}"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        verl_adapter.compute_score("math", r"\boxed{4}", gold, {"index": 3}, **call)


def test_verl_ignores_only_the_keywords_verls_reward_loop_adds():
    got = verl_adapter.compute_score("m", r"\boxed{4}", "4", {"response_length": 0}, max_len=100,
                                     reward_router_address=None, reward_model_tokenizer=None)
    assert got["score"] == 2.0


def test_verl_bad_response_length_in_extra_info_names_it():
    with pytest.raises(ValueError, match=r"extra_info\['response_length'\] must be non-negative"):
        verl_adapter.compute_score("m", "x", "4", {"response_length": -1}, max_len=100)


@pytest.mark.parametrize("env, error, match", [
    ({"LONGCOT_REWARD_SETTING": "cosine-D"}, ValueError, "unknown reward setting 'cosine-D' in LONGCOT_REWARD_SETTING"),
    ({"LONGCOT_REWARD_MAX_LEN": "16k"}, ValueError, "LONGCOT_REWARD_MAX_LEN must be a positive integer.*'16k'"),
    ({"LONGCOT_REWARD_MAX_LEN": "0"}, ValueError, "LONGCOT_REWARD_MAX_LEN must be positive"),
    ({"LONGCOT_REWARD_GRADER": "suite.rewards.adapters.common:nope"}, ValueError,
     "LONGCOT_REWARD_GRADER=.*has no callable 'nope'"),
    ({"LONGCOT_REWARD_TOKENIZER": "/nonexistent/policy-tokenizer"}, ValueError,
     r"LONGCOT_REWARD_TOKENIZER='/nonexistent/policy-tokenizer': cannot load the policy tokenizer \(\w+"),
], ids=["setting", "max_len-text", "max_len-0", "grader", "tokenizer-path"])
def test_openrlhf_configuration_errors_name_the_variable_and_are_logged(monkeypatch, caplog, env, error, match):
    module = _load_by_path(Path(openrlhf_adapter.__file__), "reward_func")
    real_load = common.load_tokenizer
    monkeypatch.setattr(common, "load_tokenizer",
                        lambda name: WhitespaceTokenizer() if name == "policy" else real_load(name))
    monkeypatch.setenv("LONGCOT_REWARD_MAX_LEN", "1000")
    monkeypatch.setenv("LONGCOT_REWARD_TOKENIZER", "policy")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with caplog.at_level(logging.ERROR), pytest.raises(error, match=match):
        module.reward_func(["q " + r"\boxed{4}"], ["q"], ["4"])
    # OpenRLHF logs a reward function's exception at INFO level only; ours is logged at ERROR as well.
    assert any(r.levelno == logging.ERROR and re.search(match, r.getMessage()) for r in caplog.records)


def test_openrlhf_constructor_errors_name_the_argument():
    with pytest.raises(TypeError, match="max_len must be a positive integer"):
        openrlhf_adapter.OpenRLHFReward(max_len=None, tokenizer=WhitespaceTokenizer())
    with pytest.raises(TypeError, match="tokenizer must be a tokenizer"):
        openrlhf_adapter.OpenRLHFReward(max_len=100, tokenizer=None)
    reward = openrlhf_adapter.OpenRLHFReward(max_len=100, tokenizer=WhitespaceTokenizer())
    with pytest.raises(ValueError, match="2 queries, 1 prompts and 2 labels"):
        reward(["q a", "q b"], ["q"], ["4", "4"])


def _word_ids(text: str) -> list[int]:
    """A response as ids, one per whitespace word (the penalty reads any id sequence; no tokenizer offline)."""
    vocab: dict[str, int] = {}
    return [vocab.setdefault(w, len(vocab)) for w in text.split()]


def test_the_discounted_sequence_penalty_is_the_channels_return_at_the_first_token_on_real_outputs():
    """On the longest real model responses (benchmarks/data: public repositories' outputs), gamma = 0.99 gives the
    penalty channel's discounted return at token 0 (suite.rewards.returns, another implementation), bounded by
    |P| / (1 - gamma) = 5; gamma = 1 gives the plain sum, which on these outputs leaves the outcome's range."""
    import gzip

    from suite.rewards.repetition import dense_repetition_penalty
    from suite.rewards.returns import discounted_returns

    path = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "real_outputs.jsonl.gz"
    rows = [json.loads(line) for line in gzip.open(path, "rt")]
    longest = sorted(rows, key=lambda r: -len(r["response"].split()))[:40]
    ids = [_word_ids(r["response"]) for r in longest]
    plain = trl_adapter.get_repetition_reward()(completion_ids=ids)
    discounted = trl_adapter.get_repetition_reward(gamma=0.99)(completion_ids=ids)
    for seq, d in zip(ids, discounted):
        ret0 = discounted_returns(dense_repetition_penalty(seq), (0.99,))[0]
        assert d == pytest.approx(ret0, rel=1e-9, abs=1e-12)
        assert -5.0 <= d <= 0.0
    assert min(plain) < -10.0  # the undiscounted sum of some real long responses is beyond the cosine reward's range
    with pytest.raises(ValueError, match="gamma must be in"):
        trl_adapter.get_repetition_reward(gamma=0.0)
