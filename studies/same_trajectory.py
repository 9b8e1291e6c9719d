"""Two jobs of recipes that differ only in what they measure (e.g. `RLConfig.hard_from`), run on one machine with the
same seeds: is every number the two share bit-identical? Evidence that a measurement-only field leaves the trajectory
alone, so a reference of the old recipe stands for the new one (evidence/tiny/hard_problems/).

    python -m studies.same_trajectory --a RUN_DIR:HASH --b RUN_DIR:HASH [--seeds 0 1 2] [--out FILE.md]

Prints, per seed, how many shared curves and scalars are identical value for value (NaN counts as equal to NaN), the
ones that differ, and the metrics only one side logged.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from studies.runs import emit, main_guard
from suite import runner
from suite.errors import UserError


def _job(spec: str) -> tuple[Path, str]:
    run_dir, sep, recipe_hash = spec.rpartition(":")
    if not sep or not run_dir or not recipe_hash:
        raise UserError(f"expected RUN_DIR:HASH, got {spec!r}", where="--a/--b")
    return Path(run_dir), recipe_hash


def _same(x, y) -> bool:
    def nan(v):
        return v is None or (isinstance(v, float) and math.isnan(v))

    return (nan(x) and nan(y)) or x == y


def compare(a: tuple[Path, str], b: tuple[Path, str], seeds: list[int]) -> tuple[str, bool]:
    """(Markdown table, whether every shared number is identical)."""
    lines = [f"A: `{a[0]}` job `{a[1]}`; B: `{b[0]}` job `{b[1]}`", "",
             "| seed | shared curves identical | shared scalars identical | differ | only in A | only in B |",
             "|---|---|---|---|---|---|"]
    all_same = True
    for seed in seeds:
        ma, mb = runner.load_metrics(*a, seed), runner.load_metrics(*b, seed)
        shared_c = sorted(set(ma["curves"]) & set(mb["curves"]))
        shared_s = sorted(set(ma["scalars"]) & set(mb["scalars"]))
        differ = [n for n in shared_c
                  if ma["curves"][n]["step"] != mb["curves"][n]["step"]
                  or not all(_same(x, y) for x, y in zip(ma["curves"][n]["value"], mb["curves"][n]["value"]))]
        differ += [n for n in shared_s if not _same(ma["scalars"][n], mb["scalars"][n])]
        only_a = sorted((set(ma["curves"]) | set(ma["scalars"])) - (set(mb["curves"]) | set(mb["scalars"])))
        only_b = sorted((set(mb["curves"]) | set(mb["scalars"])) - (set(ma["curves"]) | set(ma["scalars"])))
        all_same &= not differ
        n_c = len(shared_c) - len([n for n in differ if n in shared_c])
        n_s = len(shared_s) - len([n for n in differ if n in shared_s])
        lines.append(f"| {seed} | {n_c} of {len(shared_c)} | {n_s} of {len(shared_s)} | {', '.join(differ) or '-'} "
                     f"| {', '.join(only_a) or '-'} | {', '.join(only_b) or '-'} |")
    lines += ["", "Every shared number identical: " + ("yes" if all_same else "**no**")]
    return "\n".join(lines) + "\n", all_same


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--a", required=True, help="RUN_DIR:HASH of the first job")
    ap.add_argument("--b", required=True, help="RUN_DIR:HASH of the second job")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--out", type=Path, default=None, help="also write the table here")
    args = ap.parse_args(argv)
    text, same = compare(_job(args.a), _job(args.b), args.seeds)
    emit(text, args.out)
    if not same:
        raise SystemExit(1)
    return 0


if __name__ == "__main__":
    main_guard(main)
