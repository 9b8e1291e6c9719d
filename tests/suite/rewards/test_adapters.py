"""Adapters for TRL, verl and OpenRLHF, checked against hand-computed values of the paper's formulas."""

import importlib.util
import math
import pickle
import time
from pathlib import Path

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


def test_default_grader_passes_gold_then_prediction_to_suite_verify(monkeypatch):
    # suite.verify.is_equivalent takes (gold, pred); an asymmetric fake catches a swapped call.
    fake = (lambda text: text[-1], lambda gold, pred: gold == "seven" and pred == "7")
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


def test_verl_compute_score_with_a_known_length():
    assert verl_adapter.compute_score("math", r"\boxed{4}", "4", {"response_length": 7168}, max_len=14336) == 1.5
    assert verl_adapter.compute_score("math", r"\boxed{5}", "4", {"response_length": 7168}, max_len=14336) == -5.0
    assert verl_adapter.compute_score("math", r"\boxed{4}", "4", {"response_length": 14320}, max_len=14336) == -10.0


def test_verl_compute_score_counts_tokens_with_the_policy_tokenizer():
    text = " ".join(["w"] * 499) + r" \boxed{4}"  # 500 words + the EOS verl's decoding dropped = 501 tokens
    got = verl_adapter.compute_score("math", text, "4", None, max_len=1000, tokenizer=WhitespaceTokenizer())
    assert got == pytest.approx(paper_cosine(501, 1000, 2.0, 1.0))


def test_verl_compute_score_reads_settings_and_graders_by_name():
    got = verl_adapter.compute_score("m", "4", "4", {"response_length": 50, "max_len": 100}, setting="classic",
                                     grader=is_four)
    assert got == 1.0
    got = verl_adapter.compute_score("m", r"\boxed{4}", "4", None, max_len=100, gen_len=50, setting="cosine-C",
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
    assert module.compute_score("math", r"\boxed{4}", "4", {"response_length": 0}, max_len=100) == 2.0


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
    assert got == 0.0


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
    assert verl_adapter.compute_score("m", r"\boxed{None}", "None", {"response_length": 0}, max_len=100) == 2.0


@pytest.mark.parametrize("text", ["answer" + " " * 400 + "x", "the answer" + " " * 20_000 + "is",
                                  "answer:" + " \t\n" * 5_000 + "(", "\\boxed{" * 3_000])
def test_a_pathological_completion_is_graded_wrong_quickly_by_every_adapter(text):
    start = time.perf_counter()
    assert not common.default_grader(text, "42") and not common.boxed_exact_match(text, "42")
    got = verl_adapter.compute_score("m", text, "42", {"response_length": 10}, max_len=100)
    assert got == pytest.approx(paper_cosine(10, 100, -10.0, 0.0))
    reward = openrlhf_adapter.OpenRLHFReward(max_len=100_000, tokenizer=WhitespaceTokenizer())
    assert reward([text], [""], ["42"])["scores"].tolist() == [0.0]
    trl_reward = trl_adapter.get_classic_reward(max_len=100)
    assert trl_reward(completions=[text], completion_ids=[[1]], solution=["42"]) == [0.0]
    assert time.perf_counter() - start < 1.0
