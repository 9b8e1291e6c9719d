"""Where a run directory keeps what: the only module that spells run-directory paths.

    RUN_DIR/run.json                            what was asked (scale, seeds, experiments; date, command)
    RUN_DIR/summary.json                        verdicts per experiment: deterministic for the same seeds and code
    RUN_DIR/jobs/<hash>/recipe.json             the recipe, canonical form (hash = sha256 of it, first 16 hex)
    RUN_DIR/jobs/<hash>/seed-<s>/metrics.json   scalars and curves of one seed: deterministic, written atomically
    RUN_DIR/jobs/<hash>/seed-<s>/timing.json    wall time and dates (kept apart so metrics stay bit-identical)
    RUN_DIR/jobs/<hash>/seed-<s>/error.txt      why the seed failed (removed once it succeeds)
    RUN_DIR/jobs/<hash>/seed-<s>/work/          the job's artifacts (checkpoints, rollouts)

Existing run directories use exactly these names: changing one breaks resume and every stored run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True)
class RunLayout:
    """Paths inside one run directory. `h` is a job's recipe hash (16 hex), `seed` its seed."""

    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root))  # accept str; a frozen field is set once, here

    @property
    def run_json(self) -> Path:
        return self.root / "run.json"

    @property
    def summary_json(self) -> Path:
        return self.root / "summary.json"

    def job_dir(self, h: str) -> Path:
        return self.root / "jobs" / h

    def recipe_json(self, h: str) -> Path:
        return self.job_dir(h) / "recipe.json"

    def seed_dir(self, h: str, seed: int) -> Path:
        return self.job_dir(h) / f"seed-{seed}"

    def metrics_json(self, h: str, seed: int) -> Path:
        return self.seed_dir(h, seed) / "metrics.json"

    def timing_json(self, h: str, seed: int) -> Path:
        return self.seed_dir(h, seed) / "timing.json"

    def error_txt(self, h: str, seed: int) -> Path:
        return self.seed_dir(h, seed) / "error.txt"

    def workdir(self, h: str, seed: int) -> Path:
        """The job's artifacts directory (e.g. where a checkpoint lives); what dependants read."""
        return self.seed_dir(h, seed) / "work"

    def dependency_workdirs(self, dependencies: Iterable[tuple[str, str]], seed: int) -> dict[str, Path]:
        """{dependency name: its workdir} for (name, recipe hash) pairs; a dependency always runs with the same seed."""
        return {name: self.workdir(h, seed) for name, h in dependencies}
