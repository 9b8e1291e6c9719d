"""Per arm of each finding of a finished run: where its curves ended (mean over the last quarter of training, as the
claim checks reduce them), mean ± sd over seeds, and its final held-out accuracy.

    python -m studies.arm_summary --run runs/tiny [--out FILE.md]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studies.runs import main_guard, table_main
from suite import runner
from suite.checks.kinds import reduce_curve
from suite.metrics import names as M

COLUMNS = (  # (metric, header, curve?)
    (M.RESPONSE_LENGTH, "length", True),
    (M.EXCEED_RATE, "exceed rate", True),
    (M.TRAIN_ACCURACY, "train acc", True),
    (M.REPETITION_RATIO, "repetition", True),
    (M.ALTERNATIVELY_CURVE, "'alternatively,'", True),
    (M.HELDOUT_ACCURACY, "held-out acc (final)", False),
)


def arm_rows(run_dir: Path) -> list[dict]:
    """One row per (finding, arm) that ran: {finding, arm, seeds, <header>: (mean, sd)}."""
    summary = runner.read_summary(run_dir)
    rows = []
    for exp_id, e in summary.experiments.items():
        if not e.arms:
            continue
        obs = runner.arm_observations(run_dir, e.arms)
        for arm, a in e.arms.items():
            row = {"finding": exp_id, "arm": arm, "seeds": len(a.seeds)}
            for metric, header, is_curve in COLUMNS:
                o = obs[arm]
                if is_curve:
                    c = o.curves.get(metric)
                    vals = reduce_curve(c.array(), "last_quarter") if c is not None else None
                else:
                    s = o.scalars.get(metric)
                    vals = np.asarray(s.values, dtype=float) if s is not None else None
                row[header] = None if vals is None else (float(np.mean(vals)), float(np.std(vals, ddof=1))
                                                         if len(vals) > 1 else float("nan"))
            rows.append(row)
    return rows


def to_markdown(rows: list[dict]) -> str:
    heads = [h for _, h, _ in COLUMNS]
    lines = ["| finding | arm | seeds | " + " | ".join(heads) + " |", "|---|---|---|" + "---|" * len(heads)]
    for r in rows:
        cells = ["" if r[h] is None else f"{r[h][0]:.3f} ± {r[h][1]:.3f}" for h in heads]
        lines.append(f"| {r['finding']} | {r['arm']} | {r['seeds']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n(curves: mean over the last quarter of training per seed, then mean ± sd over seeds)\n"


def main(argv=None) -> None:
    table_main(__doc__, lambda run: to_markdown(arm_rows(run)), argv)


if __name__ == "__main__":
    main_guard(main)
