"""What pairing by seed would say about each finding's between-arm claim checks, read on the stored `tiny` references.

Every RL arm of a seed starts from that seed's SFT model, so the seed-to-seed spread of the start enters a Welch test
of two arms twice and cancels in a paired one. This study re-evaluates every declared `directional` claim check of
every finding with a stored reference as declared and again with `paired=True`, on the reference's own per-seed
values (their seeds read from the reference's `source` line), and lists both verdicts side by side. It is a post-hoc
reading for planning, not a verdict: a finding whose checks change must declare that before a run that tests it.

    python -m studies.paired_reading [--scale tiny] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import dataclasses
import re
from pathlib import Path

from studies.runs import emit, main_guard
from suite.checks import Directional
from suite.errors import UserError
from suite.observations import ArmObservations
from suite.references import default_root, load_reference, reference_path
from suite.registry import discover


def _with_seeds(observations: dict, seeds: tuple[int, ...]) -> dict:
    """The reference's observations with `seeds` named on every per-seed sample that has one value per seed and does
    not name its seeds itself (references promoted before they were stored)."""
    out = {}
    for arm, o in observations.items():
        scalars = {k: dataclasses.replace(s, seeds=seeds)
                   if s.seeds is None and s.values is not None and len(s.values) == len(seeds) else s
                   for k, s in o.scalars.items()}
        curves = {k: dataclasses.replace(c, seeds=seeds) if c.seeds is None and len(c.values) == len(seeds) else c
                  for k, c in o.curves.items()}
        out[arm] = ArmObservations(scalars, curves)
    return out


def readings(scale: str = "tiny", package: str = "experiments") -> list[dict]:
    rows = []
    for exp_id, exp in discover(package).items():
        spec = exp.scales.get(scale)
        if spec is None:
            continue
        path = reference_path(default_root(), scale, exp_id)
        if path is None or not Path(path).exists():
            continue
        ref = load_reference(path)
        m = re.search(r"seeds ([\d, ]+)", ref.source)
        if not m:
            raise UserError(f"the reference's source names no seeds: {ref.source!r}", where=str(path))
        seeds = tuple(int(x) for x in m.group(1).replace(" ", "").split(","))
        obs = _with_seeds(ref.observations, seeds)
        for check in spec.checks:
            if not isinstance(check, Directional) or check.use_reference:
                continue
            declared = check.evaluate(obs, None)
            paired = dataclasses.replace(check, paired=True).evaluate(obs, None)
            rows.append({"finding": exp_id, "check": check.name, "declared_paired": check.paired,
                         "declared": declared.verdict, "paired": paired.verdict, "difference": paired.observed,
                         "declared_evidence": declared.evidence, "paired_evidence": paired.evidence})
    return rows


def to_markdown(rows: list[dict]) -> str:
    lines = ["| finding | check | as declared | paired by seed | difference | changed |", "|---|---|---|---|---|---|"]
    for r in rows:
        mark = "" if r["declared"] == r["paired"] else "**yes**"
        how = " (declared paired)" if r["declared_paired"] else ""
        lines.append(f"| {r['finding']} | {r['check']} | {r['declared']}{how} | {r['paired']} | "
                     f"{r['difference']:.4g} | {mark} |")
    changed = sum(r["declared"] != r["paired"] for r in rows)
    lines.append("")
    lines.append(f"{len(rows)} directional claim checks; {changed} would change verdict if paired by seed. "
                 "Verdicts are each check's own, before the finding's multiplicity rule (Holm) turns them into a "
                 "claim verdict.")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="tiny")
    ap.add_argument("--out", type=Path, help="write the table here (Markdown) as well as printing it")
    args = ap.parse_args(argv)
    emit(to_markdown(readings(args.scale)), args.out)


if __name__ == "__main__":
    main_guard(main)
