"""transformers backend: `model.generate` on CPU or GPU, batched, one seeded generator per call.

Lengths count generated tokens up to and including the first EOS (padding after it is not counted); a sample that
produced no EOS within `max_new_tokens` is `truncated`. Seeding: `torch.manual_seed(spec.seed)` before each batch,
so a run is repeatable on the same hardware and library versions (sampling on GPU is not bit-reproducible across
GPU models).
"""

from __future__ import annotations

from typing import Any, Sequence

from suite.backends.base import Sample, SamplingSpec


def apply_chat_template(tokenizer: Any, prompt: str) -> str:
    """One user turn through the tokenizer's chat template; the raw prompt when the tokenizer has none."""
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(
            [{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True
        )
    return prompt


class HFBackend:
    name = "hf"

    def __init__(self, model: str, *, device: str | None = None, batch_size: int = 8, dtype: str = "auto"):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.tokenizer = AutoTokenizer.from_pretrained(model)
        self.tokenizer.padding_side = "left"  # decoder-only batching: pad on the left so generation continues the text
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = AutoModelForCausalLM.from_pretrained(model, dtype=dtype).to(self.device).eval()
        self.batch_size = batch_size

    def generate(self, prompts: Sequence[str], spec: SamplingSpec, chat: bool = False) -> list[list[Sample]]:
        import torch

        prompts = [apply_chat_template(self.tokenizer, p) if chat else p for p in prompts]
        eos = self.tokenizer.eos_token_id
        out: list[list[Sample]] = []
        for start in range(0, len(prompts), self.batch_size):
            batch = prompts[start : start + self.batch_size]
            enc = self.tokenizer(batch, return_tensors="pt", padding=True).to(self.device)
            torch.manual_seed(spec.seed + start)
            kwargs: dict[str, Any] = {"do_sample": False} if spec.greedy else {
                "do_sample": True, "temperature": spec.temperature, "top_p": spec.top_p}
            # greedy samples are identical: generate one and repeat it (transformers refuses n > 1 without sampling)
            n_gen = 1 if spec.greedy else spec.n
            with torch.no_grad():
                gen = self.model.generate(
                    **enc, max_new_tokens=spec.max_new_tokens, num_return_sequences=n_gen,
                    pad_token_id=self.tokenizer.pad_token_id, **kwargs,
                )
            new = gen[:, enc["input_ids"].shape[1] :].tolist()  # (batch * n_gen, new_tokens)
            for i in range(len(batch)):
                samples = [self._sample(new[i * n_gen + j], eos, spec.max_new_tokens) for j in range(n_gen)]
                out.append(samples * (spec.n // n_gen))
        return out

    def _sample(self, ids: list[int], eos: int | None, max_new_tokens: int) -> Sample:
        if eos is not None and eos in ids:
            ids = ids[: ids.index(eos) + 1]
            return Sample(self.tokenizer.decode(ids, skip_special_tokens=True), len(ids), False)
        return Sample(self.tokenizer.decode(ids, skip_special_tokens=True), len(ids), len(ids) >= max_new_tokens)
