"""The data an exported run needs, as JSON lines the engines read (`longcot prepare-data`).

- `math-train`: the MATH training split (7,500 problems; §2.3, App. E) as RL prompts: `{"prompt", "answer",
  "solution"}`. `answer` is the last `\\boxed{}` of the reference solution, what the fork's `hendrycks` grader extracts
  from the gold itself. The prompt is the problem followed by the suite's evaluation instruction: the paper does not
  give its prompt wording (a stated deviation).
- `sft`: a released SFT data set (e.g. `demystify-long-cot/math-train-qwq-rs-n32`, about 2.6 GB) streamed and cut to
  its first `--limit` rows, so a partial download is never needed in full; or `--sample N` rows drawn uniformly from
  the whole stream (reservoir sampling, seeded by `--seed`), kept in the set's order. The first rows of a set need not
  be a fair part of it: a rejection-sampled set can hold many responses per prompt, and its rows may come prompt by
  prompt, so a budget smaller than the set is better spent on a uniform sample (which reads the whole stream once).

Both read the hub through `datasets` or, with `--from-jsonl`, a local file of the hub's schema; nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from suite.errors import UserError

#: the MATH training split on the hub (Hendrycks et al. 2021; 7,500 rows with `problem` and `solution`)
MATH_TRAIN_HUB = ("DigitalLearningGmbH/MATH-lighteval", "default", "train")


def _rows(from_jsonl: Path | None, hub: tuple[str, str | None, str], *, streaming: bool) -> Iterator[tuple[str, dict]]:
    """(where, row) pairs from a local JSONL file or the hub."""
    if from_jsonl is not None:
        from suite.eval.benchmarks import read_jsonl  # malformed lines are UserErrors naming file and line

        for i, row in read_jsonl(from_jsonl):
            yield f"{from_jsonl}:{i}", row
        return
    try:
        from datasets import load_dataset
    except ImportError:
        raise UserError("reading the hub needs the Python package 'datasets' (pip install -e '.[eval]'), or pass "
                        "--from-jsonl", where=hub[0]) from None
    path, name, split = hub
    try:
        ds = load_dataset(path, name, split=split, streaming=streaming)
    except Exception as exc:  # noqa: BLE001 - the hub's many failure types, reported as one line
        raise UserError(f"cannot read it from the hub: {str(exc).splitlines()[0][:300]}; pass --from-jsonl with a "
                        "local copy", where=path) from None
    for i, row in enumerate(ds, 1):
        yield f"{path}:{split}:{i}", row


def _field(row: dict, key: str, where: str) -> str:
    v = row.get(key)
    if not isinstance(v, str) or not v.strip():
        raise UserError(f"missing or empty field {key!r}", where=where)
    return v


def math_train_rows(rows: Iterable[tuple[str, dict]]) -> tuple[list[dict], list[str]]:
    """RL prompt rows from MATH rows (`problem`, `solution`, and `level` kept when present); returns (rows, where of
    each dropped row: no box)."""
    from suite.eval.benchmarks import MATH_INSTRUCTION
    from suite.verify.extract import last_boxed_only_string, remove_boxed

    out, dropped = [], []
    for where, row in rows:
        problem, solution = _field(row, "problem", where), _field(row, "solution", where)
        boxed = last_boxed_only_string(solution)
        if boxed is None:
            dropped.append(where)
            continue
        item = {"prompt": f"{problem}\n{MATH_INSTRUCTION}", "answer": remove_boxed(boxed), "solution": solution}
        if row.get("level") is not None:  # MATH's "Level 1".."Level 5": the open scale's hard problems read it
            item["level"] = row["level"]
        out.append(item)
    return out, dropped


def verl_rows(rows: list[dict], data_source: str = "math") -> list[dict]:
    """RL prompt rows in verl's dataset schema (its RLHFDataset and reward managers): a chat `prompt`, the gold under
    `reward_model.ground_truth`, and `data_source`, which names the run's reward and validation metrics."""
    return [{"data_source": data_source, "prompt": [{"role": "user", "content": r["prompt"]}], "ability": "math",
             "reward_model": {"style": "rule", "ground_truth": r["answer"]}, "extra_info": {"index": i}}
            for i, r in enumerate(rows)]


def _write_parquet(rows: list[dict], out: Path) -> None:
    """Parquet through `datasets` (pyarrow), written beside `out` and moved into place (atomic)."""
    import os

    try:
        from datasets import Dataset
    except ImportError:
        raise UserError("verl's format is parquet, which needs the Python package 'datasets' (pip install -e "
                        "'.[eval]')", where="--format verl") from None
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    Dataset.from_list(rows).to_parquet(str(tmp))
    os.replace(tmp, out)


def reservoir_sample(rows: Iterable, n: int, seed: int) -> list:
    """`n` items drawn uniformly without replacement from an iterable of unknown length, in one pass (Algorithm R:
    item i >= n replaces a kept one with probability n / (i + 1)), returned in the iterable's order; all of them when
    there are n or fewer."""
    import random

    rng = random.Random(seed)
    kept: list[tuple[int, object]] = []
    for i, row in enumerate(rows):
        if i < n:
            kept.append((i, row))
        else:
            j = rng.randrange(i + 1)
            if j < n:
                kept[j] = (i, row)
    return [row for _, row in sorted(kept, key=lambda t: t[0])]


def prepare(kind: str, out: Path, *, from_jsonl: Path | None = None, dataset: str | None = None,
            limit: int | None = None, fmt: str = "jsonl", sample: int | None = None, seed: int = 0) -> dict:
    """Write `out` (JSON lines, or for `fmt="verl"` verl's parquet schema; atomically) and return a summary {rows,
    dropped, source}."""
    if fmt not in ("jsonl", "verl"):
        raise UserError(f"unknown format {fmt!r}; choose jsonl or verl", where="--format")
    if fmt == "verl" and kind != "math-train":
        raise UserError("verl's format is for RL prompts (math-train)", where="--format")
    if sample is not None and (kind != "sft" or limit is not None):
        raise UserError("--sample draws from a whole SFT set; it goes with `sft` and without --limit (the first rows)",
                        where="--sample")
    from suite.atomic import write_text_atomic

    if kind == "math-train":
        rows, dropped = math_train_rows(_rows(from_jsonl, MATH_TRAIN_HUB, streaming=False))
        source = str(from_jsonl) if from_jsonl else "hf:" + MATH_TRAIN_HUB[0]
    elif kind == "sft":
        if from_jsonl is None and not dataset:
            raise UserError("name the released SFT data set (--dataset, e.g. demystify-long-cot/math-train-qwq-rs-n32)"
                            " or a local copy (--from-jsonl)", where="prepare-data sft")
        rows, dropped = [], []
        stream = (row for _, row in _rows(from_jsonl, (dataset or "", None, "train"), streaming=True))
        if sample is not None:
            rows = reservoir_sample(stream, sample, seed)
        else:
            for row in stream:
                if limit is not None and len(rows) >= limit:
                    break  # streamed: the rest is never downloaded
                rows.append(row)
        source = str(from_jsonl) if from_jsonl else f"hf:{dataset}"
    else:
        raise UserError(f"unknown data {kind!r}; choose math-train or sft", where="prepare-data")
    if limit is not None and kind == "math-train":
        rows = rows[:limit]
    if not rows:
        raise UserError("no rows to write", where=source)
    if fmt == "verl":
        _write_parquet(verl_rows(rows), out)
    else:
        write_text_atomic(out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return {"rows": len(rows), "dropped": dropped, "source": source}
