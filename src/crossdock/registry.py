"""Registries: names → plug-in classes, next to the protocol each plug-in implements.

Policies (:data:`crossdock.policies.POLICIES`), forecasters
(:data:`crossdock.policies.FORECASTERS`), routing solvers (:data:`crossdock.routing.ROUTERS`)
and parties (:data:`crossdock.recipes.PARTIES`) are each found by name in one of these, and the
scenario schema takes its allowed names from them, so a new plug-in is one class and one
:meth:`Registry.register` call, a user's own included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from crossdock.errors import ParameterError

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Generic[T]):
    """Names → entries of one kind of plug-in (``what`` names the kind in error messages)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: dict[str, T] = {}

    def register(self, name: str, entry: T, *, replace: bool = False) -> T:
        """Add ``entry`` under ``name`` (a second one under the same name needs ``replace``)."""
        if not name or not name.replace("_", "").isalnum():
            raise ParameterError(f"{self.what} registry", "name", "a snake_case name", name)
        if name in self._entries and not replace and self._entries[name] is not entry:
            raise ParameterError(
                f"{self.what} registry", "name", "a name not registered yet (or replace=True)", name
            )
        self._entries[name] = entry
        return entry

    def add(self, name: str) -> Callable[[T], T]:
        """Decorator form of :meth:`register`."""

        def decorate(entry: T) -> T:
            return self.register(name, entry)

        return decorate

    def __getitem__(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            raise ParameterError(self.what, "name", f"one of {self.names()}", name) from None

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def names(self) -> list[str]:
        """The registered names, sorted."""
        return sorted(self._entries)

    def check(self, name: str) -> str:
        """``name`` if registered; otherwise a ``ValueError`` listing the choices (for schemas)."""
        if name not in self._entries:
            raise ValueError(f"unknown {self.what} {name!r}: expected one of {self.names()}")
        return name
