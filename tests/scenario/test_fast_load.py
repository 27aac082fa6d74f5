"""The libyaml fast path of ``read_spec``: same specs, and every message from the located path.

A clean file is read by libyaml without the node graph or the line map; anything with an
error or a warning is read again by the located Python path. These tests hold the two paths
to the same answer, check that the fast path is taken where it should be, and that
``fits_c_composer`` counts depth and aliases exactly as the Python composer does.
"""

from __future__ import annotations

import random
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossdock import ScenarioError
from crossdock.scenario import (
    ScenarioSpec,
    _load,
    _yaml,
    default_scenario_path,
    generate_spec,
    read_spec,
)
from crossdock.scenario._yaml import MAX_ALIAS_NODES, MAX_DEPTH, fits_c_composer


def dumped(**sizes: Any) -> str:
    spec = generate_spec(**sizes)
    return yaml.safe_dump(spec.model_dump(mode="json"), allow_unicode=True, sort_keys=False)


SMALL = dumped(n_stores=3, n_skus=12, horizon_days=40, warm_up_days=5, seed=2)
DEFAULT = default_scenario_path().read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def forbid(*names: str) -> Any:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"called one of {names}")

    return refuse


def slow_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today's path alone: the fast path always declines."""
    monkeypatch.setattr(_load, "_spec_if_clean", lambda text, file: None)


def fast_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The located path fails the test if it runs at all."""
    monkeypatch.setattr(_load, "_line_map", forbid("_line_map"))
    monkeypatch.setattr(_load, "load_yaml", forbid("load_yaml"))


def outcome(path: Path) -> tuple[Any, list[tuple[type[Warning], str]]]:
    """The spec or the error (message and problems), and the warnings, of ``read_spec``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result: Any = read_spec(path)
        except ScenarioError as error:
            result = (str(error), error.problems)
    return result, [(w.category, str(w.message)) for w in caught]


def both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The outcome as shipped, then with the fast path switched off."""
    shipped = outcome(path)
    with monkeypatch.context() as patch:
        slow_only(patch)
        slow = outcome(path)
    return shipped, slow


def with_aliases(text: str) -> str:
    """``SMALL`` with a delivery window shared through an anchor and a merge key."""
    windows = re.findall(r"  delivery_window:\n    open: '?[\d:]+'?\n    close: '?[\d:]+'?\n", text)
    text = text.replace(
        windows[0], windows[0].replace("delivery_window:", "delivery_window: &w"), 1
    )
    head, tail = text.split("&w", 1)
    tail = tail.replace(windows[1], "  delivery_window: *w\n", 1)
    return (head + "&w" + tail).replace(
        "  name: Hyper", "  <<: {size_factor: 1.5}\n  name: Hyper", 1
    )


@pytest.mark.parametrize(
    "text",
    [
        DEFAULT,
        SMALL,
        dumped(n_stores=40, n_skus=120, n_platforms=3, horizon_days=60, warm_up_days=7, seed=5),
        with_aliases(SMALL),
    ],
    ids=["built-in", "small", "generated", "aliases"],
)
def test_fast_and_slow_paths_give_equal_specs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    path = write(tmp_path, text)
    with monkeypatch.context() as patch:
        fast_only(patch)
        fast = read_spec(path)
    with monkeypatch.context() as patch:
        slow_only(patch)
        slow = read_spec(path)
    assert fast == slow
    assert fast.model_dump() == slow.model_dump()


def test_the_built_in_scenario_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    fast_only(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(read_spec().stores) == 12


def test_a_clean_distance_matrix_is_read_on_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = read_spec(write(tmp_path, SMALL))
    a, b = spec.stores[0].gln, spec.stores[1].gln
    (tmp_path / "km.csv").write_text(f"from_gln,to_gln,km\n{a},{b},12\n{b},{a},13\n")
    path = write(tmp_path, SMALL.replace("distance_matrix: null", "distance_matrix: km.csv"))
    with monkeypatch.context() as patch:
        fast_only(patch)
        fast = read_spec(path)
    assert fast.carrier.distance_matrix == "km.csv"
    shipped, slow = both(path, monkeypatch)
    assert shipped == slow == (fast, [])


def _zero_weekdays(text: str) -> str:
    lines = text.replace("weekday_profile:\n", "weekday_profile: [0, 0, 0, 0, 0, 0, 0]\nx:\n", 1)
    kept = lines.splitlines()
    start = kept.index("x:")
    end = start + 1
    while kept[end].startswith("  - ") or kept[end].startswith("- "):
        end += 1
    return "\n".join(kept[:start] + kept[end:]) + "\n"


BOMB = "\n".join(
    ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    + [
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)
BROKEN = {
    "too deep": ("name: " + "[" * 500 + "]" * 500, "nested more than 64 levels deep"),
    "far too deep": ("name: " + "[" * 100_000 + "]" * 100_000, "nested more than 64 levels"),
    "alias bomb": (BOMB, "aliases expand to more than 1,000,000 nodes"),
    "recursive alias": ("name: x\nloop: &a [1, *a]", "alias *a is used inside its own anchor"),
    "undefined alias": ("name: *nope", "found undefined alias 'nope'"),
    "duplicate key": (
        SMALL.replace("horizon_days: 40\n", "horizon_days: 40\nhorizon_days: 400\n"),
        "duplicate key 'horizon_days' (first written on line",
    ),
    "bad timestamp": (
        SMALL.replace("start_date: '2026-01-05'", "start_date: 2026-02-30"),
        "cannot read '2026-02-30': day is out of range for month",
    ),
    "validation": (
        SMALL.replace("horizon_days: 40", "horizon_days: -4"),
        "horizon_days: must be",
    ),
    "reference": (
        SMALL.replace("blocked_gtins: []", "blocked_gtins: ['4006381333931']"),
        "unknown GTIN '4006381333931' (not in products)",
    ),
    "missing matrix": (
        SMALL.replace("distance_matrix: null", "distance_matrix: nope.csv"),
        "no such file 'nope.csv'",
    ),
    "not a mapping": ("- 1\n- 2", "a scenario must be a mapping of fields"),
    "malformed": (SMALL.replace("horizon_days: 40", "horizon_days: [40"), "malformed YAML"),
    "two documents": (SMALL + "---\n" + SMALL, "malformed YAML: but found another document"),
    # read differently by libyaml and PyYAML's scanner: PyYAML's reading wins
    "tab after colon": (SMALL.replace("horizon_days: 40", "horizon_days:\t40"), "malformed YAML"),
    "block scalar header": (SMALL.replace("name: ", "name: |#x\n  ", 1), "malformed YAML"),
    "question mark in flow": (
        SMALL.replace("blocked_gtins: []", "blocked_gtins: [a ?b]"),
        "malformed YAML",
    ),
    "byte-order mark in a line": (  # libyaml would skip it and accept the file
        SMALL.replace("\nhorizon_days: 40", "\n\ufeffhorizon_days: 40"),
        "\ufeffhorizon_days: unknown field",
    ),
}
WARNED = {
    "all-zero weekdays": (_zero_weekdays(SMALL), "is all zero, so it is ignored"),
    "promotion outside": (
        SMALL.replace(
            "  promotions: []\n",
            "  promotions:\n  - gtins: ['3012340000012']\n    start: '2030-01-01'\n",
        ),
        "is outside the horizon",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_errors_are_the_located_paths_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    text, expected = BROKEN[case]
    path = write(tmp_path, text + "\n")
    assert _load._spec_if_clean(text + "\n", path) is None
    if not fits_c_composer(text):  # what libyaml might misread never reaches its composer
        monkeypatch.setattr(_load, "load_yaml_fast", forbid("load_yaml_fast"))
    shipped, slow = both(path, monkeypatch)
    assert shipped == slow
    assert isinstance(shipped[0], tuple), shipped  # an error, not a spec
    assert expected in shipped[0][0]


@pytest.mark.parametrize("case", sorted(WARNED))
def test_warnings_are_the_located_paths_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    text, expected = WARNED[case]
    path = write(tmp_path, text)
    assert _load._spec_if_clean(text, path) is None
    shipped, slow = both(path, monkeypatch)
    assert shipped == slow
    (warning,) = shipped[1]
    assert expected in warning[1] and re.match(r"s\.yaml:\d+ ", warning[1])
    assert isinstance(shipped[0], ScenarioSpec)


def accepted(text: str) -> bool:
    """Whether the Python composer, with its limits, takes ``text``."""
    loader = _yaml._ScenarioLoader(text)
    try:
        loader.get_single_node()
    except (_yaml.LimitError, yaml.composer.ComposerError):
        return False
    finally:
        loader.dispose()
    return True


def test_limits_are_counted_as_the_python_composer_counts_them() -> None:
    nested = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    deeper = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    assert fits_c_composer(nested) and accepted(nested)
    assert not fits_c_composer(deeper) and not accepted(deeper)
    # an anchor of 999 scalars is 1,000 nodes: 1,000 aliases reach the limit exactly
    anchor = "a: &a [" + ", ".join(["x"] * 999) + "]\n"
    uses = "b: [" + ", ".join(["*a"] * (MAX_ALIAS_NODES // 1000)) + "]\n"
    assert fits_c_composer(anchor + uses) and accepted(anchor + uses)
    past = anchor + "s: &s x\n" + uses + "c: *s\n"  # one node more
    assert not fits_c_composer(past) and not accepted(past)


def random_document(rng: random.Random) -> str:
    """Nested flow lists and mappings with anchors, aliases (some recursive) and merge keys."""
    done: list[str] = []
    open_: list[str] = []

    def node(depth: int) -> str:
        draw = rng.random()
        if draw < 0.25 and done:
            return "*" + rng.choice(done)
        if draw < 0.28 and open_:
            return "*" + rng.choice(open_)
        anchor = f"a{len(done) + len(open_)}" if rng.random() < 0.4 else None
        prefix = f"&{anchor} " if anchor else ""
        if anchor:
            open_.append(anchor)
        if draw < 0.5 or depth > 7:
            text = prefix + "x"
        elif draw < 0.75:
            text = prefix + "[" + ", ".join(node(depth + 1) for _ in range(rng.randint(0, 4))) + "]"
        else:
            items = [f"k{i}: {node(depth + 1)}" for i in range(rng.randint(0, 4))]
            if done and rng.random() < 0.2:
                items.append(f"<<: *{rng.choice(done)}")
            text = prefix + "{" + ", ".join(items) + "}"
        if anchor:
            open_.remove(anchor)
            done.append(anchor)
        return text

    return node(0) + "\n"


def test_random_documents_pass_the_pre_scan_exactly_when_the_python_composer_takes_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_yaml, "MAX_DEPTH", 5)
    monkeypatch.setattr(_yaml, "MAX_ALIAS_NODES", 40)
    rng = random.Random(20261204)
    verdicts = []
    for _ in range(600):
        text = random_document(rng)
        verdicts.append(accepted(text))
        assert fits_c_composer(text) == verdicts[-1], text
    assert 100 < sum(verdicts) < 500  # both answers are well represented


def test_without_libyaml_every_file_takes_the_located_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    monkeypatch.setattr(_load, "load_yaml_fast", forbid("load_yaml_fast"))
    assert not fits_c_composer(SMALL)
    assert len(read_spec(write(tmp_path, SMALL)).stores) == 3
