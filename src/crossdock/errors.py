"""The exceptions and warnings crossdock raises for problems a user can fix.

Every error a user can cause (a broken scenario, EDI or POS file, a bad parameter) is a
:class:`CrossdockError`. The CLI prints these as one located line and exits with code 2
(:class:`DataQualityError`: code 3), without a traceback; anything else is a bug (code 1).

Exception tree::

    CrossdockError
    ├── InputError                  (carries file and position)
    │   ├── ScenarioError           scenario YAML: file, line, field path
    │   ├── EdiError                EANCOM interchange: file, segment, element
    │   ├── PosError                point-of-sale file: file, row, field
    │   ├── ExperimentError         experiment YAML: file, line, field path
    │   ├── ResultsError            a results folder (for the report): folder, missing tables
    │   └── CheckpointError         a checkpoint that is damaged or belongs to another run
    ├── DataQualityError            readable input, but too many rows rejected (exit code 3)
    ├── IdentifierError             a GTIN, GLN or SSCC that is not valid
    └── ParameterError              a policy or API argument with a bad value

Warnings (``warnings.warn``; the CLI prints them as located ``warning:`` lines, exit code 0)::

    UserWarning
    └── CrossdockWarning            (carries file and position, like InputError)
        ├── ScenarioWarning         a setting that can have no effect, an ambiguous name
        └── PosWarning              rows rejected, fewer than the threshold
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CheckpointError",
    "CrossdockError",
    "CrossdockWarning",
    "DataQualityError",
    "EdiError",
    "ExperimentError",
    "IdentifierError",
    "InputError",
    "ParameterError",
    "PosError",
    "PosWarning",
    "ResultsError",
    "ScenarioError",
    "ScenarioWarning",
]


class CrossdockError(Exception):
    """Base class of every error a user can cause and fix."""


def _located(file: str | None, where: str | None, field: str | None, message: str) -> str:
    """One line: ``file:where field: message`` (the file's name only when a place is given)."""
    head = ""
    if file:
        head = Path(file).name if where else file
        if where:
            head += f":{where}"
    if field:
        head = f"{head} {field}" if head else field
    return f"{head}: {message}" if head else message


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
        return _located(self.file, self.where, self.field, self.message)


class ScenarioError(InputError):
    """A scenario file or builder input that does not describe a valid supply chain."""


class EdiError(InputError):
    """An EANCOM interchange that does not follow the syntax or the message guidelines."""


class PosError(InputError):
    """A point-of-sale file that cannot be read."""


class ExperimentError(InputError):
    """An experiment file (base scenario, variations, replications) that cannot be run."""


class ResultsError(InputError):
    """A results folder that cannot be read or written.

    It lacks a table the report needs, holds one it cannot read, or a result file cannot be
    written to it (a full disk).
    """


class CheckpointError(InputError):
    """A checkpoint that cannot resume this run, or a run state that cannot be saved.

    The file is damaged or truncated, or was written for another run (another scenario,
    mode, seed, number of days or crossdock version).
    """


class DataQualityError(CrossdockError):
    """Input that could be read, but with more rows rejected than the threshold allows.

    The good rows were still processed (and written where a command writes them); the CLI
    exits with code 3 so that a scheduled pipeline can tell.
    """

    def __init__(self, message: str, *, file: str | Path | None = None) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        super().__init__(_located(self.file, None, None, message))


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


class CrossdockWarning(UserWarning):
    """A located problem that does not stop the work: a setting with no effect, say.

    Carries ``file``, ``where`` and ``field`` like :class:`InputError`; ``str()`` is the
    located line.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        where: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.where = where
        self.field = field
        super().__init__(self.located())

    def located(self) -> str:
        """One line: ``file:where field: message``."""
        return _located(self.file, self.where, self.field, self.message)


class ScenarioWarning(CrossdockWarning):
    """A scenario setting that can have no effect, or a name an import would resolve ambiguously."""


class PosWarning(CrossdockWarning):
    """Point-of-sale rows were rejected (counted and kept), fewer than the threshold allows."""
