"""Point-of-sale throughput: scans generated per second, POS rows imported per second, memory.

Each measurement runs in a fresh subprocess so that peak memory (max RSS) belongs to it alone.
Files go to a temporary folder that is removed at the end.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

WORKER = r"""
import json, resource, sys, time
from pathlib import Path

kind, folder = sys.argv[1], Path(sys.argv[2])
from crossdock.scenario import generate_scenario, load_scenario
from crossdock.pos import ScanGenerator, import_pos, write_scans

def large():
    return generate_scenario(n_stores=100, n_skus=2000, n_platforms=4, horizon_days=365)

out = {"kind": kind}
if kind.startswith("generate"):
    sc = load_scenario() if kind == "generate-default" else large()
    days = 182 if kind == "generate-default" else 14
    gen = ScanGenerator(sc, 1)
    t0 = time.perf_counter()
    rows = sum(batch.num_rows for batch in gen.batches(days))
    out.update(rows=rows, seconds=time.perf_counter() - t0, days=days,
               stores=sc.n_stores, skus=sc.n_skus)
elif kind.startswith("write"):
    sc = load_scenario()
    days = int(kind.split("-")[1])
    t0 = time.perf_counter()
    rows = write_scans(folder / f"scans_{days}.parquet", sc, 1, days)
    out.update(rows=rows, seconds=time.perf_counter() - t0, days=days)
elif kind == "make-10m":
    sc = large()
    t0 = time.perf_counter()
    rows = write_scans(folder / "pos_10m.parquet", sc, 1, 16)
    out.update(rows=rows, seconds=time.perf_counter() - t0)
elif kind == "make-csv":
    import pyarrow as pa, pyarrow.csv as pacsv, pyarrow.parquet as pq
    table = pq.read_table(folder / "pos_10m.parquet").slice(0, 2_000_000)
    text = pa.table({
        "timestamp": table["timestamp"].cast(pa.string()),
        "store": table["store_gln"].cast(pa.string()),
        "gtin": table["gtin"].cast(pa.string()),
        "quantity": table["quantity"].cast(pa.string()),
        "price": table["price"].cast(pa.string()),
    })
    pacsv.write_csv(text, folder / "pos_2m.csv")
    out.update(rows=text.num_rows)
elif kind.startswith("import"):
    sc = large()
    name = "pos_10m.parquet" if kind == "import-parquet" else "pos_2m.csv"
    t0 = time.perf_counter()
    report = import_pos([folder / name], sc, rejects=folder / "rejected.csv")
    out.update(rows=report.rows, seconds=time.perf_counter() - t0,
               rejected=report.rejected_rows, daily=report.daily.num_rows)
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def measure(kind: str, folder: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", WORKER, kind, str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Print the POS figures (about a minute on the 2-core development machine)."""
    with tempfile.TemporaryDirectory(prefix="crossdock-bench-pos-") as tmp:
        folder = Path(tmp)
        print("scan stream (generated in memory, chunks of 7 days):")
        for kind in ("generate-default", "generate-large"):
            r = measure(kind, folder)
            print(
                f"  {r['stores']:>3} stores × {r['skus']:>4} SKUs × {r['days']:>3} d: "
                f"{r['rows']:>11,} scans in {r['seconds']:5.2f} s = "
                f"{r['rows'] / r['seconds'] / 1e6:5.1f} M scans/s, peak {r['max_rss_mb']:.0f} MB"
            )
        print("scan stream written to Parquet (zstd), built-in scenario:")
        for kind in ("write-91", "write-365"):
            r = measure(kind, folder)
            print(
                f"  {r['days']:>3} d: {r['rows']:>11,} scans in {r['seconds']:5.2f} s = "
                f"{r['rows'] / r['seconds'] / 1e6:5.1f} M scans/s, peak {r['max_rss_mb']:.0f} MB"
            )
        made = measure("make-10m", folder)
        measure("make-csv", folder)
        print("POS import and validation (100 stores × 2,000 SKUs scenario):")
        for kind, label in (("import-parquet", "Parquet"), ("import-csv", "CSV    ")):
            r = measure(kind, folder)
            print(
                f"  {label}: {r['rows']:>11,} rows in {r['seconds']:5.2f} s = "
                f"{r['rows'] / r['seconds'] / 1e6:5.1f} M rows/s, {r['rejected']} rejected, "
                f"{r['daily']:,} daily totals, peak {r['max_rss_mb']:.0f} MB"
            )
        print(f"  (the Parquet file: {made['rows']:,} generated scans of 16 days)")


if __name__ == "__main__":
    main()
