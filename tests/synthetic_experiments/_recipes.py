"""Recipes with closed-form outputs: a noisy line per step and a noisy scalar, seeded by the job seed."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from suite.recipes import JobContext, Recipe


@dataclass(frozen=True)
class NoisyLineRecipe(Recipe):
    """response_length[t] = intercept + slope * t + noise * N(0, 1); heldout_accuracy = level + noise * N(0, 1)."""

    kind: ClassVar[str] = "synthetic-line"
    slope: float = 1.0
    intercept: float = 10.0
    noise: float = 0.1
    steps: int = 20
    level: float = 0.5
    sleep_s: float = 0.0  # per step, so that tests can interrupt a run mid-way

    def run(self, seed: int, ctx: JobContext) -> dict:
        rng = np.random.default_rng(seed)
        xs, ys = [], []
        for t in range(self.steps):
            xs.append(t)
            ys.append(self.intercept + self.slope * t + self.noise * rng.standard_normal())
            ctx.report(t + 1, self.steps)
            if self.sleep_s:
                time.sleep(self.sleep_s)
        (ctx.workdir / "checkpoint.json").write_text(json.dumps({"final": ys[-1]}))
        return {
            "scalars": {"heldout_accuracy": self.level + self.noise * rng.standard_normal()},
            "curves": {"response_length": {"step": xs, "value": ys}},
        }


@dataclass(frozen=True)
class FinetuneRecipe(Recipe):
    """Depends on a NoisyLineRecipe job of the same seed and reads its checkpoint: heldout = final / 100 + gain."""

    kind: ClassVar[str] = "synthetic-finetune"
    init: NoisyLineRecipe = NoisyLineRecipe()
    gain: float = 0.1

    def dependencies(self):
        return {"init": self.init}

    def run(self, seed: int, ctx: JobContext) -> dict:
        final = json.loads((ctx.dependencies["init"] / "checkpoint.json").read_text())["final"]
        return {"scalars": {"heldout_accuracy": final / 100 + self.gain}, "curves": {}}


@dataclass(frozen=True)
class BrokenRecipe(Recipe):
    kind: ClassVar[str] = "synthetic-broken"
    mode: str = "raise"  # raise | unknown-metric

    def run(self, seed: int, ctx: JobContext) -> dict:
        if self.mode == "raise":
            raise RuntimeError("synthetic failure")
        return {"scalars": {"no_such_metric": 1.0}}


@dataclass(frozen=True)
class PaperOnlyRecipe(Recipe):
    kind: ClassVar[str] = "synthetic-paper"
    executable: ClassVar[bool] = False
    episodes: int = 8


@dataclass(frozen=True)
class DiesOnceRecipe(Recipe):
    """Its process is SIGKILLed the first time it runs for a seed (a marker file in `marker_dir` remembers it), then it
    returns a constant: what a worker lost mid-job looks like to an executor."""

    kind: ClassVar[str] = "synthetic-dies-once"
    marker_dir: str = "/tmp"
    level: float = 0.5

    def run(self, seed: int, ctx: JobContext) -> dict:
        import os
        import signal
        from pathlib import Path

        marker = Path(self.marker_dir) / f"died-{seed}"
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        return {"scalars": {"heldout_accuracy": self.level}, "curves": {}}
