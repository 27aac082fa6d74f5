"""Assemble the parties of one run from a recipe (see :mod:`crossdock.recipes`)."""

from __future__ import annotations

from crossdock.recipes import RECIPES, Chain, build_chain

__all__ = ["MODES", "Chain", "build_chain"]

#: The built-in chains ``simulate(mode=...)`` runs (any name in :data:`RECIPES` works too).
MODES = ("traditional", "shared")
assert all(mode in RECIPES for mode in MODES)
