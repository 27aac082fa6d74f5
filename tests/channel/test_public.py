"""The EDI bridge's public surface, and the channel protocol."""

from __future__ import annotations

import importlib

from crossdock.channel import Channel, DirectChannel
from crossdock.edi_bridge import EdiChannel


def test_all_matches_the_public_names() -> None:
    mod = importlib.import_module("crossdock.edi_bridge")
    public = {
        name
        for name in vars(mod)
        if not name.startswith("_") and not isinstance(getattr(mod, name), type(importlib))
    }
    assert set(mod.__all__) == public


def test_both_channels_have_the_same_methods() -> None:
    for method in ("send", "receive", "reference", "pending"):
        assert hasattr(Channel, method)
        assert callable(getattr(DirectChannel, method))
        assert callable(getattr(EdiChannel, method))
    assert issubclass(EdiChannel, DirectChannel)
