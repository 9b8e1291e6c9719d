"""The one generation interface every backend implements, and its request/response types.

`backend.generate(prompts, spec, chat=False) -> list[list[Sample]]`: for each prompt, `spec.n` samples. A `Sample`
carries the text, the number of generated tokens (in the policy's own tokenizer, EOS included when it was
generated, as OpenRLHF's `response_length`) and whether generation stopped at the token limit (`truncated`).
`chat=True` applies the tokenizer's chat template to each prompt (a single user turn) first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence


@dataclass(frozen=True)
class SamplingSpec:
    """Decoding settings of one generation call. temperature 0 means greedy (top_p is then ignored)."""

    n: int = 1  # samples per prompt
    temperature: float = 0.7
    top_p: float = 0.95
    max_new_tokens: int = 16_384
    seed: int = 0

    def __post_init__(self) -> None:
        if self.n < 1 or self.max_new_tokens < 1 or self.temperature < 0 or not 0 < self.top_p <= 1:
            raise ValueError(f"invalid sampling settings: {self}")

    @property
    def greedy(self) -> bool:
        return self.temperature == 0.0


@dataclass(frozen=True)
class Sample:
    text: str
    num_tokens: int  # generated tokens, EOS included when generated
    truncated: bool  # stopped because max_new_tokens was reached


class GenerationBackend(Protocol):
    name: str

    def generate(self, prompts: Sequence[str], spec: SamplingSpec, chat: bool = False) -> list[list[Sample]]: ...
