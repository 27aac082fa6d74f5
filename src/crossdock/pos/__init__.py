"""Point-of-sale data: the generated scan stream, importing real POS files, fitting demand.

- :func:`write_scans` / :class:`ScanGenerator` expand the demand model's daily totals into
  timestamped till scans (``crossdock pos generate``);
- :func:`import_pos` validates CSV or Parquet POS files into daily totals per store × GTIN,
  rejecting bad rows into a side file with the reason (``crossdock pos import``);
- :func:`fit_demand` estimates per store × SKU demand parameters from daily totals and
  :func:`fitted_scenario` writes them into a scenario (``crossdock pos fit``).
"""

from __future__ import annotations

from crossdock.pos._fit import fit_demand, fitted_scenario
from crossdock.pos._import import DAILY_SCHEMA, ImportReport, import_pos, read_daily
from crossdock.pos._scans import SCAN_SCHEMA, ScanGenerator, write_scans

__all__ = [
    "DAILY_SCHEMA",
    "SCAN_SCHEMA",
    "ImportReport",
    "ScanGenerator",
    "fit_demand",
    "fitted_scenario",
    "import_pos",
    "read_daily",
    "write_scans",
]
