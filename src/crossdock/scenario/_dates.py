"""Calendar dates in scenario files, in the forms people write them.

YAML reads ``2026-01-05`` as a date, but ``20260105`` (ISO 8601's basic form, unquoted) as
an integer, which pydantic would take for seconds since 1970. :data:`ScenarioDate` accepts a
YAML date, an ISO 8601 date as text (``'2026-01-05'`` or ``'20260105'``) or that eight-digit
integer, a date-time only when its time is midnight, and days from 1900 to 2199.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BeforeValidator

__all__ = ["FIRST_DATE", "LAST_DATE", "ScenarioDate"]

FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)
_FORMS = "a date as YYYY-MM-DD (or YYYYMMDD)"


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0) or value.tzinfo is not None:
            raise ValueError(f"must be {_FORMS} without a time of day, got {value.isoformat()}")
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int) and not isinstance(value, bool) and 10**7 <= value < 10**8:
        day = _parse(str(value), value)
    elif isinstance(value, str):
        day = _parse(value.strip(), value)
    else:
        raise ValueError(f"must be {_FORMS}, got {value!r}")
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(f"must be between {FIRST_DATE} and {LAST_DATE}, got {day}")
    return day


def _parse(text: str, value: object) -> dt.date:
    if len(text) in (8, 10) and text[:4].isdigit():
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"must be {_FORMS}, got {value!r}")


ScenarioDate = Annotated[dt.date, BeforeValidator(_date)]
"""A calendar day of a scenario (see the module docstring for the forms accepted)."""
