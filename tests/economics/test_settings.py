"""The economics settings are validated like the rest of a scenario, with located errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.scenario.test_load import broken, line_of

from crossdock import ScenarioError, load_scenario


def test_a_bad_wage_is_located(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "    cashier: 12.3\n", "    cashier: -1\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    line = line_of(text, "cashier: -1")
    assert f"broken.yaml:{line} economics.wages.cashier: must be > 0, got -1" in str(caught.value)


def test_an_unknown_supplier_in_the_real_flow_is_located(tmp_path: Path) -> None:
    path, _ = broken(tmp_path, "    by_supplier: {}\n", "    by_supplier: {nobody: 3}\n")
    with pytest.raises(
        ScenarioError, match=r"economics.real_flow.by_supplier.nobody: unknown supplier 'nobody'"
    ):
        load_scenario(path)


def test_an_unknown_payer_is_refused(tmp_path: Path) -> None:
    path, _ = broken(tmp_path, "    inbound: supplier\n", "    inbound: shopper\n")
    with pytest.raises(ScenarioError, match=r"economics.transport.inbound"):
        load_scenario(path)


def test_the_builtin_scenario_states_its_economics() -> None:
    spec = load_scenario().spec.economics
    assert spec.real_flow.supplier_pallets_per_day > 0
    assert spec.real_flow.store_pallets_per_day > 0
    assert 0 < spec.capital.cost_of_capital_per_year < 0.2
