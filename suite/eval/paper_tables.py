"""The four benchmark columns of the paper's Tables 1-5 (PAPER.md §1; arXiv v1), as accuracy in percent.

Keys are `table<N>:<row>`:

- table1: `sft_constructed`, `sft_emergent`, `sft_rl_constructed`, `sft_rl_emergent`
- table2: `math_sft`, `math_sft_rl`, `webit_sft`, `webit_sft_rl`, `mix_sft`, `mix_sft_rl`
- table3: `math_baseline`, `sft_init`, `unfiltered_rule`, `unfiltered_model`, `filtered_rule`, `filtered_model`
- table4: `base`, `direct_rl`, `sft`, `sft_rl`  (Qwen2.5-Math-7B; `base` and `direct_rl` are greedy, 4,096 tokens)
- table5: `sft_start`, `gamma_100_100`, `gamma_100_999`, `gamma_100_99`, `gamma_999_999`, `gamma_999_99`,
  `gamma_99_99` (gamma_c then gamma_p: 100 = 1.000, 999 = 0.999, 99 = 0.99)

The numbers are not typed here: each key names a (finding, arm) whose cell lives in
`reference_results/paper/<finding>.json` (written by tools/build_paper_references.py), the one copy of the tables.
Row assignments marked "reconstructed" in PAPER.md (Tables 1, 3, 5) come from the flattened PDF text.
`compare(summary, key)` returns ours - paper per benchmark with a binomial standard error of our accuracy,
`sqrt(p (1 - p) / (n_problems * n_samples))`, the difference in units of that error, and the reference's stored
95% tolerance (derived from the table's sampling error).
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from suite.errors import UserError
from suite.metrics.names import BENCHMARKS, benchmark_accuracy
from suite.references import Reference, load_reference

COLUMNS = BENCHMARKS
REFERENCES = Path(__file__).resolve().parents[2] / "reference_results" / "paper"

#: table row -> (finding whose paper reference holds it, arm)
ROWS: dict[str, tuple[str, str]] = {
    "table1:sft_constructed": ("takeaway-3.3", "constructed_sft"),
    "table1:sft_emergent": ("takeaway-3.3", "emergent_sft"),
    "table1:sft_rl_constructed": ("takeaway-3.3", "constructed_sft_rl"),
    "table1:sft_rl_emergent": ("takeaway-3.3", "emergent_sft_rl"),
    "table2:math_sft": ("takeaway-5.1", "math_sft"),
    "table2:math_sft_rl": ("takeaway-5.1", "math_sft_rl"),
    "table2:webit_sft": ("takeaway-5.1", "webit_sft"),
    "table2:webit_sft_rl": ("takeaway-5.1", "webit_sft_rl"),
    "table2:mix_sft": ("takeaway-5.1", "mix_sft"),
    "table2:mix_sft_rl": ("takeaway-5.1", "mix_sft_rl"),
    "table3:math_baseline": ("takeaway-5.1", "math_sft_rl"),  # Table 3's baseline row is Table 2's MATH SFT+RL
    "table3:sft_init": ("takeaway-5.2", "sft_init"),
    "table3:unfiltered_rule": ("takeaway-5.2", "unfiltered_rule"),
    "table3:unfiltered_model": ("takeaway-5.2", "unfiltered_model"),
    "table3:filtered_rule": ("takeaway-5.2", "filtered_rule"),
    "table3:filtered_model": ("takeaway-5.2", "filtered_model"),
    "table4:base": ("section-6", "base"),
    "table4:direct_rl": ("section-6", "direct_rl"),
    "table4:sft": ("section-6", "sft"),
    "table4:sft_rl": ("section-6", "sft_rl"),
    "table5:sft_start": ("takeaway-4.6", "sft"),
    "table5:gamma_100_100": ("takeaway-4.6", "gamma_100_100"),
    "table5:gamma_100_999": ("takeaway-4.6", "gamma_100_999"),
    "table5:gamma_100_99": ("takeaway-4.6", "gamma_100_99"),
    "table5:gamma_999_999": ("takeaway-4.6", "gamma_999_999"),
    "table5:gamma_999_99": ("takeaway-4.6", "gamma_999_99"),
    "table5:gamma_99_99": ("takeaway-4.6", "gamma_99_99"),
}


@lru_cache(maxsize=None)
def _reference(exp_id: str) -> Reference:
    return load_reference(REFERENCES / f"{exp_id}.json")


def _cells(key: str) -> dict[str, tuple[float, float | None]]:
    """benchmark -> (paper accuracy in percent, stored 95% tolerance in percent)."""
    try:
        exp_id, arm = ROWS[key]
    except KeyError:
        raise UserError(f"unknown paper row {key!r}; known rows: {', '.join(ROWS)}", where="--compare") from None
    ref = _reference(exp_id)
    out = {}
    for bench in COLUMNS:
        metric = benchmark_accuracy(bench)
        tol = ref.tolerance(arm, metric)
        out[bench] = (round(100 * ref.observations[arm].scalars[metric].mean, 6),
                      round(100 * tol[0], 6) if tol else None)
    return out


def paper_row(key: str) -> dict[str, float]:
    """The four benchmark accuracies (percent) of one table row."""
    return {bench: value for bench, (value, _) in _cells(key).items()}


def all_rows() -> dict[str, dict[str, float]]:
    return {key: paper_row(key) for key in ROWS}


def compare(summary: Mapping[str, Any], key: str) -> dict[str, dict[str, float]]:
    """Ours vs the paper per benchmark present in `summary["benchmarks"]` (accuracy in percent).

    `summary["benchmarks"][b]` needs `accuracy` (fraction), `n_problems` and `n_samples_per_problem`.
    """
    cells = _cells(key)
    out = {}
    for bench, ours in summary["benchmarks"].items():
        if bench not in cells:
            continue
        paper, tol = cells[bench]
        p = ours["accuracy"]
        n = ours["n_problems"] * ours["n_samples_per_problem"]
        se = 100 * math.sqrt(p * (1 - p) / n) if n else float("nan")
        diff = 100 * p - paper
        out[bench] = {"ours": 100 * p, "paper": paper, "diff": diff, "se": se,
                      "z": diff / se if se > 0 else float("nan"),
                      "tolerance": tol if tol is not None else float("nan"),
                      "within_tolerance": bool(tol is not None and abs(diff) <= tol)}
    return out
