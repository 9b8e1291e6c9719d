"""vLLM backend: `LLM.generate` with `SamplingParams(n, temperature, top_p, max_tokens, seed)`.

Written against vLLM's public API (vllm >= 0.6): `LLM(model=..., seed=..., ...)`, `LLM.generate(prompts,
sampling_params)` returning one `RequestOutput` per prompt, whose `.outputs` are `CompletionOutput`s with `.text`,
`.token_ids` and `.finish_reason` ("stop" or "length"). Lengths come from `len(token_ids)` (EOS included when it was
generated, which vLLM reports in `token_ids`), truncation from `finish_reason == "length"`. vLLM keeps the order of
`prompts` in its outputs; we check it through `RequestOutput.prompt` anyway, since a silent reordering would
mis-grade everything.

The mapping (`sampling_params_kwargs`, `samples_from_request_outputs`) is pure and unit-tested on CPU with fake
objects of vLLM's shape; `VLLMBackend` itself needs a GPU and `pip install vllm`.
"""

from __future__ import annotations

from typing import Any, Sequence

from suite.backends.base import Sample, SamplingSpec
from suite.errors import UserError


def sampling_params_kwargs(spec: SamplingSpec) -> dict[str, Any]:
    """Keyword arguments of `vllm.SamplingParams` for one spec (greedy: temperature 0, top_p 1)."""
    return {
        "n": spec.n,
        "temperature": spec.temperature,
        "top_p": 1.0 if spec.greedy else spec.top_p,
        "max_tokens": spec.max_new_tokens,
        "seed": spec.seed,
    }


def samples_from_request_outputs(prompts: Sequence[str], request_outputs: Sequence[Any], n: int) -> list[list[Sample]]:
    """`RequestOutput`s -> per-prompt `Sample` lists, checking count, order and `n`."""
    if len(request_outputs) != len(prompts):
        raise RuntimeError(f"vLLM returned {len(request_outputs)} outputs for {len(prompts)} prompts")
    out = []
    for i, (prompt, req) in enumerate(zip(prompts, request_outputs)):
        if getattr(req, "prompt", prompt) != prompt:
            raise RuntimeError(f"vLLM output {i} belongs to another prompt")
        if len(req.outputs) != n:
            raise RuntimeError(f"vLLM returned {len(req.outputs)} samples for prompt {i}, expected {n}")
        out.append(
            [Sample(c.text, len(c.token_ids), c.finish_reason == "length") for c in req.outputs]
        )
    return out


class VLLMBackend:
    name = "vllm"

    def __init__(self, model: str, *, seed: int = 0, **llm_kwargs: Any):
        try:
            from vllm import LLM
        except ImportError as exc:
            raise UserError("the vllm backend needs `pip install vllm` and a CUDA GPU", where="--backend vllm") from exc
        self.model = model
        self.llm = LLM(model=model, seed=seed, **llm_kwargs)
        self.tokenizer = self.llm.get_tokenizer()

    def generate(self, prompts: Sequence[str], spec: SamplingSpec, chat: bool = False) -> list[list[Sample]]:
        from vllm import SamplingParams

        prompts = list(prompts)
        if chat:
            from suite.backends.hf_backend import apply_chat_template

            prompts = [apply_chat_template(self.tokenizer, p) for p in prompts]
        outputs = self.llm.generate(prompts, SamplingParams(**sampling_params_kwargs(spec)), use_tqdm=False)
        return samples_from_request_outputs(prompts, outputs, spec.n)
