"""What every party of a chain is: the protocol the engine and the recipes rely on.

A party owns its state and decides from what it knows: it reads messages from the message
channel and goods from the goods channel, and writes its own figures into the ledger. It holds
no reference to another party. Each declares:

- ``phases``: the engine phases it takes part in (a method of that name each);
- ``location_type``: the kind of ledger location it holds stock at (``None`` for a party that
  holds none, such as a planner), and :meth:`Party.locations` its GLNs and names;
- ``series``: the ledger series it writes (:class:`crossdock.ledger.SeriesSpec`).

See :mod:`crossdock.recipes` for how a chain's cast is chosen and built.
"""

from __future__ import annotations

from typing import ClassVar, Protocol

import numpy as np

from crossdock.ledger import SeriesSpec
from crossdock.scenario import Scenario

__all__ = ["Party"]


class Party(Protocol):
    """A party of a chain (see the module docstring)."""

    phases: ClassVar[tuple[str, ...]]
    location_type: ClassVar[str | None]
    series: ClassVar[tuple[SeriesSpec, ...]]

    @classmethod
    def locations(cls, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
        """The GLNs and names of the party's locations (empty when it holds no stock)."""
        ...
