"""Benchmark: the retention sweep of a fixed number of due subjects, as the stored rows grow.

``python -m bench sweep [--due 10000] [--stored 100000 500000] [--rounds 3]`` seeds, for each stored
size, that many subjects with bulk inserts (:func:`bench.retention.seed`, COPY on PostgreSQL), of
which ``--due`` are past their deadline. Then, in interleaved rounds, each on a fresh copy of the
seeded database: the bare set-based SQL that deletes the same rows (:func:`bench.retention.bare_sql`)
and ``retention_sweep`` as production runs it. It prints the median and spread of each, their ratio,
and how the sweep's cost grew from the smallest stored size to the others (the issue's targets:
≤ 2× bare, and ≤ ×1.1 with 5× more stored, as the cost should follow the due rows only).

Runs in a database of its own (Django's test-database machinery), created and dropped by the run.
Not a test: nothing asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from pathlib import Path
from typing import Any

from bench.rounds import load_average, summary


def _databases() -> Any:
    from django.conf import settings
    from django.db import connection, connections
    from django.test.utils import setup_databases

    if connection.vendor == "sqlite":
        bench_dir = Path(settings.DATA_DIR)
        bench_dir.mkdir(parents=True, exist_ok=True)
        for alias in ("default", "archive"):
            connections[alias].settings_dict.setdefault("TEST", {})["NAME"] = str(bench_dir / f"bench_sweep_{alias}.sqlite3")
    return setup_databases(verbosity=0, interactive=False, aliases={"default", "archive"})


def _sweep_once() -> tuple[float, int]:
    from bench.retention import AS_OF
    from policybound.lib import clock
    from policybound.retention import sweep

    started = time.perf_counter()
    with clock.frozen(AS_OF):
        result = sweep.retention_sweep(as_of=AS_OF, batch_size=sweep.DEFAULT_BATCH_SIZE)
    return time.perf_counter() - started, result.destroyed_subjects


def measure(stored: int, due: int, rounds: int) -> tuple[list[float], list[float]]:
    """Seed ``stored`` subjects (``due`` of them due) and time both, interleaved; returns (bare, sweep)."""
    from django.db import connection
    from django.test.utils import teardown_databases

    from bench.retention import bare_sql, on_copy, seed

    old = _databases()
    try:
        started = time.perf_counter()
        seed(stored, due_count=due)
        print(f"  {stored:,} stored: seeding took {time.perf_counter() - started:.1f}s (not timed)")
        bare, swept = [], []
        for _ in range(rounds):
            seconds, deleted = on_copy(bare_sql)
            bare.append(seconds)
            seconds, destroyed = on_copy(_sweep_once)
            swept.append(seconds)
            assert deleted == destroyed == due, (deleted, destroyed, due)
        print(f"    bare SQL delete:  {summary(bare)}")
        print(f"    retention sweep:  {summary(swept)}")
        print(f"    ratio sweep/bare: {statistics.median(swept) / statistics.median(bare):9.2f}x   ({load_average()})")
        return bare, swept
    finally:
        connection.close()
        teardown_databases(old, verbosity=0)


def run(due: int, stored: list[int], rounds: int) -> None:
    from bench.retention import _setup_django

    _setup_django()
    from django.db import connection

    print(f"sweep benchmark on {connection.vendor}: {due:,} due of {', '.join(f'{n:,}' for n in stored)} stored, "
          f"{rounds} rounds, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {load_average()}")
    medians = {}
    for n in stored:
        bare, swept = measure(n, due, rounds)
        medians[n] = (statistics.median(bare), statistics.median(swept))
    first = stored[0]
    for n in stored[1:]:
        print(f"  growth {first:,} → {n:,} stored: sweep ×{medians[n][1] / medians[first][1]:.2f}, "
              f"bare ×{medians[n][0] / medians[first][0]:.2f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench sweep", description=__doc__.split("\n\n")[0])
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--stored", type=int, nargs="+", default=[100_000, 500_000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    run(args.due, args.stored, args.rounds)


if __name__ == "__main__":
    main()
