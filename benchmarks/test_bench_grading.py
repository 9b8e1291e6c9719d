"""Grading throughput on real model outputs: `grade_responses` (two worker processes) vs math-verify called directly.

The pairs are the 4,956 (response, gold) pairs of `benchmarks/data/real_outputs.jsonl.gz`: real outputs of Qwen2.5,
Gemma-2, Llama-3.1, Sky-T1 (long and short CoT) and GPT-3 models on MATH-500, AIME, AMC, Minerva, OlympiadBench and
GSM8K, as their repositories store them (provenance in benchmarks/data/README.md). Both paths grade the same pairs:

- math-verify directly, in this process: `verify(parse(gold), parse(response))` with the library's defaults (its
  own 5 s signal timeouts, which work here because the benchmark runs on the main thread);
- the suite: `suite.verify.grade_responses(pairs, workers=2)` (final-answer extraction, shortcuts, math-verify in two
  worker processes under a hard timeout), workers started before the timing.

Both are scored against `benchmarks/data/grading_labels.jsonl` where a pair's correctness was adjudicated by hand,
and against the source's own label elsewhere (see that file's README section). Run explicitly (about 5 minutes):

    pytest benchmarks/test_bench_grading.py --benchmark-only -s -p no:cacheprovider
"""

from __future__ import annotations

import gzip
import json
import logging
import time
from pathlib import Path

import pytest

from suite.verify import grade_responses
from suite.verify.timeout import shared_pool

DATA = Path(__file__).resolve().parent / "data"


def load_pairs() -> list[dict]:
    with gzip.open(DATA / "real_outputs.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def truth_labels(rows: list[dict]) -> list[bool]:
    """The adjudicated label where there is one, else the source's own label."""
    adjudicated = {}
    path = DATA / "grading_labels.jsonl"
    if path.exists():
        adjudicated = {r["id"]: r["correct"] for r in map(json.loads, path.read_text().splitlines()) if r}
    return [adjudicated.get(r["id"], r["source_label"]) for r in rows]


def rates(verdicts: list[bool], truth: list[bool]) -> str:
    pos = sum(truth)
    neg = len(truth) - pos
    fn = sum(t and not v for v, t in zip(verdicts, truth))
    fp = sum(v and not t for v, t in zip(verdicts, truth))
    agree = len(truth) - fn - fp
    return (f"agreement {agree}/{len(truth)} = {agree / len(truth):.1%}; false negatives {fn}/{pos} = {fn / pos:.1%}; "
            f"false positives {fp}/{neg} = {fp / neg:.1%}")


@pytest.fixture(scope="module")
def rows():
    return load_pairs()


@pytest.fixture(scope="module")
def results():
    return {}


def test_bench_math_verify_directly_in_one_process(benchmark, rows, results):
    from math_verify import parse, verify

    logging.disable(logging.WARNING)
    verify(parse("1"), parse("1"))  # import and first-call cost outside the timing

    def run():
        out = []
        for r in rows:
            try:
                out.append(bool(verify(parse(r["gold"]), parse(r["response"]))))
            except Exception:  # noqa: BLE001 - a crash is "not correct", as in the suite
                out.append(False)
        return out

    start = time.perf_counter()
    out = benchmark.pedantic(run, rounds=1, iterations=1)
    results["math-verify"] = (out, time.perf_counter() - start)


def test_bench_suite_grader_on_two_worker_processes(benchmark, rows, results):
    pool = shared_pool(2, 5.0)
    pool.map(str, ["warm-up"] * 4, None, chunk_size=1)  # start both workers outside the timing
    pairs = [(r["response"], r["gold"]) for r in rows]
    start = time.perf_counter()
    out = benchmark.pedantic(grade_responses, args=(pairs,), kwargs={"workers": 2, "timeout_s": 5.0},
                             rounds=1, iterations=1)
    results["suite"] = (out, time.perf_counter() - start)
    truth = truth_labels(rows)
    n = len(rows)
    print(f"\n{n} real (response, gold) pairs, {sum(truth)} correct by the labels")
    for name in ("math-verify", "suite"):
        if name in results:
            verdicts, seconds = results[name]
            print(f"{name:>12}: {seconds:6.1f} s = {n / seconds:6.1f} pairs/s; {rates(verdicts, truth)}")
    if "math-verify" in results:
        print(f"throughput ratio suite / math-verify: {results['math-verify'][1] / results['suite'][1]:.2f}x; "
              f"hard kills {pool.hard_kills}")
