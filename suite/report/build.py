"""Gather what a report shows from a run directory, then render it with `markdown` and `html`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from suite.atomic import write_bytes_atomic, write_text_atomic
from suite.errors import UserError
from suite.observations import Observations
from suite.references import Reference, load_reference
from suite.runner import arm_wall_time_s, observations_from_summary


@dataclass
class ExperimentReport:
    id: str
    entry: dict  # the summary entry
    recipes: dict[str, dict] = field(default_factory=dict)  # arm -> canonical recipe
    wall_time_s: dict[str, float] = field(default_factory=dict)  # arm -> summed over seeds
    observations: Observations = field(default_factory=dict)
    reference: Reference | None = None
    plots: list[tuple[str, bytes]] = field(default_factory=list)  # (caption, PNG bytes)


@dataclass
class ReportData:
    run_dir: Path
    summary: dict
    run_info: dict
    experiments: list[ExperimentReport]


def _read_json(p: Path, what: str) -> dict:
    try:
        return json.loads(p.read_text())
    except FileNotFoundError:
        raise UserError(f"{what} not found; is this a run directory written by `longcot run`?", where=str(p)) from None
    except json.JSONDecodeError as exc:
        raise UserError(f"damaged {what}: {exc}", where=str(p)) from None


def collect(run_dir: Path) -> ReportData:
    run_dir = Path(run_dir)
    summary = _read_json(run_dir / "summary.json", "summary.json")
    run_info = _read_json(run_dir / "run.json", "run.json") if (run_dir / "run.json").exists() else {}
    reports = []
    for exp_id, entry in summary.get("experiments", {}).items():
        er = ExperimentReport(exp_id, entry)
        if entry.get("status") == "ran":
            er.observations = observations_from_summary(run_dir, entry)
            for arm, v in entry["arms"].items():
                er.recipes[arm] = _read_json(run_dir / "jobs" / v["recipe_hash"] / "recipe.json", "recipe.json")
                er.wall_time_s[arm] = arm_wall_time_s(run_dir, v)
            if entry.get("reference"):
                ref_path = Path(entry["reference"])
                if ref_path.exists():
                    er.reference = load_reference(ref_path)
        reports.append(er)
    return ReportData(run_dir, summary, run_info, reports)


def write_report(run_dir: Path, *, out_dir: Path | None = None) -> list[Path]:
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
