"""``crossdock edi validate | show | to-json | from-json`` on files a user hands in."""

from __future__ import annotations

import io
import json
import sys

import pytest
from typer.testing import CliRunner

from crossdock.cli import main
from crossdock.cli._app import app
from crossdock.edi import read

from .samples import DATA, FIXTURES

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["edi", *args], catch_exceptions=False)


def test_validate_accepts_every_fixture():
    result = run("validate", *map(str, FIXTURES))
    assert result.exit_code == 0, result.output
    assert "ok, 1 message" in result.output


def test_validate_prints_one_line_per_error_and_exits_2(tmp_path):
    text = (DATA / "orders_97.edi").read_text(encoding="latin-1")
    bad = tmp_path / "bad.edi"
    bad.write_text(
        text.replace("QTY+21:96'", "QTY+21:12a'").replace("UNZ+1+ORD001'", "UNZ+3+ORD001'"),
        encoding="latin-1",
    )
    good = DATA / "desadv_2002.edi"
    result = run("validate", str(good), str(bad))
    assert result.exit_code == 2
    errors = [line for line in result.stdout.splitlines() if line.startswith(str(bad))]
    assert errors == [
        f"{bad}:segment 16 (QTY) element 1.2: '12a' is not a number",
        f"{bad}:segment 29 (UNZ) element 1: UNZ counts 3 messages, the interchange has 1",
    ]
    with_context = run("validate", "--context", str(bad))
    assert "[interchange ORD001, message ORD1]" in with_context.stdout


def test_user_errors_exit_2_with_one_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(sys, "argv", ["crossdock", "edi", "validate", str(tmp_path / "none.edi")])
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "none.edi" in err and "no such file" in err and "Traceback" not in err


def test_show_prints_parties_lines_and_ssccs():
    result = run("show", str(DATA / "desadv_97.edi"))
    assert result.exit_code == 0
    for expected in (
        "DESADV message DES1",
        "340123450000000017",
        "14012345001003",
        "5412345000020",
    ):
        assert expected in result.output
    orders = run("show", str(DATA / "orders_2002.edi")).output
    assert "5412345000037: 48" in orders


def test_show_refuses_a_broken_file(monkeypatch, capsys, tmp_path):
    bad = tmp_path / "bad.edi"
    bad.write_text("UNB+UNOC:3+1:14'", encoding="latin-1")
    monkeypatch.setattr(sys, "argv", ["crossdock", "edi", "show", str(bad)])
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 2
    assert "GLN '1' must have 13 digits" in capsys.readouterr().err


def test_json_round_trip_through_the_cli(tmp_path):
    source = DATA / "orders_97.edi"
    as_json = tmp_path / "orders.json"
    result = run("to-json", str(source), "-o", str(as_json))
    assert result.exit_code == 0
    data = json.loads(as_json.read_text(encoding="utf-8"))
    assert data["messages"][0]["message_type"] == "ORDERS"
    assert data["messages"][0]["lines"][0]["splits"][0] == {
        "store": "5412345000037",
        "quantity": 48,
    }
    back = tmp_path / "orders.edi"
    assert run("from-json", str(as_json), "-o", str(back), "--newlines").exit_code == 0
    assert read(back) == read(source)
    printed = run("from-json", str(as_json))
    assert printed.stdout_bytes.startswith(b"UNA:+.? 'UNB+UNOC:3+")
    data["messages"][0]["notes"] = ["Livraison quai n°3, entrée arrière"]
    as_json.write_text(json.dumps(data), encoding="utf-8")
    latin = run("from-json", str(as_json)).stdout_bytes
    assert "n°3, entrée".encode("latin-1") in latin  # ISO 8859-1 bytes, as UNOC says
    assert read(io.BytesIO(latin)).messages[0].notes == ("Livraison quai n°3, entrée arrière",)


def test_from_json_locates_bad_values(monkeypatch, capsys, tmp_path):
    source = run("to-json", str(DATA / "orders_97.edi")).stdout
    data = json.loads(source)
    data["messages"][0]["lines"][1]["quantity"] = "ten"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["crossdock", "edi", "from-json", str(bad)])
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 2
    assert "messages[0].lines[1].quantity: expected a decimal number, got 'ten'" in (
        capsys.readouterr().err
    )
