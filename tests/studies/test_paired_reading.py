"""studies.paired_reading: every directional claim check of the stored tiny references, as declared and paired."""

from __future__ import annotations

from studies.paired_reading import readings, to_markdown


def test_each_directional_claim_check_is_read_both_ways_on_the_stored_references():
    rows = readings("tiny")
    five_two = [r for r in rows if r["finding"] == "takeaway-5.2"]
    assert len(five_two) == 5 and all(r["declared_paired"] for r in five_two)
    # a check declared paired reads the same both ways, and its evidence names the seeds it paired
    assert all(r["declared"] == r["paired"] and "p(claimed)" in r["paired_evidence"] for r in five_two)
    # a Welch check read paired: same difference of means, another test
    welch = next(r for r in rows if r["finding"] == "takeaway-4.3" and not r["declared_paired"])
    assert welch["declared_evidence"].split(";")[0] == welch["paired_evidence"].split(";")[0]
    assert "would change verdict if paired by seed" in to_markdown(rows)
