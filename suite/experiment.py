"""An experiment is one finding of the paper, declared as data.

    Experiment
      id, title, claim (quoted, with section and figure/table), arms, metrics, version
      scales: {"tiny" | "gpu" | "paper": ScaleSpec(recipes per arm, default seeds, checks, deviations)}
      table_rows: {"table<N>:<row>": arm}  the paper table rows whose cells this experiment's paper reference holds

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
from suite.recipes import Recipe, recipe_hash

Scale = Literal["tiny", "gpu", "open", "paper"]
#: tiny: the tiny world on a CPU; gpu: the tiny world, larger, on one GPU; open: the paper's task on a small open model
#: and one GPU (`suite.openlm`); paper: the paper's own recipes, for an external engine
SCALES: tuple[str, ...] = ("tiny", "gpu", "open", "paper")
#: An id is any lower-case slug: letters, digits, dots and single hyphens (e.g. "takeaway-4.2", "section-6", "my-study").
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
#: A paper table row: the table's number and a row name, e.g. "table1:sft_emergent" (the `--compare` argument of eval).
TABLE_ROW_PATTERN = re.compile(r"^table[1-9][0-9]*:[a-z0-9]+(?:_[a-z0-9]+)*$")


@dataclass(frozen=True)
class Claim:
    """The paper's claim, quoted verbatim from arXiv v1, with where it is made and what supports it."""

    quote: str
    section: str  # e.g. "§4.2"
    evidence: str  # e.g. "Figures 4, 5; Table 9"


@dataclass(frozen=True)
class Change:
    """One changelog entry: what changed at a version and why. `numbers` says whether the change can move the numbers
    (a recipe, a metric, the engine): a reference made before such a change no longer applies. A change to checks only
    (`numbers=False`) moves verdicts, not numbers; a reference made before it still applies, and the report says what
    changed so that a verdict that moved is never mistaken for a result that moved."""

    text: str
    numbers: bool = True
    #: the scales whose numbers the change can move (empty: every scale); e.g. a paper recipe fix leaves tiny alone
    scales: tuple[str, ...] = ()

    def moves_numbers(self, scale: str) -> bool:
        return self.numbers and (not self.scales or scale in self.scales)


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
    #: Bump whenever a change can move this experiment's numbers, with a changelog line in the module docstring; the
    #: contract test holds it against experiments/versions.lock.json.
    version: int = 1
    notes: tuple[str, ...] = field(default=())
    #: paper table row key ("table1:sft_emergent") -> the arm whose cells in reference_results/paper/<id>.json are that
    #: row; suite.eval.paper_tables indexes rows from here, so the tables' row names live next to the claims.
    table_rows: Mapping[str, str] = field(default_factory=dict)
    #: version -> Change (or its text, for a change that can move the numbers); one entry per version 1..version.
    changelog: Mapping[int, Change | str] = field(default_factory=dict)

    def __post_init__(self):
        where = f"experiment {self.id!r}"
        if not ID_PATTERN.match(self.id):
            raise UserError("id must be a lower-case slug of letters, digits, dots and hyphens, e.g. 'takeaway-4.2'",
                            where=where)
        arm_names = [a.name for a in self.arms]
        if len(set(arm_names)) != len(arm_names):
            raise UserError(f"duplicate arm names in {arm_names}", where=where)
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise UserError(f"version must be a positive integer, got {self.version!r}", where=where)
        if self.changelog and sorted(self.changelog) != list(range(1, self.version + 1)):
            raise UserError(f"changelog must have one entry for each version 1..{self.version}, got versions "
                            f"{sorted(self.changelog)}", where=f"{where}, changelog")
        for key, arm in self.table_rows.items():
            if not isinstance(key, str) or not TABLE_ROW_PATTERN.match(key):
                raise UserError(f"table row key {key!r} must look like 'table<N>:<row>', e.g. 'table1:sft_emergent'",
                                where=f"{where}, table_rows")
            if arm not in arm_names:
                raise UserError(f"table row {key!r} names arm {arm!r}, which is not declared; arms: "
                                f"{', '.join(arm_names)}", where=f"{where}, table_rows")
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

    def change(self, version: int) -> Change:
        """The changelog entry of `version` (a plain string entry is a change that can move the numbers)."""
        c = self.changelog.get(version)
        if c is None:
            return Change(f"v{version}: no changelog entry", numbers=True)
        return c if isinstance(c, Change) else Change(c, numbers=True)

    def changes_since(self, version: int) -> tuple[tuple[int, Change], ...]:
        """The entries after `version` up to the current one, oldest first."""
        return tuple((v, self.change(v)) for v in range(version + 1, self.version + 1))

    def reference_applies(self, version: int, scale: str) -> bool:
        """Whether a reference made at `version` still holds this experiment's numbers at `scale`: no change since
        then could move them."""
        return version <= self.version and not any(c.moves_numbers(scale) for _, c in self.changes_since(version))

    def recipe_hashes(self) -> dict[str, dict[str, str]]:
        """scale -> arm -> `recipe_hash` of that arm's recipe (64 hex digits): what the version lock compares."""
        return {scale: {arm: recipe_hash(r) for arm, r in spec.recipes.items()} for scale, spec in self.scales.items()}

    def status(self, scale: str) -> str:
        from suite.verdicts import IMPLEMENTED, NOT_EXECUTABLE, NOT_IMPLEMENTED

        spec = self.scales.get(scale)
        if spec is None:
            return NOT_IMPLEMENTED
        return IMPLEMENTED if spec.executable else NOT_EXECUTABLE
