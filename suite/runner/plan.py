"""Planning: experiments at a scale → the jobs to run (recipe × seed), deduplicated by recipe hash.

Jobs are keyed by recipe hash, so an arm shared by two experiments runs once, and a recipe's dependencies (e.g. the
SFT run an RL arm starts from) are planned before it, with the same seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from suite.determinism import MAX_SEED
from suite.errors import UserError
from suite.experiment import Experiment
from suite.recipes import Recipe, applicable_overrides, apply_overrides, field_paths, recipe_hash

#: Hex digits of the sha256 kept in job keys and directory names: short enough to read, long enough not to collide.
HASH_LEN = 16


def short_hash(recipe: Recipe) -> str:
    """The first HASH_LEN hex digits of the recipe's sha256: its cache key."""
    return recipe_hash(recipe)[:HASH_LEN]


def job_key(h: str, seed: int) -> str:
    """The key of one job, "<hash>/seed-<seed>": how errors and progress name it."""
    return f"{h}/seed-{seed}"


@dataclass(frozen=True)
class Job:
    """One recipe at one seed. `dependencies` are (dependency name, recipe hash) pairs, run first with the same seed."""

    recipe: Recipe
    hash: str
    seed: int
    dependencies: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return job_key(self.hash, self.seed)

    def dependency_keys(self) -> tuple[str, ...]:
        return tuple(job_key(h, self.seed) for _, h in self.dependencies)

    def label(self) -> str:
        return f"{self.recipe.kind}:{self.hash[:8]} seed {self.seed}"


@dataclass(frozen=True)
class PlannedExperiment:
    """One experiment at the run's scale: its status before the run and, when it is declared at the scale, its seeds
    and arm hashes (for an external engine's recipes, the hashes under which `longcot collect` files their outputs)."""

    experiment: Experiment
    status: str
    seeds: tuple[int, ...] = ()
    arm_hashes: Mapping[str, str] = field(default_factory=dict)  # arm -> recipe hash


@dataclass(frozen=True)
class Plan:
    scale: str
    experiments: tuple[PlannedExperiment, ...]
    jobs: tuple[Job, ...]  # dependencies before dependants
    recipes: Mapping[str, Recipe]  # hash -> recipe




def validate_seeds(seeds: Iterable[int] | None, *, where: str = "--seeds") -> None:
    """Every seed an integer in 0..MAX_SEED; a UserError naming the first bad one otherwise."""
    for s in seeds or ():
        if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s <= MAX_SEED:
            raise UserError(f"seed {s!r} must be an integer from 0 to {MAX_SEED}", where=where)


def plan_run(
    experiments: Iterable[Experiment],
    scale: str,
    *,
    seeds: tuple[int, ...] | None = None,
    overrides: Mapping[str, str] | None = None,
    smoke: Mapping[str, str] | None = None,
    device: str | None = None,
) -> Plan:
    """Plan every experiment at `scale`. `seeds` replaces each experiment's default seeds; `overrides` ("field" or
    "nested.field" -> text) apply to every recipe, type-checked (UserError for a field a recipe lacks); `smoke`
    overrides (`--smoke`) apply first, each to the recipes that have its field; `device` (`--device`) puts every stage
    of every recipe on that torch device, last."""
    validate_seeds(seeds)
    planned: list[PlannedExperiment] = []
    jobs: dict[str, Job] = {}
    recipes: dict[str, Recipe] = {}

    def add(recipe: Recipe, seed: int) -> str:
        h = short_hash(recipe)
        recipes[h] = recipe
        deps = tuple((name, add(dep, seed)) for name, dep in recipe.dependencies().items())
        job = Job(recipe, h, seed, deps)
        jobs.setdefault(job.key, job)  # insertion order puts dependencies first
        return h

    for exp in experiments:
        status = exp.status(scale)
        spec = exp.scales.get(scale)
        if spec is None:
            planned.append(PlannedExperiment(exp, status))
            continue
        run_seeds = tuple(seeds) if seeds else spec.seeds
        hashes = {}
        for arm, recipe in spec.recipes.items():
            if smoke:
                recipe = apply_overrides(recipe, applicable_overrides(recipe, smoke),
                                         where=f"--smoke for {exp.id} arm {arm}")
            recipe = apply_overrides(recipe, overrides or {}, where=f"--set for {exp.id} arm {arm}")
            if device is not None:
                paths = field_paths(recipe, "device")
                if not paths:
                    raise UserError(f"{type(recipe).__name__} has no device: --device applies to the tiny engine's "
                                    "recipes (scales tiny and gpu)", where=f"--device for {exp.id} arm {arm}")
                recipe = apply_overrides(recipe, dict.fromkeys(paths, device), where=f"--device for {exp.id} arm {arm}")
            if not spec.executable:  # an external engine's run: no job, but the hash its collected outputs carry
                hashes[arm] = short_hash(recipe)
                continue
            for s in run_seeds:
                hashes[arm] = add(recipe, s)
        planned.append(PlannedExperiment(exp, status, run_seeds, hashes))
    return Plan(scale, tuple(planned), tuple(jobs.values()), recipes)
