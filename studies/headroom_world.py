"""Study: does the headroom world leave room for the paper's Section 4 phenomena? Its properties, measured on the SFT
policy before any RL, over several seeds.

The headroom world (docs/tiny_world.md, "The headroom world") is the `seek` family searched by the `search` trace
style with slips, rechecks and give-ups (`HEADROOM_SFT`). Each property the Section 4 findings need is measured on
held-out problems, per SFT seed, with the number of samples behind it:

- length can grow until the limit binds: with giving up banned and no limit, the share of samples that would reach
  the exceed point of the default generation limit (160 tokens; exceed at >= 144);
- accuracy rises with the number of tries: across samples as trained, and causally under budget forcing by tries
  (giving up banned, forced to answer after k tries' worth of tokens);
- headroom both ways: held-out accuracy as trained, with a problem-clustered standard error;
- a legitimate behaviour that can be hacked: how often the policy rechecks a try and how often a recheck catches a
  false success;
- out of domain: accuracy on `seekswap` (the same equations, terms swapped).

    python -m studies.headroom_world properties --out evidence/tiny/headroom [--seeds 0,1,2] [--jobs 2] [--set F=V]
    python -m studies.headroom_world teacher    --out evidence/tiny/headroom
    python -m studies.headroom_world ood        --out evidence/tiny/headroom [--seeds 0,1,2] [--jobs 2]

`ood`: does the out-of-domain family respond to what SFT sees? `HEADROOM_SFT` against the same recipe plus `solve`
(another in-domain family, clean) and plus 30% web-like examples (`solve` and `chain` problems, one unfiltered
response of a random style each, 30% wrong: Takeaway 5.1's kind of data); held-out `seek` and `seekswap` accuracy.

Common options: `--runs DIR` (run directory the jobs are cached in, default runs/studies), `--jobs N`.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from dataclasses import replace
from pathlib import Path

from studies.runs import add_run_arguments, add_set_argument, main_guard, overrides_of, run_recipes, seeds_arg
from suite.atomic import write_json_atomic, write_text_atomic
from suite.determinism import configure_torch
from suite.errors import UserError
from suite.metrics.accuracy import clustered_accuracy
from suite.tiny import task, traces
from suite.tiny.model import load_checkpoint
from suite.tiny.recipes import TinySFTRecipe
from suite.tiny.sampling import prompt_ids, sample_rows
from suite.tiny.sft_config import HEADROOM_SFT, SFTConfig

SAMPLING = dict(temperature=0.7, top_p=0.95)  # the paper's evaluation protocol (§2.5)
LIMIT = 160  # the default generation limit of the headroom world's RL recipes
EXCEED_AT = LIMIT - 16  # the paper's exceed rule: within 16 tokens of the limit (docs/tiny_rl.md)
UNBOUNDED = 360  # "no limit": the model's context (block 384) minus the longest prompt
TRY_TOKENS = 20  # `try g : g * a = p , p + b = r , r < t X alternatively,`
FORCE_AFTER_TRIES = tuple(range(1, 11))
SFT_ARM = "sft_headroom"


def _by(records: list[dict], key) -> dict[str, list]:
    groups: dict[int, list] = {}
    for r in records:
        groups.setdefault(key(r), []).append(r["correct"])
    return {str(k): [round(sum(v) / len(v), 4), len(v)] for k, v in sorted(groups.items())}


def measure(ckpt: Path, *, n_problems: int = 512, samples: int = 4, ood_problems: int = 512) -> dict:
    """Every property of the module docstring for one SFT checkpoint."""
    configure_torch()
    model, tok, _ = load_checkpoint(ckpt)
    probs = task.make_split("seek", "heldout", n_problems, seed=777)
    reps = [p for p in probs for _ in range(samples)]
    seeds = [4242 * 1_000_003 + i for i in range(len(reps))]
    rows = [prompt_ids(tok, p) for p in reps]

    def records(outs, problems) -> list[dict]:
        recs = []
        for p, (ids, fin) in zip(problems, outs):
            text = tok.decode(ids)
            recs.append({"length": len(ids), "finished": fin, "correct": task.verify(p, text), "range": p.difficulty,
                         **traces.parse_search(text, p)})
        return recs

    def summary(recs: list[dict]) -> dict:
        acc, se = clustered_accuracy([[float(r["correct"]) for r in recs[i * samples:(i + 1) * samples]]
                                      for i in range(n_problems)])
        n = len(recs)
        mean = lambda k: sum(float(r[k]) for r in recs) / n  # noqa: E731
        return {"accuracy": acc, "se_problem_clustered": se, "n_samples": n, "n_problems": n_problems,
                "mean_length": mean("length"), "mean_tries": mean("tries"), "gave_up": mean("gave_up"),
                "false_verified": mean("false_verified"), "finished": mean("finished"),
                "recheck_rate": sum(r["rechecks"] > 0 for r in recs) / n, "rechecks_per_response": mean("rechecks"),
                "caught_slips_per_response": mean("caught_slips"),
                "exceed_rate": sum(r["length"] >= EXCEED_AT for r in recs) / n}

    kw = dict(**SAMPLING)
    as_trained = records(sample_rows(model, tok, rows, seeds, max_new_tokens=LIMIT, **kw), reps)
    banned_ids = [tok.token_to_id[traces.GIVE_UP]]
    banned_raw = sample_rows(model, tok, rows, seeds, max_new_tokens=UNBOUNDED, banned_ids=banned_ids, **kw)
    banned = records(banned_raw, reps)
    # budget forcing by tries: the banned samples' first B tokens are exactly what a run limited to B tokens samples
    # (same per-sample seeds, same batches), so each budget only needs the forced answer's tail
    forced = [tok.token_to_id[w] for w in (traces.GIVE_UP, "answer", "\\boxed{")]
    by_budget = {}
    for k in FORCE_AFTER_TRIES:
        budget = k * TRY_TOKENS
        todo = [i for i, (ids, fin) in enumerate(banned_raw) if len(ids) > budget or not fin]
        tails = sample_rows(model, tok, [rows[i] + banned_raw[i][0][:budget] + forced for i in todo],
                            [seeds[i] + 1 for i in todo], max_new_tokens=3, **kw) if todo else []
        tail_of = dict(zip(todo, tails))
        correct = []
        for i, p in enumerate(reps):
            ids = banned_raw[i][0][:budget] + forced + tail_of[i][0] if i in tail_of else banned_raw[i][0]
            correct.append(float(task.verify(p, tok.decode(ids))))
        acc, se = clustered_accuracy([correct[i * samples:(i + 1) * samples] for i in range(n_problems)])
        n = len(correct)
        by_budget[str(k)] = {"budget_tokens": budget, "accuracy": acc, "se_problem_clustered": se, "n_samples": n,
                             "forced_share": len(todo) / len(reps)}
    ood_probs = task.make_split("seekswap", "heldout", ood_problems, seed=777)
    ood = records(sample_rows(model, tok, [prompt_ids(tok, p) for p in ood_probs],
                              [5151 * 1_000_003 + i for i in range(ood_problems)], max_new_tokens=LIMIT, **kw),
                  ood_probs)
    chance = statistics.mean(1 / p.difficulty for p in ood_probs)
    return {
        "checkpoint": str(ckpt), "limit": LIMIT, "exceed_at": EXCEED_AT, "unbounded": UNBOUNDED, **SAMPLING,
        "as_trained": summary(as_trained), "give_up_banned_unbounded": summary(banned),
        "would_exceed_if_never_giving_up": sum(r["length"] >= EXCEED_AT for r in banned) / len(banned),
        "by_tries_as_trained": _by(as_trained, lambda r: min(r["tries"], 9)),
        "by_range_as_trained": _by(as_trained, lambda r: r["range"]),
        "by_range_would_exceed": {str(R): round(statistics.mean(r["length"] >= EXCEED_AT for r in banned
                                                                if r["range"] == R), 4)
                                  for R in task.SEEK_RANGES if any(r["range"] == R for r in banned)},
        "budget_forced_by_tries": by_budget,
        "ood_seekswap": {"accuracy": sum(r["correct"] for r in ood) / len(ood), "n": len(ood),
                         "chance_uniform_guess": chance},
    }


def teacher(out: Path, cfg: SFTConfig = HEADROOM_SFT, n_problems: int = 512, samples: int = 4) -> dict:
    """The training traces' own statistics on the held-out problems (what a perfect imitator of the data scores)."""
    rng = random.Random("teacher")
    probs = task.make_split("seek", "heldout", n_problems, seed=777)
    recs = []
    for p in probs:
        for _ in range(samples):
            tr = traces.trace(p, cfg.style, rng, slip_rate=cfg.slip_rate, give_up_rate=cfg.give_up_rate,
                              recheck_rate=cfg.recheck_rate)
            recs.append({"correct": task.verify(p, tr.text), "length": len(tr.words) + 1,
                         **traces.parse_search(tr.text, p)})
    n = len(recs)
    result = {"slip_rate": cfg.slip_rate, "give_up_rate": cfg.give_up_rate, "recheck_rate": cfg.recheck_rate,
              "n": n, "accuracy": sum(r["correct"] for r in recs) / n,
              "mean_length": sum(r["length"] for r in recs) / n,
              "exceed_rate_at_limit": sum(r["length"] >= EXCEED_AT for r in recs) / n,
              "by_tries": _by(recs, lambda r: min(r["tries"], 9))}
    write_json_atomic(out / "teacher.json", result)
    print(json.dumps(result, indent=1))
    return result


def properties(out: Path, runs: Path, seeds: tuple[int, ...], jobs: int = 1,
               overrides: dict[str, str] | None = None) -> dict:
    """`overrides` (`--set`, e.g. sft.n_embd=32) change the SFT recipe: the same world learnt by another model."""
    run = run_recipes("headroom-sft", {SFT_ARM: TinySFTRecipe(HEADROOM_SFT)}, seeds, runs, jobs=jobs,
                      overrides=overrides)
    per_seed = {}
    for s in seeds:
        per_seed[str(s)] = measure(run.workdir(SFT_ARM, s) / "checkpoint")
        per_seed[str(s)]["wall_time_s_sft"] = run.wall_time_s(SFT_ARM, s)
        write_json_atomic(out / f"properties_seed{s}.json", per_seed[str(s)])
    result = {"recipe": "HEADROOM_SFT", "overrides": dict(overrides or {}), "seeds": list(seeds), "per_seed": per_seed}
    write_json_atomic(out / "properties.json", result)
    table = _table(result)
    write_text_atomic(out / "properties.md", table)
    _plot(result, out / "properties.png")
    print(table)
    return result


OOD_CELLS = {
    "seek": HEADROOM_SFT,
    "seek+solve": replace(HEADROOM_SFT, families=("seek", "solve")),
    "seek+web30": replace(HEADROOM_SFT, web_fraction=0.3, web_families=("solve", "chain")),
}


def ood(out: Path, runs: Path, seeds: tuple[int, ...], jobs: int = 1) -> dict:
    run = run_recipes("headroom-ood", {name: TinySFTRecipe(cfg) for name, cfg in OOD_CELLS.items()}, seeds, runs,
                      jobs=jobs)
    rows = {}
    for name, cfg in OOD_CELLS.items():
        sc = [run.metrics(name, s)["scalars"] for s in seeds]
        rows[name] = {"seek": [x["heldout_accuracy/seek"] for x in sc],
                      "seekswap": [x["heldout_accuracy/seekswap"] for x in sc],
                      "eval_n_per_family": cfg.eval_n}
    result = {"seeds": list(seeds), "cells": rows}
    write_json_atomic(out / "ood.json", result)
    lines = [f"Held-out accuracy after SFT (one sample on each of {HEADROOM_SFT.eval_n} problems per family and seed; "
             f"seeds {', '.join(map(str, seeds))})", "",
             "| SFT data | `seek` (in domain) mean (per seed) | `seekswap` (out of domain) mean (per seed) |",
             "|---|---|---|"]
    for name, r in rows.items():
        lines.append(f"| {name} | " + " | ".join(
            f"{statistics.mean(r[f]):.3f} ({' / '.join(f'{v:.3f}' for v in r[f])})" for f in ("seek", "seekswap"))
            + " |")
    table = "\n".join(lines) + "\n"
    write_text_atomic(out / "ood.md", table)
    print(table)
    return result


def _table(result: dict) -> str:
    seeds = list(result["per_seed"])
    ps = [result["per_seed"][s] for s in seeds]

    def row(label: str, target: str, values: list[float], n: str, fmt: str = "{:.3f}") -> str:
        return f"| {label} | {target} | {' / '.join(fmt.format(v) for v in values)} | {n} |"

    a = [p["as_trained"] for p in ps]
    lines = [f"Headroom world, SFT policy (`HEADROOM_SFT`) before any RL; seeds {', '.join(seeds)}; held-out `seek`, "
             f"T=0.7, top-p 0.95, limit {LIMIT} (exceed at >= {EXCEED_AT}).", "",
             "| property | target | per seed | n per seed |", "|---|---|---|---|",
             row("held-out accuracy as trained", "0.35-0.75", [x["accuracy"] for x in a],
                 f"{a[0]['n_problems']} problems x {a[0]['n_samples'] // a[0]['n_problems']} samples"),
             row("its problem-clustered SE", "<= 0.01 (3 points resolvable)", [x["se_problem_clustered"] for x in a],
                 ""),
             row("would exceed the limit if it never gave up", ">= 0.20",
                 [p["would_exceed_if_never_giving_up"] for p in ps], f"{a[0]['n_samples']} samples"),
             row("exceed rate as trained", "(room below the limit)", [x["exceed_rate"] for x in a], ""),
             row("mean length as trained (tokens)", "", [x["mean_length"] for x in a], "", "{:.1f}"),
             row("gave up as trained", "", [x["gave_up"] for x in a], ""),
             row("responses with a recheck", "> 0 (used now and then)", [x["recheck_rate"] for x in a], ""),
             row("slips caught by a recheck, per response", "> 0", [x["caught_slips_per_response"] for x in a], ""),
             row("false `V` (wrong answer 'verified')", "", [x["false_verified"] for x in a], ""),
             row("giving up banned (no limit): accuracy", "", [p["give_up_banned_unbounded"]["accuracy"] for p in ps],
                 ""),
             row("OOD `seekswap` accuracy", f"(chance {ps[0]['ood_seekswap']['chance_uniform_guess']:.3f})",
                 [p["ood_seekswap"]["accuracy"] for p in ps], f"{ps[0]['ood_seekswap']['n']} problems x 1"),
             "", "Accuracy forced to answer after k tries' worth of tokens (20 per try), giving up banned:", "",
             "| k tries | " + " | ".join(str(k) for k in FORCE_AFTER_TRIES) + " |",
             "|---|" + "---|" * len(FORCE_AFTER_TRIES)]
    for s, p in zip(seeds, ps):
        lines.append(f"| seed {s} | " + " | ".join(f"{p['budget_forced_by_tries'][str(k)]['accuracy']:.3f}"
                                                   for k in FORCE_AFTER_TRIES) + " |")
    lines += ["", "Accuracy by tries in the response, as trained (accuracy (n)):", ""]
    keys = sorted({k for p in ps for k in p["by_tries_as_trained"]}, key=int)
    lines += ["| seed | " + " | ".join(k if k != "9" else "9+" for k in keys) + " |", "|---|" + "---|" * len(keys)]
    for s, p in zip(seeds, ps):
        d = p["by_tries_as_trained"]
        lines.append(f"| {s} | " + " | ".join(f"{d[k][0]:.2f} ({d[k][1]})" if k in d else "-" for k in keys) + " |")
    lines += ["", "Would exceed if never giving up, by range R: " + "; ".join(
        f"seed {s}: " + ", ".join(f"R={R} {v:.2f}" for R, v in p["by_range_would_exceed"].items())
        for s, p in zip(seeds, ps))]
    return "\n".join(lines) + "\n"


def _plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    for s, p in result["per_seed"].items():
        d = p["budget_forced_by_tries"]
        ks = [int(k) for k in d]
        axes[0].errorbar(ks, [v["accuracy"] for v in d.values()], yerr=[v["se_problem_clustered"] for v in d.values()],
                         marker="o", capsize=2, label=f"seed {s}")
        t = p["by_tries_as_trained"]
        axes[1].plot([int(k) for k in t], [v[0] for v in t.values()], marker="o", label=f"seed {s}")
        for k, v in t.items():
            axes[1].annotate(str(v[1]), (int(k), v[0]), fontsize=6, textcoords="offset points", xytext=(0, 4))
    axes[0].set_xlabel("tries allowed before a forced answer (giving up banned)")
    axes[0].axvline((EXCEED_AT) / TRY_TOKENS, ls=":", color="gray", label="exceed point of the limit")
    axes[1].set_xlabel("tries in the response, as trained (9 = 9+); numbers = samples")
    for ax in axes:
        ax.set_ylabel("held-out seek accuracy")
        ax.legend(fontsize=7)
    fig.suptitle("headroom world: the SFT policy thinks longer, is right more often")
    fig.tight_layout()
    fig.savefig(path, dpi=120, metadata={"Software": None})
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m studies.headroom_world", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["properties", "teacher", "ood"])
    ap.add_argument("--out", type=Path, required=True, help="folder for the evidence files")
    ap.add_argument("--seeds", default="0,1,2")
    add_set_argument(ap, "properties: override a field of the SFT recipe (e.g. sft.n_embd=32)")
    add_run_arguments(ap)
    a = ap.parse_args()
    overrides = overrides_of(a.overrides)
    if overrides and a.what != "properties":
        raise UserError(f"--set applies to `properties`, not {a.what!r}", where="--set")
    a.out.mkdir(parents=True, exist_ok=True)
    if a.what == "properties":
        properties(a.out, a.runs, seeds_arg(a.seeds), a.jobs, overrides)
    elif a.what == "ood":
        ood(a.out, a.runs, seeds_arg(a.seeds), a.jobs)
    else:
        teacher(a.out)


if __name__ == "__main__":
    main_guard(main)
