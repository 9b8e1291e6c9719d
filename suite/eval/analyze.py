"""Emergence statistics per training step from logged RL rollouts (`longcot analyze ROLLOUTS.jsonl`).

Accepted input: JSONL, one rollout per line, or a folder of such files read in step order (verl's
`trainer.rollout_data_dir` writes one `<step>.jsonl` per step, prompt under `input`). Required fields: `step` (int)
and `response` (str). Optional: `prompt` (groups samples into questions for the question-level keyword rate),
`reward` (number), `correct` (bool or 0/1), `response_length` (generated tokens, EOS included), `response_token_ids`
(list of ints, for the repetition ratio). Other frameworks' names are accepted as aliases:

| field | aliases |
|---|---|
| step | global_step, iteration, iter |
| response | completion, output, generated_text |
| prompt | query, question, input |
| reward | score, rewards |
| correct | is_correct, acc, accuracy |
| response_length | num_tokens, length, gen_len |
| response_token_ids | token_ids, output_ids |

Without token lengths, `--tokenizer` tokenizes the responses; with neither, length curves are omitted (never
estimated from characters).

Per step (curves keyed by `suite.metrics.names`): n, mean reward, training accuracy, mean length (all, correct,
wrong), exceed rate (`--max-len`, official margin 16), the five keywords' mean counts and "alternatively,",
response- and question-level keyword rate, coding rate, repetition ratio (n-gram size `--ngram-size`, default 40).
"""

from __future__ import annotations

import io
import math
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from suite.atomic import write_bytes_atomic
from suite.errors import UserError
from suite.eval.benchmarks import read_jsonl
from suite.metrics import keywords, length, names
from suite.metrics.repetition import repetition_ratio

ALIASES: dict[str, tuple[str, ...]] = {
    "step": ("step", "global_step", "iteration", "iter"),
    "response": ("response", "completion", "output", "generated_text"),
    "prompt": ("prompt", "query", "question", "input"),
    "reward": ("reward", "score", "rewards"),
    "correct": ("correct", "is_correct", "acc", "accuracy"),
    "response_length": ("response_length", "num_tokens", "length", "gen_len"),
    "response_token_ids": ("response_token_ids", "token_ids", "output_ids"),
}
REQUIRED = ("step", "response")


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_finite_number(x: Any) -> bool:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return False
    try:
        return math.isfinite(x)
    except OverflowError:  # an integer too large for a float
        return False


def _short(x: Any, limit: int = 60) -> str:
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _canonical(row: dict[str, Any], where: str) -> dict[str, Any]:
    """The row under canonical field names, each value checked against its type (a UserError naming `where`, i.e.
    file:line, and the field as the file spells it)."""
    out = {}
    spelled = {}
    for key, aliases in ALIASES.items():
        for alias in aliases:
            if alias in row:
                out[key] = row[alias]
                spelled[key] = f"'{alias}'" if alias == key else f"'{alias}' (read as '{key}')"
                break
    for key in REQUIRED:
        if key not in out:
            raise UserError(f"missing field {key!r} (or one of {', '.join(ALIASES[key][1:])})", where=where)

    def bad(key: str, expected: str):
        raise UserError(f"field {spelled[key]} must be {expected}, got {_short(out[key])}", where=where)

    if not _is_int(out["step"]):
        bad("step", "an integer")
    if not isinstance(out["response"], str):
        bad("response", "a string")
    if "reward" in out:
        if not _is_finite_number(out["reward"]):
            bad("reward", "a finite number")
        out["reward"] = float(out["reward"])
    if "correct" in out:
        if not (isinstance(out["correct"], bool) or out["correct"] in (0, 1) and _is_finite_number(out["correct"])):
            bad("correct", "true/false or 0/1")
        out["correct"] = bool(out["correct"])
    if "response_length" in out and out["response_length"] is not None:
        n = out["response_length"]
        if not (_is_int(n) or isinstance(n, float) and n.is_integer()) or n < 0:
            bad("response_length", "a non-negative integer (generated tokens)")
        out["response_length"] = int(n)
    if "response_token_ids" in out and out["response_token_ids"] is not None:
        ids = out["response_token_ids"]
        if not isinstance(ids, list) or not all(_is_int(t) and t >= 0 for t in ids):
            bad("response_token_ids", "a list of non-negative integers (token ids)")
    return out


def rollout_files(path: str | Path) -> list[Path]:
    """The JSONL files of a rollout log: the file itself, or a folder's `*.jsonl` files, numeric names (verl's
    `<step>.jsonl`) in numeric order, before any others in name order."""
    path = Path(path)
    if not path.is_dir():
        return [path]
    files = sorted(path.glob("*.jsonl"), key=lambda f: (0, int(f.stem), "") if f.stem.isdigit() else (1, 0, f.name))
    if not files:
        raise UserError("no *.jsonl files in this folder; expected rollouts, one JSON object per line",
                        where=str(path))
    return files


def load_rollouts(path: str | Path) -> list[dict[str, Any]]:
    return [_canonical(row, f"{f}:{lineno}") for f in rollout_files(path) for lineno, row in read_jsonl(f)]


def _mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if len(values) else float("nan")


def step_statistics(rollouts: Sequence[dict[str, Any]], *, max_len: int | None = None, ngram_size: int = 40,
                    token_ids_of: Callable[[str], list[int]] | None = None) -> dict[str, Any]:
    """{"steps": [...], "curves": {metric name: [value per step]}} for the rollouts (any order)."""
    by_step: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rollouts:
        by_step[r["step"]].append(r)
    steps = sorted(by_step)
    curves: dict[str, list[float]] = defaultdict(list)
    for step in steps:
        rows = by_step[step]
        texts = [r["response"] for r in rows]
        counts = [keywords.keyword_counts(t) for t in texts]
        curves["n_rollouts"].append(len(rows))
        for key in (*keywords.KEYWORDS, keywords.PIVOT):
            curves[f"keyword/{key}"].append(_mean([c[key] for c in counts]))
        curves[names.KEYWORD_RATE_CURVE].append(keywords.response_keyword_rate(texts))
        groups: dict[str, list[str]] = defaultdict(list)
        for r in rows:
            groups[str(r.get("prompt", id(r)))].append(r["response"])
        curves["keyword_question_rate"].append(keywords.question_keyword_rate(list(groups.values())))
        curves["coding_rate"].append(keywords.coding_rate(texts))
        if all("reward" in r for r in rows):
            curves[names.REWARD_OUTCOME].append(_mean([float(r["reward"]) for r in rows]))
        correct = [bool(r["correct"]) for r in rows] if all("correct" in r for r in rows) else None
        if correct is not None:
            curves[names.TRAIN_ACCURACY].append(_mean(correct))
        token_ids = [r.get("response_token_ids") for r in rows]
        if any(t is None for t in token_ids) and token_ids_of is not None:
            token_ids = [token_ids_of(t) for t in texts]
        lengths = [r.get("response_length") for r in rows]
        if any(n is None for n in lengths) and all(t is not None for t in token_ids):
            lengths = [len(t) for t in token_ids]
        if all(n is not None for n in lengths):
            stats = length.length_summary(lengths, correct)
            curves[names.RESPONSE_LENGTH].append(stats["all"]["mean"])
            if correct is not None:
                curves[names.RESPONSE_LENGTH_CORRECT].append(stats["correct"]["mean"])
                curves[names.RESPONSE_LENGTH_WRONG].append(stats["wrong"]["mean"])
            if max_len is not None:
                curves[names.EXCEED_RATE].append(length.exceed_rate(lengths, max_len))
        if all(t is not None for t in token_ids):
            curves[names.REPETITION_RATIO].append(_mean([repetition_ratio(t, ngram_size) for t in token_ids]))
    ragged = [k for k, v in curves.items() if len(v) != len(steps)]
    for k in ragged:  # a field present at some steps only: drop the curve rather than misalign it
        del curves[k]
    return {"steps": steps, "curves": dict(curves), "dropped_curves": ragged}


def plot_curves(result: dict[str, Any], out_path: str | Path) -> Path:
    """One PNG with a small panel per curve against the training step."""
    from suite.mplcache import configure_matplotlib

    configure_matplotlib()  # before matplotlib loads: its cache never goes to $HOME
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves = result["curves"]
    keys = [k for k in curves if k != "n_rollouts"]
    cols = 3
    rows = max(1, -(-len(keys) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 2.6 * rows), squeeze=False)
    for ax, key in zip(axes.flat, keys):
        ax.plot(result["steps"], curves[key], marker=".")
        ax.set_title(key, fontsize=9)
        ax.set_xlabel("step", fontsize=8)
    for ax in list(axes.flat)[len(keys):]:
        ax.axis("off")
    fig.tight_layout()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    write_bytes_atomic(out_path, buf.getvalue())
    return out_path
