"""Gather what a report shows from a run directory, then render it with `markdown` and `html`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from suite import verdicts
from suite.atomic import write_bytes_atomic, write_text_atomic
from suite.errors import UserError
from suite.experiment import SCALES
from suite.observations import Observations
from suite.references import Reference, load_reference
from suite.registry import DEFAULT_PACKAGE, discover
from suite.runner import (
    ExperimentSummary,
    RunSummary,
    arm_sources,
    arm_wall_time_s,
    observations,
    read_recipe,
    read_run_info,
    read_summary,
)


@dataclass
class ExperimentReport:
    """One experiment's section: its summary and, when it ran, what the run directory holds about it (`plots` and
    `check_plots` are filled by `write_report`)."""

    id: str
    entry: ExperimentSummary
    recipes: dict[str, dict] = field(default_factory=dict)  # arm -> canonical recipe
    wall_time_s: dict[str, float] = field(default_factory=dict)  # arm -> summed over seeds
    #: arm -> what `longcot collect` filed for an arm an external engine ran (absent for arms this suite ran)
    sources: dict[str, list[str]] = field(default_factory=dict)
    observations: Observations = field(default_factory=dict)
    reference: Reference | None = None
    plots: list[tuple[str, bytes]] = field(default_factory=list)  # (caption, PNG bytes)
    check_plots: dict[int, tuple[str, bytes]] = field(default_factory=dict)  # index in entry.checks -> plot
    #: the metrics the experiment module declares (its own reading order of what matters; empty when unknown)
    declared_metrics: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportData:
    run_dir: Path
    summary: RunSummary
    run_info: dict  # run.json; {} when the directory has none
    experiments: list[ExperimentReport]  # in paper order
    scale_status: dict[str, dict[str, str]]  # finding -> scale -> status there (verdicts.IMPLEMENTED, ...)
    registry_note: str  # why statuses of some findings are unknown; "" when all are known


def paper_order(exp_id: str) -> tuple:
    """Sort key: takeaway-X.Y by its numbers (3.1 ... 4.9, 4.10 ... 5.2), then section-N, then any other id in
    natural order (digit runs compare as numbers)."""
    for rank, prefix in enumerate(("takeaway-", "section-")):
        m = re.fullmatch(rf"{prefix}(\d+(?:\.\d+)*)", exp_id)
        if m:
            return rank, tuple(int(n) for n in m.group(1).split(".")), ()
    return 2, (), tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", exp_id) if t)


def _registry(package: str) -> tuple[dict, str]:
    """The experiments package's findings by id, or nothing and why not."""
    try:
        return discover(package), ""
    except UserError as exc:
        return {}, str(exc)
    except ImportError as exc:  # the package imports, one of its modules does not
        return {}, f"cannot import experiments package {package!r}: {exc}"


def _scale_status(ids: list[str], registry: dict, error: str, package: str) -> tuple[dict[str, dict[str, str]], str]:
    """Each finding's status at every scale, from the experiments package; what is unknown, and why."""
    if error:
        return {}, error
    status = {i: {sc: registry[i].status(sc) for sc in SCALES}
              for i in ids if i in registry}
    missing = [i for i in ids if i not in registry]
    return status, f"not in experiments package {package!r}: {', '.join(missing)}" if missing else ""


def collect(run_dir: Path, *, experiments_package: str = DEFAULT_PACKAGE) -> ReportData:
    """Everything a report shows, read from `run_dir` (summary.json, run.json, recipes, metrics, timings), the
    reference files the summary names and, for the statuses at other scales, `experiments_package`. A missing or
    damaged run file is a UserError naming it; a package that cannot be loaded leaves those statuses unknown."""
    run_dir = Path(run_dir)
    summary = read_summary(run_dir)
    registry, registry_error = _registry(experiments_package)
    reports = []
    for exp_id, e in sorted(summary.experiments.items(), key=lambda kv: paper_order(kv[0])):
        er = ExperimentReport(exp_id, e)
        if exp_id in registry:
            er.declared_metrics = tuple(registry[exp_id].metrics)
        if e.status == verdicts.RAN:
            er.observations = observations(run_dir, e)
            for arm, a in e.arms.items():
                er.recipes[arm] = read_recipe(run_dir, a.recipe_hash)
                er.wall_time_s[arm] = arm_wall_time_s(run_dir, a)
                if sources := arm_sources(run_dir, a):
                    er.sources[arm] = sources
            # the summary stores the path relative to where the run was started; a report made elsewhere goes without
            if e.reference and Path(e.reference).exists():
                er.reference = load_reference(e.reference)
        reports.append(er)
    scale_status, registry_note = _scale_status([er.id for er in reports], registry, registry_error,
                                                experiments_package)
    return ReportData(run_dir, summary, read_run_info(run_dir), reports, scale_status, registry_note)


def write_report(run_dir: Path, *, out_dir: Path | None = None,
                 experiments_package: str = DEFAULT_PACKAGE) -> list[Path]:
    """Write report.md (+ report_files/*.png) and a self-contained report.html to `out_dir` (default: the run
    directory); `experiments_package` gives the findings' statuses at the scales not run. Returns [report.md,
    report.html]."""
    data = collect(run_dir, experiments_package=experiments_package)  # every input read and checked first
    from suite.report import html, markdown, plots  # (matplotlib: imported only once there is something to plot)
    out_dir = Path(out_dir or run_dir)
    figures_dir = out_dir / "report_files"
    for er in data.experiments:
        if er.entry.status != verdicts.RAN:
            continue
        er.plots = plots.experiment_plots(er)
        er.check_plots = {j: p for j, c in enumerate(er.entry.checks) if c.verdict != verdicts.PASS
                          and (p := plots.check_plot(er, c)) is not None}
        for i, (_, png) in enumerate(er.plots):
            write_bytes_atomic(figures_dir / f"{er.id}-{i}.png", png)
        for j, (_, png) in er.check_plots.items():
            write_bytes_atomic(figures_dir / f"{er.id}-check-{j}.png", png)
    md = write_text_atomic(out_dir / "report.md", markdown.render(data))
    page = write_text_atomic(out_dir / "report.html", html.render(data))
    return [md, page]
