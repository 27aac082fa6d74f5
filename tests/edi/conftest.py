"""Fixtures of the EDI tests."""

from __future__ import annotations

import pytest

from crossdock.edi import Edition


@pytest.fixture(params=list(Edition), ids=lambda e: e.name)
def edition(request) -> Edition:
    return request.param
