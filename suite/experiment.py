"""An experiment is one finding of the paper, declared as data.

    Experiment
      id, title, claim (quoted, with section and figure/table), arms, metrics, version
      scales: {"tiny" | "gpu" | "paper": ScaleSpec(recipes per arm, default seeds, checks, deviations)}

A scale that is absent from `scales` is *not implemented* at that scale; `longcot run` says so and never fakes a
result. The module that declares an experiment contains no loops and no training calls (STYLE.md, anchor 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, Mapping

from suite.checks import Check
from suite.errors import UserError
from suite.metrics.names import lookup
from suite.recipes import Recipe

Scale = Literal["tiny", "gpu", "paper"]
SCALES: tuple[str, ...] = ("tiny", "gpu", "paper")
ID_PATTERN = re.compile(r"^(takeaway-[3-5]\.[1-6]|section-6)$")


@dataclass(frozen=True)
class Claim:
    """The paper's claim, quoted verbatim from arXiv v1, with where it is made and what supports it."""

    quote: str
    section: str  # e.g. "§4.2"
    evidence: str  # e.g. "Figures 4, 5; Table 9"


@dataclass(frozen=True)
class Arm:
    name: str
    description: str


@dataclass(frozen=True)
class ScaleSpec:
    """How an experiment runs at one scale: a recipe per arm, default seeds, checks, and deviations from the paper
    (each a sentence that the report repeats)."""

    recipes: Mapping[str, Recipe]
    seeds: tuple[int, ...]
    checks: tuple[Check, ...] = ()
    deviations: tuple[str, ...] = ()

    @property
    def executable(self) -> bool:
        return all(r.executable for r in self.recipes.values())


@dataclass(frozen=True)
class Experiment:
    id: str
    title: str
    claim: Claim
    arms: tuple[Arm, ...]
    metrics: tuple[str, ...]
    scales: Mapping[str, ScaleSpec]
    version: int = 1
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self):
        where = f"experiment {self.id!r}"
        if not ID_PATTERN.match(self.id):
            raise UserError("id must look like 'takeaway-4.2' or 'section-6'", where=where)
        arm_names = [a.name for a in self.arms]
        if len(set(arm_names)) != len(arm_names):
            raise UserError(f"duplicate arm names in {arm_names}", where=where)
        for m in self.metrics:
            lookup(m)
        for scale, spec in self.scales.items():
            if scale not in SCALES:
                raise UserError(f"unknown scale {scale!r}; scales are {', '.join(SCALES)}", where=where)
            if not spec.seeds:
                raise UserError("a scale needs at least one default seed", where=f"{where}, scale {scale}")
            unknown = set(spec.recipes) - set(arm_names)
            if unknown:
                raise UserError(f"recipes for undeclared arm(s) {sorted(unknown)}", where=f"{where}, scale {scale}")
            for check in spec.checks:
                for arm in check.arms():
                    if arm not in spec.recipes:
                        raise UserError(f"check {check.name!r} names arm {arm!r}, which has no {scale} recipe",
                                        where=where)
                if check.metric not in self.metrics:
                    raise UserError(f"check {check.name!r} uses metric {check.metric!r}, not declared in metrics",
                                    where=where)

    def status(self, scale: str) -> str:
        from suite.verdicts import NOT_EXECUTABLE, NOT_IMPLEMENTED

        spec = self.scales.get(scale)
        if spec is None:
            return NOT_IMPLEMENTED
        return "implemented" if spec.executable else NOT_EXECUTABLE
