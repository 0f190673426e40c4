"""Benchmark: the retention sweep against the bare SQL that deletes the same rows.

``python -m bench.retention [--n N]`` seeds N subjects (default 1,000,000 on PostgreSQL, 200,000 on
SQLite) straight into the tables with bulk inserts (COPY on PostgreSQL): per subject a data key, a blind
index, a submission with four sealed values, a consent receipt and an ended engagement; 10% are past
their deadline. Then, on the same data:

1. the *bare SQL*: a handful of set-based statements that delete exactly what the sweep deletes
   (values, submissions, blind indexes; receipts and engagements unlinked; data keys emptied;
   subjects tombstoned), in one transaction, timed with its COMMIT, on a copy of the seeded database;
2. the *sweep*: ``retention_sweep`` as it runs in production (batches of 500 subjects, one transaction
   each, with planning, claims, the destruction register and the hash-chained audit rows), timed.

It prints both, their ratio, and where the sweep's time went. It runs in a database of its own
(Django's test-database machinery: ``test_<name>`` on PostgreSQL, a file under ``var/bench`` on
SQLite), created and dropped by the run, so it never touches real data. Not a test: nothing asserts a
time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import shutil
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policybound.policy.schema import Purpose

DUE_FRACTION = 0.10
CHUNK = 20_000
AS_OF = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policybound.settings")
    import django

    django.setup()


class Timer:
    """Wall time per named step (the bench measures; tests never do)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, module: Any, name: str, label: str | None = None) -> None:
        original = getattr(module, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label or name] += time.perf_counter() - started
                self.calls[label or name] += 1

        setattr(module, name, timed)


# --- seeding -----------------------------------------------------------------------------------


def _rows(
    n: int, version_id: int, sha: str, purpose: Purpose, due_count: int | None = None
) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
    """Rows for every table, CHUNK subjects at a time; subject i is due when i % 10 == 0 (or, given
    ``due_count``, every (n / due_count)-th subject, so the same number is due whatever n is).

    Each subject sent one form of ``purpose`` (four of its items) and its engagement ended.
    """
    code, end_event, items = purpose.code, purpose.end_events[0].code, purpose.items[:4]
    base = AS_OF - dt.timedelta(days=800)
    stride = max(1, n // due_count) if due_count else round(1 / DUE_FRACTION)
    for start in range(0, n, CHUNK):
        tables: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        noise = os.urandom(40 * 6 * min(CHUNK, n - start))
        for offset, i in enumerate(range(start, min(n, start + CHUNK))):
            key_id, subject_id, pk = uuid.uuid4(), uuid.uuid4(), i + 1
            blob = noise[offset * 240 : (offset + 1) * 240]
            created = base + dt.timedelta(seconds=i)
            due = i % stride == 0 and (due_count is None or i // stride < due_count)
            ended = created + dt.timedelta(days=10)
            deadline = AS_OF - dt.timedelta(days=1) if due else AS_OF + dt.timedelta(days=100 + i % 200)
            tables["vault_datakey"].append((key_id, blob[:60], "bench000", created, None))
            tables["subjects_subject"].append((subject_id, key_id, created, None, "", None))
            tables["subjects_subjectindex"].append((pk, subject_id, "email", blob[60:76].hex(), created))
            tables["collection_submission"].append(
                (pk, subject_id, code, "web", "", "web", version_id, None, "ko", created, None, "")
            )
            for n_item, item in enumerate(items):
                sealed = blob[80 + n_item * 40 : 120 + n_item * 40]
                tables["collection_submissionvalue"].append((pk * 4 + n_item, pk, item, sealed))
            tables["collection_consentreceipt"].append(
                (pk, subject_id, pk, code, True, "given", version_id, sha, None, "web", "ko", created, blob[200:240], "bench")
            )
            tables["collection_engagement"].append(
                (pk, subject_id, pk, code, "ended", version_id, created, None, ended, end_event, version_id, deadline, None)
            )
        yield tables


def _sqlite_value(value: Any) -> Any:
    """What Django stores in SQLite: UUIDs as 32 hex digits, datetimes as naive UTC text."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.datetime):
        return str(value.astimezone(dt.UTC).replace(tzinfo=None))
    return value


def _sqlite(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(_sqlite_value(value) for value in row)


COLUMNS = {
    "vault_datakey": ("id", "wrapped_key", "master_key_id", "created_at", "destroyed_at"),
    "subjects_subject": ("id", "data_key_id", "created_at", "destroyed_at", "retention_claimed_by", "retention_claimed_at"),
    "subjects_subjectindex": ("id", "subject_id", "kind", "digest", "created_at"),
    "collection_submission": (
        "id", "subject_id", "purpose", "source", "source_detail", "channel", "policy_version_id", "organization_id",
        "language", "created_at", "idempotency_key", "request_digest",
    ),
    "collection_submissionvalue": ("id", "submission_id", "item", "sealed"),
    "collection_consentreceipt": (
        "id", "subject_id", "submission_id", "purpose", "required", "event", "policy_version_id", "policy_sha256",
        "notice_id", "channel", "language", "recorded_at", "ip_sealed", "user_agent",
    ),
    "collection_engagement": (
        "id", "subject_id", "submission_id", "purpose", "status", "policy_version_id", "started_at", "confirmed_at",
        "ended_at", "end_event", "end_policy_version_id", "deadline", "retention_done_at",
    ),
}


def seed(n: int, due_count: int | None = None) -> None:
    from django.conf import settings
    from django.db import connection, transaction

    from policybound.audit.actors import Actor
    from policybound.lib import clock
    from policybound.policy.loader import policy_load
    from policybound.policy.services import policy_publish

    loaded = policy_load(settings.POLICYBOUND_BUNDLED_POLICY)  # the policy `make run` serves
    # Published the way production does (lint and audit row). The clock stands a day before AS_OF, so its
    # audit row is within the access log's retention and the sweep has nothing extra to truncate.
    with clock.frozen(AS_OF - dt.timedelta(days=1)):
        version = policy_publish(
            text=loaded.text, announced=loaded.policy.announced, effective=loaded.policy.effective,
            actor=Actor.system("bench"),
        )
    postgres = connection.vendor == "postgresql"
    for done, tables in enumerate(_rows(n, version.pk, version.sha256, loaded.policy.form_purposes()[0], due_count), start=1):
        with transaction.atomic(), connection.cursor() as cursor:
            for table, rows in tables.items():
                columns = COLUMNS[table]
                if postgres:
                    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["?"] * len(columns))
                    connection.connection.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", [_sqlite(row) for row in rows]
                    )
        print(f"\r  seeded {min(n, done * CHUNK):,} / {n:,} subjects", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    with connection.cursor() as cursor:
        if postgres:
            for table in ("subjects_subjectindex", "collection_submission", "collection_submissionvalue",
                          "collection_consentreceipt", "collection_engagement"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("ANALYZE")
        if postgres:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")


# --- the baseline ------------------------------------------------------------------------------


BARE_POSTGRES = [
    "CREATE TEMP TABLE bench_due AS SELECT DISTINCT subject_id AS id FROM collection_engagement "
    "WHERE retention_done_at IS NULL AND deadline IS NOT NULL AND deadline <= %(as_of)s",
    "DELETE FROM collection_submissionvalue v USING collection_submission s, bench_due d "
    "WHERE v.submission_id = s.id AND s.subject_id = d.id",
    "UPDATE collection_consentreceipt r SET submission_id = NULL, ip_sealed = NULL, user_agent = '' "
    "FROM bench_due d WHERE r.subject_id = d.id",
    "UPDATE collection_engagement e SET submission_id = NULL, retention_done_at = %(now)s FROM bench_due d "
    "WHERE e.subject_id = d.id",
    "DELETE FROM collection_submission s USING bench_due d WHERE s.subject_id = d.id",
    "DELETE FROM subjects_subjectindex i USING bench_due d WHERE i.subject_id = d.id",
    "UPDATE vault_datakey k SET wrapped_key = '', destroyed_at = %(now)s FROM subjects_subject s, bench_due d "
    "WHERE k.id = s.data_key_id AND s.id = d.id",
    "UPDATE subjects_subject s SET destroyed_at = %(now)s FROM bench_due d WHERE s.id = d.id",
]

BARE_SQLITE = [
    "CREATE TEMP TABLE bench_due AS SELECT DISTINCT subject_id AS id FROM collection_engagement "
    "WHERE retention_done_at IS NULL AND deadline IS NOT NULL AND deadline <= %(as_of)s",
    "DELETE FROM collection_submissionvalue WHERE submission_id IN "
    "(SELECT s.id FROM collection_submission s JOIN bench_due d ON s.subject_id = d.id)",
    "UPDATE collection_consentreceipt SET submission_id = NULL, ip_sealed = NULL, user_agent = '' "
    "WHERE subject_id IN (SELECT id FROM bench_due)",
    "UPDATE collection_engagement SET submission_id = NULL, retention_done_at = %(now)s "
    "WHERE subject_id IN (SELECT id FROM bench_due)",
    "DELETE FROM collection_submission WHERE subject_id IN (SELECT id FROM bench_due)",
    "DELETE FROM subjects_subjectindex WHERE subject_id IN (SELECT id FROM bench_due)",
    "UPDATE vault_datakey SET wrapped_key = X'', destroyed_at = %(now)s WHERE id IN "
    "(SELECT s.data_key_id FROM subjects_subject s JOIN bench_due d ON s.id = d.id)",
    "UPDATE subjects_subject SET destroyed_at = %(now)s WHERE id IN (SELECT id FROM bench_due)",
]


def bare_sql() -> tuple[float, int]:
    """Time the set-based deletion of what is due, in one transaction with its COMMIT. Returns
    (seconds, subjects)."""
    from django.db import connection, transaction

    statements = BARE_POSTGRES if connection.vendor == "postgresql" else BARE_SQLITE
    params: dict[str, Any] = {"as_of": AS_OF, "now": AS_OF}
    if connection.vendor == "sqlite":
        params = {"as_of": _sqlite_value(AS_OF), "now": _sqlite_value(AS_OF)}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_due")
        subjects = int(cursor.fetchone()[0])
    return elapsed, subjects


def on_copy(work: Callable[[], Any]) -> Any:
    """Run ``work`` against a fresh copy of the seeded live database, read into memory first.

    Both the bare SQL and the sweep run this way, so each starts from the same rows and the same
    cache state (``CREATE DATABASE ... TEMPLATE`` and ``pg_prewarm`` on PostgreSQL, a file copy read
    once on SQLite).
    """
    from django.db import connection

    original = connection.settings_dict["NAME"]
    copy = _copy_database(original)
    connection.settings_dict["NAME"] = copy
    try:
        _warm()
        return work()
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        _drop_database(copy)


def _copy_database(name: str) -> str:
    from django.db import connection

    connection.close()
    if connection.vendor == "sqlite":
        copy = f"{name}.bare"
        shutil.copyfile(name, copy)
        return copy
    copy = f"{name}_bare"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        cursor.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    return copy


def _drop_database(copy: str) -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        Path(copy).unlink(missing_ok=True)
        return
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')


# --- the run -----------------------------------------------------------------------------------


def _warm() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT sum(pg_prewarm(c.oid::regclass, 'read')) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')"
            )
        else:
            Path(connection.settings_dict["NAME"]).read_bytes()


def run(n: int | None, batch_size: int, keep: bool) -> None:
    _setup_django()
    from django.conf import settings
    from django.db import connection, connections
    from django.test.utils import setup_databases, teardown_databases

    if connection.vendor == "sqlite":
        bench_dir = Path(settings.DATA_DIR)
        bench_dir.mkdir(parents=True, exist_ok=True)
        for alias in ("default", "archive"):
            connections[alias].settings_dict.setdefault("TEST", {})["NAME"] = str(bench_dir / f"bench_{alias}.sqlite3")
    n = n or (1_000_000 if connection.vendor == "postgresql" else 200_000)
    print(f"retention benchmark on {connection.vendor}: {n:,} subjects, {DUE_FRACTION:.0%} due, batches of {batch_size}")
    old = setup_databases(verbosity=0, interactive=False, aliases={"default", "archive"})
    try:
        _measure(n, batch_size)
    finally:
        if not keep:
            teardown_databases(old, verbosity=0)


def _measure(n: int, batch_size: int) -> None:
    from policybound.lib import clock
    from policybound.retention import batches, sweep

    started = time.perf_counter()
    seed(n)
    print(f"  seeding took {time.perf_counter() - started:.1f}s (not part of either figure)")
    bare_seconds, due = on_copy(bare_sql)
    timer = Timer()
    for name in ("_lock_and_claim", "_load", "_plans", "_destroy_subjects", "_mark_done", "_register", "_audit"):
        timer.wrap(batches, name)
    timer.wrap(sweep, "due_candidates", "due_candidates")
    timer.wrap(batches, "data_keys_destroy", "data_keys_destroy (in _destroy_subjects)")

    def run_sweep() -> tuple[float, Any]:
        started = time.perf_counter()
        with clock.frozen(AS_OF):
            result = sweep.retention_sweep(as_of=AS_OF, batch_size=batch_size)
        return time.perf_counter() - started, result

    sweep_seconds, result = on_copy(run_sweep)
    assert result.destroyed_subjects == due, (result.destroyed_subjects, due)
    print(f"  due subjects:        {due:,} ({due * 8:,} rows deleted or changed, plus the register and audit rows)")
    print(f"  bare SQL delete:     {bare_seconds:8.2f}s  ({due / bare_seconds:,.0f} subjects/s)")
    print(f"  retention sweep:     {sweep_seconds:8.2f}s  ({due / sweep_seconds:,.0f} subjects/s, {result.batches} batches)")
    print(f"  ratio sweep / bare:  {sweep_seconds / bare_seconds:8.2f}x")
    print("  where the sweep's time went:")
    accounted = 0.0
    for label, seconds in sorted(timer.seconds.items(), key=lambda item: -item[1]):
        if "(in " not in label:
            accounted += seconds
        print(f"    {label:<44} {seconds:8.2f}s  {seconds / sweep_seconds:6.1%}  ({timer.calls[label]} calls)")
    print(f"    {'other (commits, transactions, phases 1, 3, 4)':<44} {sweep_seconds - accounted:8.2f}s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.retention", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=None, help="subjects to seed (default 1,000,000 on PostgreSQL, 200,000 on SQLite)")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args(argv)
    run(args.n, args.batch_size, args.keep)


if __name__ == "__main__":
    main()
