"""Benchmark: encode and decode a large SLSRPT interchange with crossdock and with pydifact.

A day of sales data reports (one SLSRPT message per 100 stores, each store reporting every
GTIN it sold) is encoded and decoded by crossdock's codec — with full validation: syntax,
envelope counts, segment groups, qualifiers, GTIN/GLN check digits, numbers, dates, character
set, and typed messages built — and by pydifact 0.2.3 (which tokenizes into generic
segments and checks none of that). Both run in the same process on the same text; figures are
segments per second, best of a few rounds.

Run with ``python -m benchmarks.bench_edi`` (or ``main()``); it takes about half a minute.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import time
import warnings
from collections.abc import Callable, Iterator
from decimal import Decimal

from crossdock.edi import (
    Edition,
    Interchange,
    SalesLine,
    SalesLocation,
    SalesReport,
    decode,
    encode,
)
from crossdock.gs1 import make_gln, make_gtin13

STORES = 200
GTINS = 1000
STORES_PER_MESSAGE = 100


def build(stores: int = STORES, gtins: int = GTINS) -> Interchange:
    """A day of sales: every store sold some units of every GTIN (about 2 segments a line)."""
    items = [make_gtin13("4012345", n) for n in range(gtins)]
    day = dt.date(2026, 11, 23)
    messages = []
    for first in range(0, stores, STORES_PER_MESSAGE):
        locations = tuple(
            SalesLocation(
                gln=make_gln("5412345", 1000 + store),
                lines=tuple(
                    SalesLine(
                        gtin=gtin,
                        quantity=1 + (store * 7 + k) % 23,
                        price=Decimal("1.99") if k % 10 == 0 else None,
                    )
                    for k, gtin in enumerate(items)
                ),
            )
            for store in range(first, min(first + STORES_PER_MESSAGE, stores))
        )
        messages.append(
            SalesReport(
                message_ref=str(len(messages) + 1),
                number=f"SLS{len(messages) + 1}",
                issued=day,
                period_start=day,
                period_end=day,
                seller=make_gln("5412345", 1),
                supplier=make_gln("4012345", 1),
                locations=locations,
                currency="EUR",
            )
        )
    return Interchange(
        sender=make_gln("5412345", 1),
        recipient=make_gln("4012345", 1),
        control_ref="BENCH1",
        prepared=dt.datetime(2026, 11, 24, 5, 0),
        messages=tuple(messages),
        edition=Edition.EANCOM_2002,
    )


@contextlib.contextmanager
def _general_decoder_only() -> Iterator[None]:
    """Switch the fast lanes off (see crossdock.edi._fastlane)."""
    import crossdock.edi._interchange as module

    kinds = module._KINDS
    module._KINDS = {name: dataclasses.replace(kind, fast=None) for name, kind in kinds.items()}
    try:
        yield
    finally:
        module._KINDS = kinds


def _best(run: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Print segments per second for both codecs, encoding and decoding, and the ratios."""
    from pydifact.segmentcollection import Interchange as PydifactInterchange
    from pydifact.serializer import Serializer

    warnings.filterwarnings("ignore", module="pydifact")  # it warns once per segment tag
    interchange = build()
    text = encode(interchange)
    theirs = PydifactInterchange.from_str(text)
    segments = [*theirs.get_segments("UNA"), *theirs.segments]
    count = text.count("'") + 1  # UNA counted like pydifact does; no escapes in this text
    assert decode(text) == interchange

    ours_decode = _best(lambda: decode(text), 3)
    with _general_decoder_only():
        ours_general = _best(lambda: decode(text), 1)
    ours_encode = _best(lambda: encode(interchange), 3)
    pyd_decode = _best(lambda: PydifactInterchange.from_str(text), 1)
    pyd_encode = _best(lambda: Serializer().serialize(segments), 2)

    size_mb = len(text) / 1e6
    print(
        f"SLSRPT interchange: {STORES} stores x {GTINS} GTINs, {count:,} segments, {size_mb:.1f} MB"
    )
    print(f"{'':10} {'crossdock':>14} {'pydifact':>14} {'ratio':>7}")
    for what, ours, pyd in (
        ("decode", ours_decode, pyd_decode),
        ("encode", ours_encode, pyd_encode),
        ("decode*", ours_general, pyd_decode),
    ):
        print(f"{what:10} {count / ours:>10,.0f} s/s {count / pyd:>10,.0f} s/s {pyd / ours:>6.1f}x")
    print("(s/s = segments per second; crossdock with full validation and typed messages;")
    print(" decode* = crossdock's general decoder, as for files not written the canonical way)")


if __name__ == "__main__":
    main()
