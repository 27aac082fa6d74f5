"""Consumer demand per store × SKU × day.

:class:`DemandModel` draws demand from the scenario's ``demand`` settings (Poisson or negative
binomial around a mean with store size, weekday, season, public holidays, promotions, price
elasticity, product life cycle; intermittent slow movers), each store from its own random
substreams. :class:`ReplayDemand` replays recorded daily sales (replay mode); a
:class:`DemandModel` with :class:`FittedParameters` draws from a model fitted to them
(resample mode). All three satisfy the :class:`Demand` protocol the engine consumes.
"""

from __future__ import annotations

from crossdock.demand._effects import Effects, compile_effects
from crossdock.demand._fitted import FittedParameters
from crossdock.demand._model import DayFactors, Demand, DemandModel, store_streams
from crossdock.demand._replay import ReplayDemand

__all__ = [
    "DayFactors",
    "Demand",
    "DemandModel",
    "Effects",
    "FittedParameters",
    "ReplayDemand",
    "compile_effects",
    "store_streams",
]
