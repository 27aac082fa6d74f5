"""The CLI's list of validation cases (kept light for start-up) matches the package's."""

from crossdock.cli._validate import CASE_NAMES
from crossdock.validation import CASES


def test_the_help_lists_every_case() -> None:
    assert list(CASE_NAMES) == list(CASES)
