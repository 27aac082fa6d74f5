"""The HTML report: one self-contained file with the verdict, charts, the network map and flows.

``build_report(results_dir, out)`` reads what ``crossdock run``, ``compare`` or ``experiment``
wrote and writes one HTML file that opens offline (Plotly's JavaScript and every chart's data
are embedded). ``crossdock report RESULTS_DIR -o report.html`` is the same on the command line.
"""

from __future__ import annotations

from crossdock.report._html import build_report, render_report
from crossdock.report._load import OPTIONAL, REQUIRED, Results, Run, load_results

__all__ = [
    "OPTIONAL",
    "REQUIRED",
    "Results",
    "Run",
    "build_report",
    "load_results",
    "render_report",
]
