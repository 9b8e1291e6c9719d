"""Reports of a run directory: `report.md` (+ PNG files) and a self-contained `report.html` (plots embedded).

One section per finding, in the order of an ML Reproducibility Challenge report: claim; what was run (recipe, seeds,
hardware, time); results against the reference (table and plots); verdicts; deviations from the paper.
"""

from suite.report.build import ReportData, collect, write_report

__all__ = ["ReportData", "collect", "write_report"]
