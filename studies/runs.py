"""Running a study's recipes through the runner, and reading what they produced.

A study's grid of recipes becomes one ad-hoc `Experiment` (one arm per cell, no checks) that `suite.runner.run`
executes like any finding: jobs keyed by recipe hash (a cell equal to a finding's recipe is the same job), resumable,
metrics validated against the catalogue, provenance recorded. Several studies may share one run directory so that
their common jobs run once; its `summary.json` is then the last study's.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from suite import runner
from suite.errors import UserError
from suite.experiment import Arm, Claim, Experiment, ScaleSpec
from suite.recipes import Recipe

DEFAULT_RUNS = Path("runs") / "studies"


@dataclass(frozen=True)
class StudyRun:
    """The finished jobs of one `run_recipes` call: per arm, its recipe hash and seeds."""

    run_dir: Path
    hashes: Mapping[str, str]  # arm -> recipe hash
    seeds: tuple[int, ...]

    def metrics(self, arm: str, seed: int) -> dict:
        """The job's `metrics.json` (scalars, curves, provenance)."""
        return runner.load_metrics(self.run_dir, self.hashes[arm], seed)

    def workdir(self, arm: str, seed: int) -> Path:
        """The job's artifacts (an SFT job's `checkpoint/`, `final_responses.json`, `train_timing.json`)."""
        return runner.RunLayout(self.run_dir).workdir(self.hashes[arm], seed)

    def wall_time_s(self, arm: str, seed: int) -> float:
        return runner.job_wall_time_s(self.run_dir, self.hashes[arm], seed)


def run_recipes(study: str, recipes: Mapping[str, Recipe], seeds: Sequence[int], run_dir: Path = DEFAULT_RUNS, *,
                scale: str = "tiny", jobs: int = 1, overrides: Mapping[str, str] | None = None) -> StudyRun:
    """Run every recipe (arm name -> recipe) for every seed through `suite.runner.run`; jobs already finished in
    `run_dir` are reused. Raises UserError naming the failed jobs if any failed."""
    exp = Experiment(
        id=f"study-{study}",
        title=f"study: {study}",
        claim=Claim(f"(study {study!r}: evidence about the tiny world, not a claim of the paper)", "-", "-"),
        arms=tuple(Arm(name, f"study cell {name}") for name in recipes),
        metrics=(),
        scales={scale: ScaleSpec(recipes=dict(recipes), seeds=tuple(seeds))},
    )
    summary, errors = runner.run([exp], scale, Path(run_dir), jobs=jobs, overrides=overrides,
                                 progress=sys.stderr.isatty(), on_event=print, command=" ".join(sys.argv))
    if errors:
        raise UserError("study jobs failed: " + "; ".join(f"{k}: {v}" for k, v in errors.items()), where=str(run_dir))
    arms = summary.experiments[exp.id].arms
    return StudyRun(Path(run_dir), {arm: a.recipe_hash for arm, a in arms.items()}, tuple(seeds))


def replan(run_dir: Path, ids: Sequence[str] | None = None, package: str = "experiments"):
    """A finished run re-planned as it was made: today's recipes of the findings that ran (or `ids`) with the run's
    own seeds, overrides and device (its run.json). Returns (summary, plan). Every arm must hash to what the run ran, else a
    UserError: the run was made with other recipes, and reading it as today's would mislabel its numbers."""
    from suite.registry import discover, select

    summary = runner.read_summary(run_dir)
    info = runner.read_run_info(run_dir)
    ran = [i for i, e in summary.experiments.items() if e.arms and (ids is None or i in ids)]
    if not ran:
        raise UserError(f"no finished arms of {', '.join(ids) if ids else 'any finding'} in this run",
                        where=str(run_dir))
    plan = runner.plan_run(select(discover(package), ran, summary.scale), summary.scale,
                           seeds=tuple(info["seeds"]) if info.get("seeds") else None,
                           overrides=info.get("overrides") or {}, smoke=info.get("smoke") or None,
                           device=info.get("device"))
    for pe in plan.experiments:
        for arm, a in summary.experiments[pe.experiment.id].arms.items():
            if pe.arm_hashes[arm] != a.recipe_hash:
                raise UserError(f"{pe.experiment.id} arm {arm!r} ran recipe {a.recipe_hash} but today's recipe (with "
                                f"the run's overrides) hashes to {pe.arm_hashes[arm]}: the run was made with other "
                                "recipes", where=str(run_dir))
    return summary, plan


def add_run_arguments(parser) -> None:
    """The options every study command shares: where its jobs run, and how many at once."""
    parser.add_argument("--runs", type=Path, default=DEFAULT_RUNS,
                        help=f"run directory for the study's jobs (cached, resumable; default {DEFAULT_RUNS})")
    parser.add_argument("--jobs", type=int, default=1, help="jobs in parallel (one process and one thread each)")


def add_set_argument(parser, help: str = "override a field of the study's recipes, as `longcot run --set` "
                     "(e.g. sft.n_embd=32)") -> None:
    """`--set FIELD=VALUE`, repeatable, into `args.overrides` (read it with `overrides_of`)."""
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="FIELD=VALUE", help=help)


def overrides_of(pairs: Sequence[str]) -> dict[str, str]:
    """The `--set` pairs as {field: text}; a pair without '=' is a UserError naming it."""
    bad = [kv for kv in pairs if "=" not in kv]
    if bad:
        raise UserError(f"expected FIELD=VALUE, got {bad[0]!r}", where="--set")
    return dict(kv.split("=", 1) for kv in pairs)


def seeds_arg(text: str, option: str = "--seeds") -> tuple[int, ...]:
    """Comma-separated non-negative integers (seeds, sizes); anything else is a UserError naming the option."""
    try:
        values = tuple(int(s) for s in text.split(","))
    except ValueError:
        values = ()
    if not values or any(v < 0 for v in values):
        raise UserError(f"{option} must be comma-separated non-negative integers, got {text!r}")
    return values


def emit(text: str, out: Path | None) -> None:
    """Print a study's table and, when `out` is given, write it there too (atomically)."""
    from suite.atomic import write_text_atomic

    print(text, end="")
    if out is not None:
        write_text_atomic(out, text)


def table_main(doc: str, table: Callable[[Path], str], argv=None, run_help: str = "a finished run directory") -> None:
    """The command line of a study that reads one finished run and prints a Markdown table (`--run`, `--out`)."""
    import argparse

    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--run", type=Path, required=True, help=run_help)
    ap.add_argument("--out", type=Path, help="also write the table here")
    args = ap.parse_args(argv)
    emit(table(args.run), args.out)


def main_guard(fn) -> None:
    """Run a study's main: bad input is one line on stderr and exit code 2, like the CLI."""
    try:
        fn()
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
