"""A plain JSON form of interchanges, for ``crossdock edi to-json`` / ``from-json``.

Dataclasses become objects with their field names; each message gets a ``"message_type"``
key (``"ORDERS"``...); dates and datetimes are ISO 8601 strings; enums are their names
(``"EANCOM_97"``, ``"ACCEPTED"``); decimal numbers are strings (``"12.50"``) so no precision
is lost, whole numbers are JSON integers. :func:`from_json` checks types and reports the
path of a bad value as an :class:`~crossdock.errors.EdiError`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from decimal import Decimal, InvalidOperation
from typing import Any

from crossdock.edi._model import (
    ContrlReport,
    DespatchAdvice,
    Interchange,
    InventoryReport,
    Order,
    OrderResponse,
    PriceCatalogue,
    ReceivingAdvice,
    SalesReport,
)
from crossdock.errors import EdiError

__all__ = ["from_json", "to_json"]

_MESSAGES: dict[str, type] = {
    cls.MESSAGE_TYPE: cls  # type: ignore[attr-defined]
    for cls in (
        SalesReport,
        InventoryReport,
        Order,
        OrderResponse,
        DespatchAdvice,
        ReceivingAdvice,
        ContrlReport,
        PriceCatalogue,
    )
}


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        message_type = getattr(type(value), "MESSAGE_TYPE", None)
        if message_type:
            out["message_type"] = message_type
        for field in dataclasses.fields(value):
            if not field.init:
                continue  # raw segments kept by the decoder are not part of the JSON form
            out[field.name] = _dump(getattr(value, field.name))
        return out
    if isinstance(value, tuple | list):
        return [_dump(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, dt.date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def to_json(interchange: Interchange) -> dict[str, Any]:
    """Turn an interchange into JSON-ready dictionaries, lists, strings and numbers."""
    return _dump(interchange)


def _fail(path: str, expected: str, value: Any) -> EdiError:
    return EdiError(f"expected {expected}, got {value!r}", file="<json>", field=path or "$")


def _load(hint: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None:
            if type(None) in options:
                return None
            raise _fail(path, "a value", value)
        options = tuple(option for option in options if option is not type(None))
        if set(options) == {int, Decimal}:  # Quantity
            if type(value) is int:
                return value
            return _load(Decimal, value, path)
        if len(options) == 1:
            return _load(options[0], value, path)
        message_type = value.get("message_type") if isinstance(value, dict) else None
        if message_type not in _MESSAGES:
            raise _fail(path + ".message_type", f"one of {sorted(_MESSAGES)}", message_type)
        return _load(_MESSAGES[message_type], value, path)
    if origin is tuple:
        if not isinstance(value, list):
            raise _fail(path, "a list", value)
        (item,) = typing.get_args(hint)[:1]
        return tuple(_load(item, v, f"{path}[{i}]") for i, v in enumerate(value))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise _fail(path, f"an object for {hint.__name__}", value)
        hints = typing.get_type_hints(hint)
        names = {f.name for f in dataclasses.fields(hint) if f.init}
        unknown = set(value) - names - {"message_type"}
        if unknown:
            raise _fail(path, f"only fields {sorted(names)}", sorted(unknown))
        kwargs = {}
        for field in dataclasses.fields(hint):
            if not field.init:
                continue
            if field.name in value:
                kwargs[field.name] = _load(
                    hints[field.name], value[field.name], f"{path}.{field.name}".lstrip(".")
                )
            elif field.default is dataclasses.MISSING:
                raise _fail(f"{path}.{field.name}".lstrip("."), "a value", None)
        return hint(**kwargs)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        if value not in hint.__members__:
            raise _fail(path, f"one of {sorted(hint.__members__)}", value)
        return hint[value]
    if hint is dt.datetime:
        try:
            return dt.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise _fail(path, "an ISO 8601 date and time", value) from None
    if hint is dt.date:
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise _fail(path, "an ISO 8601 date", value) from None
    if hint is Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _fail(path, "a decimal number as a string", value)
        try:
            return Decimal(value)
        except InvalidOperation:
            raise _fail(path, "a decimal number", value) from None
    if hint is bool:
        if not isinstance(value, bool):
            raise _fail(path, "true or false", value)
        return value
    if hint is str:
        if not isinstance(value, str):
            raise _fail(path, "a string", value)
        return value
    if hint is int:
        if type(value) is not int:
            raise _fail(path, "an integer", value)
        return value
    raise _fail(path, f"a value of type {hint}", value)


def from_json(data: Any) -> Interchange:
    """Build an :class:`Interchange` from the form :func:`to_json` writes."""
    return _load(Interchange, data, "")
