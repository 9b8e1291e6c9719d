"""Grading throughput: 10,000 (gold, pred) pairs through `are_equivalent` on two worker processes vs math-verify
called directly in one process (no timeout protection). math-verify alone needs ~35 ms per pair here (~6 min for
10,000), so the baseline runs on the first `N_BASELINE` pairs and both are reported as pairs per second. Run
explicitly:

    pytest benchmarks/test_bench_grading.py --benchmark-only -s

Pairs are generated from a fixed seed across answer kinds seen in MATH-style evaluation (integers with and
without thousands separators, fractions vs decimals, radicals, percentages, polynomials, intervals, tuples, sets,
matrices, multiple-choice letters), about half equivalent. Both paths see the same pairs; the test also reports how
often they agree.
"""

from __future__ import annotations

import logging
import random
import time

import pytest

from suite.verify.equivalence import are_equivalent, math_verify_equivalent
from suite.verify.timeout import shared_pool

N_PAIRS = 10_000
N_BASELINE = 2_000  # same generator, first pairs: throughput is per pair
SEED = 0


def make_pairs(n: int, seed: int = SEED) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        kind = rng.randrange(10)
        a, b = rng.randint(1, 999), rng.randint(1, 999)
        same = rng.random() < 0.5
        if kind == 0:
            n1 = rng.randint(1000, 10**7)
            pairs.append((str(n1), f"{n1 if same else n1 + 1:,}"))
        elif kind == 1:
            pairs.append((f"\\frac{{{a}}}{{{b}}}", f"{a / b if same else a / b + 0.5:.6f}"))
        elif kind == 2:
            pairs.append((f"{a}\\sqrt{{2}}", f"\\sqrt{{{2 * a * a if same else 2 * a * a + 1}}}"))
        elif kind == 3:
            pairs.append((f"{a}\\%", str(a if same else a + 1)))
        elif kind == 4:
            pairs.append((f"x^2+{2 * a}x+{a * a}", f"(x+{a if same else a + 1})^2"))
        elif kind == 5:
            pairs.append((f"[{a},{a + b})", f"[{a},{a + b})" if same else f"[{a},{a + b}]"))
        elif kind == 6:
            pairs.append((f"({a},{b})", f"({a},{b})" if same else f"({b},{a + 1})"))
        elif kind == 7:
            pairs.append((f"\\{{{a},{b}\\}}", f"\\{{{b},{a}\\}}" if same else f"\\{{{a},{b + 1}\\}}"))
        elif kind == 8:
            m = f"\\begin{{pmatrix}}{a}&{b}\\\\{b}&{a}\\end{{pmatrix}}"
            pairs.append((m, m if same else m.replace(f"{{pmatrix}}{a}&", f"{{pmatrix}}{a + 1}&", 1)))
        else:
            letter = "ABCDEFGHIJ"[a % 10]
            pairs.append((letter, f"({letter})" if same else f"({'ABCDEFGHIJ'[(a + 1) % 10]})"))
    return pairs


@pytest.fixture(scope="module")
def pairs():
    return make_pairs(N_PAIRS)


@pytest.fixture(scope="module")
def results():
    return {}


def test_bench_suite_grader_on_two_worker_processes(benchmark, pairs, results):
    shared_pool(2, 5.0).map(str, ["warm-up"] * 4, None, chunk_size=1)  # start both workers outside the timing
    start = time.perf_counter()
    out = benchmark.pedantic(are_equivalent, args=(pairs,), kwargs={"workers": 2, "timeout_s": 5.0},
                             rounds=1, iterations=1)
    elapsed = time.perf_counter() - start
    results["suite"] = out
    print(f"\nsuite are_equivalent, 2 workers: {N_PAIRS} pairs in {elapsed:.1f} s = {N_PAIRS / elapsed:.0f} pairs/s; "
          f"{sum(out)} equivalent; hard kills {shared_pool(2, 5.0).hard_kills}")


def test_bench_math_verify_directly_in_one_process(benchmark, pairs, results):
    logging.disable(logging.WARNING)
    math_verify_equivalent(("1", "1"))  # import and first-call cost outside the timing
    subset = pairs[:N_BASELINE]

    def run():
        out = []
        for p in subset:
            try:
                out.append(math_verify_equivalent(p))
            except Exception:  # noqa: BLE001 - count a crash as "not equivalent", as the suite does
                out.append(False)
        return out

    start = time.perf_counter()
    out = benchmark.pedantic(run, rounds=1, iterations=1)
    elapsed = time.perf_counter() - start
    print(f"\nmath-verify direct, 1 process: {N_BASELINE} pairs in {elapsed:.1f} s = {N_BASELINE / elapsed:.0f} "
          f"pairs/s; {sum(out)} equivalent")
    if "suite" in results:
        agree = sum(a == b for a, b in zip(results["suite"], out))
        print(f"agreement suite vs math-verify on those pairs: {agree}/{N_BASELINE}")
        for (g, p), a, b in zip(subset, results["suite"], out):
            if a != b:
                print(f"  differ: gold={g!r} pred={p!r} suite={a} math-verify={b}")
