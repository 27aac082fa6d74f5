"""The exceptions crossdock raises for problems a user can fix.

Every error a user can cause (a broken scenario, EDI or POS file, a bad parameter) is a
:class:`CrossdockError`. The CLI prints these as one located line and exits with code 2,
without a traceback; anything else is a bug.

Exception tree::

    CrossdockError
    ├── InputError                  (carries file and position)
    │   ├── ScenarioError           scenario YAML: file, line, field path
    │   ├── EdiError                EANCOM interchange: file, segment, element
    │   └── PosError                point-of-sale file: file, row, field
    ├── IdentifierError             a GTIN, GLN or SSCC that is not valid
    └── ParameterError              a policy or API argument with a bad value
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CrossdockError",
    "EdiError",
    "IdentifierError",
    "InputError",
    "ParameterError",
    "PosError",
    "ScenarioError",
]


class CrossdockError(Exception):
    """Base class of every error a user can cause and fix."""


class InputError(CrossdockError):
    """A problem at a known place in an input file.

    ``file`` is the file name (or ``<builder>`` for data built in Python), ``where`` the place
    inside it in the file format's own terms (``line 41``, ``segment 14 (QTY)``, ``row 7``),
    ``field`` the field path and ``message`` what is wrong.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        where: str | None = None,
        field: str | None = None,
        problems: list[str] | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.where = where
        self.field = field
        super().__init__(self.located())
        #: Every problem found, one located line each (the first is this error's own).
        self.problems: list[str] = problems or [self.located()]

    def located(self) -> str:
        """One line: ``file:where field: message``."""
        head = ""
        if self.file:
            head = Path(self.file).name if self.where else self.file
            if self.where:
                head += f":{self.where}"
        if self.field:
            head = f"{head} {self.field}" if head else self.field
        return f"{head}: {self.message}" if head else self.message


class ScenarioError(InputError):
    """A scenario file or builder input that does not describe a valid supply chain."""


class EdiError(InputError):
    """An EANCOM interchange that does not follow the syntax or the message guidelines."""


class PosError(InputError):
    """A point-of-sale file that cannot be read."""


class IdentifierError(CrossdockError, ValueError):
    """A GS1 identifier (GTIN, GLN, SSCC) with the wrong length, characters or check digit."""


class ParameterError(CrossdockError, ValueError):
    """A parameter of a crossdock object has a value it cannot take.

    The message follows one template: ``The 'name' parameter of Owner must be <constraint>.
    Got <value!r> instead.``
    """

    def __init__(self, owner: str, name: str, constraint: str, value: object) -> None:
        self.owner = owner
        self.name = name
        self.constraint = constraint
        self.value = value
        super().__init__(
            f"The '{name}' parameter of {owner} must be {constraint}. Got {value!r} instead."
        )
