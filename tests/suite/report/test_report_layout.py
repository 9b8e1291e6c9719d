"""The report's layout: verdict matrix first in the paper's order, not-run findings in one line, verdicts coloured by
tone, each failing or inconclusive check's evidence next to its (smoothed) plot."""

import base64

import numpy as np

from suite import verdicts
from suite.report import collect, markdown, plots
from suite.report.blocks import tone
from suite.report.build import paper_order

# the findings of the `paper_run` fixture (conftest.py), in the paper's order, and those that did not run
PAPER_ORDER = ["takeaway-3.1", "takeaway-4.2", "takeaway-4.9", "takeaway-4.10", "takeaway-5.2", "section-6", "my-study"]
NOT_RUN = ["takeaway-3.1", "takeaway-5.2", "section-6", "my-study"]


def _matrix_lines(md: str) -> list[str]:
    table = md.split("## Verdict matrix")[1].split("\n\n")[2]
    return table.splitlines()[2:]


def test_ids_sort_in_the_paper_order_then_sections_then_the_rest_naturally():
    ids = ["study-10", "section-6", "takeaway-4.10", "my-study", "takeaway-4.9", "section-10", "takeaway-3.1",
           "study-2", "takeaway-5.2"]
    assert sorted(ids, key=paper_order) == ["takeaway-3.1", "takeaway-4.9", "takeaway-4.10", "takeaway-5.2",
                                            "section-6", "section-10", "my-study", "study-2", "study-10"]


def test_the_report_opens_with_the_verdict_matrix_in_the_paper_order(paper_run, parse_html):
    md = (paper_run / "report.md").read_text()
    assert md.index("## Verdict matrix") < md.index("## Run") < md.index("## takeaway-4.9")
    assert [line.split(" | ")[0].strip("| ") for line in _matrix_lines(md)] == PAPER_ORDER
    assert md.index("## takeaway-4.9:") < md.index("## takeaway-4.10:")
    dom = parse_html((paper_run / "report.html").read_text())
    assert [finding for finding, _ in dom.matrix_rows()] == PAPER_ORDER
    header = [th.text for th in dom.by_id("verdict-matrix").find_all("th")]
    assert header == ["finding", "title", "tiny (this run)", "gpu (not in this run)", "open (not in this run)",
                      "paper (not in this run)"]


def test_findings_that_did_not_run_collapse_into_one_line(paper_run, parse_html):
    md = (paper_run / "report.md").read_text()
    [line] = [ln for ln in md.splitlines() if ln.startswith("Did not run")]
    assert all(i in line for i in NOT_RUN)
    assert f"{verdicts.NOT_EXECUTABLE}: takeaway-5.2, section-6" in line
    headings = [h.text for h in parse_html((paper_run / "report.html").read_text()).find_all("h2")]
    assert not [h for h in headings if any(h.startswith(i) for i in NOT_RUN)]
    assert [h.split(":")[0] for h in headings if h.startswith("takeaway")] == ["takeaway-4.2", "takeaway-4.9",
                                                                               "takeaway-4.10"]


def test_every_verdict_is_coloured_by_its_tone(paper_run, parse_html):
    rows = dict(parse_html((paper_run / "report.html").read_text()).matrix_rows())
    spans = {s.text: s.classes for s in rows["takeaway-4.9"][2].find_all("span")}
    assert "v-fail" in spans[f"reproduction: {verdicts.DEVIATES_FROM_REFERENCE}"]
    assert "v-pass" in spans[f"claim: {verdicts.CLAIM_HOLDS}"]
    spans = {s.text: s.classes for s in rows["takeaway-4.10"][2].find_all("span")}
    assert "v-fail" in spans[f"claim: {verdicts.CLAIM_NOT_REPRODUCED}"]
    for finding in NOT_RUN:
        assert {"verdict", "v-not-run"} <= rows[finding][2].classes
    assert {"verdict", "v-fail"} <= rows["takeaway-4.2"][2].classes  # its job failed
    for cell in rows["takeaway-4.9"][3:]:  # other scales: unknown ids in the synthetic package
        assert cell.text == "-"
    assert tone(verdicts.INCONCLUSIVE) == "inconclusive" and tone(verdicts.NO_CHECKS) == "neutral"
    assert tone(verdicts.ERROR) == "fail" and tone(verdicts.MATCHES_REFERENCE) == "pass"


def test_failing_check_evidence_sits_next_to_the_plot_of_its_curve(paper_run, parse_html):
    dom = parse_html((paper_run / "report.html").read_text())
    [box] = [d for d in dom.find_all("div", "check-evidence") if "reference steps inside the band" in d.text]
    assert "v-fail" in box.find_all("span", "verdict")[0].classes
    [img] = box.find_all("img")
    assert base64.b64decode(img.attrs["src"].split(",", 1)[1])[:4] == b"\x89PNG"
    assert "centred moving average over 3 logged points" in box.text and "dashed: reference" in box.text
    md = (paper_run / "report.md").read_text()
    after = md.split("**length curve matches reference**: fail")[1].split("**")[0]
    assert "reference steps inside the band" in after
    assert "](report_files/takeaway-4.9-check-1.png)" in after
    assert (paper_run / "report_files" / "takeaway-4.9-check-1.png").exists()


def test_a_failed_job_keeps_its_section_with_the_error(paper_run):
    section = (paper_run / "report.md").read_text().split("## takeaway-4.2:")[1].split("## takeaway-4.9:")[0]
    assert "**error**: seed-0: RuntimeError: synthetic failure" in section


def test_checks_table_and_changes_since_the_reference(paper_run):
    md = (paper_run / "report.md").read_text()
    section = md.split("## takeaway-4.9:")[1].split("## takeaway-4.10:")[0]
    assert section.index("### Changed since the reference") < section.index("### Verdicts")
    assert "- v2 (checks only): the band check now uses k_sd=2" in section
    assert "| check | role | verdict | metric [unit] | observed | expected | tolerance | error basis | p-value |" \
           in section
    assert "Changed since the reference" not in md.split("## takeaway-4.10:")[1]


def test_a_package_that_cannot_be_loaded_leaves_other_scales_unknown(paper_run):
    md = markdown.render(collect(paper_run, experiments_package="no_such_package"))
    assert "cannot import experiments package 'no_such_package'" in md
    assert [line.split(" | ")[0].strip("| ") for line in _matrix_lines(md)] == PAPER_ORDER


def test_smoothing_keeps_a_trend_and_damps_the_noise():
    assert [plots.smoothing_window(n) for n in (5, 19, 20, 40, 200)] == [1, 1, 3, 5, 21]
    line = np.arange(50.0)
    assert np.allclose(plots.smooth(line, 5), line)
    noise = np.random.default_rng(0).standard_normal(200)
    assert plots.smooth(noise, 21).std() < 0.5 * noise.std()


def test_check_plots_are_deterministic_pngs_without_a_stamp(paper_run):
    er = next(e for e in collect(paper_run, experiments_package="no_such_package").experiments
              if e.id == "takeaway-4.9")
    band = er.entry.checks[1]
    assert band.kind == "curve_band"
    first, second = plots.check_plot(er, band), plots.check_plot(er, band)
    assert first == second
    assert b"Software" not in first[1] and b"matplotlib" not in first[1]
