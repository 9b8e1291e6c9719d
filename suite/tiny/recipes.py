"""Recipes of the tiny world: the bridge from experiment declarations to `train_sft` / `train_rl`.

A tiny recipe wraps the engine's own frozen config (every hyperparameter, with its reason, lives there), so a
declaration reads `TinySFTRecipe(replace(SFT_BASE, style="short", n_train=500))` and `--set sft.steps=300` reaches
the engine's field with its type checked. An RL recipe names the SFT recipe it starts from; the runner trains that
once per seed and hands its checkpoint over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from suite.recipes.base import JobContext, Recipe
from suite.tiny.sft import SFTConfig


@dataclass(frozen=True)
class TinySFTRecipe(Recipe):
    """Supervised fine-tuning from scratch on tiny-world traces (`suite.tiny.sft.train_sft`)."""

    kind: ClassVar[str] = "tiny-sft"
    sft: SFTConfig = field(default_factory=SFTConfig)

    def run(self, seed: int, ctx: JobContext) -> dict:
        from suite.tiny.sft import train_sft

        out = train_sft(self.sft, seed, ctx.workdir, progress=lambda step, _: ctx.report(step, self.sft.steps))
        return {"scalars": out["scalars"], "curves": out["curves"]}
