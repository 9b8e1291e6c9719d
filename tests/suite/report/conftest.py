"""A run directory shaped like a paper run (built from the synthetic findings, renamed), and an HTML reader.

`paper_run` holds, in scrambled order: takeaway-4.9 (ran; deviates from its reference, with a changelog line),
takeaway-4.10 (ran; one claim check fails on purpose), takeaway-4.2 (its job failed) and four findings that did not
run (takeaway-3.1, takeaway-5.2, section-6, my-study).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

import pytest

from suite import runner, verdicts
from suite.atomic import write_json_atomic
from suite.experiment import Claim
from suite.promote import promote
from suite.registry import discover, select
from suite.report import write_report
from suite.runner import ExperimentSummary, RunLayout, RunSummary



def _not_run(exp_id: str, status: str) -> ExperimentSummary:
    return ExperimentSummary(exp_id, f"Stand-in {exp_id}", 1, status, Claim("Not run.", "§3", "synthetic"), (),
                             claim_verdict=status, reproduction_verdict=status, message=f"{exp_id}: {status}")


@pytest.fixture(scope="session")
def paper_run(tmp_path_factory):
    """The run directory, its report written (report.md, report.html)."""
    tmp = tmp_path_factory.mktemp("paper-run")
    exps = discover("synthetic_experiments")
    refs, run_dir = tmp / "refs", tmp / "run"
    runner.run(select(exps, ["synth-length"], "tiny"), "tiny", tmp / "base", progress=False)
    promote(tmp / "base", refs)
    # steeper growth than the reference: the band check fails, the reproduction verdict deviates
    deviating, _ = runner.run(select(exps, ["synth-length"], "tiny"), "tiny", run_dir, progress=False,
                              references_root=refs, overrides={"slope": "1.5"})
    shaping, _ = runner.run(select(exps, ["synth-shaping"], "tiny"), "tiny", run_dir, progress=False)
    length = deviating.experiments["synth-length"]
    assert length.reproduction_verdict == verdicts.DEVIATES_FROM_REFERENCE
    entries = [
        _not_run("my-study", verdicts.NOT_IMPLEMENTED),
        _not_run("section-6", verdicts.NOT_EXECUTABLE),
        _not_run("takeaway-3.1", verdicts.NOT_IMPLEMENTED),
        replace(shaping.experiments["synth-shaping"], id="takeaway-4.10"),
        replace(length, id="takeaway-4.9", changes=("v2 (checks only): the band check now uses k_sd=2",)),
        _not_run("takeaway-5.2", verdicts.NOT_EXECUTABLE),
        ExperimentSummary("takeaway-4.2", "Stand-in failed job", 1, verdicts.ERROR, length.claim, (),
                          claim_verdict=verdicts.ERROR, reproduction_verdict=verdicts.ERROR, arms=length.arms,
                          message="seed-0: RuntimeError: synthetic failure"),
    ]
    summary = RunSummary("tiny", shaping.provenance, {e.id: e for e in entries})
    write_json_atomic(RunLayout(run_dir).summary_json, summary.to_dict())
    write_report(run_dir, experiments_package="synthetic_experiments")
    return run_dir


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element] = field(default_factory=list)
    text: str = ""  # own text and the text of all descendants

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        """Descendants (depth first, document order) with that tag and/or class."""
        out = []
        for c in self.children:
            if (tag is None or c.tag == tag) and (cls is None or cls in c.classes):
                out.append(c)
            out += c.find_all(tag, cls)
        return out

    def by_id(self, element_id: str) -> Element | None:
        return next((e for e in self.find_all() if e.attrs.get("id") == element_id), None)

    def matrix_rows(self) -> list[tuple[str, list[Element]]]:
        """(finding id, cells) per body row of the verdict matrix."""
        table = self.by_id("verdict-matrix")
        assert table is not None, "no element with id verdict-matrix"
        cells = [tr.find_all("td") for tr in table.find_all("tr")]
        return [(tds[0].text.strip(), tds) for tds in cells if tds]


_VOID = {"br", "img", "meta", "link", "hr", "input"}


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = Element("document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        el = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(el)
        if tag not in _VOID:
            self.stack.append(el)

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        while len(self.stack) > 1:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data):
        for el in self.stack:
            el.text += data


def _parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    return builder.root


@pytest.fixture(scope="session")
def parse_html():
    """html text -> a small DOM (`Element`) of the page, enough for tables, spans and figures."""
    return _parse
