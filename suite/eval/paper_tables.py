"""The four benchmark columns of the paper's Tables 1-5 (arXiv 2502.03373v1), as accuracy in percent.

Keys are `table<N>:<row>`, e.g. `table1:sft_emergent`. They are not listed here: each experiment declares the rows
its paper reference holds, next to its claim, as `Experiment.table_rows` (row key -> arm; see the `table_rows=` of
`experiments/*.py`), and this module indexes every discovered experiment's rows (`row_index`). `all_rows()` lists
them; an unknown key is a `UserError` that lists them too.

The numbers are not typed here either: a row's cells live in `<references>/paper/<experiment id>.json` (written by
tools/build_paper_references.py), the one copy of the tables; `<references>` is `suite.references.default_root()`
unless a caller passes `root`. `compare(summary, key)` returns ours - paper per benchmark with a binomial standard
error of our accuracy, `sqrt(p (1 - p) / (n_problems * n_samples))`, the difference in units of that error, and the
reference's stored 95% band on ours - paper (its `covers` says what it includes).
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from suite.errors import UserError
from suite.experiment import Experiment
from suite.metrics.names import BENCHMARKS, benchmark_accuracy
from suite.references import Reference, default_root, load_reference, reference_path
from suite.registry import discover

COLUMNS = BENCHMARKS


def row_index(experiments: Mapping[str, Experiment]) -> dict[str, tuple[str, str]]:
    """Table row key -> (id of the experiment whose paper reference holds it, arm), by table number, then in the
    order the experiments (in `experiments` order) declare their rows.

    A key declared by two experiments is a `UserError` naming both: a row has one home.
    """
    index: dict[str, tuple[str, str]] = {}
    for exp in experiments.values():
        for key, arm in exp.table_rows.items():
            if key in index:
                raise UserError(f"paper table row {key!r} is declared by both {index[key][0]!r} and {exp.id!r}; "
                                "declare it in one experiment only", where=f"experiment {exp.id!r}, table_rows")
            index[key] = (exp.id, arm)
    # A stable sort on the table number alone keeps each experiment's declared row order within a table.
    return dict(sorted(index.items(), key=lambda kv: int(kv[0].partition(":")[0].removeprefix("table"))))


@lru_cache(maxsize=1)
def _discovered_rows() -> dict[str, tuple[str, str]]:
    # Discovery imports every experiment module; once per process is enough.
    return row_index(discover())


@lru_cache(maxsize=None)
def _reference(root: Path, exp_id: str) -> Reference:
    path = reference_path(root, "paper", exp_id)
    if path is None:
        raise UserError(f"no paper reference for {exp_id!r} (expected paper/{exp_id}.json)", where=str(root))
    return load_reference(path)


def _cells(key: str, root: Path | None) -> dict[str, tuple[float, tuple[float, float] | None, str]]:
    """benchmark -> (paper accuracy in percent, stored 95% band on ours - paper in percent, what the band covers)."""
    rows = _discovered_rows()
    try:
        exp_id, arm = rows[key]
    except KeyError:
        raise UserError(f"unknown paper row {key!r}; known rows: {', '.join(rows)}", where="--compare") from None
    ref = _reference(Path(root) if root is not None else default_root(), exp_id)
    if arm not in ref.observations:
        raise UserError(f"row {key!r} is arm {arm!r} of {exp_id!r}, which this reference does not hold",
                        where=str(ref.path))
    out = {}
    for bench in COLUMNS:
        metric = benchmark_accuracy(bench)
        tol = ref.tolerance(arm, metric)
        band = None
        if tol is not None:
            low, high = tol.interval if hasattr(tol, "interval") else (-tol[0], tol[0])
            band = (round(100 * low, 6), round(100 * high, 6))
        out[bench] = (round(100 * ref.observations[arm].scalars[metric].mean, 6), band,
                      getattr(tol, "covers", "") or (tol[1] if tol else ""))
    return out


def paper_row(key: str, *, root: Path | None = None) -> dict[str, float]:
    """The four benchmark accuracies (percent) of one table row; `root` holds `paper/<id>.json` (default: the
    suite's shipped references)."""
    return {bench: value for bench, (value, _, _) in _cells(key, root).items()}


def all_rows(*, root: Path | None = None) -> dict[str, dict[str, float]]:
    """Every declared row key -> its four benchmark accuracies (percent), in table order."""
    return {key: paper_row(key, root=root) for key in _discovered_rows()}


def compare(summary: Mapping[str, Any], key: str, *, root: Path | None = None) -> dict[str, dict[str, float]]:
    """Ours vs the paper per benchmark present in `summary["benchmarks"]` (accuracy in percent).

    `summary["benchmarks"][b]` needs `accuracy` (fraction), `n_problems` and `n_samples_per_problem`.
    """
    cells = _cells(key, root)
    out = {}
    for bench, ours in summary["benchmarks"].items():
        if bench not in cells:
            continue
        paper, band, covers = cells[bench]
        p = ours["accuracy"]
        n = ours["n_problems"] * ours["n_samples_per_problem"]
        se = 100 * math.sqrt(p * (1 - p) / n) if n else float("nan")
        diff = 100 * p - paper
        out[bench] = {"ours": 100 * p, "paper": paper, "diff": diff, "se": se,
                      "z": diff / se if se > 0 else float("nan"),
                      "tolerance": max(-band[0], band[1]) if band else float("nan"),
                      "band": list(band) if band else None, "band_covers": covers,
                      "within_tolerance": bool(band is not None and band[0] <= diff <= band[1])}
    return out
