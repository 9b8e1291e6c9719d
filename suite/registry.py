"""Discovery of experiment modules: every module in a package (default `experiments`) that defines `EXPERIMENT`.

This is the only place where `suite` finds experiments; `suite` never imports a finding by name.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Iterable

from suite.errors import UserError
from suite.experiment import SCALES, Experiment

DEFAULT_PACKAGE = "experiments"


def discover(package: str = DEFAULT_PACKAGE) -> dict[str, Experiment]:
    """Import every module of `package` and collect its `EXPERIMENT`, keyed and sorted by id."""
    try:
        pkg = importlib.import_module(package)
    except ModuleNotFoundError as exc:
        raise UserError(f"cannot import experiments package {package!r}: {exc}") from None
    if not hasattr(pkg, "__path__"):
        raise UserError(f"{package!r} is a module, expected a package (a folder of experiment modules)",
                        where="--experiments")
    found: dict[str, Experiment] = {}
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        exp = getattr(module, "EXPERIMENT", None)
        if exp is None:
            continue
        if not isinstance(exp, Experiment):
            raise UserError(f"EXPERIMENT is a {type(exp).__name__}, expected suite.experiment.Experiment",
                            where=module.__file__)
        if exp.id in found:
            raise UserError(f"experiment id {exp.id!r} declared twice", where=module.__file__)
        found[exp.id] = exp
    return dict(sorted(found.items(), key=lambda kv: _sort_key(kv[0])))


def _sort_key(exp_id: str):
    """Natural order: digit runs compare as numbers, so the paper's ids sort by section ('takeaway-3.1' before
    'takeaway-4.2' before 'takeaway-4.10'), and 'section-6' after the takeaways (they are all in sections 3-5)."""
    import re

    head = 0 if exp_id.startswith("takeaway-") else 1
    return (head, [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", exp_id)])


def select(experiments: dict[str, Experiment], only: Iterable[str] | None, scale: str) -> list[Experiment]:
    """The experiments named by `only` (all when empty); unknown ids and scales are a UserError. Shell-style
    wildcards are allowed (`takeaway-4.*`)."""
    import fnmatch

    if scale not in SCALES:
        raise UserError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    if not only:
        return list(experiments.values())
    chosen: list[Experiment] = []
    for pattern in only:
        matches = [e for i, e in experiments.items() if fnmatch.fnmatchcase(i, pattern)]
        if not matches:
            raise UserError(f"unknown experiment id {pattern!r}; known ids: {', '.join(experiments)}")
        chosen.extend(m for m in matches if m not in chosen)
    return chosen
