"""The report's content, once, as a list of blocks; `markdown` and `html` only render them."""

from __future__ import annotations

from dataclasses import dataclass

from suite import verdicts


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
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Image:
    caption: str
    png: bytes
    filename: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


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


def build(data) -> list:
    """The whole report as blocks, from a `suite.report.build.ReportData`."""
    s = data.summary
    prov = s.provenance
    hw = prov.get("hardware", {})
    blocks: list = [
        Heading(1, f"longcot-repro report: scale '{s.scale}'"),
        Para("Reproduction of Yeo et al. (2025), 'Demystifying Long Chain-of-Thought Reasoning in LLMs' "
             "(arXiv 2502.03373). The claim verdict says whether the paper's claim holds in this run; the "
             "reproduction verdict says whether this run matches the stored reference within tolerance."),
        Table(("field", "value"), (
            ("suite version", str(prov.get("suite_version"))),
            ("git commit", str(prov.get("git_commit"))),
            ("hardware", f"{hw.get('cpu', '?')} x{hw.get('cpu_count', '?')}" + (f", {hw['gpu']}" if "gpu" in hw else "")),
            ("libraries", ", ".join(f"{k} {v}" for k, v in prov.get("libraries", {}).items())),
            ("command", data.run_info.get("command") or "-"),
            ("started", data.run_info.get("started") or "-"),
        )),
        Heading(2, "Summary"),
        Table(("finding", "status", "claim verdict", "reproduction verdict"), tuple(
            (er.id, er.entry.status, er.entry.claim_verdict, er.entry.reproduction_verdict)
            for er in data.experiments)),
    ]
    for er in data.experiments:
        blocks += _experiment_blocks(er)
    return blocks


def _experiment_blocks(er) -> list:
    e = er.entry
    claim = e.claim
    b: list = [Heading(2, f"{er.id}: {e.title}"), Heading(3, "Claim"),
               Quote(f"{claim.quote}"), Para(f"Paper {claim.section}; evidence: {claim.evidence}.")]
    if e.status != verdicts.RAN:
        b += [Heading(3, "What was run"), Para(e.message if e.message is not None else e.status)]
        if e.deviations:
            b += [Heading(3, "Deviations from the paper"), Bullets(e.deviations)]
        return b
    seeds = next(iter(e.arms.values())).seeds
    b += [Heading(3, "What was run"),
          Para(f"Seeds {', '.join(map(str, seeds))}; total wall time {_hms(sum(er.wall_time_s.values()))}.")]
    rows = []
    for arm, recipe in er.recipes.items():
        shown = ", ".join(f"{k}={_short(v)}" for k, v in recipe.items() if not k.startswith("__"))
        rows.append((arm, e.arms[arm].recipe_hash, _hms(er.wall_time_s.get(arm, 0.0)), shown))
    b.append(Table(("arm", "recipe hash", "wall time", "recipe"), tuple(rows)))

    b.append(Heading(3, "Results against the reference"))
    ref = er.reference
    b.append(Para(f"Reference: {e.reference} ({ref.source})." if ref else "No stored reference for this scale."))
    rows = []
    for arm, obs in er.observations.items():
        for name, sample in obs.scalars.items():
            r = ref.observations.get(arm).scalars.get(name) if ref and arm in ref.observations else None
            rows.append((arm, name, _f(sample.mean), _f(sample.sd), str(sample.n),
                         _f(r.mean) if r else "-", _f(r.sd) if r else "-"))
    if rows:
        b.append(Table(("arm", "metric", "mean", "sd", "n", "reference mean", "reference sd"), tuple(rows)))
    for i, (caption, png) in enumerate(er.plots):
        b.append(Image(f"{er.id}: {caption}", png, f"report_files/{er.id}-{i}.png"))

    b.append(Heading(3, "Verdicts"))
    b.append(Para(f"Claim verdict: **{e.claim_verdict}**. Reproduction verdict: **{e.reproduction_verdict}**."))
    b.append(Table(("check", "role", "verdict", "observed", "expected", "tolerance", "evidence"), tuple(
        (c.name, c.role, c.verdict, _f(c.observed), _f(c.expected), c.tolerance, c.evidence)
        for c in e.checks or ())))
    devs = list(e.deviations) + (list(ref.notes) if ref else [])
    b += [Heading(3, "Deviations from the paper"), Bullets(tuple(devs) if devs else ("None recorded.",))]
    return b


def _short(v) -> str:
    if isinstance(v, dict):
        return v.get("name") or v.get("__type__") or "{…}"
    text = str(v)
    return text if len(text) <= 40 else text[:37] + "…"
