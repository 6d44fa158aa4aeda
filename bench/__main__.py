"""``python -m bench [--quick] [--only federation|catalog|registrations|experience|propagation] [--json FILE]``: run the benchmarks, print the table.

The full run takes about forty minutes on two cores (the 20-node propagation twenty of them); ``--quick`` runs every benchmark on small sizes
and short loads (a few minutes), for checking that they work rather than for the figures.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from bench import catalog, experience, federation, propagation, registrations
from bench.machine import load_average, machine
from bench.report import as_json, say, table

ROOT = Path("/tmp/bench-run")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and short loads (a few minutes)")
    parser.add_argument("--only", choices=("federation", "catalog", "registrations", "experience", "propagation"),
                        help="run one of the suites")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    parser.add_argument("--root", type=Path, default=ROOT, help=f"data folders of the nodes (default {ROOT})")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    here = machine()
    say(f"Machine: {here.describe()}")
    say(f"Mode: {'quick' if args.quick else 'full'}; load average at start {load_average():.2f}")
    if args.root.exists():
        shutil.rmtree(args.root)
    rows = []
    if args.only in (None, "federation"):
        say("Federation (two SQLite nodes):")
        rows += federation.run(args.root / "federation", federation.QUICK if args.quick else federation.FULL)
    if args.only in (None, "catalog"):
        if here.postgresql == "not reachable":
            say("Catalog: skipped, PostgreSQL does not answer on 127.0.0.1:5432 (user postgres).")
        else:
            say("Catalog (PostgreSQL):")
            rows += catalog.run(args.root / "catalog", catalog.QUICK if args.quick else catalog.FULL)
    if args.only in (None, "registrations"):
        if here.postgresql == "not reachable":
            say("Registrations: skipped, PostgreSQL does not answer on 127.0.0.1:5432 (user postgres).")
        else:
            say("Registrations (PostgreSQL):")
            sizes = registrations.QUICK if args.quick else registrations.FULL
            rows += registrations.run(args.root / "registrations", sizes)
    if args.only in (None, "experience"):
        if here.postgresql == "not reachable":
            say("Experience: skipped, PostgreSQL does not answer on 127.0.0.1:5432 (user postgres).")
        else:
            say("Experience reports (PostgreSQL):")
            rows += experience.run(args.root / "experience", experience.QUICK if args.quick else experience.FULL)
    if args.only in (None, "propagation"):
        sizes = propagation.QUICK if args.quick else propagation.FULL
        say(f"Propagation ({sizes.nodes} SQLite nodes with workers, nudges on):")
        rows += propagation.run(args.root / "propagation", sizes)
    elapsed = time.perf_counter() - started
    say("")
    say(table(rows))
    say(f"\n{here.describe()}; load average at end {load_average():.2f}; {elapsed:.0f} s"
        + (" (quick mode: small sizes, figures not comparable with the targets)" if args.quick else ""))
    if args.json:
        args.json.write_text(json.dumps({"machine": here.__dict__, "quick": args.quick, "seconds": elapsed,
                                         "rows": as_json(rows)}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
