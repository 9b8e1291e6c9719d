"""Reports of a run directory: `report.md` (+ PNG files) and a self-contained `report.html` (plots embedded).

The report opens with the verdict matrix (finding × scale, in the paper's order, claim and reproduction verdicts
coloured by tone) and one line naming the findings that did not run. Then one section per finding that ran, in the
order of an ML Reproducibility Challenge report: claim; what was run (recipe, seeds, hardware, time); results against
the reference (table and smoothed plots); changes since the reference; verdicts, with every failing or inconclusive
check's evidence next to its plot; deviations from the paper. See docs/report.md.
"""

from suite.report.build import ReportData, collect, paper_order, write_report

__all__ = ["ReportData", "collect", "paper_order", "write_report"]
