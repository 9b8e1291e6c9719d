"""`longcot eval` and `longcot analyze`: argparse wiring for the lead's `suite/cli.py`.

`add_eval_parser(subparsers)` / `add_analyze_parser(subparsers)` each add one sub-command whose `func(args) -> int`
returns the exit code; bad input raises `suite.errors.UserError` (the CLI prints it and exits with 2).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

from suite.atomic import write_json_atomic
from suite.cli_args import csv, positive_int, seed, seed_list
from suite.errors import UserError
from suite.eval.benchmarks import BENCHMARKS, MMLU_PRO_SEED, load_benchmark
from suite.eval.paper_tables import compare, paper_row
from suite.eval.presets import PRESETS, get_preset


def _seed_list(text: str) -> tuple[int, ...]:
    """--seeds: `suite.cli_args.seed_list`, checked after parsing (a UserError naming --seeds)."""
    try:
        return seed_list(text)
    except argparse.ArgumentTypeError as exc:
        raise UserError(str(exc), where="--seeds") from None


#: Top-level packages whose exceptions, raised while a model or tokenizer loads, mean "cannot load what was named"
#: (matched by module name, so that the CLI does not import them just to name their exception classes).
_LOADER_PACKAGES = ("huggingface_hub", "transformers", "tokenizers", "safetensors", "datasets", "requests", "httpx",
                    "urllib3", "vllm", "fsspec", "aiohttp")


def _is_loading_error(exc: BaseException) -> bool:
    """Whether `exc` (raised while loading a model, tokenizer or hub dataset) is about what was named: a missing or
    malformed path, an unknown hub id, no network. OSError covers missing files and hub connection errors
    (`requests` errors are OSErrors); ValueError covers transformers' "unrecognized model" and huggingface_hub's
    HFValidationError."""
    if isinstance(exc, (OSError, ValueError, TimeoutError)):
        return True
    return any(c.__module__.split(".")[0] in _LOADER_PACKAGES for c in type(exc).__mro__)


def _first_line(exc: BaseException, limit: int = 300) -> str:
    text = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _looks_local(name: str) -> bool:
    """Whether a --model / --tokenizer value names a local path rather than a hub id (`namespace/name`)."""
    return (Path(name).expanduser().exists() or name.startswith((".", "~", "/")) or name.count("/") > 1
            or "\\" in name or (len(name) > 1 and name[1] == ":"))


def _check_local_model(name: str, option: str, *, needs: tuple[str, ...] = ("config.json",),
                       allow_file: bool = False) -> None:
    """A --model / --tokenizer that names a local path must be an existing directory holding one of `needs` (as
    `save_pretrained` writes it), checked before anything heavy is imported; a hub id is left to the loader."""
    what = f"a local model directory (with {' or '.join(needs)}) or a hub id (namespace/name)"
    if not name.strip():
        raise UserError(f"expected {what}, got an empty name", where=option)
    if not _looks_local(name):
        return
    path = Path(name).expanduser()
    if not path.exists():
        raise UserError(f"no such directory; expected {what}", where=f"{option} {name}")
    if path.is_dir():
        if not any((path / n).is_file() for n in needs):
            raise UserError(f"no {' or '.join(needs)} in this directory; expected {what}", where=f"{option} {name}")
    elif not allow_file:
        raise UserError(f"expected a directory, got a file; expected {what}", where=f"{option} {name}")


def _load(what: str, option: str, name: str, load):
    """Call `load()` (which loads a model or tokenizer named by `option`); its loading errors become one UserError."""
    try:
        return load()
    except ModuleNotFoundError as exc:
        if not exc.name:
            raise
        raise UserError(f"loading a {what} needs the Python package {exc.name.split('.')[0]!r}, which is not "
                        "installed (pip install -e '.[eval]', or '.[gpu]' for vllm)",
                        where=f"{option} {name}") from None
    except Exception as exc:  # noqa: BLE001 - narrowed just below; anything else is a bug and propagates
        if not (_is_loading_error(exc) or isinstance(exc, ImportError)):  # transformers' "requires the X library"
            raise
        raise UserError(f"cannot load the {what}: {_first_line(exc)}; expected a local model directory (with "
                        "config.json) or a hub id reachable from here (offline: HF_HUB_OFFLINE is "
                        f"{os.environ.get('HF_HUB_OFFLINE', 'unset')})", where=f"{option} {name}") from None


def add_lm_eval_tasks_parser(subparsers) -> argparse.ArgumentParser:
    from suite.lm_eval_tasks import PAPER_MAX_GEN_TOKS, TASKS

    p = subparsers.add_parser("lm-eval-tasks", help="write the lm-eval tasks with local data and/or another "
                              "generation limit (to run lm-eval offline, or on a model with a shorter context)")
    p.add_argument("--out", type=Path, required=True, help="directory for the task files (lm_eval --include_path)")
    p.add_argument("--data-dir", type=Path, help="local <benchmark>.jsonl files (hub schema), as for longcot eval")
    p.add_argument("--max-gen-toks", type=positive_int,
                   help=f"generation limit instead of the paper's {PAPER_MAX_GEN_TOKS:,}")
    p.add_argument("--tasks", type=csv, default=",".join(TASKS), help=f"comma list of {', '.join(TASKS)}")
    p.set_defaults(func=run_lm_eval_tasks_command)
    return p


def run_lm_eval_tasks_command(args: argparse.Namespace) -> int:
    from suite.lm_eval_tasks import write_task_overlays

    if args.data_dir is not None and not args.data_dir.is_dir():
        raise UserError("no such directory; expected a directory of <benchmark>.jsonl files",
                        where=f"--data-dir {args.data_dir}")
    _output_dir(args.out)
    written = write_task_overlays(args.out, tasks=tuple(args.tasks), data_dir=args.data_dir,
                                  max_gen_toks=args.max_gen_toks)
    print(f"wrote {len(written)} task file(s) to {args.out}; run them with:")
    offline = "HF_DATASETS_OFFLINE=1 " if args.data_dir is not None else ""
    print(f"  {offline}lm_eval --include_path {args.out} --tasks {','.join(args.tasks)} --model hf "
          "--model_args pretrained=<model> --seed <seed>")
    return 0


def add_eval_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("eval", help="evaluate a model on the paper's benchmarks (paper §2.5, App. E.1)")
    p.add_argument("--model", required=True, help="hub id or local path of the model")
    p.add_argument("--benchmarks", default=",".join(BENCHMARKS), help=f"comma list of {', '.join(BENCHMARKS)}")
    p.add_argument("--backend", default="hf", choices=("hf", "vllm"))
    p.add_argument("--preset", default="paper", choices=sorted(PRESETS))
    p.add_argument("--data-dir", type=Path, help="local <benchmark>.jsonl files (hub schema); else the hub")
    p.add_argument("--out", type=Path, default=Path("eval_results"), help="output directory")
    p.add_argument("--compare", help="paper row to compare with, e.g. table1:sft_emergent")
    p.add_argument("--limit", type=positive_int, help="first N problems per benchmark (smoke runs; not a result)")
    p.add_argument("--max-new-tokens", type=positive_int, help="override the preset's generation limit")
    p.add_argument("--seeds", help="override the preset's seeds, e.g. 0,1,2,3")
    p.add_argument("--mmlu-pro-seed", type=seed, default=MMLU_PRO_SEED, help="seed of the MMLU-Pro-1k subset")
    p.add_argument("--grading", action="append", default=[], metavar="KEY=VALUE",
                   help="a choice of the symbolic grader (repeatable): float_rounding=N, rel_tol=X, ordered_lists=true, "
                        "strict=false, latex_only=true, allow_set_relation=true (docs/evaluation.md)")
    p.set_defaults(func=run_eval_command)
    return p


def run_eval_command(args: argparse.Namespace) -> int:
    from suite.backends import make_backend
    from suite.eval.protocol import run_eval

    names = csv(args.benchmarks)
    unknown = [n for n in names if n not in BENCHMARKS]
    if not names or unknown:
        raise UserError(f"unknown benchmark(s) {unknown}; known benchmarks: {', '.join(BENCHMARKS)}",
                        where="--benchmarks")
    if args.compare:
        paper_row(args.compare)  # fail before any generation
    seeds = _seed_list(args.seeds) if args.seeds is not None else None
    _output_dir(args.out)
    _check_data_dir(args.data_dir, names)
    _check_local_model(args.model, "--model", allow_file=args.backend == "vllm")  # vLLM also loads a GGUF file
    preset = get_preset(args.preset, max_new_tokens=args.max_new_tokens, seeds=seeds)
    grading = _grading_config(args.grading)
    data = {n: _load_benchmark(n, args) for n in names}
    backend = _load(f"model ({args.backend} backend)", "--model", args.model,
                    lambda: make_backend(args.backend, args.model))
    with _Progress(total=len(names) * len(preset.seeds)) as progress:
        summary = run_eval(backend, data, preset, args.out, model=args.model, progress=progress, grading=grading)
    if args.compare:
        summary["compare"] = {"row": args.compare, "benchmarks": compare(summary, args.compare)}
        write_json_atomic(Path(args.out) / "summary.json", summary)
    _print_summary(summary)
    return 0


def _check_data_dir(data_dir: Path | None, names: list[str]) -> None:
    """--data-dir, when given, must hold a <benchmark>.jsonl for every benchmark asked for (checked before any work)."""
    if data_dir is None:
        return
    if not data_dir.is_dir():
        raise UserError("no such directory; expected a directory of <benchmark>.jsonl files",
                        where=f"--data-dir {data_dir}")
    missing = [f"{n}.jsonl" for n in names if not (data_dir / f"{n}.jsonl").is_file()]
    if missing:
        raise UserError(f"missing {', '.join(missing)}; expected one <benchmark>.jsonl per benchmark asked for (hub "
                        "schema), or leave out --data-dir to load from the hub", where=f"--data-dir {data_dir}")


def _grading_config(options: list[str]):
    """`--grading KEY=VALUE` options as a `GradingConfig`; a bad key or value is a UserError naming the option."""
    from suite.verify.equivalence import config_from_strings

    try:
        return config_from_strings(options)
    except ValueError as exc:
        raise UserError(str(exc), where="--grading") from None


def _load_benchmark(name: str, args: argparse.Namespace):
    """One benchmark from --data-dir or the hub; a hub that cannot be reached is a UserError naming the benchmark."""
    if args.data_dir is not None:  # local: its errors are UserErrors
        return load_benchmark(name, args.data_dir, limit=args.limit, mmlu_pro_seed=args.mmlu_pro_seed)
    try:
        return load_benchmark(name, args.data_dir, limit=args.limit, mmlu_pro_seed=args.mmlu_pro_seed)
    except UserError:
        raise
    except ImportError as exc:
        raise UserError(f"loading {name} from the hub needs the Python package {exc.name!r} (pip install -e "
                        "'.[eval]'), or pass --data-dir with local <benchmark>.jsonl files", where=name) from None
    except Exception as exc:  # noqa: BLE001 - narrowed just below
        if not _is_loading_error(exc):
            raise
        raise UserError(f"cannot load {name} from the hub: {_first_line(exc)}; pass --data-dir with a local "
                        f"{name}.jsonl", where=name) from None


def _output_dir(path: Path | None, option: str = "--out") -> None:
    """An output directory must not be an existing file (checked before any work, so nothing is lost at the end)."""
    if path is not None and path.exists() and not path.is_dir():
        raise UserError("expected an output directory, but a file with this name exists", where=f"{option} {path}")


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
    p.add_argument("rollouts", type=Path, help="JSONL of {step, prompt, response, reward, correct, ...}, or a folder "
                   "of them (verl's trainer.rollout_data_dir)")
    p.add_argument("--out", type=Path, help="output directory (default: next to the rollouts file)")
    p.add_argument("--tokenizer", help="tokenizer for lengths / repetition when the log has no token counts")
    p.add_argument("--max-len", type=positive_int,
                   help="generation limit, for the exceed rate (gen_len + 16 >= max_len)")
    p.add_argument("--ngram-size", type=positive_int, default=40, help="n of the repetition ratio (paper: 40)")
    p.add_argument("--no-plot", action="store_true")
    p.set_defaults(func=run_analyze_command)
    return p


def run_analyze_command(args: argparse.Namespace) -> int:
    from suite.eval.analyze import load_rollouts, plot_curves, step_statistics

    out = args.out or args.rollouts.parent / f"{args.rollouts.stem}_analysis"
    _output_dir(out, "--out" if args.out else "output directory")
    rollouts = load_rollouts(args.rollouts)
    if not rollouts:
        raise UserError("no rollouts in the log", where=str(args.rollouts))
    token_ids_of = None
    if args.tokenizer:
        _check_local_model(args.tokenizer, "--tokenizer",
                           needs=("tokenizer_config.json", "tokenizer.json", "config.json"))

        def load_tokenizer():
            from transformers import AutoTokenizer

            return AutoTokenizer.from_pretrained(args.tokenizer)

        tok = _load("tokenizer", "--tokenizer", args.tokenizer, load_tokenizer)
        token_ids_of = lambda text: tok(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    result = step_statistics(rollouts, max_len=args.max_len, ngram_size=args.ngram_size, token_ids_of=token_ids_of)
    result["source"] = str(args.rollouts)
    write_json_atomic(Path(out) / "statistics.json", result)
    if not args.no_plot:
        plot_curves(result, Path(out) / "curves.png")
    print(f"{len(result['steps'])} steps, {len(rollouts)} rollouts -> {out}")
    return 0
