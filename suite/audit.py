"""`longcot audit`: each finding's claim checks applied to the paper's own reported numbers.

The paper ran each setting once. Its tables are therefore one run per arm, and the only error they carry is the
evaluation's: a reported accuracy p on N benchmark problems has a problem-clustered standard error of at most
sqrt(p (1 - p) / N) (items are the unit of sampling; extra samples per problem only shrink it, and the tables do not
give per-problem accuracies, so the bound is used). Two arms are treated as independent samples, although they were
graded on the same problems; their positive correlation would shrink the difference's SE, so this is conservative.
Training variance is not included: the audit says how strongly a
table supports a claim *given* that training run, not whether another run would.

Claims the paper shows only in figures (curves without published numbers) cannot be audited; they are listed as such.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from suite import verdicts
from suite.checks.kinds import CheckResult
from suite.checks.multiplicity import apply_holm
from suite.errors import UserError
from suite.experiment import Experiment
from suite.metrics import names as M
from suite.observations import ArmObservations, Observations, ScalarSample
from suite.references import Reference, load_reference, reference_path

#: problems per benchmark (§2.5: MATH-500, AIME 2024, TheoremQA, the MMLU-Pro-1k subset)
PROBLEMS = {"math500": 500, "aime24": 30, "theoremqa": 800, "mmlu_pro_1k": 1000}


@dataclass(frozen=True)
class AuditRow:
    experiment: str
    source: str  # the table the numbers come from, or why there are none
    check: str
    result: CheckResult | None  # None: the claim check needs numbers the paper does not publish
    reason: str = ""


def table_se(metric: str, p: float) -> float | None:
    """The evaluation standard error bound of a reported accuracy (None for a metric that is not a benchmark's)."""
    if metric == M.ACCURACY_AVG:
        return None
    for bench, n in PROBLEMS.items():
        if metric == M.benchmark_accuracy(bench):
            return math.sqrt(max(p * (1 - p), 0.0) / n)
    return None


def _with_table_errors(obs: Observations) -> Observations:
    """The reference's cells as one run each (a cell averaged over evaluation seeds is still one trained model), with
    their evaluation SE as the within-run error; the average's SE is propagated from its benchmarks' (the mean of four
    independent estimates)."""
    out: Observations = {}
    for arm, o in obs.items():
        scalars = {}
        for metric, s in o.scalars.items():
            se = table_se(metric, s.mean)
            scalars[metric] = ScalarSample(s.mean, None, 1, None, se) if se is not None else s
        parts = [table_se(M.benchmark_accuracy(b), o.scalars[M.benchmark_accuracy(b)].mean)
                 for b in PROBLEMS if M.benchmark_accuracy(b) in o.scalars]
        if M.ACCURACY_AVG in o.scalars and len(parts) == len(PROBLEMS):
            scalars[M.ACCURACY_AVG] = ScalarSample(o.scalars[M.ACCURACY_AVG].mean, None, 1, None,
                                                   math.sqrt(sum(x * x for x in parts)) / len(parts))
        out[arm] = ArmObservations(scalars, dict(o.curves))
    return out


def audit(experiments: Iterable[Experiment], references_root: Path, *, scale: str = "paper") -> list[AuditRow]:
    """One row per claim check of each experiment at `scale`, evaluated on its stored reference (the paper's table)."""
    rows: list[AuditRow] = []
    for exp in experiments:
        spec = exp.scales.get(scale)
        if spec is None:
            continue
        claims = [c for c in spec.checks if c.role == verdicts.CLAIM]
        path = reference_path(references_root, scale, exp.id)
        if path is None:
            rows += [AuditRow(exp.id, "figure only", c.name, None, "the paper publishes no numbers for it")
                     for c in claims]
            continue
        ref: Reference = load_reference(path)
        obs = _with_table_errors(ref.observations)
        results, missing = [], []
        for c in claims:
            if getattr(c, "use_reference", False):
                c = replace(c, use_reference=False)  # the reference is what the audit feeds in as the run
            try:
                results.append(c.evaluate(obs, None))
            except UserError:
                missing.append(c)
        for r in apply_holm(results, verdicts.CLAIM):
            rows.append(AuditRow(exp.id, ref.source, r.name, r))
        rows += [AuditRow(exp.id, ref.source, c.name, None, f"needs {c.metric}, which the table does not report")
                 for c in missing]
    return rows


def print_audit(rows: list[AuditRow], console) -> None:
    """A table per finding: each claim check's verdict on the paper's numbers, the difference and its p-values."""
    from rich.table import Table

    table = Table(title="the paper's claims, checked against its own reported numbers (one run per arm; evaluation "
                        "error only)")
    for col in ("finding", "claim check", "verdict", "evidence"):
        table.add_column(col, overflow="fold")
    for r in rows:
        if r.result is None:
            table.add_row(r.experiment, r.check, "not auditable", r.reason)
        else:
            table.add_row(r.experiment, r.result.name, r.result.verdict, r.result.evidence)
    console.print(table)
    for exp_id in dict.fromkeys(r.experiment for r in rows):
        mine = [r for r in rows if r.experiment == exp_id]
        decided = [r.result.verdict for r in mine if r.result is not None]
        verdict = verdicts.aggregate(decided, role=verdicts.CLAIM) if decided else "not auditable"
        console.print(f"{exp_id}: {verdict} ({len(decided)} auditable, {len(mine) - len(decided)} figure-only)")
    decided = [r for r in rows if r.result is not None]
    held = sum(r.result.verdict == verdicts.PASS for r in decided)
    console.print(f"{held} of {len(decided)} auditable claim checks are supported by the paper's own numbers; "
                  f"{len(rows) - len(decided)} need numbers the paper only plots.")
