"""Samplers for the open-model path, with the tiny engine's `generate` signature (`suite.tiny.model.generate`):
`gen(policy, prompt_ids, *, max_new_tokens, eos_id, pad_id, temperature, top_p, seeds, with_entropy)` ->
`GenerationOutput` (tokens (B, T) padded after the EOS, lengths with the EOS, finished, log-probabilities, entropies).

- `hf_generate` decodes with the policy itself through a KV cache. Each row draws its uniforms from its own seed
  (`suite.tiny.model.seeded_uniforms`, a counter-based hash), so a row's sample does not depend on the other rows,
  and its log-probabilities and entropies are the policy's: the loop needs no second forward pass for them
  (`exact = True`).
- `VLLMGenerator` samples with vLLM (`LLM.generate` on token-id prompts, one `SamplingParams` per row carrying the
  row's seed) after loading the policy's current weights into vLLM's model. vLLM is another implementation of the
  network, so the loop recomputes the policy's log-probabilities with a forward pass, as OpenRLHF does
  (`exact = False`).

Prompts arrive LEFT-padded with `pad_id`; the padding is the leading run of `pad_id` in each row (a pad id inside a
prompt, e.g. Qwen's `<|endoftext|>`, stays part of it).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from suite.openlm.model import _autocast, positions_from_mask
from suite.tiny.model import GenerationOutput, sample_from_logits, seeded_uniforms


def leading_pad_mask(prompt_ids: torch.Tensor, pad_id: int) -> torch.Tensor:
    """(B, P) long mask: 0 on each row's leading run of `pad_id`, 1 from its first other token on.

    >>> leading_pad_mask(torch.tensor([[0, 0, 5, 0, 6], [4, 0, 0, 0, 0]]), 0).tolist()
    [[0, 0, 1, 1, 1], [1, 1, 1, 1, 1]]
    """
    return ((prompt_ids != pad_id).long().cumsum(-1) > 0).long()


def _row_seeds(seeds: Sequence[int] | None, rows: int, device) -> torch.Tensor:
    return torch.as_tensor(list(seeds) if seeds is not None else list(range(rows)), dtype=torch.long, device=device)


def _cache_kwarg(lm) -> str:
    """The name a causal LM's forward takes its KV cache under: `cache` from transformers 5.25 on (which deprecates
    `past_key_values`, to be removed in 5.40), `past_key_values` before."""
    import inspect

    return "cache" if "cache" in inspect.signature(lm.forward).parameters else "past_key_values"


@torch.no_grad()
def hf_generate(policy, prompt_ids: torch.Tensor, *, max_new_tokens: int, eos_id: int, pad_id: int,
                temperature: float = 1.0, top_p: float = 1.0, seeds: Sequence[int] | None = None,
                with_entropy: bool = False) -> GenerationOutput:
    """Sample one continuation per row with the policy's KV cache; stops once every row has emitted the EOS."""
    from transformers import DynamicCache

    was_training = policy.training
    policy.eval()
    lm, device = policy.lm, prompt_ids.device
    B = prompt_ids.shape[0]
    attn = leading_pad_mask(prompt_ids, pad_id)
    pos = positions_from_mask(attn)
    uniforms = seeded_uniforms(_row_seeds(seeds, B, torch.device("cpu")), max_new_tokens).to(device)  # (T, B)
    tokens = torch.full((B, max_new_tokens), pad_id, dtype=torch.long, device=device)
    logprobs = torch.zeros((B, max_new_tokens), device=device)
    entropy = torch.zeros((B, max_new_tokens), device=device)
    lengths = torch.zeros(B, dtype=torch.long, device=device)
    finished = torch.zeros(B, dtype=torch.bool, device=device)
    cache = {_cache_kwarg(lm): DynamicCache()}
    with _autocast(policy, policy.bf16):
        logits = lm(input_ids=prompt_ids, attention_mask=attn, position_ids=pos, **cache,
                    use_cache=True).logits[:, -1].float()
    next_pos = pos[:, -1] + 1
    for t in range(max_new_tokens):
        tok = sample_from_logits(logits, uniforms[t], temperature, top_p)
        live = ~finished
        tok = torch.where(live, tok, torch.full_like(tok, pad_id))
        lp = F.log_softmax(logits / (temperature if temperature > 0 else 1.0), dim=-1)
        logprobs[:, t] = torch.where(live, lp.gather(-1, tok[:, None]).squeeze(-1), torch.zeros_like(lengths,
                                                                                                   dtype=lp.dtype))
        if with_entropy:
            full = F.log_softmax(logits, dim=-1)
            entropy[:, t] = torch.where(live, -(full.exp() * full).sum(-1), torch.zeros_like(full[:, 0]))
        tokens[:, t] = tok
        lengths += live.long()
        finished |= live & (tok == eos_id)
        if bool(finished.all()) or t == max_new_tokens - 1:
            break
        attn = torch.cat([attn, torch.ones((B, 1), dtype=attn.dtype, device=device)], dim=1)
        with _autocast(policy, policy.bf16):
            logits = lm(input_ids=tok[:, None], attention_mask=attn, position_ids=next_pos[:, None], **cache,
                        use_cache=True).logits[:, -1].float()
        next_pos = next_pos + 1
    policy.train(was_training)
    return GenerationOutput(tokens, lengths, finished, logprobs, entropy if with_entropy else None)


hf_generate.exact = True  # the sampler's log-probabilities are the policy's own


# ---------------------------------------------------------------------------------------------------------------------
# vLLM
# ---------------------------------------------------------------------------------------------------------------------

#: where vLLM keeps the model of an in-process engine: the V0 engine, then the V1 engine with multiprocessing off
#: (releases differ in whether the engine exposes its executor or only its in-process core)
_MODEL_PATHS = (
    ("llm_engine", "model_executor", "driver_worker", "model_runner", "model"),
    ("llm_engine", "model_executor", "driver_worker", "worker", "model_runner", "model"),
    ("llm_engine", "engine_core", "engine_core", "model_executor", "driver_worker", "worker", "model_runner", "model"),
)


def vllm_model(llm: Any):
    """The `nn.Module` inside an in-process vLLM engine (it has `load_weights(iterable of (name, tensor))`)."""
    for path in _MODEL_PATHS:
        obj = llm
        try:
            for attr in path:
                obj = getattr(obj, attr)
        except AttributeError:
            continue
        if hasattr(obj, "load_weights"):
            return obj
    raise RuntimeError("cannot reach the model inside this vLLM engine to load new weights into it; the open-model "
                       "path needs an in-process engine (VLLM_ENABLE_V1_MULTIPROCESSING=0, set by VLLMGenerator before "
                       "the engine starts) of a vLLM version that keeps it at one of: "
                       + ", ".join(".".join(p) for p in _MODEL_PATHS))


def load_weights_into_vllm(llm: Any, policy) -> None:
    """Copy the policy's current weights into vLLM's model (Hugging Face names, which vLLM's loaders map), then drop
    vLLM's prefix cache, whose entries were computed with the old weights."""
    vllm_model(llm).load_weights(((k, v.detach()) for k, v in policy.lm.state_dict().items()))
    reset = getattr(llm, "reset_prefix_cache", None)
    if reset is not None:
        reset()


def strip_leading_pads(prompt_ids: torch.Tensor, pad_id: int) -> list[list[int]]:
    """Left-padded (B, P) ids -> each row's prompt tokens."""
    mask = leading_pad_mask(prompt_ids, pad_id).bool()
    return [row[m].tolist() for row, m in zip(prompt_ids.cpu(), mask.cpu())]


def outputs_to_generation(request_outputs: Sequence[Any], *, rows: int, max_new_tokens: int, eos_id: int,
                          pad_id: int, device) -> GenerationOutput:
    """vLLM `RequestOutput`s (one per row, n = 1) -> `GenerationOutput`. A row is finished when vLLM stopped on the
    EOS (`finish_reason == "stop"`, with the EOS in `token_ids`); "length" is a truncated row."""
    if len(request_outputs) != rows:
        raise RuntimeError(f"vLLM returned {len(request_outputs)} outputs for {rows} prompts")
    tokens = torch.full((rows, max_new_tokens), pad_id, dtype=torch.long)
    lengths = torch.zeros(rows, dtype=torch.long)
    finished = torch.zeros(rows, dtype=torch.bool)
    for i, req in enumerate(request_outputs):
        if len(req.outputs) != 1:
            raise RuntimeError(f"vLLM returned {len(req.outputs)} samples for row {i}, expected 1")
        out = req.outputs[0]
        ids = list(out.token_ids)[:max_new_tokens]
        stopped = out.finish_reason == "stop"
        if stopped and (not ids or ids[-1] != eos_id):
            ids = (ids + [eos_id])[:max_new_tokens]  # a stop on the EOS whose id vLLM left out of token_ids
        tokens[i, : len(ids)] = torch.as_tensor(ids, dtype=torch.long)
        lengths[i] = len(ids)
        finished[i] = stopped
    zeros = torch.zeros((rows, max_new_tokens))
    return GenerationOutput(tokens.to(device), lengths.to(device), finished.to(device), zeros.to(device), None)


class VLLMGenerator:
    """vLLM as the loop's sampler (needs `pip install vllm` and a GPU). `model` is the policy's start checkpoint (a
    local directory or hub id); before every call the policy's current weights are loaded into the engine."""

    exact = False  # vLLM is another implementation: the loop recomputes the policy's log-probabilities

    def __init__(self, model: str, *, seed: int, gpu_memory_utilization: float = 0.3, dtype: str = "bfloat16",
                 max_model_len: int | None = None):
        os.environ.setdefault("VLLM_ENABLE_V1_MULTIPROCESSING", "0")  # the engine in this process: weights can load
        from vllm import LLM

        self.llm = LLM(model=model, seed=seed, gpu_memory_utilization=gpu_memory_utilization, dtype=dtype,
                       max_model_len=max_model_len, enable_prefix_caching=True)

    def __call__(self, policy, prompt_ids: torch.Tensor, *, max_new_tokens: int, eos_id: int, pad_id: int,
                 temperature: float = 1.0, top_p: float = 1.0, seeds: Sequence[int] | None = None,
                 with_entropy: bool = False) -> GenerationOutput:
        from vllm import SamplingParams

        load_weights_into_vllm(self.llm, policy)
        prompts = strip_leading_pads(prompt_ids, pad_id)
        row_seeds = _row_seeds(seeds, len(prompts), torch.device("cpu")).tolist()
        params = [SamplingParams(n=1, temperature=temperature, top_p=top_p, max_tokens=max_new_tokens, seed=s,
                                 stop_token_ids=[eos_id]) for s in row_seeds]
        outs = self.llm.generate([{"prompt_token_ids": p} for p in prompts], params, use_tqdm=False)
        return outputs_to_generation(outs, rows=len(prompts), max_new_tokens=max_new_tokens, eos_id=eos_id,
                                     pad_id=pad_id, device=prompt_ids.device)
