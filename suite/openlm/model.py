"""A Hugging Face causal LM as the RL loop's policy and critic, and its tokenizer as the loop's tokenizer.

The loop (`suite.tiny.rl.train.rl_loop`) calls `model(seq, attention_mask=mask)` on LEFT-padded prompts followed by
the response. A Hugging Face decoder numbers positions 0, 1, 2, ... from the first column whatever the mask says, so a
left-padded row would see its prompt at other positions than it was sampled at; the wrappers number positions from
the row's first real token (`mask.cumsum - 1`, as OpenRLHF's actor does), so padding changes nothing.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn


def positions_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """(B, L) 0/1 mask -> (B, L) position ids counted from each row's first real token (1 on padding, never read).

    >>> positions_from_mask(torch.tensor([[0, 0, 1, 1, 1], [1, 1, 1, 1, 1]])).tolist()
    [[1, 1, 0, 1, 2], [0, 1, 2, 3, 4]]
    """
    pos = attention_mask.long().cumsum(-1) - 1
    return pos.masked_fill(attention_mask == 0, 1)


def _autocast(model: nn.Module, enabled: bool):
    """bf16 autocast on CUDA when asked (the weights and the optimizer stay float32); nothing on the CPU."""
    device = next(model.parameters()).device
    if enabled and device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


class HFPolicy(nn.Module):
    """`forward(seq, attention_mask=None) -> logits (B, L, V)` of a causal LM, with positions from the mask. `lm` is
    the wrapped `PreTrainedModel`; its `state_dict()` is what vLLM loads."""

    def __init__(self, lm: nn.Module, *, bf16: bool = False):
        super().__init__()
        self.lm, self.bf16 = lm, bf16

    def forward(self, seq: torch.Tensor, attention_mask: torch.Tensor | None = None) -> torch.Tensor:
        if attention_mask is None:
            attention_mask = torch.ones_like(seq)
        with _autocast(self, self.bf16):
            out = self.lm(input_ids=seq, attention_mask=attention_mask,
                          position_ids=positions_from_mask(attention_mask), use_cache=False)
        return out.logits


class HFCritic(nn.Module):
    """The PPO critic as OpenRLHF builds it: the policy's transformer trunk (initialised from the same weights) and a
    fresh linear value head on the last hidden state. `forward` returns (None, values (B, L))."""

    def __init__(self, trunk: nn.Module, hidden_size: int, *, bf16: bool = False):
        super().__init__()
        self.trunk, self.bf16 = trunk, bf16
        self.value_head = nn.Linear(hidden_size, 1)
        nn.init.normal_(self.value_head.weight, std=1.0 / (hidden_size + 1))  # OpenRLHF's value-head init
        nn.init.zeros_(self.value_head.bias)

    def forward(self, seq: torch.Tensor, attention_mask: torch.Tensor | None = None):
        if attention_mask is None:
            attention_mask = torch.ones_like(seq)
        with _autocast(self, self.bf16):
            hidden = self.trunk(input_ids=seq, attention_mask=attention_mask,
                                position_ids=positions_from_mask(attention_mask), use_cache=False).last_hidden_state
        return None, self.value_head(hidden.float()).squeeze(-1)


def critic_from_policy(policy: HFPolicy) -> HFCritic:
    """A critic whose trunk is a copy of the policy's (the SFT / start weights) and whose value head is fresh, drawn
    from torch's global generator on the CPU (the loop seeds it) and then moved to the policy's device."""
    import copy

    trunk = copy.deepcopy(policy.lm.get_decoder() if hasattr(policy.lm, "get_decoder") else policy.lm.model)
    device = next(policy.parameters()).device
    critic = HFCritic(trunk, policy.lm.config.hidden_size, bf16=policy.bf16)  # the head is created on the CPU
    return critic.to(device).eval()


@dataclass
class OpenTokenizer:
    """The loop's view of a Hugging Face tokenizer: `pad_id`, `eos_id` and `decode(ids)` without special tokens."""

    hf: Any

    @property
    def eos_id(self) -> int:
        return int(self.hf.eos_token_id)

    @property
    def pad_id(self) -> int:
        pad = self.hf.pad_token_id
        return int(self.eos_id if pad is None else pad)

    def decode(self, ids) -> str:
        return self.hf.decode(list(ids), skip_special_tokens=True)


def encode_prompt(tokenizer: OpenTokenizer, problem) -> list[int]:
    """Prompt token ids of one problem (`suite.openlm.recipe.OpenProblem`): its `prompt` as one user turn through the
    chat template when the tokenizer has one (with the generation prompt), else the raw text."""
    from suite.backends.hf_backend import apply_chat_template

    text = apply_chat_template(tokenizer.hf, problem.prompt)
    return list(tokenizer.hf(text, add_special_tokens=not getattr(tokenizer.hf, "chat_template", None))["input_ids"])


def load_policy(path: str, *, device: str, bf16: bool) -> tuple[HFPolicy, OpenTokenizer]:
    """The policy (float32 weights) and tokenizer from a local directory or a hub id."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    hf_tok = AutoTokenizer.from_pretrained(path)
    lm = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)  # transformers 5 keeps a checkpoint's bf16
    return HFPolicy(lm, bf16=bf16).to(device).eval(), OpenTokenizer(hf_tok)
