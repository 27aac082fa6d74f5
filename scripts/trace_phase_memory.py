"""Per-phase peak RSS of a simulation, in bytes per store × SKU cell (a development tool).

Usage: `MALLOC_MMAP_THRESHOLD_=65536 .venv/bin/python scripts/trace_phase_memory.py STORES SKUS DAYS MODE`.
The kernel's high-water mark is reset before each party's phase (/proc/self/clear_refs), so each
phase's own peak shows; the threshold makes arrays of a few MB mapped and returned as a national
chain's are (otherwise glibc keeps them in its heap and small chains overstate). Linux only.
"""

import collections
import sys

from crossdock import recipes, simulate
from crossdock.engine import PHASES, Engine, _phases
from crossdock.scenario import generate_scenario

stores, skus, days, mode = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(key))


def reset():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


simulate(
    generate_scenario(n_stores=2, n_skus=20, n_platforms=1, horizon_days=5),
    mode=mode,
    days=5,
    warm_up=0,
)
base = status("VmRSS")
sc = generate_scenario(
    n_stores=stores, n_skus=skus, n_platforms=max(1, stores // 200), horizon_days=days
)
cells = stores * skus
print(
    f"scenario: rss {(status('VmRSS') - base) / cells:.1f} B/cell, peak {(status('VmHWM') - base) / cells:.1f}"
)


def wrap(orig):
    def build(b, **kw):
        reset()
        p = orig(b, **kw)
        print(
            f"build {type(p).__name__:>20}: rss {(status('VmRSS') - base) / cells:6.1f} peak {(status('VmHWM') - base) / cells:6.1f}"
        )
        return p

    return build


for name in recipes.PARTIES:
    pb = recipes.PARTIES[name]
    object.__setattr__(pb, "build", wrap(pb.build))
chain = recipes.build_chain(sc, mode, days=days, seed=sc.seed)
peaks = collections.defaultdict(float)


def wrapp(party, phase):
    f = getattr(party, phase)

    def w(day):
        reset()
        r0 = status("VmRSS")
        f(day)
        if day < 2:
            print(
                f"   day {day} {type(party).__name__:>20}.{phase:<10} rss {(status('VmRSS') - r0) / cells:+6.1f} -> {(status('VmRSS') - base) / cells:6.1f}  peak {(status('VmHWM') - base) / cells:6.1f}"
            )
        peaks[(type(party).__name__, phase)] = max(
            peaks[(type(party).__name__, phase)], (status("VmHWM") - base) / cells
        )

    return w


for p in chain.parties:
    for ph in PHASES:
        if ph in _phases(p):
            setattr(p, ph, wrapp(p, ph))
eng = Engine(chain.parties)
for d in range(days):
    eng.step()
    print(f"day {d}: rss {(status('VmRSS') - base) / cells:.1f} B/cell")
print("peak RSS within phase, B/cell:")
for k, v in sorted(peaks.items(), key=lambda kv: -kv[1])[:14]:
    print(f"  {k[0]:>20}.{k[1]:<10} {v:7.1f}")
