"""Located decoding errors and the strict / lenient error policy.

Every problem found while reading an interchange is an :class:`EdiDecodeError`, a subclass of
:class:`crossdock.errors.EdiError` that also carries the interchange control reference, the
message reference, the segment number and tag, and the element and component numbers::

    orders.edi:segment 14 (QTY) element 1.2: '12a' is not a number [interchange 42, message 7]

(``crossdock edi validate`` prints the part before the brackets, adding them with
``--context``.)

Segments are numbered from 1 at the start of the file, the UNA service string advice counting
as segment 1 when present, so that in a file written one segment per line the segment number
is the line number. Elements are numbered from 1 after the tag, components from 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

from crossdock.errors import EdiError

__all__ = ["EdiDecodeError", "Reporter"]


class EdiDecodeError(EdiError):
    """An interchange that breaks the syntax or the EANCOM message guidelines, located."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        segment: int | None = None,
        tag: str | None = None,
        element: int | None = None,
        component: int | None = None,
        interchange_ref: str | None = None,
        message_ref: str | None = None,
    ) -> None:
        # One line whatever the file held: line breaks and other controls are shown escaped.
        message = _printable(message)
        tag = _printable(tag) if tag is not None else None
        self.segment = segment
        self.tag = tag
        self.element = element
        self.component = component
        self.interchange_ref = interchange_ref
        self.message_ref = message_ref
        where = None
        if segment is not None:
            where = f"segment {segment}" + (f" ({tag})" if tag else "")
        field = None
        if element is not None:
            field = f"element {element}" + (f".{component}" if component is not None else "")
        super().__init__(message, file=file, where=where, field=field)

    def located(self) -> str:
        """One line: ``file:segment 14 (QTY) element 1.2: message`` (file left out if unknown)."""
        if self.file:
            return super().located()
        head = " ".join(part for part in (self.where, self.field) if part)
        return f"{head}: {self.message}" if head else self.message

    def __str__(self) -> str:
        """The located line, then the interchange and message it is in, when known."""
        context = self.context()
        return f"{self.located()} [{context}]" if context else self.located()

    def context(self) -> str:
        """Name the interchange and message of the error: ``interchange 42, message 7``."""
        parts = []
        if self.interchange_ref is not None:
            parts.append(f"interchange {self.interchange_ref}")
        if self.message_ref is not None:
            parts.append(f"message {self.message_ref}")
        return ", ".join(parts)


def _printable(text: str) -> str:
    """``text`` with line breaks and other control characters shown escaped, as repr does."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class _Stop(Exception):
    """Raised inside a message to abandon it after an error (lenient mode goes on)."""


class Reporter:
    """Collects or raises decoding errors, and knows where the decoder currently is.

    In strict mode the first error is raised. In lenient mode errors are appended to
    :attr:`errors` and decoding resumes at the next message.
    """

    def __init__(self, file: str | None, *, lenient: bool, relaxed: bool = False) -> None:
        self.file = file
        self.lenient = lenient
        self.relaxed = relaxed
        """Whether :meth:`relaxable` problems are warnings (``edi validate --lenient``)."""
        self.errors: list[EdiDecodeError] = []
        self.warnings: list[EdiDecodeError] = []
        """What the simulation needs but EANCOM leaves optional, with the default taken."""
        self.interchange_ref: str | None = None
        self.message_ref: str | None = None
        self.failed = False

    def fatal(
        self,
        text: str,
        segment: int | None = None,
        tag: str | None = None,
        element: int | None = None,
        component: int | None = None,
    ) -> NoReturn:
        """Raise an error after which the file cannot be read on, even in lenient mode."""
        lenient, self.lenient = self.lenient, False
        try:
            self.error(text, segment, tag, element, component)
        finally:
            self.lenient = lenient
        raise AssertionError("unreachable")  # pragma: no cover

    def warn(
        self,
        text: str,
        segment: int | None = None,
        tag: str | None = None,
        element: int | None = None,
        component: int | None = None,
    ) -> None:
        """Record a located warning: valid EANCOM, but a documented default was taken."""
        self.warnings.append(
            EdiDecodeError(
                text,
                file=self.file,
                segment=segment,
                tag=tag,
                element=element,
                component=component,
                interchange_ref=self.interchange_ref,
                message_ref=self.message_ref,
            )
        )

    def relaxable(
        self,
        text: str,
        segment: int | None = None,
        tag: str | None = None,
        element: int | None = None,
        component: int | None = None,
    ) -> None:
        """An error that leaves the meaning unambiguous: a warning when reading relaxed."""
        if self.relaxed:
            self.warn(text, segment, tag, element, component)
        else:
            self.error(text, segment, tag, element, component)

    def error(
        self,
        text: str,
        segment: int | None = None,
        tag: str | None = None,
        element: int | None = None,
        component: int | None = None,
    ) -> None:
        """Record or raise one located error."""
        problem = EdiDecodeError(
            text,
            file=self.file,
            segment=segment,
            tag=tag,
            element=element,
            component=component,
            interchange_ref=self.interchange_ref,
            message_ref=self.message_ref,
        )
        self.failed = True
        if not self.lenient:
            raise problem
        self.errors.append(problem)
