"""What `summary.json` holds, as typed frozen data: one `RunSummary` per run, one `ExperimentSummary` per experiment.

    {"schema": "longcot.summary/1", "scale": ..., "provenance": {...},
     "experiments": {"<id>": {"title", "version", "status", "claim": {"quote", "section", "evidence"}, "deviations",
                              ["arms": {"<arm>": {"recipe_hash", "seeds"}}], ["message"],
                              ["reference", "checks": [CheckResult.to_dict(), ...]],
                              "claim_verdict", "reproduction_verdict"}}}

Which optional keys an entry has follows its status: an experiment that did not run has a `message`; one whose job
failed (`error`) has `arms` and a `message`; one that ran has `arms`, `reference` (a path or null) and `checks`.
`to_dict()` gives exactly the dict the runner writes (keys, order, values); `from_dict()` reads it back and raises a
`UserError` naming the file and the field for anything missing or mistyped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from suite import verdicts
from suite.checks import CheckResult
from suite.errors import UserError
from suite.experiment import Claim
from suite.runner.layout import RunLayout

SUMMARY_SCHEMA = "longcot.summary/1"
#: The closed vocabularies a summary's fields take (suite.verdicts); anything else is a damaged file.
STATUSES = (verdicts.RAN, verdicts.ERROR, verdicts.NOT_IMPLEMENTED, verdicts.NOT_EXECUTABLE)
_NOT_JUDGED = (verdicts.NO_CHECKS, verdicts.ERROR, verdicts.NOT_IMPLEMENTED, verdicts.NOT_EXECUTABLE)
CLAIM_VERDICTS = (verdicts.CLAIM_HOLDS, verdicts.CLAIM_NOT_REPRODUCED, verdicts.CLAIM_INCONCLUSIVE, *_NOT_JUDGED)
REPRODUCTION_VERDICTS = (verdicts.MATCHES_REFERENCE, verdicts.DEVIATES_FROM_REFERENCE,
                         verdicts.REFERENCE_INCONCLUSIVE, *_NOT_JUDGED)


@dataclass(frozen=True)
class ArmRun:
    """The job behind one arm: its recipe hash and the seeds it ran with."""

    recipe_hash: str
    seeds: tuple[int, ...]

    def to_dict(self) -> dict:
        return {"recipe_hash": self.recipe_hash, "seeds": list(self.seeds)}

    @classmethod
    def from_dict(cls, d: Any, *, file: str = "summary.json", at: str = "arm") -> ArmRun:
        """`file` and `at` (the field path of `d`) name the place of a missing or mistyped field."""
        r = _Reader(file, at, d)
        recipe_hash = r.str_("recipe_hash")
        if not re.fullmatch(r"[0-9a-f]{1,64}", recipe_hash):
            r.fail("recipe_hash", f"expected a recipe hash (hex digits, as a job directory is named), got "
                                  f"{recipe_hash!r}")
        seeds = r.list_of("seeds", int, "integers")
        if not seeds or any(s < 0 for s in seeds):
            r.fail("seeds", f"expected a non-empty list of non-negative integers, got {seeds!r}")
        return cls(recipe_hash, tuple(seeds))


@dataclass(frozen=True)
class ExperimentSummary:
    """One experiment's outcome. `arms` is None when no job was planned, `message` None once it ran, `checks` None
    unless it ran (then `reference` is the reference file compared with, or None when there was none)."""

    id: str
    title: str
    version: int
    status: str  # verdicts.RAN, ERROR, NOT_IMPLEMENTED or NOT_EXECUTABLE
    claim: Claim
    deviations: tuple[str, ...]
    claim_verdict: str
    reproduction_verdict: str
    message: str | None = None
    arms: dict[str, ArmRun] | None = None
    reference: str | None = None
    checks: tuple[CheckResult, ...] | None = None
    #: changelog entries between the reference's experiment version and this one ("v4 (checks only): ..."): why a
    #: verdict may differ from the one the reference run got although its numbers did not move
    changes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """The entry under `experiments.<id>` (the id is its key, not a field)."""
        c = self.claim
        d: dict = {"title": self.title, "version": self.version, "status": self.status,
                   "claim": {"quote": c.quote, "section": c.section, "evidence": c.evidence},
                   "deviations": list(self.deviations)}
        if self.arms is not None:
            d["arms"] = {arm: a.to_dict() for arm, a in self.arms.items()}
        if self.message is not None:
            d["message"] = self.message
        if self.checks is not None:
            d["reference"] = self.reference
            d["checks"] = [r.to_dict() for r in self.checks]
        if self.changes:
            d["changes"] = list(self.changes)
        d["claim_verdict"] = self.claim_verdict
        d["reproduction_verdict"] = self.reproduction_verdict
        return d

    @classmethod
    def from_dict(cls, exp_id: str, d: Any, *, file: str = "summary.json", at: str | None = None) -> ExperimentSummary:
        """The entry stored under `experiments.<exp_id>` (`at` overrides that field path in error messages)."""
        r = _Reader(file, f"experiments.{exp_id}" if at is None else at, d)
        status = r.one_of("status", STATUSES)
        ran = status == verdicts.RAN
        arms = checks = None
        if ran or status == verdicts.ERROR or "arms" in r.d:
            arms = {arm: ArmRun.from_dict(v, file=file, at=f"{r.at}.arms.{arm}") for arm, v in r.obj("arms").items()}
            if ran and not arms:
                r.fail("arms", "expected at least one arm for an experiment that ran")
        if ran or "checks" in r.d:
            checks = tuple(check_from_dict(c, file=file, at=f"{r.at}.checks[{i}]")
                           for i, c in enumerate(r.list_of("checks", dict, "objects")))
        claim = r.child("claim")
        return cls(
            id=exp_id, title=r.str_("title"), version=r.int_("version"), status=status,
            claim=Claim(claim.str_("quote"), claim.str_("section"), claim.str_("evidence")),
            deviations=tuple(r.list_of("deviations", str, "strings")),
            claim_verdict=r.one_of("claim_verdict", CLAIM_VERDICTS),
            reproduction_verdict=r.one_of("reproduction_verdict", REPRODUCTION_VERDICTS),
            message=None if ran else r.str_("message"),
            arms=arms,
            reference=r.opt("reference", str, "a string") if checks is not None else None,
            checks=checks,
            changes=tuple(r.list_of("changes", str, "strings")) if "changes" in r.d else (),
        )


@dataclass(frozen=True)
class RunSummary:
    """A run's verdicts: the scale, the provenance (suite version, commit, libraries, hardware) and, in run order,
    one summary per experiment keyed by its id."""

    scale: str
    provenance: dict
    experiments: dict[str, ExperimentSummary]

    def to_dict(self) -> dict:
        return {"schema": SUMMARY_SCHEMA, "scale": self.scale, "provenance": self.provenance,
                "experiments": {exp_id: e.to_dict() for exp_id, e in self.experiments.items()}}

    @classmethod
    def from_dict(cls, d: Any, *, file: str = "summary.json") -> RunSummary:
        """`file` names the file in error messages."""
        r = _Reader(file, "", d)
        if r.key("schema") != SUMMARY_SCHEMA:
            r.fail("schema", f"expected {SUMMARY_SCHEMA!r}, got {r.d['schema']!r}")
        return cls(r.str_("scale"), r.obj("provenance"),
                   {exp_id: ExperimentSummary.from_dict(exp_id, e, file=file)
                    for exp_id, e in r.obj("experiments").items()})


def check_from_dict(d: Any, *, file: str = "summary.json", at: str = "check") -> CheckResult:
    """A check's result as stored (`CheckResult.to_dict()`), read back."""
    r = _Reader(file, at, d)
    observed = r.opt("observed", (int, float), "a number")
    expected = r.opt("expected", (int, float, str), "a number or a string")
    return CheckResult(
        name=r.str_("name"), kind=r.str_("kind"), role=r.one_of("role", verdicts.ROLES),
        verdict=r.one_of("verdict", verdicts.CHECK_VERDICTS),
        metric=r.str_("metric"), arms=tuple(r.list_of("arms", str, "strings")),
        observed=None if observed is None else float(observed),
        expected=expected if expected is None or isinstance(expected, str) else float(expected),
        tolerance=r.str_("tolerance"), evidence=r.str_("evidence"),
        p_value=None if (p := r.d.get("p_value")) is None else float(r.opt("p_value", (int, float), "a number")),
        error_basis=r.str_("error_basis") if "error_basis" in r.d else "",
    )


def read_summary(run_dir: Path) -> RunSummary:
    """The summary.json of a run directory. A missing or damaged file, or a missing or mistyped field, is a
    `UserError` naming the file (and the field)."""
    path = RunLayout(run_dir).summary_json
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise UserError("summary.json not found; is this a run directory written by `longcot run`?",
                        where=str(path)) from None
    except OSError as exc:
        raise UserError(f"cannot read summary.json: {exc.strerror}", where=str(path)) from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, an integer too long
        raise UserError(f"damaged summary.json, not valid JSON: {exc}", where=str(path)) from None
    return RunSummary.from_dict(data, file=str(path))


class _Reader:
    """Reads the fields of one JSON object `d` found at field path `at` of `file`; anything missing or mistyped is a
    UserError whose `where` is "<file>: <at>.<field>"."""

    def __init__(self, file: str, at: str, d: Any):
        self.file, self.at = file, at
        if not isinstance(d, dict):
            raise UserError(f"expected an object, got {type(d).__name__}", where=f"{file}: {at or '(top level)'}")
        self.d = d

    def fail(self, k: str, message: str):
        raise UserError(message, where=f"{self.file}: {self.at + '.' if self.at else ''}{k}")

    def key(self, k: str) -> Any:
        if k not in self.d:
            self.fail(k, "required field is missing")
        return self.d[k]

    def child(self, k: str) -> _Reader:
        return _Reader(self.file, f"{self.at}.{k}" if self.at else k, self.key(k))

    def obj(self, k: str) -> dict:
        return self.child(k).d

    def str_(self, k: str) -> str:
        x = self.key(k)
        if not isinstance(x, str):
            self.fail(k, f"expected a string, got {x!r}")
        return x

    def one_of(self, k: str, allowed: tuple[str, ...]) -> str:
        x = self.str_(k)
        if x not in allowed:
            self.fail(k, f"expected one of {', '.join(map(repr, allowed))}, got {x!r}")
        return x

    def int_(self, k: str) -> int:
        x = self.key(k)
        if isinstance(x, bool) or not isinstance(x, int):
            self.fail(k, f"expected an integer, got {x!r}")
        return x

    def opt(self, k: str, types: type | tuple[type, ...], what: str) -> Any:
        x = self.key(k)
        if x is not None and (isinstance(x, bool) or not isinstance(x, types)):
            self.fail(k, f"expected {what} or null, got {x!r}")
        return x

    def list_of(self, k: str, item: type, what: str) -> list:
        x = self.key(k)
        if not isinstance(x, list) or any(isinstance(v, bool) or not isinstance(v, item) for v in x):
            self.fail(k, f"expected a list of {what}, got {x!r}")
        return x
