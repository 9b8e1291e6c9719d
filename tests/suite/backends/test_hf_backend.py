import pytest

from suite.backends import make_backend
from suite.backends.base import SamplingSpec
from suite.errors import UserError


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    import torch

    torch.set_num_threads(1)
    from suite.backends.random_gpt2 import build_random_gpt2

    return make_backend("hf", str(build_random_gpt2(tmp_path_factory.mktemp("random_gpt2"))), device="cpu", batch_size=2)


def test_each_prompt_gets_n_samples_with_lengths_within_the_limit(backend):
    spec = SamplingSpec(n=3, temperature=1.0, top_p=0.95, max_new_tokens=6, seed=0)
    out = backend.generate(["the answer is", "wait , let me", "so x ="], spec)
    assert [len(row) for row in out] == [3, 3, 3]
    for row in out:
        for s in row:
            assert 1 <= s.num_tokens <= 6
            assert s.truncated == (s.num_tokens == 6 and not s.text.endswith("<eos>"))


def test_sampling_is_repeatable_from_the_seed(backend):
    spec = SamplingSpec(n=2, temperature=1.0, top_p=1.0, max_new_tokens=8, seed=11)
    assert backend.generate(["the answer is"], spec) == backend.generate(["the answer is"], spec)


def test_greedy_decoding_gives_identical_samples(backend):
    spec = SamplingSpec(n=2, temperature=0.0, max_new_tokens=5, seed=0)
    first, second = backend.generate(["the answer is"], spec)[0]
    assert first == second


def test_a_sample_that_stops_at_eos_counts_the_eos_token_and_is_not_truncated(backend):
    eos = backend.tokenizer.eos_token_id
    sample = backend._sample([7, 8, eos, 1, 1], eos, max_new_tokens=5)
    assert sample.num_tokens == 3 and not sample.truncated
    assert backend._sample([7, 8, 9], eos, max_new_tokens=3).truncated


def test_the_chat_template_wraps_the_prompt_as_a_user_turn(backend):
    from suite.backends.hf_backend import apply_chat_template

    assert apply_chat_template(backend.tokenizer, "hi") == "<|user|> hi <|assistant|>"


def test_an_unknown_backend_is_a_user_error():
    with pytest.raises(UserError, match="known backends: hf, vllm"):
        make_backend("tgi", "x")


def test_invalid_sampling_settings_are_rejected():
    with pytest.raises(ValueError):
        SamplingSpec(top_p=0.0)
