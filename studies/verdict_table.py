"""Every check of a finished run as one Markdown table: each finding's two verdicts, then each check's role, verdict,
observed value and the p-value of its failing direction.

    python -m studies.verdict_table --run runs/tiny [--out FILE.md]
"""

from __future__ import annotations

from pathlib import Path

from studies.runs import main_guard, table_main
from suite import runner, verdicts


def _num(x) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)


def to_markdown(run_dir: Path) -> str:
    summary = runner.read_summary(run_dir)
    ran = {i: e for i, e in summary.experiments.items() if e.status == verdicts.RAN}
    lines = ["| finding | claim verdict | reproduction verdict |", "|---|---|---|"]
    lines += [f"| {i} | {e.claim_verdict} | {e.reproduction_verdict} |" for i, e in ran.items()]
    lines += ["", "| finding | role | check | verdict | observed | p (failing direction) |", "|---|---|---|---|---|---|"]
    for i, e in ran.items():
        for c in e.checks or ():
            p = "" if c.p_value is None else f"{c.p_value:.3g}"
            lines.append(f"| {i} | {c.role} | {c.name} | {c.verdict} | {_num(c.observed)} | {p} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    table_main(__doc__, to_markdown, argv)


if __name__ == "__main__":
    main_guard(main)
