"""The curated public surface: ``__all__`` lists exactly the public names of each package."""

from __future__ import annotations

import types

import pytest

import crossdock.edi
import crossdock.gs1
from crossdock.edi import from_json, to_json
from crossdock.errors import EdiError

from .samples import small_interchange


@pytest.mark.parametrize("package", [crossdock.edi, crossdock.gs1])
def test_all_matches_public_names(package):
    public = {name for name in dir(package) if not name.startswith("_")}
    modules = {name for name in public if isinstance(getattr(package, name), types.ModuleType)}
    assert sorted(package.__all__) == sorted(public - modules)


@pytest.mark.parametrize("package", [crossdock.edi, crossdock.gs1])
def test_public_classes_and_functions_have_docstrings(package):
    for name in package.__all__:
        obj = getattr(package, name)
        if isinstance(obj, type | types.FunctionType):
            assert obj.__doc__ and not obj.__doc__.startswith(obj.__name__ + "("), name


def test_from_json_reports_the_path_of_a_bad_value():
    data = to_json(small_interchange())
    data["messages"][2]["lines"][0]["splits"][1]["store"] = 5412345000044
    with pytest.raises(EdiError) as caught:
        from_json(data)
    assert caught.value.field == "messages[2].lines[0].splits[1].store"
    assert caught.value.message == "expected a string, got 5412345000044"
    data = to_json(small_interchange())
    data["messages"][0]["message_type"] = "INVOIC"
    with pytest.raises(EdiError, match="one of"):
        from_json(data)
    data = to_json(small_interchange())
    data["edition"] = "EANCOM_2099"
    with pytest.raises(EdiError, match="EANCOM_2002"):
        from_json(data)
    data = to_json(small_interchange())
    data["surprise"] = 1
    with pytest.raises(EdiError, match="surprise"):
        from_json(data)
