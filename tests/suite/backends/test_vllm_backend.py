from dataclasses import dataclass, field

import pytest

from suite.backends.base import SamplingSpec
from suite.backends.vllm_backend import sampling_params_kwargs, samples_from_request_outputs


@dataclass
class CompletionOutput:  # the fields of vllm.outputs.CompletionOutput that the backend reads
    index: int
    text: str
    token_ids: list[int]
    finish_reason: str


@dataclass
class RequestOutput:  # the fields of vllm.outputs.RequestOutput that the backend reads
    prompt: str
    outputs: list[CompletionOutput] = field(default_factory=list)


def test_the_paper_preset_maps_to_sampling_params():
    spec = SamplingSpec(n=16, temperature=0.7, top_p=0.95, max_new_tokens=16384, seed=3)
    assert sampling_params_kwargs(spec) == {"n": 16, "temperature": 0.7, "top_p": 0.95, "max_tokens": 16384, "seed": 3}


def test_greedy_decoding_sends_top_p_one():
    spec = SamplingSpec(n=1, temperature=0.0, top_p=0.95, max_new_tokens=4096, seed=0)
    assert sampling_params_kwargs(spec)["top_p"] == 1.0
    assert sampling_params_kwargs(spec)["temperature"] == 0.0


def test_lengths_come_from_token_ids_and_truncation_from_finish_reason():
    outs = [
        RequestOutput("p1", [CompletionOutput(0, "a", [5, 6, 2], "stop"),
                             CompletionOutput(1, "bb", [7] * 8, "length")]),
        RequestOutput("p2", [CompletionOutput(0, "", [2], "stop"), CompletionOutput(1, "c", [9, 9], "stop")]),
    ]
    samples = samples_from_request_outputs(["p1", "p2"], outs, n=2)
    assert [[(s.text, s.num_tokens, s.truncated) for s in row] for row in samples] == [
        [("a", 3, False), ("bb", 8, True)],
        [("", 1, False), ("c", 2, False)],
    ]


def test_a_missing_or_reordered_output_is_an_error_not_a_silent_misgrade():
    one = RequestOutput("p1", [CompletionOutput(0, "a", [1], "stop")])
    two = RequestOutput("p2", [CompletionOutput(0, "b", [1], "stop")])
    with pytest.raises(RuntimeError, match="2 prompts"):
        samples_from_request_outputs(["p1", "p2"], [one], n=1)
    with pytest.raises(RuntimeError, match="another prompt"):
        samples_from_request_outputs(["p1", "p2"], [two, one], n=1)
    with pytest.raises(RuntimeError, match="expected 2"):
        samples_from_request_outputs(["p1"], [one], n=2)


@pytest.mark.gpu
def test_vllm_generates_on_a_gpu(tmp_path):
    pytest.importorskip("vllm")
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    from suite.backends.random_gpt2 import build_random_gpt2
    from suite.backends.vllm_backend import VLLMBackend

    model = build_random_gpt2(tmp_path / "random_gpt2")
    backend = VLLMBackend(str(model), seed=0, gpu_memory_utilization=0.2, enforce_eager=True)
    spec = SamplingSpec(n=3, temperature=0.7, top_p=0.95, max_new_tokens=8, seed=0)
    out = backend.generate(["the answer is", "wait , let me"], spec)
    assert [len(row) for row in out] == [3, 3]
    assert all(1 <= s.num_tokens <= 8 and (s.truncated == (s.num_tokens == 8)) for row in out for s in row)
    assert backend.generate(["the answer is"], spec)[0] == backend.generate(["the answer is"], spec)[0]
