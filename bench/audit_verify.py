"""Benchmark: ``audit verify`` against a raw fetch of the same rows.

``python -m bench.audit_verify [--n N] [--rounds R]`` writes N audit rows (batches of 1,000 through
``audit_record_many``, spread over the chains as concurrent writers would) into a database of its own
(Django's test-database machinery, dropped afterwards unless ``--keep``), then, in R interleaved rounds,
times the *raw fetch* (one cursor, the same columns, keyset pages of 5,000, nothing checked) beside
``audit_verify`` itself, and prints both, their medians and spread, and the load average. Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench.intake import _setup_django

BATCH = 1_000


def _fill(n: int) -> None:
    from django.db import transaction

    from policybound.audit.actors import Actor
    from policybound.audit.services import AuditEntry, audit_prefer_chain, audit_record_many, chain_count

    actor = Actor.system("bench writer")
    for start in range(0, n, BATCH):
        audit_prefer_chain(start // BATCH % chain_count() + 1)
        entries = [
            AuditEntry(target=f"engagement:{number}", detail={"purpose": "consulting", "n": number})
            for number in range(start, min(n, start + BATCH))
        ]
        with transaction.atomic():
            audit_record_many(actor=actor, action="view", entries=entries)


def _raw_fetch(page: int = 5_000) -> float:
    from django.db import connection

    from policybound.audit.chain import ROW_FIELDS

    columns = ", ".join(f'"{name}"' for name in ROW_FIELDS)
    started = time.perf_counter()
    cursor_at, rows = 0, 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f'SELECT {columns} FROM audit_auditevent WHERE "sequence" > %s ORDER BY "sequence" LIMIT %s',
                [cursor_at, page],
            )
            batch = cursor.fetchall()
            if not batch:
                break
            rows += len(batch)
            cursor_at = batch[-1][0]
    return time.perf_counter() - started


def _verify() -> float:
    from policybound.audit.selectors import audit_verify

    started = time.perf_counter()
    result = audit_verify()
    elapsed = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(f"the benchmark's own chain did not verify: {result.reason}")
    return elapsed


def run(n: int, rounds: int, keep: bool) -> None:
    _setup_django()
    from django.conf import settings
    from django.db import connection, connections
    from django.test.utils import setup_databases, teardown_databases

    if connection.vendor == "sqlite":
        connections["default"].settings_dict.setdefault("TEST", {})["NAME"] = str(
            settings.DATA_DIR / "bench_audit.sqlite3"
        )
    print(f"audit verify benchmark on {connection.vendor}: {n:,} rows")
    old = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        started = time.perf_counter()
        _fill(n)
        print(f"  wrote {n:,} rows in {time.perf_counter() - started:.1f}s")
        raw, verify = [], []
        for number in range(rounds):
            pair = (_raw_fetch, _verify) if number % 2 == 0 else (_verify, _raw_fetch)
            first, second = pair[0](), pair[1]()
            raw_s, verify_s = (first, second) if number % 2 == 0 else (second, first)
            raw.append(raw_s)
            verify.append(verify_s)
            print(f"  round {number + 1}: raw fetch {raw_s:6.2f}s  audit verify {verify_s:6.2f}s")
        print(
            f"  median: raw fetch {statistics.median(raw):.2f}s (spread {min(raw):.2f}-{max(raw):.2f}), "
            f"audit verify {statistics.median(verify):.2f}s (spread {min(verify):.2f}-{max(verify):.2f}); "
            "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())
        )
    finally:
        if keep:
            print(f"  kept the database {connection.settings_dict['NAME']}")
        else:
            teardown_databases(old, verbosity=0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.audit_verify", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200_000, help="rows to write and verify (default 200,000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    run(args.n, args.rounds, args.keep)


if __name__ == "__main__":
    main()
