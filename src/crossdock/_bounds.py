"""Bounds shared by the scenario schema and the policies, defined once.

``service_level`` is a cycle service level: its normal quantile z sets the safety stock, so
0.5 (z = 0, no safety stock) is allowed and 1 (z = ∞) is not.
"""

from __future__ import annotations

__all__ = ["SERVICE_LEVEL_MAX", "SERVICE_LEVEL_MIN"]

SERVICE_LEVEL_MIN = 0.5
"""Lowest target cycle service level (included)."""
SERVICE_LEVEL_MAX: float = 1
"""Upper bound of the target cycle service level (excluded)."""
