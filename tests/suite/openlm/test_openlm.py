"""The open-model path on a randomly initialised Qwen2 built locally (no download): samplers, scoring, the vLLM
plumbing against objects of vLLM's shape, problem files, and the recipe end to end through the RL loop on the CPU."""

import json
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import torch

from suite.errors import UserError
from suite.recipes import JobContext
from suite.rewards.settings import ClassicRewardSetting, SPEC_COSINE_REP, RepetitionPenaltySetting, RewardSpec
from suite.tiny.rl.config import RLConfig

pytest.importorskip("transformers")

from suite.openlm import generate as gen_mod  # noqa: E402
from suite.openlm.model import OpenTokenizer, encode_prompt, load_policy  # noqa: E402
from suite.openlm.random_qwen2 import build_random_qwen2  # noqa: E402
from suite.openlm.recipe import OpenLMRLRecipe, OpenProblem, load_problems  # noqa: E402
from suite.openlm.score import _score, score_rollout  # noqa: E402
from suite.tiny.rl.rollout import left_pad  # noqa: E402


@pytest.fixture(scope="module")
def qwen(tmp_path_factory):
    return build_random_qwen2(tmp_path_factory.mktemp("qwen2") / "model")


@pytest.fixture(scope="module")
def policy_tok(qwen):
    torch.set_num_threads(1)
    return load_policy(str(qwen), device="cpu", bf16=False)


def _prompts(tok: OpenTokenizer, n: int) -> list[list[int]]:
    texts = ["what is 3 + 4 ?", "what is 2 + 2 ? please reason step by step", "what is 9 - 1 ?",
             "so what is 5 + 0 ?"]
    return [encode_prompt(tok, OpenProblem(texts[i % len(texts)], "7")) for i in range(n)]


def test_the_prompt_goes_through_qwen_s_chat_template(policy_tok):
    _, tok = policy_tok
    ids = encode_prompt(tok, OpenProblem("what is 3 + 4 ?", "7"))
    assert tok.hf.decode(ids) == "<|im_start|>user\nwhat is 3 + 4 ?<|im_end|>\n<|im_start|>assistant\n"
    assert tok.eos_id == tok.hf.convert_tokens_to_ids("<|im_end|>") != tok.pad_id


def test_the_test_model_s_tokenizer_loads_as_qwen2_s_and_encodes_as_built(qwen):
    """transformers 5 loads any Qwen2 checkpoint's tokenizer as `Qwen2Tokenizer`, rebuilding Qwen2's pipeline around
    the file's vocabulary and merges (a word-level tokenizer then encoded otherwise); transformers 4 reads the file.
    Either way the loaded tokenizer must encode as the one the builder made, and decode losslessly."""
    from transformers import AutoTokenizer

    from suite.openlm.random_qwen2 import qwen2_style_tokenizer

    hf, built = AutoTokenizer.from_pretrained(qwen), qwen2_style_tokenizer()
    assert type(hf).__name__ in ("Qwen2Tokenizer", "Qwen2TokenizerFast")
    for text in ("what is 12 + 4 ?", " so the answer is \\boxed{7} . wait , let me recheck", "alternatively\n3 - 1"):
        ids = hf(text, add_special_tokens=False)["input_ids"]
        assert ids == built.encode(text).ids and hf.decode(ids) == text
    assert len(hf(" recheck", add_special_tokens=False)["input_ids"]) == 1  # its words are single tokens


def test_a_bf16_checkpoint_trains_in_float32(tmp_path, qwen):
    """Released Qwen2.5 checkpoints are stored in bf16, and transformers 5 loads a checkpoint in its stored dtype by
    default; the policy's master weights must be float32 (bf16 is autocast only, `bf16=True`)."""
    import shutil

    from transformers import AutoModelForCausalLM

    path = tmp_path / "bf16"
    shutil.copytree(qwen, path)
    AutoModelForCausalLM.from_pretrained(qwen).to(torch.bfloat16).save_pretrained(path)
    policy, _ = load_policy(str(path), device="cpu", bf16=False)
    assert {p.dtype for p in policy.parameters()} == {torch.float32}


def test_left_padding_does_not_move_a_row_s_scores(policy_tok):
    policy, tok = policy_tok
    prompts = _prompts(tok, 2)  # two prompts of different lengths: the shorter is left-padded
    ids, mask = left_pad(prompts, tok.pad_id)
    response = torch.tensor([[5, 6, 7, tok.eos_id]] * 2)
    both = _score(policy, ids, mask, response, with_entropy=True)
    for i, p in enumerate(prompts):
        alone = _score(policy, torch.tensor([p]), torch.ones(1, len(p), dtype=torch.long), response[i:i + 1],
                       with_entropy=True)
        torch.testing.assert_close(both["logp"][i], alone["logp"][0], atol=1e-5, rtol=0)
        torch.testing.assert_close(both["entropy"][i], alone["entropy"][0], atol=1e-5, rtol=0)


def _sample(policy, tok, prompts, seeds, **kw):
    ids, _ = left_pad(prompts, tok.pad_id)
    return gen_mod.hf_generate(policy, ids, max_new_tokens=12, eos_id=tok.eos_id, pad_id=tok.pad_id,
                               seeds=seeds, with_entropy=True, **kw)


def test_the_kv_cache_sampler_reports_the_policy_s_own_log_probabilities(policy_tok):
    policy, tok = policy_tok
    prompts = _prompts(tok, 8)
    out = _sample(policy, tok, prompts, list(range(100, 108)))
    ids, mask = left_pad(prompts, tok.pad_id)
    scored = score_rollout(policy, ids, mask, out.tokens, out.lengths, rows=3, with_entropy=True)
    valid = torch.arange(12)[None] < out.lengths[:, None]
    torch.testing.assert_close(out.logprobs[valid], scored["logp"][valid], atol=1e-4, rtol=0)
    torch.testing.assert_close(out.entropy[valid], scored["entropy"][valid], atol=1e-4, rtol=0)
    assert gen_mod.hf_generate.exact is True


def test_a_row_s_sample_depends_on_its_seed_not_on_its_batch(policy_tok):
    policy, tok = policy_tok
    prompts = _prompts(tok, 8)
    seeds = list(range(7, 15))
    a = _sample(policy, tok, prompts, seeds)
    order = [3, 0, 7, 1, 6, 2, 5, 4]
    b = _sample(policy, tok, [prompts[i] for i in order], [seeds[i] for i in order])
    assert torch.equal(a.tokens[order], b.tokens) and torch.equal(a.lengths[order], b.lengths)
    c = _sample(policy, tok, prompts, [s + 1000 for s in seeds])
    assert not torch.equal(a.tokens, c.tokens)  # other seeds, other samples


def test_rows_stop_at_their_eos_and_pad_after_it(policy_tok):
    policy, tok = policy_tok
    out = _sample(policy, tok, _prompts(tok, 8), list(range(8)), temperature=1.0)
    for row, n, done in zip(out.tokens, out.lengths.tolist(), out.finished.tolist()):
        assert done == (row[n - 1].item() == tok.eos_id)
        assert (row[n:] == tok.pad_id).all()
        assert (row[: n - 1] != tok.eos_id).all()
        if not done:
            assert n == 12


# --- vLLM, against objects of vLLM's shape ----------------------------------------------------------------------------


@dataclass
class CompletionOutput:
    token_ids: list[int]
    finish_reason: str


@dataclass
class RequestOutput:
    outputs: list[CompletionOutput] = field(default_factory=list)


def test_vllm_outputs_become_a_generation_with_the_eos_counted():
    outs = [RequestOutput([CompletionOutput([5, 6, 2], "stop")]), RequestOutput([CompletionOutput([7] * 4, "length")]),
            RequestOutput([CompletionOutput([8], "stop")])]  # a stop whose EOS vLLM left out of token_ids
    g = gen_mod.outputs_to_generation(outs, rows=3, max_new_tokens=4, eos_id=2, pad_id=0, device="cpu")
    assert g.tokens.tolist() == [[5, 6, 2, 0], [7, 7, 7, 7], [8, 2, 0, 0]]
    assert g.lengths.tolist() == [3, 4, 2] and g.finished.tolist() == [True, False, True]
    with pytest.raises(RuntimeError, match="2 outputs for 3 prompts"):
        gen_mod.outputs_to_generation(outs[:2], rows=3, max_new_tokens=4, eos_id=2, pad_id=0, device="cpu")


class _FakeModel:
    def __init__(self):
        self.loaded = []

    def load_weights(self, weights):
        self.loaded = [(k, v.clone()) for k, v in weights]


def _ns(**kw):
    return types.SimpleNamespace(**kw)


@pytest.mark.parametrize("engine", ["v0", "v1", "v1-core"])
def test_the_policy_s_weights_reach_the_engine_s_model_under_hugging_face_names(policy_tok, engine):
    policy, _ = policy_tok
    model = _FakeModel()
    runner = _ns(model_runner=_ns(model=model))
    executor = _ns(driver_worker=runner if engine == "v0" else _ns(worker=runner))
    engine_obj = (_ns(model_executor=executor) if engine != "v1-core"
                  else _ns(engine_core=_ns(engine_core=_ns(model_executor=executor))))
    resets = []
    llm = _ns(llm_engine=engine_obj, reset_prefix_cache=lambda: resets.append(1))
    gen_mod.load_weights_into_vllm(llm, policy)
    names = [k for k, _ in model.loaded]
    assert names == list(policy.lm.state_dict()) and "model.embed_tokens.weight" in names
    assert torch.equal(model.loaded[0][1], policy.lm.state_dict()[names[0]]) and resets == [1]
    with pytest.raises(RuntimeError, match="VLLM_ENABLE_V1_MULTIPROCESSING"):
        gen_mod.vllm_model(_ns(llm_engine=_ns()))


def test_the_vllm_generator_loads_weights_then_samples_each_row_with_its_seed(policy_tok, monkeypatch):
    policy, tok = policy_tok
    calls = {}

    class SamplingParams:
        def __init__(self, **kw):
            self.kw = kw

    class LLM:
        def __init__(self, **kw):
            calls["init"] = kw
            self.llm_engine = _ns(model_executor=_ns(driver_worker=_ns(model_runner=_ns(model=_FakeModel()))))

        def generate(self, prompts, params, use_tqdm=True):
            calls["loaded_before_generate"] = bool(self.llm_engine.model_executor.driver_worker.model_runner.model
                                                   .loaded)
            calls["prompts"], calls["params"] = prompts, [p.kw for p in params]
            return [RequestOutput([CompletionOutput([5, tok.eos_id], "stop")]) for _ in prompts]

    monkeypatch.setitem(sys.modules, "vllm", _ns(LLM=LLM, SamplingParams=SamplingParams))
    g = gen_mod.VLLMGenerator("some/model", seed=3)
    prompts = _prompts(tok, 2)
    ids, _ = left_pad(prompts, tok.pad_id)
    out = g(policy, ids, max_new_tokens=6, eos_id=tok.eos_id, pad_id=tok.pad_id, temperature=1.0, top_p=0.9,
            seeds=[11, 12])
    assert calls["init"]["model"] == "some/model" and calls["init"]["seed"] == 3
    assert calls["loaded_before_generate"]
    assert calls["prompts"] == [{"prompt_token_ids": p} for p in prompts]  # the left padding is gone
    assert [p["seed"] for p in calls["params"]] == [11, 12]
    assert {(p["n"], p["temperature"], p["top_p"], p["max_tokens"]) for p in calls["params"]} == {(1, 1.0, 0.9, 6)}
    assert out.lengths.tolist() == [2, 2] and g.exact is False


# --- problem files and the recipe ------------------------------------------------------------------------------------


def _write(path: Path, rows) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_problem_files_are_checked_line_by_line(tmp_path):
    rows = [{"prompt": "what is 3 + 4 ?", "answer": "7", "level": "Level 5"},
            {"problem": "what is 1 + 1 ?", "answer": 2, "level": 1}, {"prompt": "x", "answer": "1", "level": "Level ?"}]
    ok = load_problems(_write(tmp_path / "a.jsonl", rows), what="training")
    assert ok[0] == OpenProblem("what is 3 + 4 ?", "7", 5)
    assert ok[1].prompt.startswith("what is 1 + 1 ?\nPlease reason step by step") and ok[1].answer == "2"
    assert ok[1].difficulty == 1 and ok[2].difficulty is None
    for rows, message in (([{"prompt": "x"}], "line 1 has no field 'answer'"),
                          ([{"answer": "1"}], "line 1 has no text field 'prompt'"),
                          ([{"prompt": "x", "answer": "1"}, "{oops"], "line 2 is not JSON"),
                          ([[1, 2]], "line 1 is a JSON list"),
                          ([{"prompt": "x", "answer": "1", "level": "hard"}], "has a 'level' of 'hard'")):
        with pytest.raises(UserError, match=message) as e:
            load_problems(_write(tmp_path / "b.jsonl", rows), what="training")
        assert "b.jsonl" in str(e.value)
    with pytest.raises(UserError, match="does not exist"):
        load_problems(tmp_path / "none.jsonl", what="held-out")


def test_the_recipe_refuses_what_cannot_run_here(tmp_path, qwen, monkeypatch):
    with pytest.raises(UserError, match="vLLM samples on a GPU"):
        OpenLMRLRecipe(model=str(qwen), device="cpu")
    r = OpenLMRLRecipe(model=str(qwen), device="cpu", generator="hf", prompts=str(tmp_path / "missing.jsonl"))
    with pytest.raises(UserError, match="training prompts file does not exist"):
        r.check_runnable()
    monkeypatch.setitem(sys.modules, "vllm", None)  # import vllm fails
    if not torch.cuda.is_available():
        with pytest.raises(UserError, match="CUDA"):
            OpenLMRLRecipe(model=str(qwen)).check_runnable()


ANSWERS = [("what is 3 + 4 ?", "7"), ("what is 2 + 5 ?", "7"), ("what is 9 - 2 ?", "7"), ("what is 1 + 6 ?", "7")]


def _recipe(tmp_path, qwen, **rl) -> OpenLMRLRecipe:
    rows = [{"prompt": p, "answer": a, "level": 5 if i % 2 else 1} for i, (p, a) in enumerate(ANSWERS)]
    cfg = dict(prompts_per_step=2, samples_per_prompt=4, max_new_tokens=10, train_batch_size=4, steps=3,
               eval_every=2, eval_size=4, actor_lr=1e-3, critic_lr=1e-3, repetition_ngram_size=3)
    cfg.update(rl)
    return OpenLMRLRecipe(model=str(qwen), prompts=str(_write(tmp_path / "train.jsonl", rows)),
                          heldout=str(_write(tmp_path / "heldout.jsonl", rows)), generator="hf", device="cpu",
                          score_rows=3, rl=RLConfig(**cfg))


def _run(recipe, seed, workdir):
    from suite.runner.execute import validate_job_output
    from suite.runner.plan import Job

    workdir.mkdir(parents=True, exist_ok=True)
    out = recipe.run(seed, JobContext(workdir=workdir, dependencies={}))
    return validate_job_output(out, Job(recipe=recipe, hash="h", seed=seed))


def test_ppo_on_an_open_model_logs_the_suite_s_curves_and_repeats_bit_for_bit(tmp_path, qwen):
    from suite.metrics import names as M

    spec = RewardSpec(SPEC_COSINE_REP.outcome, RepetitionPenaltySetting("repetition", ngram_size=3), (1.0, 0.5))
    recipe = _recipe(tmp_path, qwen, reward=spec, hard_from=5)  # MATH level 5: half of the problems here
    a = _run(recipe, 0, tmp_path / "a")
    b = _run(recipe, 0, tmp_path / "b")
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    curves = a["curves"]
    for name in (M.RESPONSE_LENGTH, M.EXCEED_RATE, M.TRAIN_ACCURACY, M.REPETITION_RATIO, M.KL, M.ENTROPY,
                 M.VALUE_LOSS, M.REWARD_REPETITION):
        assert curves[name]["step"] == [1.0, 2.0, 3.0], name
    for name in (M.RESPONSE_LENGTH_HARD, M.REPETITION_RATIO_HARD, M.ALTERNATIVELY_CURVE_HARD, M.TRAIN_ACCURACY_HARD):
        assert curves[name]["step"] == [1.0, 2.0, 3.0], name
    share = curves[M.HARD_SHARE]["value"]  # 2 prompts a step, each hard or not
    assert all(v in (0.0, 0.5, 1.0) for v in share) and sum(share) > 0
    assert curves[M.HELDOUT_ACCURACY_CURVE]["step"] == [0.0, 2.0, 3.0]
    assert a["scalars"][M.HELDOUT_ACCURACY] == curves[M.HELDOUT_ACCURACY_CURVE]["value"][-1]
    timing = json.loads((tmp_path / "a" / "rl_timing.json").read_text())
    assert timing["generator"] == "hf" and timing["generated_tokens"] > 0
    c = _run(recipe, 1, tmp_path / "c")
    assert c["curves"][M.ENTROPY] != a["curves"][M.ENTROPY]  # the seed matters (samples, so their entropies)


def test_rl_on_an_open_model_learns_what_its_reward_pays_for(tmp_path, qwen):
    """Every answer is 7 and the classic reward pays 1 for it: GRPO (no critic to warm up) must raise training
    accuracy from the random model's chance level within 20 iterations. (No length rule: the paper's 16-token exceed
    margin would swallow a 4-token limit.) The tokenizer is byte-level, 374 tokens of which 10 are digits, so a short
    response and 16 samples per prompt give the first answers a reward to find."""
    from suite.metrics import names as M

    classic = RewardSpec(ClassicRewardSetting("classic", exceed_penalty=None))
    recipe = _recipe(tmp_path, qwen, algorithm="grpo", reward=classic, steps=20, prompts_per_step=4,
                     samples_per_prompt=16, train_batch_size=16, actor_lr=3e-2, eval_every=20, kl_coef=0.0,
                     max_new_tokens=4)
    acc = _run(recipe, 0, tmp_path / "g")["curves"][M.TRAIN_ACCURACY]["value"]
    first, last = sum(acc[:5]) / 5, sum(acc[-5:]) / 5
    assert last > first + 0.3, acc


def test_hard_problem_logging_needs_a_level_on_every_training_problem(tmp_path, qwen):
    recipe = _recipe(tmp_path, qwen, hard_from=5)
    _write(Path(recipe.prompts), [{"prompt": p, "answer": a} for p, a in ANSWERS])
    with pytest.raises(UserError, match="4 of 4 training problems have no 'level'"):
        _run(recipe, 0, tmp_path / "h")
