"""Evidence runs for the tiny world (issue #5): SFT grid, accuracy vs trace length, determinism.

    python -m suite.tiny.evidence grid [--steps 800] [--sizes 500,1000,2000] [--seeds 0,1,2] [--styles short,long]
    python -m suite.tiny.evidence checkpoint        # the long-CoT SFT checkpoint for RL -> evidence/tiny/sft_long
    python -m suite.tiny.evidence lengthcurve       # accuracy vs length / vs `wait` count of that checkpoint
    python -m suite.tiny.evidence determinism
    python -m suite.tiny.evidence table             # one table + plot over all grid runs on disk
    python -m suite.tiny.evidence equalsteps        # short/constructed controls for the RL checkpoint's recipe

One process, one thread; outputs go to evidence/tiny/ (JSON per run, a markdown table, PNG plots). Runs already on
disk are reused (delete the JSON to redo one).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import asdict, replace
from pathlib import Path

import torch

from suite.atomic import write_json_atomic, write_text_atomic
from suite.metrics import names as M
from suite.tiny import task
from suite.tiny.model import load_checkpoint
from suite.tiny.sft import SFTConfig, sample_responses, set_determinism, train_sft

OUT = Path(__file__).resolve().parents[2] / "evidence" / "tiny"


def _run(cfg: SFTConfig, seed: int, name: str, keep_records: bool = False) -> dict:
    path = OUT / "runs" / f"{name}.json"
    if path.exists():
        return json.loads(path.read_text())
    t = time.time()
    res = train_sft(cfg, seed, OUT / "work" / name)
    res = {"config": asdict(cfg), "seed": seed, "scalars": res["scalars"], "curves": res["curves"],
           "timing": res["timing"], **({"records": res["records"]} if keep_records else {})}
    write_json_atomic(path, res)
    print(f"{name}: heldout={res['scalars'][M.HELDOUT_ACCURACY]:.3f} ood={res['scalars'][M.OOD_ACCURACY]:.3f} "
          f"wall={time.time() - t:.0f}s", flush=True)
    return res


def grid(steps: int, sizes: list[int], seeds: list[int], styles: list[str], *, table_only: bool = False) -> None:
    """Train (or reuse) every style x size x seed run; write one table and plot over all of them.

    With `table_only`, cells without runs on disk are skipped instead of trained."""
    rows = []
    for style in styles:
        for n in sizes:
            names = [f"grid_{style}_{n}_{steps}_s{s}" for s in seeds]
            if table_only and not all((OUT / "runs" / f"{nm}.json").exists() for nm in names):
                continue
            res = [_run(SFTConfig(style=style, n_train=n, steps=steps), s, nm) for s, nm in zip(seeds, names)]
            acc = [r["scalars"][M.HELDOUT_ACCURACY] for r in res]
            ood = [r["scalars"][M.OOD_ACCURACY] for r in res]
            wall = [r["timing"][M.WALL_TIME] for r in res]
            length = [r["scalars"][M.MEAN_LENGTH_FINAL] for r in res]
            rows.append((style, n, acc, ood, wall, length))
    lines = [f"SFT on `chain` ({steps} steps, batch 32, 0.1M params; held-out = 128 chain problems, OOD = 128 mixchain;"
             " sampled at T=0.7, top-p 0.95; seeds " + ",".join(map(str, seeds)) + ")", "",
             "| style | train problems | held-out acc (mean ± sd) | per seed | OOD acc | mean length | wall s/run |",
             "|---|---|---|---|---|---|---|"]
    for style, n, acc, ood, wall, length in rows:
        sd = statistics.stdev(acc) if len(acc) > 1 else 0.0
        lines.append(f"| {style} | {n} | {statistics.mean(acc):.3f} ± {sd:.3f} | {' / '.join(f'{a:.3f}' for a in acc)}"
                     f" | {statistics.mean(ood):.3f} | {statistics.mean(length):.1f} | {statistics.mean(wall):.0f} |")
    table = "\n".join(lines) + "\n"
    write_text_atomic(OUT / f"sft_grid_{steps}.md", table)
    print(table)
    _plot_grid(rows, steps)


def _plot_grid(rows, steps: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.5))
    for style in dict.fromkeys(r[0] for r in rows):
        rs = [r for r in rows if r[0] == style]
        xs = [r[1] for r in rs]
        ax.errorbar(xs, [statistics.mean(r[2]) for r in rs],
                    yerr=[statistics.stdev(r[2]) if len(r[2]) > 1 else 0 for r in rs], marker="o", label=style,
                    capsize=3)
    ax.set_xscale("log")
    ax.set_xlabel("SFT training problems (chain)")
    ax.set_ylabel("held-out accuracy")
    ax.set_title(f"tiny SFT: style x data size ({steps} steps)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(OUT / f"sft_grid_{steps}.png", dpi=120)


RL_CKPT_CONFIG = SFTConfig(families=("chain", "solve"), style="long", n_train=2000, steps=1500)


def checkpoint() -> None:
    """Train the long-CoT SFT model the RL engineer starts from and copy its checkpoint to evidence/tiny/sft_long."""
    import shutil

    res = _run(RL_CKPT_CONFIG, 0, "sft_long_chain_solve", keep_records=True)
    dst = OUT / "sft_long"
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(OUT / "work" / "sft_long_chain_solve" / "checkpoint", dst)
    print(json.dumps(res["scalars"], indent=1))


def equal_steps() -> None:
    """Short CoT with the RL checkpoint's data and steps (chain + solve, 1,500 steps, seed 0): equal-steps control."""
    for style in ("short", "constructed"):
        _run(replace(RL_CKPT_CONFIG, style=style), 0, f"equalsteps_{style}_chain_solve")


def length_curve(ckpt: Path, n_problems: int = 256, samples: int = 4, max_new_tokens: int = 192) -> None:
    """Accuracy of the SFT policy bucketed by response length and by number of `wait`s; plus two interventions:
    banning `wait` (no retry after a failed check) and cutting the generation budget."""
    set_determinism()
    model, tok, _ = load_checkpoint(ckpt)
    out: dict = {}
    for fam in ("chain", "solve", "mixchain"):
        probs = task.make_split(fam, "heldout", min(n_problems, 100 if fam == "solve" else n_problems), seed=777)
        reps = [p for p in probs for _ in range(samples)]
        kw = dict(temperature=0.7, top_p=0.95, max_new_tokens=max_new_tokens, seed=4242)
        recs = sample_responses(model, tok, reps, **kw)
        # reuse the same seeds with `wait` banned: same sampling noise, retries impossible
        banned = sample_responses(model, tok, reps, banned_words=("wait",), **kw)
        by_len: dict[int, list[bool]] = {}
        for r in recs:
            by_len.setdefault(r["length"] // 16 * 16, []).append(r["correct"])
        by_wait: dict[int, list[bool]] = {}
        for r in recs:
            by_wait.setdefault(min(r["wait"], 3), []).append(r["correct"])
        budgets = {}
        for b in (24, 48, 72, 96, 128, 160, 192):  # accuracy if the response had to end within b tokens
            budgets[b] = sum(r["correct"] and r["length"] <= b for r in recs) / len(recs)
        out[fam] = {
            "n": len(recs),
            "accuracy": sum(r["correct"] for r in recs) / len(recs),
            "accuracy_wait_banned": sum(r["correct"] for r in banned) / len(banned),
            "mean_length": sum(r["length"] for r in recs) / len(recs),
            "mean_length_wait_banned": sum(r["length"] for r in banned) / len(banned),
            "by_length_bucket": {k: [sum(v) / len(v), len(v)] for k, v in sorted(by_len.items())},
            "by_wait_count": {k: [sum(v) / len(v), len(v)] for k, v in sorted(by_wait.items())},
            "by_budget": budgets,
            "examples": [r["text"] for r in recs[:6]],
        }
    write_json_atomic(OUT / "length_curve.json", out)
    print(json.dumps({f: {k: v for k, v in d.items() if k != "examples"} for f, d in out.items()}, indent=1))
    _plot_length(out)


def _plot_length(out: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for fam, d in out.items():
        ks = [int(k) for k in d["by_length_bucket"]]
        axes[0].plot(ks, [v[0] for v in d["by_length_bucket"].values()], marker="o", label=fam)
        ws = [int(k) for k in d["by_wait_count"]]
        axes[1].plot(ws, [v[0] for v in d["by_wait_count"].values()], marker="o", label=fam)
        bs = [int(k) for k in d["by_budget"]]
        axes[2].plot(bs, list(d["by_budget"].values()), marker="o", label=fam)
    axes[0].set_xlabel("response length bucket (tokens, width 16)")
    axes[1].set_xlabel("number of `wait` in the response (3 = 3+)")
    axes[2].set_xlabel("generation budget (tokens)")
    for ax in axes:
        ax.set_ylabel("accuracy")
        ax.legend()
    fig.suptitle("long-CoT SFT policy (T=0.7, top-p 0.95)")
    fig.tight_layout()
    fig.savefig(OUT / "length_curve.png", dpi=120)


def determinism() -> None:
    cfg = SFTConfig(steps=60, n_train=200, eval_every=30, eval_n=32)
    a = train_sft(cfg, 3, OUT / "work" / "det_a")
    b = train_sft(cfg, 3, OUT / "work" / "det_b")
    same = a["scalars"] == b["scalars"] and a["curves"] == b["curves"]
    weights_same = all(torch.equal(x, y) for x, y in zip(
        torch.load(OUT / "work" / "det_a" / "checkpoint" / "model.pt").values(),
        torch.load(OUT / "work" / "det_b" / "checkpoint" / "model.pt").values()))
    res = {"config": asdict(cfg), "seed": 3, "metrics_identical": same, "weights_identical": weights_same,
           "scalars_a": a["scalars"], "scalars_b": b["scalars"], "wall_s": [a["timing"][M.WALL_TIME],
                                                                             b["timing"][M.WALL_TIME]]}
    write_json_atomic(OUT / "determinism.json", res)
    print(json.dumps(res, indent=1))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["grid", "table", "checkpoint", "lengthcurve", "determinism", "equalsteps"])
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--sizes", default="500,1000,2000")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--styles", default="short,long,constructed")
    ap.add_argument("--ckpt", default=str(OUT / "sft_long"))
    a = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if a.what in ("grid", "table"):
        grid(a.steps, [int(x) for x in a.sizes.split(",")], [int(x) for x in a.seeds.split(",")],
             a.styles.split(","), table_only=a.what == "table")
    elif a.what == "equalsteps":
        equal_steps()
    elif a.what == "checkpoint":
        checkpoint()
    elif a.what == "lengthcurve":
        length_curve(Path(a.ckpt))
    else:
        determinism()


if __name__ == "__main__":
    main()
