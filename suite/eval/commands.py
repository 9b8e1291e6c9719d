"""`longcot eval` and `longcot analyze`: argparse wiring for the lead's `suite/cli.py`.

`add_eval_parser(subparsers)` / `add_analyze_parser(subparsers)` each add one sub-command whose `func(args) -> int`
returns the exit code; bad input raises `suite.errors.UserError` (the CLI prints it and exits with 2).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from suite.atomic import write_json_atomic
from suite.errors import UserError
from suite.eval.benchmarks import BENCHMARKS, MMLU_PRO_SEED, load_benchmark
from suite.eval.paper_tables import compare, paper_row
from suite.eval.presets import PRESETS, get_preset


def _csv(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def add_eval_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("eval", help="evaluate a model on the paper's benchmarks (paper §2.5, App. E.1)")
    p.add_argument("--model", required=True, help="hub id or local path of the model")
    p.add_argument("--benchmarks", default=",".join(BENCHMARKS), help=f"comma list of {', '.join(BENCHMARKS)}")
    p.add_argument("--backend", default="hf", choices=("hf", "vllm"))
    p.add_argument("--preset", default="paper", choices=sorted(PRESETS))
    p.add_argument("--data-dir", type=Path, help="local <benchmark>.jsonl files (hub schema); else the hub")
    p.add_argument("--out", type=Path, default=Path("eval_results"), help="output directory")
    p.add_argument("--compare", help="paper row to compare with, e.g. table1:sft_emergent")
    p.add_argument("--limit", type=int, help="first N problems per benchmark (smoke runs; not a result)")
    p.add_argument("--max-new-tokens", type=int, help="override the preset's generation limit")
    p.add_argument("--seeds", help="override the preset's seeds, e.g. 0,1,2,3")
    p.add_argument("--mmlu-pro-seed", type=int, default=MMLU_PRO_SEED, help="seed of the MMLU-Pro-1k subset")
    p.set_defaults(func=run_eval_command)
    return p


def run_eval_command(args: argparse.Namespace) -> int:
    from suite.backends import make_backend
    from suite.eval.protocol import run_eval

    names = _csv(args.benchmarks)
    unknown = [n for n in names if n not in BENCHMARKS]
    if not names or unknown:
        raise UserError(f"unknown benchmark(s) {unknown}; known benchmarks: {', '.join(BENCHMARKS)}",
                        where="--benchmarks")
    if args.compare:
        paper_row(args.compare)  # fail before any generation
    try:
        seeds = tuple(int(s) for s in _csv(args.seeds)) if args.seeds else None
    except ValueError:
        raise UserError(f"expected comma-separated integers, got {args.seeds!r}", where="--seeds") from None
    preset = get_preset(args.preset, max_new_tokens=args.max_new_tokens, seeds=seeds)
    data = {n: load_benchmark(n, args.data_dir, limit=args.limit, mmlu_pro_seed=args.mmlu_pro_seed) for n in names}
    backend = make_backend(args.backend, args.model)
    with _Progress(total=len(names) * len(preset.seeds)) as progress:
        summary = run_eval(backend, data, preset, args.out, model=args.model, progress=progress)
    if args.compare:
        summary["compare"] = {"row": args.compare, "benchmarks": compare(summary, args.compare)}
        write_json_atomic(Path(args.out) / "summary.json", summary)
    _print_summary(summary)
    return 0


class _Progress:
    """A rich progress bar over (benchmark, seed) generation rounds; silent when stderr is not a terminal."""

    def __init__(self, total: int):
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), disable=not sys.stderr.isatty(), transient=True)
        self.task = self.bar.add_task("generating", total=total)

    def __enter__(self):
        self.bar.start()
        return self

    def __exit__(self, *exc):
        self.bar.stop()

    def __call__(self, benchmark: str, seed: int) -> None:
        self.bar.update(self.task, advance=1, description=f"{benchmark} seed {seed}")


def _print_summary(summary: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{summary['model']} ({summary['preset']['name']})")
    for col in ("benchmark", "accuracy %", "± se", "mean tokens", "truncated %"):
        table.add_column(col)
    for name, b in summary["benchmarks"].items():
        se = b["accuracy_se"]
        table.add_row(name, f"{100 * b['accuracy']:.1f}", "-" if math.isnan(se) else f"{100 * se:.1f}",
                      f"{b['length_tokens']['all']['mean']:.0f}", f"{100 * b['truncation_rate']:.1f}")
    Console().print(table)
    if "compare" in summary:
        cmp = Table(title=f"vs paper {summary['compare']['row']}")
        for col in ("benchmark", "ours", "paper", "diff", "z", "tolerance (95%)", "within"):
            cmp.add_column(col)
        for name, c in summary["compare"]["benchmarks"].items():
            cmp.add_row(name, f"{c['ours']:.1f}", f"{c['paper']:.1f}", f"{c['diff']:+.1f}", f"{c['z']:+.1f}",
                        f"±{c['tolerance']:.1f}", "yes" if c["within_tolerance"] else "no")
        Console().print(cmp)


def add_analyze_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("analyze", help="emergence statistics per training step from logged rollouts")
    p.add_argument("rollouts", type=Path, help="JSONL of {step, prompt, response, reward, correct, ...}")
    p.add_argument("--out", type=Path, help="output directory (default: next to the rollouts file)")
    p.add_argument("--tokenizer", help="tokenizer for lengths / repetition when the log has no token counts")
    p.add_argument("--max-len", type=int, help="generation limit, for the exceed rate (gen_len + 16 >= max_len)")
    p.add_argument("--ngram-size", type=int, default=40, help="n of the repetition ratio (paper: 40)")
    p.add_argument("--no-plot", action="store_true")
    p.set_defaults(func=run_analyze_command)
    return p


def run_analyze_command(args: argparse.Namespace) -> int:
    from suite.eval.analyze import load_rollouts, plot_curves, step_statistics

    rollouts = load_rollouts(args.rollouts)
    if not rollouts:
        raise UserError("no rollouts in file", where=str(args.rollouts))
    token_ids_of = None
    if args.tokenizer:
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(args.tokenizer)
        token_ids_of = lambda text: tok(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    result = step_statistics(rollouts, max_len=args.max_len, ngram_size=args.ngram_size, token_ids_of=token_ids_of)
    out = args.out or args.rollouts.parent / f"{args.rollouts.stem}_analysis"
    result["source"] = str(args.rollouts)
    write_json_atomic(Path(out) / "statistics.json", result)
    if not args.no_plot:
        plot_curves(result, Path(out) / "curves.png")
    print(f"{len(result['steps'])} steps, {len(rollouts)} rollouts -> {out}")
    return 0
