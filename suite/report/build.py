"""Gather what a report shows from a run directory, then render it with `markdown` and `html`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from suite import verdicts
from suite.atomic import write_bytes_atomic, write_text_atomic
from suite.observations import Observations
from suite.references import Reference, load_reference
from suite.runner import (
    ExperimentSummary,
    RunSummary,
    arm_wall_time_s,
    observations,
    read_recipe,
    read_run_info,
    read_summary,
)


@dataclass
class ExperimentReport:
    """One experiment's section: its summary and, when it ran, what the run directory holds about it (`plots` is
    filled by `write_report`)."""

    id: str
    entry: ExperimentSummary
    recipes: dict[str, dict] = field(default_factory=dict)  # arm -> canonical recipe
    wall_time_s: dict[str, float] = field(default_factory=dict)  # arm -> summed over seeds
    observations: Observations = field(default_factory=dict)
    reference: Reference | None = None
    plots: list[tuple[str, bytes]] = field(default_factory=list)  # (caption, PNG bytes)


@dataclass(frozen=True)
class ReportData:
    run_dir: Path
    summary: RunSummary
    run_info: dict  # run.json; {} when the directory has none
    experiments: list[ExperimentReport]


def collect(run_dir: Path) -> ReportData:
    """Everything a report shows, read from `run_dir` (summary.json, run.json, recipes, metrics, timings) and the
    reference files the summary names. A missing or damaged file is a UserError naming it."""
    run_dir = Path(run_dir)
    summary = read_summary(run_dir)
    reports = []
    for exp_id, e in summary.experiments.items():
        er = ExperimentReport(exp_id, e)
        if e.status == verdicts.RAN:
            er.observations = observations(run_dir, e)
            for arm, a in e.arms.items():
                er.recipes[arm] = read_recipe(run_dir, a.recipe_hash)
                er.wall_time_s[arm] = arm_wall_time_s(run_dir, a)
            # the summary stores the path relative to where the run was started; a report made elsewhere goes without
            if e.reference and Path(e.reference).exists():
                er.reference = load_reference(e.reference)
        reports.append(er)
    return ReportData(run_dir, summary, read_run_info(run_dir), reports)


def write_report(run_dir: Path, *, out_dir: Path | None = None) -> list[Path]:
    """Write report.md (+ report_files/*.png) and a self-contained report.html to `out_dir` (default: the run
    directory). Returns [report.md, report.html]."""
    from suite.report import html, markdown, plots

    data = collect(run_dir)
    out_dir = Path(out_dir or run_dir)
    for er in data.experiments:
        er.plots = plots.experiment_plots(er)
    figures_dir = out_dir / "report_files"
    for er in data.experiments:
        for i, (_, png) in enumerate(er.plots):
            write_bytes_atomic(figures_dir / f"{er.id}-{i}.png", png)
    md = write_text_atomic(out_dir / "report.md", markdown.render(data))
    page = write_text_atomic(out_dir / "report.html", html.render(data))
    return [md, page]
