"""Rollouts: sample responses for a batch of prompts, grade them, and score every generated token with the policy,
the reference and (for PPO) the critic.

Prompts of different lengths are LEFT-padded to a common width P (the `suite.tiny.model` convention); every forward
pass gets the attention mask of real tokens, so positions and logits match the sampler's. Responses are right-padded
after the EOS, which causal attention never lets an earlier token see.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass
class Rollout:
    """One rollout batch of B = prompts x samples rows, grouped contiguously by prompt. T = max_new_tokens."""

    problems: list  # (B,) the problem of each row
    prompt_ids: torch.Tensor  # (B, P) long, left-padded
    prompt_mask: torch.Tensor  # (B, P) long, 1 on real prompt tokens
    tokens: torch.Tensor  # (B, T) long, pad after EOS
    lengths: torch.Tensor  # (B,) long, generated tokens incl. EOS (= T for truncated rows)
    finished: torch.Tensor  # (B,) bool, an EOS was generated
    mask: torch.Tensor  # (B, T) float, 1.0 on generated tokens incl. EOS (the official action_mask)
    texts: list[str]  # (B,) decoded responses (specials dropped)
    correct: list[bool]  # (B,) the verifier's verdicts
    logp: torch.Tensor | None = None  # (B, T) the sampler's log-probabilities of the tokens (at its temperature)
    entropy: torch.Tensor | None = None  # (B, T) the sampler's untempered next-token entropy


def length_mask(lengths: torch.Tensor, width: int) -> torch.Tensor:
    """(B,) lengths -> (B, width) float mask with ones on the first `length` positions."""
    return (torch.arange(width, device=lengths.device).unsqueeze(0) < lengths.unsqueeze(1)).float()


def left_pad(prompts: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Ragged prompt ids -> (ids (B, P), mask (B, P)), left-padded with `pad_id`."""
    width = max(len(p) for p in prompts)
    ids = torch.full((len(prompts), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(prompts), width), dtype=torch.long)
    for i, p in enumerate(prompts):
        if len(p):
            ids[i, width - len(p):] = torch.as_tensor(list(p), dtype=torch.long)
            mask[i, width - len(p):] = 1
    return ids, mask


def row_seeds(seed: int, step: int, rows: int) -> list[int]:
    """Per-row sampling seeds: a pure function of (seed, step, row), so a row's sample never depends on its batch."""
    return [(seed << 32) + (step << 12) + i for i in range(rows)]


@torch.no_grad()
def sample(model, generate: Callable, prompt_ids: torch.Tensor, *, max_new_tokens: int, eos_id: int, pad_id: int,
           temperature: float, top_p: float, seeds: Sequence[int]):
    """Sample one response per row. Returns the generator's output: tokens (B, T), lengths (B,), finished (B,), and
    the sampler's log-probabilities and entropies of the generated tokens (B, T)."""
    return generate(model, prompt_ids, max_new_tokens=max_new_tokens, eos_id=eos_id, pad_id=pad_id,
                    temperature=temperature, top_p=top_p, seeds=list(seeds), with_entropy=True)


def score_tokens(model, prompt_ids: torch.Tensor, prompt_mask: torch.Tensor, tokens: torch.Tensor, *,
                 with_entropy: bool = False) -> dict[str, torch.Tensor]:
    """Log-probabilities of the response tokens under `model`, or its values if it is a critic.

    `prompt_ids`, `prompt_mask` (B, P); `tokens` (B, T) response ids. Returns "logp" (B, T) for a policy; only
    "values" (B, T) for a critic, a model with a value head (the value of the state before each response token,
    OpenRLHF's `values[:, :-1][:, -num_actions:]`; its LM head is not run); "entropy" (B, T) of the full next-token
    distribution when asked. Gradients flow unless the caller disables them.
    """
    p = prompt_ids.shape[1]
    seq = torch.cat([prompt_ids, tokens], dim=1)[:, :-1]  # (B, P + T - 1): the last token predicts nothing
    attn = None
    if not bool(prompt_mask.all()):
        attn = torch.cat([prompt_mask, torch.ones_like(tokens)], dim=1)[:, :-1]
    if getattr(model, "value_head", None) is not None and hasattr(model, "values"):
        return {"values": model.values(seq, attention_mask=attn)[:, p - 1:].float()}
    res = model(seq, attention_mask=attn) if attn is not None else model(seq)
    logits, values = res if isinstance(res, tuple) else (res, None)
    logprobs = F.log_softmax(logits[:, p - 1:].float(), dim=-1)  # (B, T, V): position P-1+j predicts token j
    out = {"logp": logprobs.gather(-1, tokens.unsqueeze(-1)).squeeze(-1)}
    if values is not None:
        out["values"] = values[:, p - 1:].float()
    if with_entropy:
        out["entropy"] = -(logprobs.exp() * logprobs).sum(-1)
    return out


#: rows per forward pass when scoring a rollout: on one CPU core a pass over 16 rows costs less per row than one over
#: 64 (the activations stay in cache), and rows of similar length share a pass, so little of it is padding
SCORE_CHUNK = 16


def length_groups(rows: torch.Tensor, lengths: torch.Tensor, size: int) -> list[tuple[torch.Tensor, int]]:
    """`rows` (indices into the rollout) sorted by length, shortest first, in groups of `size` rows, each with the
    width of its longest response: [(rows, width), ...]. A forward pass per group then carries little padding."""
    order = rows[torch.argsort(lengths[rows], stable=True)]
    return [(g, max(1, int(lengths[g].max()))) for g in order.split(size)]


@torch.no_grad()
def score_rollout(model, prompt_ids: torch.Tensor, prompt_mask: torch.Tensor, tokens: torch.Tensor,
                  lengths: torch.Tensor, chunk: int | None = None) -> dict[str, torch.Tensor]:
    """`score_tokens` for a whole rollout without gradients, over `length_groups` of `chunk` rows (default
    SCORE_CHUNK on the CPU, one group of the whole rollout on a GPU, where a pass costs its launches more than its
    rows): the same values (up to float rounding) at a fraction of the padding. Positions beyond a row's length are 0."""
    B, W = tokens.shape
    chunk = chunk or (SCORE_CHUNK if tokens.device.type == "cpu" else B)
    out: dict[str, torch.Tensor] = {}
    for rows, w in length_groups(torch.arange(B, device=tokens.device), lengths, chunk):
        part = score_tokens(model, prompt_ids[rows], prompt_mask[rows], tokens[rows, :w])
        for k, v in part.items():
            if k not in out:
                out[k] = torch.zeros(B, W, dtype=v.dtype, device=v.device)
            out[k][rows, :w] = v
    return out
