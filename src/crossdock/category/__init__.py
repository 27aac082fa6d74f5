"""The category captain's levers beyond planning: inbound consolidation, assortment, fairness.

What a captain can do that a supplier planning alone cannot, and how to measure it:

- :mod:`crossdock.category.kpis` — the KPIs that make the captain's work visible: inbound
  trucks, km and truck fill (collection milk runs, see
  :meth:`crossdock.parties.carrier.Carrier._collect`), assortment depth and sales kept after
  delisting, and the fairness gap between the captain's own items and its competitors'.
"""

from __future__ import annotations

from crossdock.category.kpis import CATEGORY_KPI_DOCS, captain_items, category_kpis

__all__ = ["CATEGORY_KPI_DOCS", "captain_items", "category_kpis"]
