"""Evidence for the search world (issue #5): does thinking longer raise the SFT policy's accuracy?

The `search` trace style (task.py) is a guess-check-narrow search over x in `solve x * a + b = t` in which the
teacher gives up after a failed check with probability `give_up_rate` and answers an unchecked guess. This module
measures the trained policy, on identical per-sample seeds where it compares conditions:

    python -m suite.tiny.search_evidence checkpoint   # train SEARCH_SFT (seed 0) -> evidence/tiny/search/sft_search
    python -m suite.tiny.search_evidence lengthcurve  # accuracy vs tries / length / budget; give-up banned
    python -m suite.tiny.search_evidence grid [--sizes 125,250,500] [--seeds 0,1,2] [--styles search,short]
    python -m suite.tiny.search_evidence teacher      # the same statistics for the training traces themselves

One process, one thread; outputs under evidence/tiny/search/ (JSON per run, markdown tables, PNG plots). Runs already
on disk are reused (delete the JSON to redo one).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from dataclasses import replace
from pathlib import Path

from suite.atomic import write_json_atomic, write_text_atomic
from suite.metrics import names as M
from suite.tiny import task
from suite.tiny.evidence import OUT as TINY_OUT
from suite.tiny.evidence import acc_se, keep_checkpoint, plot_grid, run_cached
from suite.tiny.model import load_checkpoint
from suite.tiny.sft import prompt_ids, sample_rows, set_determinism
from suite.tiny.sft_config import SEARCH_SFT, SFTConfig

OUT = TINY_OUT / "search"
SAMPLING = dict(temperature=0.7, top_p=0.95)  # the paper's evaluation protocol (PAPER.md §4)
BUDGETS = (16, 24, 32, 40, 48, 64, 80, 96, 128)


def parse_search(text: str, problem: task.Problem) -> dict:
    """What a `search` response did: its guesses, whether it gave up, whether a wrong answer was 'verified' (a false
    `V`), and how many guesses were outside the interval the true comparisons of earlier guesses leave open."""
    w = text.split()
    guesses = [int(w[i + 1]) for i in range(len(w) - 1) if w[i] == "try" and w[i + 1].isdigit()]
    x = int(problem.answer)
    lo, hi, wasted = 0, 9, 0
    for g in guesses:
        wasted += not lo <= g <= hi
        if g < x:
            lo = max(lo, g + 1)
        elif g > x:
            hi = min(hi, g - 1)
    return {"tries": len(guesses), "gave_up": task.GIVE_UP in w, "false_verified": "V" in w and not task.verify(
        problem, text), "wasted_guesses": wasted, "repeated_guesses": len(guesses) - len(set(guesses))}


def _sample(model, tok, rows: list[list[int]], seeds: list[int], max_new_tokens: int,
            banned: list[int] = ()) -> list[tuple[list[int], bool]]:
    return sample_rows(model, tok, rows, seeds, max_new_tokens=max_new_tokens, banned_ids=banned, **SAMPLING)


def budget_forced(model, tok, problems: list[task.Problem], seeds: list[int],
                  budget: int) -> list[tuple[list[int], str, bool]]:
    """Budget forcing (as in s1, Muennighoff et al. 2025): let the policy think for at most `budget` tokens; a response
    that has not ended by then gets `so answer \\boxed{` appended and must answer (3 more tokens). Returns (response
    token ids, text, correct) per sample."""
    first = _sample(model, tok, [prompt_ids(tok, p) for p in problems], seeds, budget)
    forced = [tok.token_to_id[w] for w in (task.GIVE_UP, "answer", "\\boxed{")]
    todo = [i for i, (_, fin) in enumerate(first) if not fin]
    rows = [prompt_ids(tok, problems[i]) + first[i][0] + forced for i in todo]
    tails = dict(zip(todo, _sample(model, tok, rows, [seeds[i] + 1 for i in todo], 3))) if todo else {}
    out = []
    for i, p in enumerate(problems):
        ids = first[i][0] + (forced + tails[i][0] if i in tails else [])
        text = tok.decode(ids)
        out.append((ids, text, task.verify(p, text)))
    return out


def _by(records: list[dict], key) -> dict[int, list]:
    groups: dict[int, list] = {}
    for r in records:
        groups.setdefault(key(r), []).append(r["correct"])
    return {k: [sum(v) / len(v), len(v)] for k, v in sorted(groups.items())}


def length_curve(ckpt: Path, n_problems: int = 128, samples: int = 8, max_new_tokens: int = 160,
                 out_name: str = "length_curve") -> dict:
    """Accuracy of a `search` SFT policy on held-out `solve` problems: by number of tries and by length (across
    samples), under budget forcing (per budget), and with giving up banned (same seeds)."""
    set_determinism()
    model, tok, _ = load_checkpoint(ckpt)
    probs = task.make_split("solve", "heldout", n_problems, seed=777)
    reps = [p for p in probs for _ in range(samples)]
    seeds = [4242 * 1_000_003 + i for i in range(len(reps))]

    def records(banned_words=()) -> list[dict]:
        outs = _sample(model, tok, [prompt_ids(tok, p) for p in reps], seeds, max_new_tokens,
                       [tok.token_to_id[w] for w in banned_words])
        recs = []
        for p, (ids, fin) in zip(reps, outs):
            text = tok.decode(ids)
            recs.append({"text": text, "length": len(ids), "finished": fin, "correct": task.verify(p, text),
                         **parse_search(text, p)})
        return recs

    def summary(recs: list[dict]) -> dict:
        acc, se = acc_se([r["correct"] for r in recs])
        n = len(recs)
        return {"accuracy": acc, "se": se, "mean_length": sum(r["length"] for r in recs) / n,
                "mean_tries": sum(r["tries"] for r in recs) / n, "gave_up": sum(r["gave_up"] for r in recs) / n,
                "false_verified": sum(r["false_verified"] for r in recs) / n,
                "finished": sum(r["finished"] for r in recs) / n,
                "wasted_guesses_per_try": sum(r["wasted_guesses"] for r in recs) / max(1, sum(r["tries"] for r in recs)),
                "repeated_guesses_per_try": sum(r["repeated_guesses"] for r in recs) / max(1, sum(r["tries"]
                                                                                              for r in recs))}

    recs = records()
    banned = records(banned_words=(task.GIVE_UP,))
    out = {
        "checkpoint": str(ckpt), "n_problems": n_problems, "samples_per_problem": samples,
        "max_new_tokens": max_new_tokens, **SAMPLING,
        "as_trained": summary(recs), "give_up_banned": summary(banned),
        "by_tries": _by(recs, lambda r: min(r["tries"], 6)),
        "by_length_bucket": _by(recs, lambda r: r["length"] // 16 * 16),
        "by_budget_forced": {b: acc_se([c for _, _, c in budget_forced(model, tok, reps, seeds, b)])[0] for b in BUDGETS},
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
    out["within_problem_multi_minus_single_try"] = {
        "mean": statistics.mean(diffs) if diffs else None,
        "se": statistics.stdev(diffs) / len(diffs) ** 0.5 if len(diffs) > 1 else None, "problems": len(diffs)}
    OUT.mkdir(parents=True, exist_ok=True)
    write_json_atomic(OUT / f"{out_name}.json", out)
    _plot_curves(out, OUT / f"{out_name}.png")
    print(json.dumps({k: v for k, v in out.items() if k != "examples"}, indent=1))
    return out


def teacher(n_samples: int = 4, cfg: SFTConfig = SEARCH_SFT) -> dict:
    """The training traces' own statistics (what a perfect imitator of the data would score)."""
    rng = random.Random("teacher")
    probs = task.make_split("solve", "heldout", 128, seed=777)
    recs = []
    for p in probs:
        for _ in range(n_samples):
            tr = task.trace(p, "search", rng, give_up_rate=cfg.give_up_rate)
            recs.append({"correct": task.verify(p, tr.text), "length": len(tr.words) + 1, **parse_search(tr.text, p)})
    out = {"give_up_rate": cfg.give_up_rate, "accuracy": sum(r["correct"] for r in recs) / len(recs),
           "mean_length": sum(r["length"] for r in recs) / len(recs),
           "by_tries": _by(recs, lambda r: min(r["tries"], 6))}
    OUT.mkdir(parents=True, exist_ok=True)
    write_json_atomic(OUT / "teacher.json", out)
    print(json.dumps(out, indent=1))
    return out


def _plot_curves(out: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    panels = [(out["by_tries"], "tries in the response (6 = 6+)"),
              (out["by_length_bucket"], "response length bucket (tokens, width 16)")]
    for ax, (d, label) in zip(axes, panels):
        ks = [int(k) for k in d]
        ax.plot(ks, [v[0] for v in d.values()], marker="o")
        for k, v in zip(ks, d.values()):
            ax.annotate(str(v[1]), (k, v[0]), fontsize=7, textcoords="offset points", xytext=(0, 4))
        ax.set_xlabel(label)
    bs = [int(k) for k in out["by_budget_forced"]]
    axes[2].plot(bs, list(out["by_budget_forced"].values()), marker="o", label="forced to answer at budget")
    axes[2].axhline(out["give_up_banned"]["accuracy"], ls="--", color="gray", label="giving up banned")
    axes[2].axhline(out["as_trained"]["accuracy"], ls=":", color="black", label="as trained")
    axes[2].set_xlabel("thinking budget (tokens)")
    axes[2].legend(fontsize=7)
    for ax in axes:
        ax.set_ylabel("held-out solve accuracy")
    fig.suptitle("search SFT policy (T=0.7, top-p 0.95); numbers = samples per point")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def grid(sizes: list[int], seeds: list[int], styles: list[str], base: SFTConfig = SEARCH_SFT) -> None:
    """SFT style x data size x seed on `solve` with the search recipe's steps; one table and plot."""
    rows = []
    for style in styles:
        for n in sizes:
            cfg = replace(base, style=style, n_train=n)
            res = [run_cached(cfg, s, f"grid_{style}_{n}_s{s}", root=OUT) for s in seeds]
            acc = [r["scalars"][M.HELDOUT_ACCURACY] for r in res]
            rows.append((style, n, acc, [r["timing"][M.WALL_TIME] for r in res],
                         [r["scalars"][M.MEAN_LENGTH_FINAL] for r in res]))
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
    write_text_atomic(OUT / "sft_grid.md", table)
    print(table)
    plot_grid([(s, n, a, None, w, ln) for s, n, a, w, ln in rows], OUT / "sft_grid.png",
               xlabel="SFT training problems (solve)", title=f"tiny SFT on solve: style x data size ({base.steps} steps)")


def checkpoint(seed: int = 0) -> None:
    """Train SEARCH_SFT once and keep its checkpoint at evidence/tiny/search/sft_search."""
    keep_checkpoint(SEARCH_SFT, seed, "sft_search", OUT / "sft_search", root=OUT)


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m suite.tiny.search_evidence")
    ap.add_argument("what", choices=["checkpoint", "lengthcurve", "grid", "teacher"])
    ap.add_argument("--ckpt", default=str(OUT / "sft_search"))
    ap.add_argument("--sizes", default="125,250,500")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--styles", default="search,short")
    a = ap.parse_args()
    if a.what == "checkpoint":
        checkpoint()
    elif a.what == "lengthcurve":
        length_curve(Path(a.ckpt))
    elif a.what == "teacher":
        teacher()
    else:
        grid([int(x) for x in a.sizes.split(",")], [int(x) for x in a.seeds.split(",")], a.styles.split(","))


if __name__ == "__main__":
    main()
