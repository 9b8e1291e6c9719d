"""Generation backends behind one interface (`suite.backends.base.GenerationBackend`).

| name | module | runs on |
|---|---|---|
| `hf` | `hf_backend.HFBackend` (transformers `generate`) | CPU or GPU |
| `vllm` | `vllm_backend.VLLMBackend` (`LLM.generate`) | GPU, `pip install vllm` |

`make_backend(name, model, **options)` builds one; an unknown name is a `UserError` listing the known ones.
"""

from __future__ import annotations

from typing import Any, Callable

from suite.backends.base import GenerationBackend, Sample, SamplingSpec
from suite.errors import UserError


def _hf(model: str, **options: Any) -> GenerationBackend:
    from suite.backends.hf_backend import HFBackend

    return HFBackend(model, **options)


def _vllm(model: str, **options: Any) -> GenerationBackend:
    from suite.backends.vllm_backend import VLLMBackend

    return VLLMBackend(model, **options)


BACKENDS: dict[str, Callable[..., GenerationBackend]] = {"hf": _hf, "vllm": _vllm}


def make_backend(name: str, model: str, **options: Any) -> GenerationBackend:
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise UserError(f"unknown backend {name!r}; known backends: {', '.join(sorted(BACKENDS))}") from None
    return factory(model, **options)


__all__ = ["BACKENDS", "GenerationBackend", "Sample", "SamplingSpec", "make_backend"]
