"""The report's content, once, as a list of blocks; `markdown` and `html` only render them.

Layout: title; the verdict matrix (finding × scale, in the paper's order) with one line for the findings that did not
run; the run's provenance; then one section per finding that ran (or failed): claim, what was run, results, changes
since the reference, verdicts with every failing or inconclusive check's evidence next to its plot, deviations.
"""

from __future__ import annotations

from dataclasses import dataclass

from suite import verdicts
from suite.experiment import SCALES
from suite.metrics.names import CATALOG

#: The tone of each verdict or status word: pass-like, fail-like, inconclusive or not run ("neutral" for the rest).
_TONE = {
    verdicts.PASS: "pass", verdicts.CLAIM_HOLDS: "pass", verdicts.MATCHES_REFERENCE: "pass",
    verdicts.FAIL: "fail", verdicts.CLAIM_NOT_REPRODUCED: "fail", verdicts.DEVIATES_FROM_REFERENCE: "fail",
    verdicts.ERROR: "fail",
    verdicts.INCONCLUSIVE: "inconclusive",  # also CLAIM_INCONCLUSIVE and REFERENCE_INCONCLUSIVE (the same word)
    verdicts.NOT_IMPLEMENTED: "not-run", verdicts.NOT_EXECUTABLE: "not-run",
}
_NOT_RUN = (verdicts.NOT_IMPLEMENTED, verdicts.NOT_EXECUTABLE)


def tone(verdict: str) -> str:
    """The tone of any verdict or status word of `suite.verdicts` ("neutral" for NO_CHECKS and unknown words)."""
    return _TONE.get(verdict, "neutral")


@dataclass(frozen=True)
class Mark:
    """A verdict or status in its tone (pass, fail, inconclusive, not-run, neutral): HTML colours it (class
    `v-<tone>`), Markdown shows the text."""

    text: str
    tone: str

    @classmethod
    def of(cls, verdict: str, label: str = "") -> Mark:
        """`verdict` in its own tone, after `label: ` when given."""
        return cls(f"{label}: {verdict}" if label else verdict, tone(verdict))


Cell = str | Mark | tuple[Mark, ...]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Quote:
    text: str


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    id: str = ""  # HTML element id, "" for none


@dataclass(frozen=True)
class Image:
    caption: str
    png: bytes
    filename: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class CheckEvidence:
    """One failing or inconclusive check: its verdict and evidence lines, shown next to the plot of what it judged
    (None when the run holds no values of its metric)."""

    name: str
    verdict: Mark
    lines: tuple[str, ...]
    image: Image | None


def _f(x) -> str:
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    return f"{x:.4g}"


def _hms(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


def _metric(name: str) -> str:
    return f"{name} [{CATALOG[name].unit}]" if name in CATALOG else name


def build(data) -> list:
    """The whole report as blocks, from a `suite.report.build.ReportData` (experiments already in paper order)."""
    s = data.summary
    prov = s.provenance
    hw = prov.get("hardware", {})
    blocks: list = [
        Heading(1, f"longcot-repro report: scale '{s.scale}'"),
        Para("Reproduction of Yeo et al. (2025), 'Demystifying Long Chain-of-Thought Reasoning in LLMs' "
             "(arXiv 2502.03373). The claim verdict says whether the paper's claim holds in this run; the "
             "reproduction verdict says whether this run matches the stored reference within tolerance."),
        *_matrix_blocks(data),
        Heading(2, "Run"),
        Table(("field", "value"), (
            ("suite version", str(prov.get("suite_version"))),
            ("git commit", str(prov.get("git_commit"))),
            ("hardware", f"{hw.get('cpu', '?')} x{hw.get('cpu_count', '?')}"
                         + (f", {hw['gpu']}" if "gpu" in hw else "")),
            ("libraries", ", ".join(f"{k} {v}" for k, v in prov.get("libraries", {}).items())),
            ("command", data.run_info.get("command") or "-"),
            ("started", data.run_info.get("started") or "-"),
            *((("resumed", ", ".join(data.run_info["resumed"])),) if data.run_info.get("resumed") else ()),
        )),
    ]
    for er in data.experiments:
        if er.entry.status not in _NOT_RUN:
            blocks += _experiment_blocks(er)
    return blocks


def _matrix_blocks(data) -> list:
    """The verdict matrix (one row per finding, the run's scale first, then the other scales' statuses) and the one
    line naming the findings that did not run."""
    scale = data.summary.scale
    others = [sc for sc in SCALES if sc != scale]
    legend = (f"Rows follow the paper. Column '{scale}' is this run: claim verdict, then reproduction verdict. "
              "The other columns give each finding's status at that scale; those scales are not in this run.")
    if data.registry_note:
        legend += f" Statuses at other scales are unknown ('-'): {data.registry_note}."
    rows = []
    for er in data.experiments:
        e = er.entry
        if e.status == verdicts.RAN:
            here: Cell = (Mark.of(e.claim_verdict, "claim"), Mark.of(e.reproduction_verdict, "reproduction"))
        else:
            here = Mark.of(e.status)
        statuses = data.scale_status.get(er.id, {})
        rows.append((er.id, e.title, here, *(
            Mark(statuses[sc], "not-run") if sc in statuses else "-" for sc in others)))
    header = ("finding", "title", f"{scale} (this run)", *(f"{sc} (not in this run)" for sc in others))
    blocks: list = [Heading(2, "Verdict matrix"), Para(legend), Table(header, tuple(rows), id="verdict-matrix")]
    not_run = {status: [er.id for er in data.experiments if er.entry.status == status] for status in _NOT_RUN}
    if any(not_run.values()):
        blocks.append(Para(f"Did not run at scale '{scale}' (no section below): " + "; ".join(
            f"{status}: {', '.join(ids)}" for status, ids in not_run.items() if ids) + "."))
    return blocks


def _experiment_blocks(er) -> list:
    e = er.entry
    claim = e.claim
    b: list = [Heading(2, f"{er.id}: {e.title}"), Heading(3, "Claim"),
               Quote(f"{claim.quote}"), Para(f"Paper {claim.section}; evidence: {claim.evidence}.")]
    if e.status != verdicts.RAN:
        b += [Heading(3, "What was run"), Para(f"**{e.status}**: {e.message}")]
        if e.deviations:
            b += [Heading(3, "Deviations from the paper"), Bullets(e.deviations)]
        return b
    seeds = next(iter(e.arms.values())).seeds
    if er.sources and len(er.sources) == len(er.recipes):
        ran_here = "every arm ran on an external engine; its outputs were filed by `longcot collect`."
    else:
        ran_here = f"total wall time {_hms(sum(er.wall_time_s.values()))}" + (
            " of the arms this suite ran; the others ran on an external engine and were collected." if er.sources
            else ".")
    b += [Heading(3, "What was run"), Para(f"Seeds {', '.join(map(str, seeds))}; {ran_here}")]
    rows = []
    for arm, recipe in er.recipes.items():
        shown = ", ".join(f"{k}={_short(v)}" for k, v in recipe.items() if not k.startswith("__"))
        ran = (f"collected from {'; '.join(er.sources[arm])}" if arm in er.sources
               else _hms(er.wall_time_s.get(arm, 0.0)))
        rows.append((arm, e.arms[arm].recipe_hash, ran, shown))
    b.append(Table(("arm", "recipe hash", "wall time or source" if er.sources else "wall time", "recipe"),
                   tuple(rows)))

    b.append(Heading(3, "Results against the reference"))
    ref = er.reference
    b.append(Para(f"Reference: {e.reference} ({ref.source})." if ref else "No stored reference for this scale."))
    rows = []
    for arm, obs in er.observations.items():
        for name, sample in obs.scalars.items():
            r = ref.observations.get(arm).scalars.get(name) if ref and arm in ref.observations else None
            rows.append((arm, _metric(name), _f(sample.mean), _f(sample.sd), str(sample.n),
                         _f(r.mean) if r else "-", _f(r.sd) if r else "-"))
    if rows:
        b.append(Table(("arm", "metric [unit]", "mean over seeds", "sd over seeds", "seeds", "reference mean",
                        "reference sd"), tuple(rows)))
    for i, (caption, png) in enumerate(er.plots):
        b.append(Image(f"{er.id}: {caption}", png, f"report_files/{er.id}-{i}.png"))

    if e.changes:
        b += [Heading(3, "Changed since the reference"),
              Para("Changes to this finding since the version the reference was made with; a verdict may have "
                   "moved because of them although the numbers did not."),
              Bullets(e.changes)]

    b.append(Heading(3, "Verdicts"))
    b.append(Para(f"Claim verdict: **{e.claim_verdict}**. Reproduction verdict: **{e.reproduction_verdict}**."))
    checks = e.checks or ()
    b.append(Table(("check", "role", "verdict", "metric [unit]", "observed", "expected", "tolerance", "error basis",
                    "p-value", "evidence"), tuple(
        (c.name, c.role, Mark.of(c.verdict), _metric(c.metric), _f(c.observed), _f(c.expected), c.tolerance,
         c.error_basis or "-", _f(c.p_value), c.evidence)
        for c in checks)))
    flagged = [(j, c) for j, c in enumerate(checks) if c.verdict != verdicts.PASS]
    if flagged:
        b.append(Heading(4, "Failing and inconclusive checks"))
    for j, c in flagged:
        plot = er.check_plots.get(j)
        image = Image(f"{er.id}: {plot[0]}", plot[1], f"report_files/{er.id}-check-{j}.png") if plot else None
        b.append(CheckEvidence(c.name, Mark.of(c.verdict), _evidence_lines(c), image))
    devs = list(e.deviations) + (list(ref.notes) if ref else [])
    b += [Heading(3, "Deviations from the paper"), Bullets(tuple(devs) if devs else ("None recorded.",))]
    return b


def _evidence_lines(c) -> tuple[str, ...]:
    lines = [f"{c.role} check on {_metric(c.metric)}, arms {', '.join(c.arms)}",
             f"evidence: {c.evidence}",
             f"observed {_f(c.observed)}; expected {_f(c.expected)}; tolerance {c.tolerance}"]
    if c.error_basis:
        lines.append(f"error basis: {c.error_basis}")
    if c.p_value is not None:
        lines.append(f"p-value (of the test whose rejection fails this check): {c.p_value:.3g}")
    return tuple(lines)


def _short(v) -> str:
    if isinstance(v, dict):
        return v.get("name") or v.get("__type__") or "{…}"
    text = str(v)
    return text if len(text) <= 40 else text[:37] + "…"
