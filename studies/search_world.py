"""Study: the search world's SFT policy. Does thinking longer raise its accuracy, and how does SFT data scale?

The `search` trace style (suite/tiny/traces.py) is a guess-check-narrow search over x in `solve x * a + b = t` in
which the teacher gives up after a failed check with probability `give_up_rate` and answers an unchecked guess.
Every policy here is trained by the runner from a tiny recipe (`studies.runs.run_recipes`); conditions that are
compared are sampled on identical per-sample seeds.

    python -m studies.search_world checkpoint  --out evidence/tiny/search   # SEARCH_SFT seed 0 -> OUT/sft_search
    python -m studies.search_world lengthcurve --out evidence/tiny/search   # accuracy vs tries / length / budget
    python -m studies.search_world teacher     --out evidence/tiny/search   # the training traces' own statistics
    python -m studies.search_world grid        --out evidence/tiny/search [--sizes 125,250,500] [--seeds 0,1,2]
                                                                            [--styles search,short] [--jobs 2]

Common options: `--runs DIR` (the run directory the jobs are cached in, default runs/studies), `--jobs N`.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
from dataclasses import asdict, replace
from pathlib import Path

from studies.runs import StudyRun, add_run_arguments, main_guard, run_recipes, seeds_arg
from suite.atomic import write_json_atomic, write_text_atomic
from suite.determinism import configure_torch
from suite.metrics import names as M
from suite.tiny import task, traces
from suite.tiny.model import load_checkpoint
from suite.tiny.recipes import FINAL_RESPONSES, TRAIN_TIMING, TinySFTRecipe
from suite.tiny.sampling import budget_forced, prompt_ids, sample_rows
from suite.tiny.sft_config import SEARCH_SFT, SFTConfig

SAMPLING = dict(temperature=0.7, top_p=0.95)  # the paper's evaluation protocol (§2.5)
BUDGETS = (16, 24, 32, 40, 48, 64, 80, 96, 128)
SFT_ARM = "sft_search"


def accuracy_and_se(xs: list[bool]) -> tuple[float, float]:
    """Share correct and its binomial standard error."""
    n = len(xs)
    p = sum(xs) / n
    return p, (p * (1 - p) / n) ** 0.5


def _by(records: list[dict], key) -> dict[int, list]:
    groups: dict[int, list] = {}
    for r in records:
        groups.setdefault(key(r), []).append(r["correct"])
    return {k: [sum(v) / len(v), len(v)] for k, v in sorted(groups.items())}


def _run_record(run: StudyRun, arm: str, seed: int, cfg: SFTConfig, *, with_responses: bool = False) -> dict:
    """One SFT job as a self-contained evidence record: config, seed, metrics, throughput (and final responses)."""
    m = run.metrics(arm, seed)
    work = run.workdir(arm, seed)
    rec = {"config": asdict(cfg), "seed": seed, "scalars": m["scalars"], "curves": m["curves"],
           "timing": json.loads((work / TRAIN_TIMING).read_text())}
    if with_responses:
        rec["records"] = json.loads((work / FINAL_RESPONSES).read_text())
    return rec


# --- checkpoint -------------------------------------------------------------------------------------------------------

def sft_policy(runs: Path, jobs: int = 1, seed: int = 0) -> StudyRun:
    """The search world's SFT policy (SEARCH_SFT, one seed), trained or reused by the runner."""
    return run_recipes("search-sft", {SFT_ARM: TinySFTRecipe(SEARCH_SFT)}, (seed,), runs, jobs=jobs)


def checkpoint(out: Path, runs: Path, jobs: int = 1, seed: int = 0) -> Path:
    """Train SEARCH_SFT (seed 0) and keep its checkpoint at OUT/sft_search, its record at OUT/runs/sft_search.json."""
    run = sft_policy(runs, jobs, seed)
    dst = out / SFT_ARM
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(run.workdir(SFT_ARM, seed) / "checkpoint", dst)
    rec = _run_record(run, SFT_ARM, seed, SEARCH_SFT, with_responses=True)
    write_json_atomic(out / "runs" / f"{SFT_ARM}.json", rec)
    print(json.dumps(rec["scalars"], indent=1))
    return dst


# --- lengthcurve ------------------------------------------------------------------------------------------------------

def length_curve(ckpt: Path, out: Path, n_problems: int = 128, samples: int = 8, max_new_tokens: int = 160,
                 out_name: str = "length_curve") -> dict:
    """Accuracy of a `search` SFT policy on held-out `solve` problems: by number of tries and by length (across
    samples), under budget forcing (per budget), and with giving up banned (same seeds)."""
    configure_torch()
    model, tok, _ = load_checkpoint(ckpt)
    probs = task.make_split("solve", "heldout", n_problems, seed=777)
    reps = [p for p in probs for _ in range(samples)]
    seeds = [4242 * 1_000_003 + i for i in range(len(reps))]

    def records(banned_words=()) -> list[dict]:
        outs = sample_rows(model, tok, [prompt_ids(tok, p) for p in reps], seeds, max_new_tokens=max_new_tokens,
                           banned_ids=[tok.token_to_id[w] for w in banned_words], **SAMPLING)
        recs = []
        for p, (ids, fin) in zip(reps, outs):
            text = tok.decode(ids)
            recs.append({"text": text, "length": len(ids), "finished": fin, "correct": task.verify(p, text),
                         **traces.parse_search(text, p)})
        return recs

    def summary(recs: list[dict]) -> dict:
        acc, se = accuracy_and_se([r["correct"] for r in recs])
        n = len(recs)
        tries = max(1, sum(r["tries"] for r in recs))
        return {"accuracy": acc, "se": se, "mean_length": sum(r["length"] for r in recs) / n,
                "mean_tries": sum(r["tries"] for r in recs) / n, "gave_up": sum(r["gave_up"] for r in recs) / n,
                "false_verified": sum(r["false_verified"] for r in recs) / n,
                "finished": sum(r["finished"] for r in recs) / n,
                "wasted_guesses_per_try": sum(r["wasted_guesses"] for r in recs) / tries,
                "repeated_guesses_per_try": sum(r["repeated_guesses"] for r in recs) / tries}

    recs = records()
    banned = records(banned_words=(traces.GIVE_UP,))
    result = {
        "checkpoint": str(ckpt), "n_problems": n_problems, "samples_per_problem": samples,
        "max_new_tokens": max_new_tokens, **SAMPLING,
        "as_trained": summary(recs), "give_up_banned": summary(banned),
        "by_tries": _by(recs, lambda r: min(r["tries"], 6)),
        "by_length_bucket": _by(recs, lambda r: r["length"] // 16 * 16),
        "by_budget_forced": {b: accuracy_and_se([c for _, _, c in budget_forced(model, tok, reps, seeds, b)])[0]
                             for b in BUDGETS},
        "examples": [r["text"] for r in recs[:8]],
    }
    # within-problem view: a problem's samples that searched longer vs shorter (removes between-problem difficulty)
    diffs = []
    for i in range(n_problems):
        rs = recs[i * samples:(i + 1) * samples]
        long_ = [r["correct"] for r in rs if r["tries"] >= 2]
        short_ = [r["correct"] for r in rs if r["tries"] == 1]
        if long_ and short_:
            diffs.append(sum(long_) / len(long_) - sum(short_) / len(short_))
    result["within_problem_multi_minus_single_try"] = {
        "mean": statistics.mean(diffs) if diffs else None,
        "se": statistics.stdev(diffs) / len(diffs) ** 0.5 if len(diffs) > 1 else None, "problems": len(diffs)}
    write_json_atomic(out / f"{out_name}.json", result)
    _plot_length_curve(result, out / f"{out_name}.png")
    print(json.dumps({k: v for k, v in result.items() if k != "examples"}, indent=1))
    return result


def _plot_length_curve(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    panels = [(result["by_tries"], "tries in the response (6 = 6+)"),
              (result["by_length_bucket"], "response length bucket (tokens, width 16)")]
    for ax, (d, label) in zip(axes, panels):
        ks = [int(k) for k in d]
        ax.plot(ks, [v[0] for v in d.values()], marker="o")
        for k, v in zip(ks, d.values()):
            ax.annotate(str(v[1]), (k, v[0]), fontsize=7, textcoords="offset points", xytext=(0, 4))
        ax.set_xlabel(label)
    bs = [int(k) for k in result["by_budget_forced"]]
    axes[2].plot(bs, list(result["by_budget_forced"].values()), marker="o", label="forced to answer at budget")
    axes[2].axhline(result["give_up_banned"]["accuracy"], ls="--", color="gray", label="giving up banned")
    axes[2].axhline(result["as_trained"]["accuracy"], ls=":", color="black", label="as trained")
    axes[2].set_xlabel("thinking budget (tokens)")
    axes[2].legend(fontsize=7)
    for ax in axes:
        ax.set_ylabel("held-out solve accuracy")
    fig.suptitle("search SFT policy (T=0.7, top-p 0.95); numbers = samples per point")
    fig.tight_layout()
    fig.savefig(path, dpi=120, metadata={"Software": None})
    plt.close(fig)


# --- teacher ----------------------------------------------------------------------------------------------------------

def teacher(out: Path, n_samples: int = 4, cfg: SFTConfig = SEARCH_SFT) -> dict:
    """The training traces' own statistics (what a perfect imitator of the data would score). No training."""
    rng = random.Random("teacher")
    probs = task.make_split("solve", "heldout", 128, seed=777)
    recs = []
    for p in probs:
        for _ in range(n_samples):
            tr = traces.trace(p, "search", rng, give_up_rate=cfg.give_up_rate)
            recs.append({"correct": task.verify(p, tr.text), "length": len(tr.words) + 1,
                         **traces.parse_search(tr.text, p)})
    result = {"give_up_rate": cfg.give_up_rate, "accuracy": sum(r["correct"] for r in recs) / len(recs),
              "mean_length": sum(r["length"] for r in recs) / len(recs),
              "by_tries": _by(recs, lambda r: min(r["tries"], 6))}
    write_json_atomic(out / "teacher.json", result)
    print(json.dumps(result, indent=1))
    return result


# --- grid -------------------------------------------------------------------------------------------------------------

def grid(out: Path, runs: Path, sizes: list[int], seeds: tuple[int, ...], styles: list[str], *, jobs: int = 1,
         base: SFTConfig = SEARCH_SFT) -> list[tuple]:
    """SFT style x data size x seed on `solve` with the search recipe's steps: one record per run, one table, one
    plot. A cell is `replace(SEARCH_SFT, style=..., n_train=...)`; the search/500 cell is SEARCH_SFT itself."""
    cells = {f"{style}_{n}": replace(base, style=style, n_train=n) for style in styles for n in sizes}
    run = run_recipes("search-grid", {name: TinySFTRecipe(cfg) for name, cfg in cells.items()}, seeds, runs, jobs=jobs)
    rows = []
    for name, cfg in cells.items():
        recs = [_run_record(run, name, s, cfg) for s in seeds]
        for s, rec in zip(seeds, recs):
            write_json_atomic(out / "runs" / f"grid_{name}_s{s}.json", rec)
        rows.append((cfg.style, cfg.n_train, [r["scalars"][M.HELDOUT_ACCURACY] for r in recs],
                     [r["timing"][M.WALL_TIME] for r in recs], [r["scalars"][M.MEAN_LENGTH_FINAL] for r in recs]))
    lines = [f"SFT on `solve` ({base.steps} steps, batch {base.batch_size}, {base.traces_per_problem} traces per problem,"
             f" {base.n_layer} layers x {base.n_embd} dims; held-out = {base.eval_n} solve problems sampled once at"
             f" T=0.7, top-p 0.95; seeds {','.join(map(str, seeds))})", "",
             "| style | train problems | held-out acc (mean ± sd) | per seed | mean length | wall s/run |",
             "|---|---|---|---|---|---|"]
    for style, n, acc, wall, length in rows:
        sd = statistics.stdev(acc) if len(acc) > 1 else 0.0
        lines.append(f"| {style} | {n} | {statistics.mean(acc):.3f} ± {sd:.3f} | {' / '.join(f'{a:.3f}' for a in acc)}"
                     f" | {statistics.mean(length):.1f} | {statistics.mean(wall):.0f} |")
    table = "\n".join(lines) + "\n"
    write_text_atomic(out / "sft_grid.md", table)
    print(table)
    _plot_grid(rows, out / "sft_grid.png", xlabel="SFT training problems (solve)",
               title=f"tiny SFT on solve: style x data size ({base.steps} steps)")
    return rows


def _plot_grid(rows, path: Path, *, xlabel: str, title: str) -> None:
    """Held-out accuracy (mean ± sd over seeds) against data size, one line per style; rows are
    (style, size, accuracies, ...)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.5))
    for style in dict.fromkeys(r[0] for r in rows):
        rs = [r for r in rows if r[0] == style]
        ax.errorbar([r[1] for r in rs], [statistics.mean(r[2]) for r in rs],
                    yerr=[statistics.stdev(r[2]) if len(r[2]) > 1 else 0 for r in rs], marker="o", label=style,
                    capsize=3)
    ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("held-out accuracy")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120, metadata={"Software": None})
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m studies.search_world", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["checkpoint", "lengthcurve", "teacher", "grid"])
    ap.add_argument("--out", type=Path, required=True, help="folder for the evidence files")
    ap.add_argument("--ckpt", type=Path, default=None,
                    help="lengthcurve: a checkpoint directory (default: the SEARCH_SFT seed-0 policy, via the runner)")
    ap.add_argument("--sizes", default="125,250,500")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--styles", default="search,short")
    add_run_arguments(ap)
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    if a.what == "checkpoint":
        checkpoint(a.out, a.runs, a.jobs)
    elif a.what == "lengthcurve":
        ckpt = a.ckpt or sft_policy(a.runs, a.jobs).workdir(SFT_ARM, 0) / "checkpoint"
        length_curve(ckpt, a.out)
    elif a.what == "teacher":
        teacher(a.out)
    else:
        grid(a.out, a.runs, list(seeds_arg(a.sizes, "--sizes")), seeds_arg(a.seeds), a.styles.split(","),
             jobs=a.jobs)


if __name__ == "__main__":
    main_guard(main)
