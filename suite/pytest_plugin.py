"""pytest plugin (entry point `pytest11`): `pytest --longcot-scale tiny` collects every experiment's checks as items.

One item per check of each experiment implemented at the scale, one skipped item per experiment that is not. The
first item to run calls the same `suite.runner.run` as the CLI (finished seeds in the run directory are reused), and
every item then reads its verdict from the summary: pass passes, fail fails with the check's table, inconclusive is
reported as skipped with its evidence (never as a pass). Items carry the markers `longcot` and `slow`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from suite import verdicts
from suite.errors import UserError

if TYPE_CHECKING:  # every pytest session loads this plugin; the runner is imported only once a longcot item runs
    from suite.runner import ExperimentSummary, RunSummary


def pytest_addoption(parser):
    g = parser.getgroup("longcot", "longcot-repro reproduction checks")
    g.addoption("--longcot-scale", default=None, help="collect experiment checks at this scale (tiny | gpu | paper)")
    g.addoption("--longcot-only", action="append", default=[], metavar="ID", help="experiment id (repeatable)")
    g.addoption("--longcot-seeds", default=None, help="comma-separated seeds (default: each experiment's own)")
    g.addoption("--longcot-out", default=None, help="run directory (default: runs/pytest-<scale>)")
    g.addoption("--longcot-jobs", type=int, default=1, help="parallel job processes")
    g.addoption("--longcot-experiments", default="experiments", help="package of experiment modules")
    g.addoption("--longcot-references", default=None, help="reference results root")


def pytest_configure(config):
    config.addinivalue_line("markers", "longcot: a reproduction check collected by the longcot plugin")
    config.addinivalue_line("markers", "slow: long reproductions; run by the tiny job, not by CI")
    config.addinivalue_line("markers", "gpu: needs a CUDA device; skipped cleanly without one")


class _Session:
    """Runs the selected experiments once per pytest session and hands out verdicts."""

    def __init__(self, config, experiments, scale):
        self.config = config
        self.experiments = experiments
        self.scale = scale
        self.summary: RunSummary | None = None

    def get(self) -> RunSummary:
        if self.summary is None:
            from suite import runner
            from suite.references import default_root

            opt = self.config.getoption
            seeds = tuple(int(s) for s in opt("longcot_seeds").split(",")) if opt("longcot_seeds") else None
            out = Path(opt("longcot_out") or Path("runs") / f"pytest-{self.scale}")
            refs = Path(opt("longcot_references")) if opt("longcot_references") else default_root()
            try:
                self.summary, _ = runner.run(self.experiments, self.scale, out, seeds=seeds,
                                             jobs=opt("longcot_jobs"), references_root=refs, progress=False,
                                             command="pytest --longcot-scale")
            except UserError as exc:  # bad input (a missing references folder, a bad seed): one line, no traceback
                pytest.fail(str(exc), pytrace=False)
        return self.summary


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    scale = config.getoption("longcot_scale")
    if not scale:
        return
    from suite.registry import discover, select

    try:
        exps = select(discover(config.getoption("longcot_experiments")), config.getoption("longcot_only"), scale)
    except UserError as exc:
        raise pytest.UsageError(str(exc)) from None
    runnable = [e for e in exps if e.status(scale) == verdicts.IMPLEMENTED]
    state = _Session(config, runnable, scale)
    new = []
    for exp in exps:
        if exp.status(scale) != verdicts.IMPLEMENTED:
            new.append(NotRunItem.from_parent(session, name=f"{exp.id}[{scale}]", status=exp.status(scale)))
            continue
        for check in exp.scales[scale].checks:
            item = CheckItem.from_parent(session, name=f"{exp.id}[{scale}]::{check.name}", exp_id=exp.id,
                                         check_name=check.name, state=state)
            item.add_marker("longcot")
            item.add_marker("slow")
            new.append(item)
    items.extend(new)


class CheckFailed(Exception):
    pass


class CheckItem(pytest.Item):
    def __init__(self, *, exp_id, check_name, state, **kw):
        super().__init__(**kw)
        self.exp_id = exp_id
        self.check_name = check_name
        self.state = state

    def runtest(self):
        entry = self.state.get().experiments[self.exp_id]
        if entry.status == verdicts.ERROR:
            raise CheckFailed(f"{self.exp_id}: a job failed: {entry.message}")
        result = next(c for c in entry.checks if c.name == self.check_name)
        if result.verdict == verdicts.INCONCLUSIVE:
            pytest.skip(f"inconclusive ({result.role}): {result.evidence}")
        if result.verdict == verdicts.FAIL:
            raise CheckFailed(_table(self.exp_id, entry, self.check_name))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CheckFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return Path("experiments"), None, f"{self.exp_id}: {self.check_name}"


class NotRunItem(pytest.Item):
    def __init__(self, *, status, **kw):
        super().__init__(**kw)
        self.status = status

    def runtest(self):
        pytest.skip(self.status)

    def reportinfo(self):
        return Path("experiments"), None, self.name


def _table(exp_id: str, entry: ExperimentSummary, failed: str) -> str:
    """Every check of the experiment as an aligned text table, the failed one marked with "->"."""
    rows = [("", "check", "role", "verdict", "observed", "expected", "tolerance", "evidence")]
    for c in entry.checks:
        rows.append(("->" if c.name == failed else "", c.name, c.role, c.verdict, _f(c.observed), _f(c.expected),
                     c.tolerance, c.evidence))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [f"{exp_id}: check {failed!r} failed (claim verdict: {entry.claim_verdict}; reproduction verdict: "
             f"{entry.reproduction_verdict})"]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def _f(x) -> str:
    if x is None:
        return "-"
    return x if isinstance(x, str) else f"{x:.4g}"
