"""`longcot` command line: list, run, report (and eval / analyze from suite.eval.commands).

Exit codes: 0 success; 1 some job failed; 2 bad input (one clear message, no traceback, nothing half-written).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from suite import verdicts
from suite.cli_args import positive_int, seed, seed_list
from suite.errors import UserError

if TYPE_CHECKING:  # `longcot list` and argument errors should not pay for importing the runner
    from suite.runner import RunSummary

console = Console(stderr=True, highlight=False)
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def _override(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected FIELD=VALUE, got {text!r}")
    return key.strip(), value.strip()


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own bad-input path: same exit code, same one-line style
        self.print_usage(sys.stderr)
        _print_error(message)
        sys.exit(2)


def _print_error(message: str) -> None:
    """One line on stderr: the message is printed as plain text (a field name like `[x]` is not rich markup) and not
    wrapped (a long path stays one piece that can be copied)."""
    console.print(f"[red]error:[/red] {escape(str(message))}", soft_wrap=True)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="longcot", description="Reproduce the findings of 'Demystifying Long CoT Reasoning in LLMs'.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    common = _Parser(add_help=False)
    common.add_argument("--experiments", default="experiments", metavar="PKG",
                        help="Python package holding the experiment modules (default: experiments)")

    lp = sub.add_parser("list", parents=[common], help="list experiments, scales and implementation status")
    lp.set_defaults(func=cmd_list)

    rp = sub.add_parser("run", parents=[common], help="run experiments and check them against references")
    rp.add_argument("--only", nargs="+", metavar="ID", help="experiment ids (wildcards allowed: 'takeaway-4.*')")
    rp.add_argument("--scale", default="tiny", help="tiny | gpu | open | paper (default: tiny)")
    rp.add_argument("--seeds", type=seed_list, help="comma-separated seeds (default: each experiment's own)")
    rp.add_argument("--out", type=Path, help="run directory (default: runs/<scale>)")
    rp.add_argument("--jobs", type=int, default=1, help="parallel processes, one thread each (default: 1); with "
                    "--executor ray and no --address, the CPUs of the local Ray instance")
    rp.add_argument("--executor", default="local", choices=("local", "ray"),
                    help="where jobs run: local processes, or tasks of a Ray cluster (same run directory, cache and "
                         "resume; the run directory must be on a filesystem every node sees)")
    rp.add_argument("--address", help="Ray cluster address (--executor ray; default: start a local instance)")
    rp.add_argument("--set", dest="overrides", type=_override, action="append", default=[], metavar="FIELD=VALUE",
                    help="override a recipe field in every selected recipe that has it (checked against its type)")
    rp.add_argument("--references", type=Path, help="reference results root (default: the suite's own)")
    rp.add_argument("--smoke", action="store_true",
                    help="tiny, gpu and open scales: seed 0 and every recipe shrunk (suite.tiny.recipes."
                         "SMOKE_OVERRIDES, under any --set; seconds at tiny and gpu, 8 iterations at open); checks "
                         "that the findings run, its numbers mean nothing")
    rp.add_argument("--device", metavar="DEVICE",
                    help="tiny and gpu scales: run every stage of every recipe on this torch device (cpu, cuda, "
                         "cuda:N), whatever the recipe says; e.g. --device cpu tries a gpu recipe without CUDA")
    rp.add_argument("--report", action="store_true", help="also write report.md and report.html")
    rp.add_argument("--no-progress", action="store_true", help="no progress bars")
    rp.set_defaults(func=cmd_run)

    rep = sub.add_parser("report", help="write report.md and report.html for a run directory")
    rep.add_argument("run_dir", type=Path)
    rep.add_argument("--out", type=Path, help="where to write (default: the run directory)")
    rep.add_argument("--experiments", default="experiments", metavar="PKG",
                     help="package of the experiment modules, for the other scales' status (default: experiments)")
    rep.set_defaults(func=cmd_report)

    pp = sub.add_parser("promote", help="store a finished run as the reference results of its scale")
    pp.add_argument("run_dir", type=Path)
    pp.add_argument("--only", nargs="+", metavar="ID", help="experiment ids (default: every one that ran)")
    pp.add_argument("--references", type=Path, help="reference results root (default: the suite's own)")
    pp.add_argument("--note", default="", help="a note stored with the reference")
    pp.set_defaults(func=cmd_promote)

    cp = sub.add_parser("collect", parents=[common],
                        help="file the outputs of an arm run by an external engine into a run directory")
    cp.add_argument("run_dir", type=Path)
    cp.add_argument("--scale", default="paper", help="the scale of the recipe that was run (default: paper)")
    cp.add_argument("--only", required=True, metavar="ID", help="the experiment id")
    cp.add_argument("--arm", required=True, help="the arm that was run")
    cp.add_argument("--seed", type=seed, help="the run's seed (default: the experiment's first seed at the scale)")
    cp.add_argument("--eval", dest="eval_summary", type=Path, help="`longcot eval` output directory or summary.json")
    cp.add_argument("--statistics", type=Path, help="`longcot analyze` statistics.json of the training rollouts")
    cp.add_argument("--set", dest="overrides", type=_override, action="append", default=[], metavar="FIELD=VALUE",
                    help="the recipe overrides the run used (they change the recipe hash)")
    cp.add_argument("--engine-log", type=Path, help="the engine's training log: verl's file-logger JSONL, or "
                    "OpenRLHF's TensorBoard run folder or a W&B history of it (CSV or JSONL)")
    cp.add_argument("--engine", choices=("verl", "openrlhf"), help="which engine wrote --engine-log")
    cp.set_defaults(func=cmd_collect)

    ep = sub.add_parser("export", parents=[common],
                        help="write a finding's paper-scale RL arms as launch files for OpenRLHF or verl (docs/export.md)")
    ep.add_argument("--only", required=True, metavar="ID", help="the experiment id")
    ep.add_argument("--engine", required=True, choices=("openrlhf-fork", "openrlhf", "verl"),
                    help="openrlhf-fork: the paper's own fork (exact); openrlhf: upstream >= 0.10.2; verl: 0.8")
    ep.add_argument("--scale", default="paper", help="the scale whose recipes to export (default: paper)")
    ep.add_argument("--out", type=Path, required=True, help="directory for the launch files")
    ep.set_defaults(func=cmd_export)

    dp = sub.add_parser("prepare-data", help="write the data an exported run reads (MATH train prompts, a released "
                        "SFT set cut to size) as JSON lines")
    dp.add_argument("kind", choices=("math-train", "sft"))
    dp.add_argument("--out", type=Path, required=True, help="the JSON-lines file to write")
    dp.add_argument("--from-jsonl", type=Path, help="a local copy in the hub's schema instead of the hub")
    dp.add_argument("--dataset", help="sft: the released data set, e.g. demystify-long-cot/math-train-qwq-rs-n32")
    dp.add_argument("--limit", type=positive_int, help="the first N rows only (sft: streamed, the rest never read)")
    dp.add_argument("--sample", type=positive_int, help="sft: N rows drawn uniformly from the whole set (one pass over "
                    "the stream), in the set's order")
    dp.add_argument("--seed", type=int, default=0, help="the seed of --sample (default 0)")
    dp.add_argument("--format", dest="fmt", choices=("jsonl", "verl"), default="jsonl",
                    help="jsonl (OpenRLHF: prompt / answer) or verl (its parquet schema: chat prompt, "
                         "reward_model.ground_truth, data_source)")
    dp.set_defaults(func=cmd_prepare_data)

    ap = sub.add_parser("audit", parents=[common],
                        help="apply each finding's claim checks to the paper's own reported numbers")
    ap.add_argument("--scale", default="paper", help="scale whose checks and references to audit (default: paper)")
    ap.add_argument("--only", nargs="+", metavar="ID", help="experiment ids (wildcards allowed)")
    ap.add_argument("--references", type=Path, help="reference results root (default: the suite's own)")
    ap.set_defaults(func=cmd_audit)

    try:
        from suite.eval.commands import add_analyze_parser, add_eval_parser, add_lm_eval_tasks_parser
    except ImportError:
        pass
    else:
        add_eval_parser(sub)
        add_analyze_parser(sub)
        add_lm_eval_tasks_parser(sub)
    return p


def cmd_export(args) -> int:
    from suite.export import export_experiment
    from suite.registry import discover, select

    exp = select(discover(args.experiments), [args.only], args.scale)
    if len(exp) != 1:
        raise UserError(f"expected one experiment, got {len(exp)}: {[e.id for e in exp]}", where="--only")
    _directory_arg(args.out, "--out")
    written = export_experiment(exp[0], args.engine, args.out, scale=args.scale)
    console.print(f"wrote {len(written)} file(s) to {args.out}; start with {args.out / 'README.md'}")
    return 0


def cmd_prepare_data(args) -> int:
    from suite.export.data import prepare

    if args.out.is_dir():
        raise UserError("expected a file path, got a directory", where=f"--out {args.out}")
    res = prepare(args.kind, args.out, from_jsonl=args.from_jsonl, dataset=args.dataset, limit=args.limit,
                  fmt=args.fmt, sample=args.sample, seed=args.seed)
    console.print(f"wrote {res['rows']:,} rows from {res['source']} to {args.out}")
    if res["dropped"]:
        console.print(f"[yellow]dropped {len(res['dropped'])} row(s) whose solution has no \\boxed{{}} answer, e.g. "
                      f"{res['dropped'][0]}[/yellow]")
    return 0


def cmd_list(args) -> int:
    from suite.experiment import SCALES
    from suite.registry import discover

    exps = discover(args.experiments)
    table = Table(title=f"{len(exps)} findings")
    table.add_column("id")
    table.add_column("section")
    table.add_column("title")
    for s in SCALES:
        table.add_column(s)
    for exp in exps.values():
        cells = []
        for s in SCALES:
            st = exp.status(s)
            cells.append({verdicts.IMPLEMENTED: "[green]implemented[/green]",
                          verdicts.NOT_EXECUTABLE: "[yellow]recipe (engine)[/yellow]"}.get(st, "[dim]not yet[/dim]"))
        table.add_row(exp.id, exp.claim.section, exp.title, *cells)
    out.print(table)
    return 0


def _references(args) -> Path:
    """--references, or the suite's own reference results (`suite.references.default_root()`)."""
    from suite.references import default_root

    return args.references or default_root()


def _existing_references(args) -> Path:
    """--references for a command that only reads references: a directory that exists."""
    root = _references(args)
    if args.references is not None and not Path(root).is_dir():
        raise UserError("references directory does not exist (expected reference_results/ with one folder per "
                        "scale)", where=f"--references {root}")
    return root


def _overrides(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """--set FIELD=VALUE pairs as a dict; a field given twice is ambiguous."""
    seen: dict[str, str] = {}
    for key, value in pairs:
        if key in seen and seen[key] != value:
            raise UserError(f"field {key!r} is set twice ({seen[key]!r} and {value!r})", where=f"--set {key}")
        seen[key] = value
    return seen


def _directory_arg(path: Path | None, option: str) -> None:
    """An output directory given on the command line must not be an existing file."""
    if path is not None and Path(path).exists() and not Path(path).is_dir():
        raise UserError("expected a directory, but a file with this name exists", where=f"{option} {path}")


def cmd_run(args) -> int:
    from suite import runner
    from suite.registry import discover, select

    if args.jobs < 1:
        raise UserError(f"--jobs must be >= 1, got {args.jobs}")
    if args.address and args.executor != "ray":
        raise UserError("--address names a Ray cluster; it needs --executor ray", where="--address")
    args.overrides = list(_overrides(args.overrides).items())
    smoke = None
    if args.smoke:
        if args.scale not in ("tiny", "gpu", "open"):
            raise UserError(f"--smoke shrinks the recipes this suite runs (scales tiny, gpu and open); it does not "
                            f"apply to scale {args.scale!r}", where="--smoke")
        from suite.tiny.recipes import SMOKE_OVERRIDES as smoke

        args.seeds = args.seeds or (0,)
    if args.device is not None:
        from suite.tiny.recipes import check_device

        if args.scale not in ("tiny", "gpu", "open"):
            raise UserError(f"moves only the recipes this suite runs (scales tiny, gpu and open); scale "
                            f"{args.scale!r} runs on an external engine", where="--device")
        check_device(args.device, "--device")
    exps = select(discover(args.experiments), args.only, args.scale)
    run_dir = args.out or Path("runs") / args.scale
    _directory_arg(run_dir, "--out")
    runnable = [e for e in exps if e.status(args.scale) == verdicts.IMPLEMENTED
                or _has_collected_arms(e, args.scale, run_dir, args)]
    if args.only and not runnable:
        raise UserError("; ".join(runner.not_run_message(e.id, args.scale, e.status(args.scale)) for e in exps))
    summary, errors = runner.run(
        exps, args.scale, run_dir,
        seeds=args.seeds, jobs=args.jobs, overrides=dict(args.overrides),
        smoke=smoke, device=args.device, references_root=_references(args), progress=not args.no_progress and sys.stderr.isatty(),
        on_event=lambda m: console.print(m), command=shlex.join(["longcot", *sys.argv[1:]]),
        executor=args.executor, address=args.address,
    )
    print_verdicts(summary)
    if args.report:
        from suite.report import write_report

        paths = write_report(run_dir, experiments_package=args.experiments)
        console.print("report: " + ", ".join(str(p) for p in paths))
    console.print(f"summary: {runner.RunLayout(run_dir).summary_json}")
    return 1 if errors else 0


def _has_collected_arms(exp, scale: str, run_dir: Path, args) -> bool:
    """Whether an external engine's outputs for some arm of `exp` were filed into `run_dir` (`longcot collect`)."""
    from suite.runner import plan_run
    from suite.runner.collect import collected

    if exp.status(scale) != verdicts.NOT_EXECUTABLE:
        return False
    pe = plan_run([exp], scale, seeds=args.seeds, overrides=dict(args.overrides)).experiments[0]
    return bool(collected(run_dir, dict(pe.arm_hashes), pe.seeds)[0])


def cmd_collect(args) -> int:
    from suite.registry import discover, select
    from suite.runner.collect import collect_arm

    overrides = _overrides(args.overrides)
    exp = select(discover(args.experiments), [args.only], args.scale)
    if len(exp) != 1 or any(c in args.only for c in "*?["):
        raise UserError(f"--only names one experiment for `collect`, got {args.only!r}")
    _directory_arg(args.run_dir, "run directory")
    spec = exp[0].scales.get(args.scale)
    seed = args.seed if args.seed is not None else (spec.seeds[0] if spec else 0)
    if (args.engine_log is None) != (args.engine is None):
        raise UserError("--engine-log and --engine go together", where="--engine-log" if args.engine_log is None
                        else "--engine")
    engine_log = (args.engine_log, args.engine) if args.engine_log is not None else None
    path = collect_arm(args.run_dir, exp[0], args.scale, args.arm, seed, eval_summary=args.eval_summary,
                       statistics=args.statistics, engine_log=engine_log, overrides=overrides)
    out.print(str(path))
    console.print(f"judge it with: longcot run --scale {args.scale} --only {exp[0].id} --out {args.run_dir}")
    return 0


def cmd_audit(args) -> int:
    from suite.audit import audit, print_audit
    from suite.registry import discover, select

    exps = select(discover(args.experiments), args.only, args.scale)
    print_audit(audit(exps, _existing_references(args), scale=args.scale), out)
    return 0


def print_verdicts(summary: RunSummary) -> None:
    """One row per experiment: status, both verdicts, check verdict counts."""
    table = Table(title=f"verdicts at scale '{summary.scale}'")
    for col in ("experiment", "status", "claim verdict", "reproduction verdict", "checks"):
        table.add_column(col)
    for exp_id, e in summary.experiments.items():
        checks = e.checks or ()
        counts = ", ".join(f"{sum(c.verdict == v for c in checks)} {v}" for v in verdicts.CHECK_VERDICTS
                           ) if checks else "-"
        table.add_row(exp_id, e.status, e.claim_verdict, e.reproduction_verdict, counts)
    out.print(table)


def cmd_report(args) -> int:
    from suite.report import write_report

    _directory_arg(args.out, "--out")
    try:
        paths = write_report(args.run_dir, out_dir=args.out, experiments_package=args.experiments)
    except OSError as exc:  # reading errors are UserErrors already: this is the report's own output
        raise UserError(f"cannot write the report: {exc.strerror or exc}",
                        where=str(exc.filename or args.out or args.run_dir)) from None
    for p in paths:
        out.print(str(p))
    return 0


def cmd_promote(args) -> int:
    from suite.promote import promote

    for p in promote(args.run_dir, _references(args), only=args.only, note=args.note):
        out.print(str(p))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        _print_error(str(exc))
        return UserError.exit_code
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/yellow]: finished seeds are kept; rerun the same command to resume")
        return 130


if __name__ == "__main__":
    sys.exit(main())
