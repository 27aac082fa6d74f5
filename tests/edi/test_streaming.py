"""Large interchanges are read in chunks, message by message, never whole."""

from __future__ import annotations

import datetime as dt
import io

from crossdock.edi import (
    EdiReader,
    Edition,
    Interchange,
    SalesLine,
    SalesLocation,
    SalesReport,
    read,
    write,
)
from crossdock.gs1 import make_gln, make_gtin13

ITEMS = [make_gtin13("4012345", n) for n in range(500)]


def day_of_sales(messages: int) -> Interchange:
    day = dt.date(2026, 11, 23)
    return Interchange(
        sender=make_gln("5412345", 1),
        recipient=make_gln("4012345", 1),
        control_ref="BIG",
        prepared=dt.datetime(2026, 11, 24, 5, 0),
        edition=Edition.EANCOM_97,
        messages=tuple(
            SalesReport(
                message_ref=str(m),
                number=f"SLS{m}",
                issued=day,
                period_start=day,
                period_end=day,
                seller=make_gln("5412345", 1),
                supplier=make_gln("4012345", 1),
                locations=tuple(
                    SalesLocation(
                        gln=make_gln("5412345", 100 + 10 * m + s),
                        lines=tuple(
                            SalesLine(gtin=g, quantity=(m + s + k) % 7) for k, g in enumerate(ITEMS)
                        ),
                    )
                    for s in range(10)
                ),
            )
            for m in range(12)
        ),
    )


class CountingFile(io.BytesIO):
    """A binary file that remembers how far it has been read."""

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.high_water = self.tell()
        return data


def test_first_message_arrives_before_the_file_is_read(tmp_path):
    interchange = day_of_sales(12)
    buffer = io.BytesIO()
    write(interchange, buffer)
    size = len(buffer.getvalue())
    assert size > 2 * 2**20  # several chunks
    source = CountingFile(buffer.getvalue())
    reader = EdiReader(source)
    messages = iter(reader)
    first = next(messages)
    assert first == interchange.messages[0]
    assert source.high_water < size / 2
    rest = list(messages)
    assert source.high_water == size
    assert (first, *rest) == interchange.messages
    assert reader.header is not None and reader.header.control_ref == "BIG"


def test_write_and_read_a_file(tmp_path):
    interchange = day_of_sales(3)
    path = tmp_path / "sales.edi"
    write(interchange, path, newlines=True)
    assert read(path) == interchange
    assert read(str(path)) == interchange


def test_chunk_boundaries_inside_escapes_and_line_breaks(monkeypatch):
    import crossdock.edi._interchange as module

    text = (
        "UNA:+.? '\r\n"
        "UNB+UNOC:3+5412345000013:14+4012345000016:14+261124:0615+X1'\r\n"
        "UNH+1+ORDERS:D:96A:UN:EAN008'\r\nBGM+220+PO?'1?+2+9'\r\n"
        "DTM+137:20261124:102'\r\nDTM+2:20261126:102'\r\nFTX+AAI+++a?'b?'c??'\r\n"
        "NAD+BY+5412345000013::9'\r\nNAD+SU+4012345000016::9'\r\nUNS+S'\r\nUNT+9+1'\r\n"
        "UNZ+1+X1'\r\n"
    )
    expected = read(io.StringIO(text))
    assert expected.messages[0].number == "PO'1+2"
    assert expected.messages[0].notes == ("a'b'c?",)
    for size in (1, 2, 3, 5, 7, 11):
        monkeypatch.setattr(module, "_CHUNK", size)
        assert read(io.BytesIO(text.encode("latin-1"))) == expected, size
