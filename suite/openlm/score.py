"""Scoring a rollout with a Hugging Face policy, reference or critic: the open-model `ModelOps` of the RL loop.

Same contract as `suite.tiny.rl.rollout.score_tokens` / `score_rollout` ("logp", "entropy" and "values", each (B, T),
position P-1+j predicting response token j), with two differences that a vocabulary of ~150k entries makes necessary:
the log-probability of a token is its logit minus the row's log-sum-exp (no (B, T, V) log-softmax is kept), and a
pass without gradients runs over chunks of `rows` rows of similar length, so that one chunk's float32 logits
(rows x T x V) bound the memory. A 4-row chunk of 2,048-token responses of a Qwen2.5 model holds 5 GB of logits.
"""

from __future__ import annotations

from functools import partial

import torch

from suite.tiny.rl.rollout import length_groups


def _score(model, prompt_ids: torch.Tensor, prompt_mask: torch.Tensor, tokens: torch.Tensor, *,
           with_entropy: bool) -> dict[str, torch.Tensor]:
    p = prompt_ids.shape[1]
    seq = torch.cat([prompt_ids, tokens], dim=1)[:, :-1]
    attn = torch.cat([prompt_mask.long(), torch.ones_like(tokens)], dim=1)[:, :-1]
    res = model(seq, attention_mask=attn)
    if isinstance(res, tuple):  # a critic: (None, values)
        return {"values": res[1][:, p - 1:].float()}
    logits = res[:, p - 1:].float()  # (B, T, V)
    lse = torch.logsumexp(logits, dim=-1)
    out = {"logp": logits.gather(-1, tokens.unsqueeze(-1)).squeeze(-1) - lse}
    if with_entropy:
        logprobs = logits - lse.unsqueeze(-1)
        out["entropy"] = -(logprobs.exp() * logprobs).sum(-1)
    return out


def score_rollout(model, prompt_ids: torch.Tensor, prompt_mask: torch.Tensor, tokens: torch.Tensor,
                  lengths: torch.Tensor, *, rows: int = 4, with_entropy: bool = False) -> dict[str, torch.Tensor]:
    """Scores of a whole rollout without gradients, `rows` rows of similar length per forward pass, each cut to its
    longest response. Positions beyond a row's length are 0."""
    B, W = tokens.shape
    out: dict[str, torch.Tensor] = {}
    with torch.no_grad():
        for group, w in length_groups(torch.arange(B, device=tokens.device), lengths, rows):
            part = _score(model, prompt_ids[group], prompt_mask[group], tokens[group, :w], with_entropy=with_entropy)
            for k, v in part.items():
                if k not in out:
                    out[k] = torch.zeros(B, W, dtype=v.dtype, device=v.device)
                out[k][group, :w] = v
    return out


def score_tokens(model, prompt_ids: torch.Tensor, prompt_mask: torch.Tensor, tokens: torch.Tensor, *,
                 with_entropy: bool = False, rows: int = 4) -> dict[str, torch.Tensor]:
    """Scores of the given rows. With gradients (the update's micro-batches, already `rows` rows): one pass. Without
    (the loop's rescoring of a whole rollout sampled by vLLM): in chunks, as `score_rollout`."""
    if torch.is_grad_enabled():
        return _score(model, prompt_ids, prompt_mask, tokens, with_entropy=with_entropy)
    lengths = torch.full((tokens.shape[0],), tokens.shape[1], dtype=torch.long, device=tokens.device)
    return score_rollout(model, prompt_ids, prompt_mask, tokens, lengths, rows=rows, with_entropy=with_entropy)


def open_model_ops(rows: int):
    """The RL loop's `ModelOps` for a Hugging Face model: scoring and update micro-batches of `rows` rows."""
    from suite.tiny.rl.train import ModelOps

    return ModelOps(score_tokens=partial(score_tokens, rows=rows), score_rollout=partial(score_rollout, rows=rows),
                    update_groups=lambda mb, lengths: length_groups(mb, lengths, rows))
