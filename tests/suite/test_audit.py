"""`longcot audit`: the paper's claim checks on the paper's own numbers, decided from the tables' evaluation error."""

import math
import subprocess
import sys

import pytest

from suite import verdicts
from suite.audit import PROBLEMS, audit, table_se
from suite.metrics import names as M
from suite.references import default_root
from suite.registry import discover


def test_table_se_is_the_problem_clustered_bound():
    assert table_se(M.benchmark_accuracy("math500"), 0.5) == pytest.approx(math.sqrt(0.25 / 500))
    assert table_se(M.benchmark_accuracy("aime24"), 0.1) == pytest.approx(math.sqrt(0.09 / 30))
    assert table_se(M.RESPONSE_LENGTH, 0.5) is None
    assert set(PROBLEMS) == set(M.BENCHMARKS)


@pytest.fixture(scope="module")
def rows():
    return audit(discover().values(), default_root(), scale="paper")


def test_section_6s_direct_rl_gain_is_decided_from_one_run_per_arm(rows):
    # Table 4: direct RL 41.0 vs base 21.2 average. SE of each average: sqrt(sum of four squared SEs) / 4.
    r = next(r.result for r in rows if r.check == "direct RL raises accuracy over the base model")
    assert r.verdict == verdicts.PASS and r.observed == pytest.approx(0.198)
    assert "within-run" in r.error_basis and "training variance not included" in r.error_basis


def test_a_small_gap_is_inconclusive_not_a_pass(rows):
    # Table 3: filtered + rule 28.1 vs unfiltered + rule 25.9 on TheoremQA (800 problems): 2.2 points, SE ~2.2
    r = next(r.result for r in rows if r.check == "filtering helps the rule-based verifier on TheoremQA")
    assert r.verdict == verdicts.INCONCLUSIVE
    se = math.hypot(table_se(M.benchmark_accuracy("theoremqa"), 0.281), table_se(M.benchmark_accuracy("theoremqa"),
                                                                               0.259))
    assert f"± {se:.4g}" in r.evidence


def test_figure_only_claims_are_listed_not_judged(rows):
    fig = [r for r in rows if r.experiment == "takeaway-4.2"]
    assert fig and all(r.result is None and "no numbers" in r.reason for r in fig)


def test_the_command_prints_a_verdict_per_finding():
    r = subprocess.run([sys.executable, "-m", "suite.cli", "audit", "--only", "section-6", "takeaway-5.*"],
                       capture_output=True, text=True, timeout=120, env={"COLUMNS": "200", "PATH": ""})
    assert r.returncode == 0, r.stderr
    assert "section-6: claim holds" in r.stdout and "takeaway-5.2:" in r.stdout
