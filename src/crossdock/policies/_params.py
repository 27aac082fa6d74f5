"""Parameter objects in the scikit-learn manner: explicit keyword arguments, nested names.

Every parameter is a keyword argument of ``__init__`` stored under the same name, with no
logic in ``__init__``. ``get_params(deep=True)`` lists them (nested objects as
``outer__inner``), ``set_params`` changes them, ``clone`` makes a fresh unfitted copy, and
``_constraints`` declares what each may be, checked with one error template.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from typing import Any, ClassVar, Self

from crossdock.errors import ParameterError

Constraint = tuple[Callable[[Any], bool], str]


def interval(low: float | None, high: float | None, *, closed: str = "both") -> Constraint:
    """A numeric range constraint, e.g. ``interval(0, 1, closed="right")`` for (0, 1]."""
    left = "[" if closed in ("both", "left") else "("
    right = "]" if closed in ("both", "right") else ")"
    text = f"a number in {left}{'-inf' if low is None else low}, {'inf' if high is None else high}{right}"

    def check(value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if low is not None and (value < low or (value == low and left == "(")):
            return False
        return not (high is not None and (value > high or (value == high and right == ")")))

    return check, text


def whole(low: int = 0) -> Constraint:
    """An integer >= ``low``."""
    return (
        lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= low,
        f"an int >= {low}",
    )


def instance_of(kind: type, text: str) -> Constraint:
    """An instance of ``kind``."""
    return (lambda v: isinstance(v, kind)), text


class Params:
    """Base of policies and forecasters: parameters, validation, cloning."""

    _constraints: ClassVar[dict[str, Constraint]] = {}

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return [
            p.name
            for p in signature.parameters.values()
            if p.name != "self" and p.kind is p.KEYWORD_ONLY
        ]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Parameters by name; with ``deep``, nested ones as ``outer__inner`` too."""
        out: dict[str, Any] = {}
        for name in self._param_names():
            value = getattr(self, name)
            out[name] = value
            if deep and isinstance(value, Params):
                out.update({f"{name}__{k}": v for k, v in value.get_params(deep=True).items()})
        return out

    def set_params(self, **params: Any) -> Self:
        """Set parameters by name (``outer__inner`` reaches nested objects); returns self."""
        valid = self._param_names()
        nested: dict[str, dict[str, Any]] = {}
        for key, value in params.items():
            name, _, rest = key.partition("__")
            if name not in valid:
                raise ParameterError(type(self).__name__, name, f"one of {valid}", key)
            if rest:
                nested.setdefault(name, {})[rest] = value
            else:
                setattr(self, name, value)
        for name, sub in nested.items():
            getattr(self, name).set_params(**sub)
        return self

    def validate_params(self) -> None:
        """Check every parameter against its declared constraint (one error template)."""
        for name, (check, text) in self._constraints.items():
            value = getattr(self, name)
            if not check(value):
                raise ParameterError(type(self).__name__, name, text, value)
            if isinstance(value, Params):
                value.validate_params()

    def clone(self) -> Self:
        """A fresh copy with the same parameters and no learned state."""
        params = {
            name: value.clone() if isinstance(value, Params) else copy.deepcopy(value)
            for name, value in self.get_params(deep=False).items()
        }
        return type(self)(**params)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params(deep=False).items())
        return f"{type(self).__name__}({args})"
