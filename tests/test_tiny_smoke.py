"""Every finding implemented at `tiny` runs end to end in its smoke variant (`longcot run --smoke`: one seed, every
recipe shrunk to seconds by suite.tiny.recipes.SMOKE_OVERRIDES) and every one of its checks reaches a verdict.

The numbers of a smoke run mean nothing; what these tests hold is the path a real run takes: the planned jobs (SFT
shared by the arms, one RL job per arm), the curves every check reads, the judging against the stored reference
(made with the full recipes, so a smoke run must not be said to reproduce it), and the summary. Each finding runs in its own run
directory, as a user running one finding would, so its time is its own (issue #13 asks for under 60 s each).
"""

from __future__ import annotations

import time

import pytest

from suite import verdicts
from suite.cli import main
from suite.registry import discover
from suite.runner import read_summary

EXPS = discover()
TINY = [e for e in EXPS.values() if e.status("tiny") == verdicts.IMPLEMENTED]


def test_the_six_section_4_findings_run_at_tiny():
    assert {e.id for e in TINY} >= {f"takeaway-4.{i}" for i in range(1, 7)}


@pytest.mark.parametrize("exp", TINY, ids=[e.id for e in TINY])
def test_the_smoke_variant_runs_and_every_check_reaches_a_verdict(exp, tmp_path):
    t0 = time.perf_counter()
    assert main(["run", "--smoke", "--only", exp.id, "--out", str(tmp_path / "run"), "--no-progress"]) == 0
    wall = time.perf_counter() - t0
    s = read_summary(tmp_path / "run").experiments[exp.id]
    assert s.status == verdicts.RAN
    spec = exp.scales["tiny"]
    assert set(s.arms) == set(spec.recipes) and all(a.seeds == (0,) for a in s.arms.values())
    assert len(s.checks) == len(spec.checks)
    assert all(c.verdict in (verdicts.PASS, verdicts.FAIL, verdicts.INCONCLUSIVE) for c in s.checks)
    # its recipes are not the reference's: it may deviate from the reference, but can never be said to match it
    assert s.reproduction_verdict in (verdicts.DEVIATES_FROM_REFERENCE, verdicts.REFERENCE_INCONCLUSIVE)
    print(f"{exp.id}: smoke run {wall:.1f} s")
