"""The paper's evaluation protocol as named presets (paper §2.5 and App. E.1; §6.1 for the greedy rows).

| preset | temperature | top-p | max new tokens | seeds | samples / problem | used for |
|---|---|---|---|---|---|---|
| `paper` | 0.7 | 0.95 | 16,384 | 4 (0-3) | 16 on AIME 2024, 1 elsewhere | all tables except below |
| `greedy_4k` | 0 (greedy) | - | 4,096 | 1 | 1 | Table 4 base and direct-RL rows (§6.1) |
| `smoke` | 0.7 | 0.95 | 64 | 1 | 2 on AIME 2024, 1 elsewhere | tests and quick checks, not a result |

"At least 4 random seeds" and "16 responses per prompt" on AIME are the paper's words; the paper does not say how
many samples per seed it drew on the other benchmarks, so we draw one per seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from suite.errors import UserError


@dataclass(frozen=True)
class Preset:
    name: str
    temperature: float
    top_p: float
    max_new_tokens: int
    seeds: tuple[int, ...]
    samples_per_problem: dict[str, int] = field(default_factory=dict)  # benchmark -> samples per seed; default 1

    def samples_for(self, benchmark: str) -> int:
        return self.samples_per_problem.get(benchmark, 1)


PRESETS: dict[str, Preset] = {
    "paper": Preset("paper", 0.7, 0.95, 16_384, (0, 1, 2, 3), {"aime24": 16}),
    "greedy_4k": Preset("greedy_4k", 0.0, 1.0, 4_096, (0,)),
    "smoke": Preset("smoke", 0.7, 0.95, 64, (0,), {"aime24": 2}),
}


def get_preset(name: str, *, max_new_tokens: int | None = None, seeds: tuple[int, ...] | None = None) -> Preset:
    """A preset by name, with optional overrides (recorded in the summary as the preset actually used)."""
    try:
        preset = PRESETS[name]
    except KeyError:
        raise UserError(f"unknown preset {name!r}; known presets: {', '.join(sorted(PRESETS))}") from None
    if max_new_tokens is not None:
        preset = replace(preset, max_new_tokens=max_new_tokens)
    if seeds is not None:
        preset = replace(preset, seeds=tuple(seeds))
    return preset
