"""Reports: both files are written, the HTML is self-contained, sections follow the MLRC order."""

import base64
from dataclasses import replace

import pytest

from suite import runner
from suite.registry import discover, select
from suite.report import write_report


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    exps = discover("synthetic_experiments")
    runner.run(select(exps, ["synth-*"], "tiny") + [exps["broken-job"]], "tiny", out, progress=False)
    return out


def test_report_writes_markdown_and_self_contained_html(run_dir):
    md, page = write_report(run_dir, experiments_package="synthetic_experiments")
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "<img" in html and 'src="data:image/png;base64,' in html
    assert 'src="report_files' not in html and "http" not in html.split("<body>")[1]
    # every embedded image decodes to a PNG
    for chunk in html.split('src="data:image/png;base64,')[1:]:
        assert base64.b64decode(chunk.split('"')[0])[:8] == b"\x89PNG\r\n\x1a\n"
    text = md.read_text()
    for name in ("synth-length-0.png", "synth-shaping-0.png"):
        assert f"report_files/{name}" in text and (run_dir / "report_files" / name).exists()


def test_each_finding_follows_the_reproducibility_report_order(run_dir):
    text = (run_dir / "report.md").read_text()
    section = text.split("## synth-length")[1].split("## synth-shaping")[0]
    order = ["### Claim", "### What was run", "### Results against the reference", "### Verdicts",
             "### Deviations from the paper"]
    positions = [section.index(h) for h in order]
    assert positions == sorted(positions)
    assert "Synthetic stand-in for a training run." in section  # the declared deviation
    assert "| length grows | claim | pass |" in section


def test_not_implemented_findings_say_so_in_the_report(run_dir):
    text = (run_dir / "report.md").read_text()
    assert "Did not run at scale 'tiny' (no section below): not implemented at this scale: broken-job." in text
    assert "## broken-job" not in text


def test_the_matrix_gives_the_status_at_the_other_scales_from_the_registry(run_dir):
    text = (run_dir / "report.md").read_text()
    assert "| synth-length | Synthetic length growth | claim: claim holds; reproduction: inconclusive | implemented " \
           "| not implemented at this scale | needs an external engine |" in text  # gpu, open, paper
    assert "| broken-job | Synthetic broken job | not implemented at this scale | implemented |" in text


def test_report_of_a_failed_check_shows_the_failure(run_dir):
    text = (run_dir / "report.md").read_text()
    assert "| cosine length > classic length (false on purpose) | claim | fail |" in text
    assert "Claim verdict: **not reproduced at this scale**" in text


def test_curves_that_checks_judge_are_plotted_before_the_cap(run_dir, monkeypatch):
    from suite.report import collect, plots

    data = collect(run_dir)
    er = next(e for e in data.experiments if e.id == "synth-shaping")
    monkeypatch.setattr(plots, "MAX_CURVE_PLOTS", 1)
    for arm in [a for a in er.observations.values() if "response_length" in a.curves]:  # a curve sorting first
        arm.curves["entropy"] = arm.curves["response_length"]
    er.entry = replace(er.entry, checks=(replace(er.entry.checks[0], metric="response_length"),))
    captions = [c for c, _ in plots.experiment_plots(er)]
    assert captions[0].startswith("response_length [tokens] per training step")


def test_curves_the_module_declares_come_after_the_checked_ones_and_before_the_rest(run_dir, monkeypatch):
    from suite.report import collect, plots

    data = collect(run_dir)
    er = next(e for e in data.experiments if e.id == "synth-shaping")
    monkeypatch.setattr(plots, "MAX_CURVE_PLOTS", 2)
    for arm in [a for a in er.observations.values() if "response_length" in a.curves]:
        arm.curves["entropy"] = arm.curves["response_length"]  # sorts first alphabetically
        arm.curves["zeta_curve"] = arm.curves["response_length"]  # sorts last
    er.entry = replace(er.entry, checks=(replace(er.entry.checks[0], metric="response_length"),))
    er.declared_metrics = ("zeta_curve", "not_logged")
    captions = [c.split(" [")[0] for c, _ in plots.experiment_plots(er)][:2]
    assert captions == ["response_length", "zeta_curve"]


def test_an_arm_evaluated_once_is_left_out_of_a_curve_plot_that_others_train_along(run_dir):
    from suite.report import collect, plots

    data = collect(run_dir)
    er = next(e for e in data.experiments if e.id == "synth-shaping")
    arms = [a for a, o in er.observations.items() if "response_length" in o.curves]
    one = arms[0]
    c = er.observations[one].curves["response_length"]
    er.observations[one].curves["response_length"] = replace(c, steps=c.steps[-1:], values=tuple(v[-1:] for v in c.values))
    caption, _ = plots.curve_plot(er, "response_length", list(er.observations), "t")
    assert f"Not drawn (one evaluation each, in the scalar panels): {one}." in caption
