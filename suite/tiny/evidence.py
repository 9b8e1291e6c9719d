"""Evidence runs for the tiny world (issue #5): SFT grid, accuracy vs trace length, determinism.

    python -m suite.tiny.evidence grid [--steps 800] [--sizes 500,1000,2000] [--seeds 0,1,2] [--styles short,long]
    python -m suite.tiny.evidence checkpoint        # the long-CoT SFT checkpoint for RL -> evidence/tiny/sft_long
    python -m suite.tiny.evidence lengthcurve       # accuracy vs length / vs `wait` count of that checkpoint
    python -m suite.tiny.evidence determinism
    python -m suite.tiny.evidence table             # one table + plot over all grid runs on disk
    python -m suite.tiny.evidence equalsteps        # short/constructed controls for the RL checkpoint's recipe
    python -m suite.tiny.evidence indep --seeds 0 --steps 1500   # independent-route verification (long_indep)

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


def run_cached(cfg: SFTConfig, seed: int, name: str, keep_records: bool = False, root: Path = OUT) -> dict:
    path = root / "runs" / f"{name}.json"
    if path.exists():
        return json.loads(path.read_text())
    t = time.time()
    res = train_sft(cfg, seed, root / "work" / name)
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
            res = [run_cached(SFTConfig(style=style, n_train=n, steps=steps), s, nm) for s, nm in zip(seeds, names)]
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
    plot_grid(rows, OUT / f"sft_grid_{steps}.png", xlabel="SFT training problems (chain)",
               title=f"tiny SFT: style x data size ({steps} steps)")


def plot_grid(rows, path: Path, *, xlabel: str, title: str) -> None:
    """Held-out accuracy (mean ± sd over seeds) against data size, one line per style; rows are
    (style, size, accuracies, ...)."""
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
    ax.set_xlabel(xlabel)
    ax.set_ylabel("held-out accuracy")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


RL_CKPT_CONFIG = SFTConfig(families=("chain", "solve"), style="long", n_train=2000, steps=1500)


def keep_checkpoint(cfg: SFTConfig, seed: int, name: str, dst: Path, root: Path = OUT) -> dict:
    """Train (or reuse) one SFT run and copy its checkpoint to `dst` (replacing what was there)."""
    import shutil

    res = run_cached(cfg, seed, name, keep_records=True, root=root)
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(root / "work" / name / "checkpoint", dst)
    print(json.dumps(res["scalars"], indent=1))
    return res


def checkpoint() -> None:
    """Train the long-CoT SFT model the RL engineer starts from and copy its checkpoint to evidence/tiny/sft_long."""
    keep_checkpoint(RL_CKPT_CONFIG, 0, "sft_long_chain_solve", OUT / "sft_long")


def equal_steps() -> None:
    """Short CoT with the RL checkpoint's data and steps (chain + solve, 1,500 steps, seed 0): equal-steps control."""
    for style in ("short", "constructed"):
        run_cached(replace(RL_CKPT_CONFIG, style=style), 0, f"equalsteps_{style}_chain_solve")


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


# --- Attempt: independent-route verification (`long_indep`) ----------------------------------------------------------

INDEP_OUT = OUT / "indep"
INDEP_CONFIG = SFTConfig(families=("chain",), ood_families=(), style="long_indep", n_train=2000, steps=1500,
                         eval_every=10**9, eval_max_new_tokens=192)


def _passes(text: str) -> list[int]:
    """The `so v` values of the passes in a decoded response, in order."""
    w = text.split()
    return [int(w[i + 1]) for i in range(len(w) - 1) if w[i] == "so" and w[i + 1].isdigit()]


def acc_se(xs: list[bool]) -> tuple[float, float]:
    n = len(xs)
    p = sum(xs) / n
    return p, (p * (1 - p) / n) ** 0.5


def indep_analysis(ckpt: Path, n_problems: int = 256, samples: int = 2, max_new_tokens: int = 192) -> dict:
    """Held-out `chain` accuracy of one checkpoint under interventions on identical per-sample seeds: as trained,
    `wait` banned (no retry after a failed check), `check` and `wait` banned (no verification at all); the accuracy
    a budget of b tokens would allow; accuracy by length bucket, by `wait` count, and per pass (route) in the
    as-trained samples."""
    set_determinism()
    model, tok, _ = load_checkpoint(ckpt)
    probs = task.make_split("chain", "heldout", n_problems, seed=777)
    reps = [p for p in probs for _ in range(samples)]
    kw = dict(temperature=0.7, top_p=0.95, max_new_tokens=max_new_tokens, seed=4242)
    conds = {"as_trained": (), "wait_banned": ("wait",), "check_and_wait_banned": ("check", "wait")}
    recs, secs = {}, {}
    for name, banned in conds.items():
        t = time.time()
        recs[name] = sample_responses(model, tok, reps, banned_words=banned, **kw)
        secs[name] = time.time() - t
    base = recs["as_trained"]
    out: dict = {"checkpoint": str(ckpt), "n": len(base), "problems": n_problems, "samples_per_problem": samples,
                 "max_new_tokens": max_new_tokens, "sampling_s": secs, "conditions": {}}
    for name, rs in recs.items():
        acc, se = acc_se([r["correct"] for r in rs])
        d = [int(a["correct"]) - int(b["correct"]) for a, b in zip(base, rs)]
        md = sum(d) / len(d)
        sd = (sum((x - md) ** 2 for x in d) / max(len(d) - 1, 1)) ** 0.5
        out["conditions"][name] = {
            "accuracy": acc, "se": se, "mean_length": sum(r["length"] for r in rs) / len(rs),
            "finished": sum(r["finished"] for r in rs) / len(rs),
            "wait_rate": sum(r["wait"] > 0 for r in rs) / len(rs),
            "as_trained_minus_this": md, "paired_se": sd / len(d) ** 0.5,
        }
    by_len: dict[int, list[bool]] = {}
    by_wait: dict[int, list[bool]] = {}
    for r in base:
        by_len.setdefault(r["length"] // 16 * 16, []).append(r["correct"])
        by_wait.setdefault(min(r["wait"], 3), []).append(r["correct"])
    out["by_length_bucket"] = {k: [sum(v) / len(v), len(v)] for k, v in sorted(by_len.items())}
    out["by_wait_count"] = {k: [sum(v) / len(v), len(v)] for k, v in sorted(by_wait.items())}
    out["by_budget"] = {b: sum(r["correct"] and r["length"] <= b for r in base) / len(base)
                        for b in (24, 48, 72, 96, 128, 160, 192)}
    # per pass: is the first pass right, is the check pass right, do wrong passes agree (an uncaught error)?
    first_ok, second_ok, both_wrong_agree, n2 = 0, 0, 0, 0
    with_retry = [r for r in base if r["wait"] > 0]
    for p, r in zip(reps, base):
        vs = _passes(r["text"])
        ans = int(p.answer)
        if vs:
            first_ok += vs[0] == ans
        if len(vs) >= 2:
            n2 += 1
            second_ok += vs[1] == ans
            both_wrong_agree += vs[0] == vs[1] != ans
    out["passes"] = {
        "first_pass_correct": first_ok / len(base), "responses_with_a_check_pass": n2 / len(base),
        "check_pass_correct_given_present": second_ok / max(n2, 1),
        "first_two_passes_wrong_but_agree": both_wrong_agree / max(n2, 1),
        "retried_share": len(with_retry) / len(base),
        "accuracy_given_retry": sum(r["correct"] for r in with_retry) / max(len(with_retry), 1),
        "first_pass_correct_given_retry": sum(_passes(r["text"])[:1] == [int(p.answer)]
                                              for p, r in zip(reps, base) if r["wait"] > 0) / max(len(with_retry), 1),
    }
    # all thinking after the first pass, causally: with counter-based per-sample seeds the first pass is the same
    # whatever follows, so "answer the first pass's value" is the no-verification counterfactual of each sample
    d = [int(r["correct"]) - int(_passes(r["text"])[:1] == [int(p.answer)]) for p, r in zip(reps, base)]
    md = sum(d) / len(d)
    out["passes"]["final_minus_first_pass"] = md
    out["passes"]["final_minus_first_pass_paired_se"] = (
        sum((x - md) ** 2 for x in d) / max(len(d) - 1, 1) / len(d)) ** 0.5
    out["copying"] = _copy_diagnostic([r["text"] for r in base])
    out["examples"] = [r["text"] for r in base[:8]]
    return out


def _pass_steps(text: str) -> list[tuple[list[tuple[int, str, int, int]], int]]:
    """The passes of a decoded response: ([(a, op, n, c), ...], v) per `... , so v`."""
    w, passes, steps, i = text.split(), [], [], 0
    while i < len(w):
        if w[i] == "so" and i + 1 < len(w) and w[i + 1].isdigit():
            passes.append((steps, int(w[i + 1])))
            steps, i = [], i + 2
        elif (i + 4 < len(w) and w[i + 1] in ("+", "-") and w[i + 3] == "=" and w[i].isdigit() and w[i + 2].isdigit()
              and w[i + 4].isdigit()):
            steps.append((int(w[i]), w[i + 1], int(w[i + 2]), int(w[i + 4])))
            i += 5
        else:
            i += 1
    return passes


def _copy_diagnostic(texts: list[str]) -> dict:
    """Does the check pass compute its last step, or copy the value the first pass ended on? Counts last steps of
    the first and of the second pass whose arithmetic is wrong, and how many of the wrong second-pass last steps
    write exactly the first pass's value (the result was copied, the arithmetic bent to fit)."""
    n = wrong1 = wrong2 = wrong2_copy = 0
    for t in texts:
        ps = _pass_steps(t)
        if len(ps) < 2 or not ps[0][0] or not ps[1][0]:
            continue
        n += 1
        a, op, b, c = ps[0][0][-1]
        wrong1 += (a + b if op == "+" else a - b) != c
        a, op, b, c = ps[1][0][-1]
        if (a + b if op == "+" else a - b) != c:
            wrong2 += 1
            wrong2_copy += c == ps[0][1]
    return {"responses": n, "first_pass_last_step_wrong": wrong1 / max(n, 1),
            "check_pass_last_step_wrong": wrong2 / max(n, 1),
            "check_pass_last_step_wrong_and_equal_to_first_pass_value": wrong2_copy / max(n, 1)}


def indep(seeds: list[int], steps: int, n_layer: int = 2, n_embd: int = 64, slip_rate: float = 0.3,
          styles: tuple[str, ...] = ("long_indep", "short")) -> None:
    """Train `long_indep` and `short` on `chain` at equal steps (per seed) and analyse both; JSON under
    evidence/tiny/indep/."""
    INDEP_OUT.mkdir(parents=True, exist_ok=True)
    tag = "" if (n_layer, n_embd) == (2, 64) else f"_L{n_layer}d{n_embd}"
    tag += "" if slip_rate == 0.3 else f"_slip{slip_rate:g}"
    for seed in seeds:
        for style in styles:
            name = f"indep_{style}_{steps}{tag}_s{seed}"
            path = INDEP_OUT / f"{name}.json"
            if path.exists():
                continue
            cfg = replace(INDEP_CONFIG, style=style, steps=steps, n_layer=n_layer, n_embd=n_embd, slip_rate=slip_rate)
            t = time.time()
            res = run_cached(cfg, seed, name, root=INDEP_OUT)
            train_wall = time.time() - t
            t = time.time()
            ana = indep_analysis(INDEP_OUT / "work" / name / "checkpoint")
            ana.update({"config": asdict(cfg), "seed": seed, "train_scalars": res["scalars"],
                        "train_timing": res["timing"], "analysis_wall_s": time.time() - t,
                        "train_wall_s_this_call": train_wall})
            write_json_atomic(path, ana)
            c = ana["conditions"]
            wb = c["wait_banned"]
            print(f"{name}: acc={c['as_trained']['accuracy']:.3f}±{c['as_trained']['se']:.3f} "
                  f"wait_banned={wb['accuracy']:.3f} (diff {wb['as_trained_minus_this']:+.3f}"
                  f"±{wb['paired_se']:.3f}) check_banned={c['check_and_wait_banned']['accuracy']:.3f} "
                  f"len={c['as_trained']['mean_length']:.1f} passes={ana['passes']} "
                  f"train_wall={res['timing'][M.WALL_TIME]:.0f}s analysis={ana['analysis_wall_s']:.0f}s", flush=True)


def indep_report() -> None:
    """One markdown table and one plot over every evidence/tiny/indep/*.json (no compute)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = {p.stem: json.loads(p.read_text()) for p in sorted(INDEP_OUT.glob("indep_*.json"))}
    lines = ["| run | params | acc ± SE | `wait` banned | as trained − banned (paired SE) | `check`+`wait` banned |"
             " first pass correct | check pass correct | first two passes wrong but agree | retried share |"
             " final − first pass (paired SE) | mean length | train wall s |", "|" + "---|" * 13]
    for name, r in runs.items():
        c, ps = r["conditions"], r["passes"]
        cfg = r["config"]
        head = (f"| {name} | L{cfg['n_layer']}/d{cfg['n_embd']} | {c['as_trained']['accuracy']:.3f}"
                f" ± {c['as_trained']['se']:.3f}")
        tail = f" | {c['as_trained']['mean_length']:.1f} | {r['train_timing'][M.WALL_TIME]:.0f} |"
        if cfg["style"] != "long_indep":
            lines.append(head + " | –" * 8 + tail)
            continue
        wb = c["wait_banned"]
        lines.append(
            head + f" | {wb['accuracy']:.3f} | {wb['as_trained_minus_this']:+.3f} ({wb['paired_se']:.3f})"
            f" | {c['check_and_wait_banned']['accuracy']:.3f}"
            f" | {ps['first_pass_correct']:.3f} | {ps['check_pass_correct_given_present']:.3f}"
            f" | {ps['first_two_passes_wrong_but_agree']:.3f} | {ps['retried_share']:.3f}"
            f" | {ps.get('final_minus_first_pass', float('nan')):+.3f}"
            f" ({ps.get('final_minus_first_pass_paired_se', float('nan')):.3f})" + tail)
    lines += ["", "Length buckets / `wait` counts / budgets (long_indep runs; accuracy (n)):", ""]
    for name, r in runs.items():
        if r["config"]["style"] != "long_indep":
            continue
        lines.append(f"- {name}: by length " + ", ".join(f"{k}: {v[0]:.3f} ({v[1]})" for k, v in
                                                        r["by_length_bucket"].items()))
        lines.append("  by `wait` " + ", ".join(f"{k}: {v[0]:.3f} ({v[1]})" for k, v in r["by_wait_count"].items()))
        lines.append("  by budget " + ", ".join(f"{k}: {v:.3f}" for k, v in r["by_budget"].items()))
        if "copying" in r:
            lines.append("  copying " + json.dumps({k: round(v, 3) for k, v in r["copying"].items()}))
    table = "\n".join(lines) + "\n"
    write_text_atomic(INDEP_OUT / "indep_table.md", table)
    print(table)
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for name, r in runs.items():
        if r["config"]["style"] != "long_indep":
            continue
        lab = name.replace("indep_long_indep_", "")
        d = r["by_length_bucket"]
        axes[0].plot([int(k) for k in d], [v[0] for v in d.values()], marker="o", label=lab)
        d = r["by_wait_count"]
        axes[1].plot([int(k) for k in d], [v[0] for v in d.values()], marker="o", label=lab)
        d = r["by_budget"]
        axes[2].plot([int(k) for k in d], list(d.values()), marker="o", label=lab)
        c = r["conditions"]
        col = axes[2].lines[-1].get_color()
        axes[2].axhline(c["wait_banned"]["accuracy"], ls="--", lw=0.8, color=col)
        axes[2].axhline(r["passes"]["first_pass_correct"], ls=":", lw=1.2, color=col)
    axes[0].set_xlabel("response length bucket (tokens, width 16)")
    axes[1].set_xlabel("number of `wait` (3 = 3+)")
    axes[2].set_xlabel("budget (tokens); dashed: `wait` banned; dotted: answer pass 1")
    for ax in axes:
        ax.set_ylabel("chain held-out accuracy")
        ax.legend(fontsize=7)
    fig.suptitle("long_indep SFT policies (independent-route verification), T=0.7, top-p 0.95")
    fig.tight_layout()
    fig.savefig(INDEP_OUT / "indep_curves.png", dpi=120)


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
    ap.add_argument("what", choices=["grid", "table", "checkpoint", "lengthcurve", "determinism", "equalsteps",
                                     "indep", "indep-report"])
    ap.add_argument("--n-layer", type=int, default=2)
    ap.add_argument("--n-embd", type=int, default=64)
    ap.add_argument("--slip-rate", type=float, default=0.3)
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--sizes", default="500,1000,2000")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--styles", default=None, help="grid: short,long,constructed; indep: long_indep,short")
    ap.add_argument("--ckpt", default=str(OUT / "sft_long"))
    a = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if a.what in ("grid", "table"):
        grid(a.steps, [int(x) for x in a.sizes.split(",")], [int(x) for x in a.seeds.split(",")],
             (a.styles or "short,long,constructed").split(","), table_only=a.what == "table")
    elif a.what == "equalsteps":
        equal_steps()
    elif a.what == "checkpoint":
        checkpoint()
    elif a.what == "indep-report":
        indep_report()
    elif a.what == "indep":
        indep([int(x) for x in a.seeds.split(",")], a.steps, a.n_layer, a.n_embd, a.slip_rate,
              tuple((a.styles or "long_indep,short").split(",")))
    elif a.what == "lengthcurve":
        length_curve(Path(a.ckpt))
    else:
        determinism()


if __name__ == "__main__":
    main()
