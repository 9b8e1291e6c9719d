"""The paper-table tolerances (tools/build_paper_references.py -> reference_results/paper/*.json): what each band
covers, greedy rows without a sampling term, score intervals near 0, the run-side sample counts of the `paper` preset.
"""

import functools
import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

from suite import stats
from suite.checks import ScalarTolerance
from suite.eval.presets import PRESETS
from suite.metrics.names import BENCHMARKS, benchmark_accuracy
from suite.observations import ArmObservations, ScalarSample
from suite.references import load_reference
from suite.verdicts import FAIL, PASS

ROOT = Path(__file__).resolve().parents[2]
PAPER = ROOT / "reference_results" / "paper"
Z95 = 1.959963984540054
PROBLEMS = {"math500": 500, "aime24": 30, "theoremqa": 800, "mmlu_pro_1k": 1000}


@functools.lru_cache(maxsize=1)
def _tool():
    path = ROOT / "tools" / "build_paper_references.py"
    spec = importlib.util.spec_from_file_location("build_paper_references", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def _cells():
    for path in sorted(PAPER.glob("*.json")):
        data = json.loads(path.read_text())
        for arm, body in data["arms"].items():
            for metric, cell in body["scalars"].items():
                yield path.stem, arm, metric, cell


def _tol(exp_id, arm, bench):
    return load_reference(PAPER / f"{exp_id}.json").tolerance(arm, benchmark_accuracy(bench))


def _check(exp_id, arm, bench, run_value):
    ref = load_reference(PAPER / f"{exp_id}.json")
    metric = benchmark_accuracy(bench)
    run = {arm: ArmObservations({metric: ScalarSample(run_value, None, 1)})}
    return ScalarTolerance("cell", metric, arm=arm).evaluate(run, ref)


def test_the_files_are_what_the_tool_writes():
    tool = _tool()
    for exp_id, (source, rows, kinds, notes) in tool.TABLES.items():
        on_disk = json.loads((PAPER / f"{exp_id}.json").read_text())
        assert json.loads(json.dumps(tool.build(exp_id, source, rows, kinds, notes))) == on_disk, (
            f"{exp_id}: run python tools/build_paper_references.py")


def test_the_run_side_of_aime_is_the_paper_presets_64_samples_and_the_table_side_16():
    preset = PRESETS["paper"]
    assert len(preset.seeds) * preset.samples_for("aime24") == 64
    for exp_id, arm, metric, cell in _cells():
        comp = cell["tolerance"].get("components", {})
        if metric != "accuracy/aime24" or "sd" not in comp.get("run_evaluation", {}) or exp_id == "section-6" and \
                arm in ("base", "direct_rl"):
            continue
        assert (comp["run_evaluation"]["problems"], comp["run_evaluation"]["samples_per_problem"]) == (30, 64)
        assert comp["run_evaluation"]["preset"] == "paper"
        assert (comp["table_evaluation"]["problems"], comp["table_evaluation"]["samples_per_problem"]) == (30, 16)
        p = cell["mean"]
        assert comp["run_evaluation"]["sd"] == pytest.approx(math.sqrt(p * (1 - p) / (30 * 64)), abs=1e-6)
    comp = _tol("takeaway-3.3", "emergent_sft", "math500").components
    assert comp["run_evaluation"]["samples_per_problem"] == comp["table_evaluation"]["samples_per_problem"] == 4


def test_the_greedy_base_row_has_no_bernoulli_term_only_a_stated_allowance():
    for bench in ("math500", "aime24", "theoremqa"):
        t = _tol("section-6", "base", bench)
        flips = max(1, math.ceil(0.01 * PROBLEMS[bench]))
        half = flips / PROBLEMS[bench] + 0.0005  # the allowance plus the table's rounding to 0.1 point
        assert t.interval == pytest.approx((-half, half), abs=1e-6), bench
        assert t.covers == "assumed greedy nondeterminism"
        assert t.components["table_evaluation"]["sd"] == t.components["run_evaluation"]["sd"] == 0.0
        assert "training" not in t.components and t.components["greedy_nondeterminism"]["assumed"] is True
    aime = _tol("section-6", "base", "aime24")
    bernoulli = Z95 * math.sqrt(2 * 0.133 * 0.867 / 30)  # the old "sampling error" of a deterministic decode: 17.2 pts
    assert bernoulli == pytest.approx(0.1718, abs=1e-4)
    assert aime.abs == pytest.approx(1 / 30 + 0.0005, abs=1e-6) and aime.abs < bernoulli / 5
    # one flipped problem (4/30 -> 5/30) agrees; two do not
    assert _check("section-6", "base", "aime24", 5 / 30).verdict == PASS
    assert _check("section-6", "base", "aime24", 6 / 30).verdict == FAIL
    # MMLU-Pro-1k keeps the draw of a different 1,000-item subset, which a greedy row still has
    assert _tol("section-6", "base", "mmlu_pro_1k").covers == "subset draw + assumed greedy nondeterminism"


def test_the_greedy_direct_rl_row_carries_training_variance_not_sampling_error():
    tool = _tool()
    for bench in BENCHMARKS:
        t = _tol("section-6", "direct_rl", bench)
        assert "evaluation noise" not in t.covers and "assumed training variance" in t.covers
        assert t.components["table_evaluation"]["sd"] == t.components["run_evaluation"]["sd"] == 0.0
    t = _tol("section-6", "direct_rl", "aime24")
    rate = tool.TRAINING_PER_PROBLEM / 30 + tool.TRAINING_COMMON  # per side, as a multiple of p(1-p)
    low, high = stats.difference_acceptance_interval(0.233, 1 / rate, 1 / rate, extra_halfwidth=1 / 30)
    assert t.interval == pytest.approx((low - 0.0005, high + 0.0005), abs=1e-6)
    assert t.components["training"]["sd_per_side"] == pytest.approx(math.sqrt(0.233 * 0.767 * rate), abs=1e-6)


def test_trained_sampled_rows_include_both_evaluations_and_the_assumed_training_term():
    t = _tol("takeaway-3.3", "emergent_sft", "math500")
    assert t.covers == "evaluation noise + assumed training variance"
    p, rate_eval = 0.541, 1 / (500 * 4)
    rate = rate_eval + 0.15 / 500 + 0.0004
    low, high = stats.difference_acceptance_interval(p, 1 / rate, 1 / rate)
    assert t.interval == pytest.approx((low - 0.0005, high + 0.0005), abs=1e-6)
    # wider than the evaluation-noise-only band it replaces (±3.09 points), as it now includes retraining
    assert t.abs > Z95 * math.sqrt(2 * p * (1 - p) * rate_eval)


def test_a_cell_near_zero_gets_an_asymmetric_score_interval():
    t = _tol("takeaway-4.6", "gamma_99_99", "aime24")  # 0.2% on AIME
    low, high = t.interval
    assert low == pytest.approx(-0.002)  # a run at 0% agrees; the normal approximation gave ±0.57 points
    assert high > 0.03 and not t.symmetric
    assert _check("takeaway-4.6", "gamma_99_99", "aime24", 0.0).verdict == PASS
    assert _check("takeaway-4.6", "gamma_99_99", "aime24", 0.03).verdict == PASS
    res = _check("takeaway-4.6", "gamma_99_99", "aime24", 0.06)
    assert res.verdict == FAIL and res.p_value < 0.05 and "assumed training variance" in res.error_basis


@pytest.mark.parametrize("exp_id, arm, metric, cell", list(_cells()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_cell_states_what_it_covers_and_follows_from_its_components(exp_id, arm, metric, cell):
    t = cell["tolerance"]
    p = cell["mean"]
    greedy = exp_id == "section-6" and arm in ("base", "direct_rl")
    trained = not (exp_id == "section-6" and arm == "base")
    assert t["confidence"] == 0.95 and t["covers"]
    assert ("evaluation noise" in t["covers"]) == (not greedy)
    assert ("assumed training variance" in t["covers"]) == trained
    assert ("assumed greedy nondeterminism" in t["covers"]) == greedy
    if metric == "accuracy/avg":
        assert "low" not in t and t["abs"] > 0
        return
    assert -p - 1e-9 <= t["low"] <= 0 <= t["high"] <= 1 - p + 1e-9
    assert t["abs"] == pytest.approx(max(-t["low"], t["high"]))
    # recompute the band from the terms the cell states
    bench, comp = metric.split("/")[1], t["components"]
    n = PROBLEMS[bench]

    def rate(side):
        r = 0.0 if greedy else 1 / (n * comp[side]["samples_per_problem"])
        if bench == "mmlu_pro_1k":
            r += (12032 - 1000) / (12032 - 1) / 1000
        if trained:
            r += comp["training"]["per_problem"] / n + comp["training"]["common"]
        return r

    n_table = 1 / rate("table_evaluation") if rate("table_evaluation") else math.inf
    n_run = 1 / rate("run_evaluation") if rate("run_evaluation") else math.inf
    extra = comp["greedy_nondeterminism"]["halfwidth"] if greedy else 0.0
    low, high = stats.difference_acceptance_interval(p, n_table, n_run, extra_halfwidth=extra)
    assert (t["low"], t["high"]) == pytest.approx((max(low - 0.0005, -p), min(high + 0.0005, 1 - p)), abs=2e-6)
