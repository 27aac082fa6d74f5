"""Benchmark: decode and encode real EDI traffic with crossdock and with pydifact.

The traffic is a mixed archive of all seven message types, as trading partners exchange it: a
simulation of the built-in scenario over the EDI channel, every interchange kept as a file
(``crossdock run --channel edi --edi-archive DIR --days 10``; pass ``DIR`` of an existing
archive as the first argument to use that instead). Every file is decoded by crossdock — full
validation (syntax, envelope counts, segment tables, element lengths, qualifiers, check digits,
dates) and typed messages built — and tokenised by pydifact 0.2.3 into generic segments,
which checks none of that. Encoding is crossdock writing each decoded message again from its
fields (the path a simulation takes; the raw segments a decoded message keeps are dropped)
against pydifact serialising the segments it parsed. Both run in the same process, on the same
files, alternately, each figure the best of a few rounds; figures are segments per second of
CPU time (``time.process_time``: on a shared machine, the time others take is not counted).

Run with ``python benchmarks/bench_edi.py [ARCHIVE]`` (or ``make bench``); about a minute.
"""

from __future__ import annotations

import collections
import dataclasses
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from crossdock import load_scenario, simulate
from crossdock.edi import Interchange, decode, encode

DAYS = 10
ROUNDS = 3


def archive(days: int = DAYS) -> Path:
    """Make a mixed archive: a shared-mode run of the built-in scenario over EANCOM."""
    folder = Path(tempfile.mkdtemp(prefix="crossdock-edi-archive-"))
    simulate(
        load_scenario(), mode="shared", days=days, warm_up=0, channel="edi", edi_archive=folder
    )
    return folder


def _best(run: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def _fresh(interchange: Interchange) -> Interchange:
    """The interchange as if built in Python: no raw segments kept from decoding."""
    return dataclasses.replace(
        interchange, messages=tuple(dataclasses.replace(m) for m in interchange.messages)
    )


def main(folder: Path | None = None) -> None:
    """Print segments per second for both codecs, decoding and encoding, and the ratios."""
    from pydifact.segmentcollection import Interchange as PydifactInterchange
    from pydifact.serializer import Serializer

    warnings.filterwarnings("ignore", module="pydifact")  # it warns once per segment tag
    folder = folder or archive()
    texts = [path.read_bytes().decode("latin-1") for path in sorted(folder.rglob("*.edi"))]
    ours = [decode(text) for text in texts]
    fresh = [_fresh(interchange) for interchange in ours]
    theirs = [PydifactInterchange.from_str(text) for text in texts]
    segments = [[*i.get_segments("UNA"), *i.segments] for i in theirs]
    count = sum(len(s) for s in segments)  # as pydifact counts them, UNA included
    kinds = collections.Counter(type(m).MESSAGE_TYPE for i in ours for m in i.messages)
    assert all(decode(encode(f)) == i for f, i in zip(fresh, ours, strict=True))

    timings: dict[str, float] = collections.defaultdict(lambda: float("inf"))
    for _ in range(ROUNDS):  # alternate, so that load on a shared machine hits both
        timings["ours decode"] = min(
            timings["ours decode"], _best(lambda: [decode(t) for t in texts], 1)
        )
        timings["pyd decode"] = min(
            timings["pyd decode"],
            _best(lambda: [PydifactInterchange.from_str(t) for t in texts], 1),
        )
        timings["ours encode"] = min(
            timings["ours encode"], _best(lambda: [encode(i) for i in fresh], 1)
        )
        timings["pyd encode"] = min(
            timings["pyd encode"], _best(lambda: [Serializer().serialize(s) for s in segments], 1)
        )
    size_mb = sum(map(len, texts)) / 1e6
    mix = ", ".join(f"{kind} {n:,}" for kind, n in sorted(kinds.items()))
    print(f"mixed archive: {len(texts):,} interchanges, {count:,} segments, {size_mb:.1f} MB")
    print(f"  messages: {mix}")
    print(f"{'':10} {'crossdock':>14} {'pydifact':>14} {'ratio':>7}")
    for what in ("decode", "encode"):
        ours_s, pyd_s = timings[f"ours {what}"], timings[f"pyd {what}"]
        print(
            f"{what:10} {count / ours_s:>10,.0f} s/s {count / pyd_s:>10,.0f} s/s {pyd_s / ours_s:>6.1f}x"
        )
    print("(s/s = segments per CPU second; crossdock with full validation and typed messages)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
