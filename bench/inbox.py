"""Benchmark: the console inbox of a purpose against a bare indexed SELECT of the same page.

``python -m bench inbox [--subjects 100000 1000000] [--rounds 5]`` seeds, for each size, that many
subjects with a live engagement of the policy's first web-form purpose, with bulk inserts (COPY on
PostgreSQL; a data key, a subject and an engagement each, started a second apart), then records 60
real submissions through ``submission_record`` (the newest, so the first page shows sealed values
that the screen unseals and masks). Then, in interleaved rounds (after one untimed warm-up of each):

1. the *bare SELECT*: the first page's ids straight from the index (``... WHERE purpose = %s AND
   ended_at IS NULL ORDER BY started_at DESC, id DESC LIMIT 50``);
2. ``inbox_page``: what the screen reads (the capped count, the page with its subjects, values, reply
   notes and holds, every value unsealed and masked);
3. ``inbox_show``: the service the view calls, which adds one ``view`` audit row per subject shown;
4. for comparison, the query of the inbox before issue 9 (``status IN (...)`` with no term the
   partial index can match, and an exact ``count(*)``), which reads every engagement of the purpose.

It prints the median and spread of each in milliseconds, and how they grew from the smallest size.
Runs in a database of its own, created and dropped by the run. Not a test: nothing asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.rounds import load_average, summary

CHUNK = 50_000
REAL = 60  # submissions recorded through the service, newest of all
AS_OF = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


def _databases() -> Any:
    from django.conf import settings
    from django.db import connection, connections
    from django.test.utils import setup_databases

    bench_dir = Path(settings.DATA_DIR)
    for alias in ("default", "archive"):
        test = connections[alias].settings_dict.setdefault("TEST", {})
        if connection.vendor == "sqlite":
            bench_dir.mkdir(parents=True, exist_ok=True)
            test["NAME"] = str(bench_dir / f"bench_inbox_{alias}.sqlite3")
        else:  # a name of its own, so it may run beside the other benchmarks and the tests
            test["NAME"] = f"bench_inbox_{connections[alias].settings_dict['NAME']}"
    return setup_databases(verbosity=0, interactive=False, aliases={"default", "archive"})


def seed(n: int, purpose_code: str, version_id: int) -> None:
    """``n`` subjects, each with one live engagement of ``purpose_code`` (no submission), in bulk."""
    from django.db import connection, transaction

    from bench.retention import _sqlite

    columns = {
        "vault_datakey": ("id", "wrapped_key", "master_key_id", "created_at", "destroyed_at"),
        "subjects_subject": ("id", "data_key_id", "created_at", "destroyed_at", "retention_claimed_by", "retention_claimed_at"),
        "collection_engagement": ("subject_id", "submission_id", "purpose", "status", "policy_version_id", "started_at",
                                  "confirmed_at", "ended_at", "end_event", "end_policy_version_id", "deadline",
                                  "retention_done_at"),
    }
    base = AS_OF - dt.timedelta(days=400)
    postgres = connection.vendor == "postgresql"
    for start in range(0, n, CHUNK):
        rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in columns}
        noise = os.urandom(60)
        for i in range(start, min(n, start + CHUNK)):
            key_id, subject_id, at = uuid.uuid4(), uuid.uuid4(), base + dt.timedelta(seconds=i)
            rows["vault_datakey"].append((key_id, noise, "bench000", at, None))
            rows["subjects_subject"].append((subject_id, key_id, at, None, "", None))
            rows["collection_engagement"].append(
                (subject_id, None, purpose_code, "active", version_id, at, at, None, "", None, None, None)
            )
        with transaction.atomic(), connection.cursor() as cursor:
            for table, table_rows in rows.items():
                names = ", ".join(columns[table])
                if postgres:
                    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in table_rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["?"] * len(columns[table]))
                    connection.connection.executemany(
                        f"INSERT INTO {table} ({names}) VALUES ({marks})", [_sqlite(row) for row in table_rows]
                    )
        print(f"\r  seeded {min(n, start + CHUNK):,} / {n:,} subjects", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def measure(n: int, rounds: int) -> dict[str, list[float]]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import override_settings, teardown_databases

    from bench.intake import LOCMEM, fake_submissions
    from policybound.audit.actors import Actor
    from policybound.collection.models import Engagement
    from policybound.collection.services import submission_record
    from policybound.console import screens, services
    from policybound.lib import clock
    from policybound.policy.loader import policy_load
    from policybound.policy.services import policy_publish

    old = _databases()
    try:
        loaded = policy_load(settings.POLICYBOUND_BUNDLED_POLICY)
        with clock.frozen(AS_OF - dt.timedelta(days=500)):
            version = policy_publish(text=loaded.text, announced=loaded.policy.announced,
                                     effective=loaded.policy.effective, actor=Actor.system("bench"))
        policy, purpose = loaded.policy, loaded.policy.form_purposes()[0]
        started = time.perf_counter()
        seed(n, purpose.code, version.pk)
        with override_settings(EMAIL_BACKEND=LOCMEM), clock.frozen(AS_OF):
            for call in fake_submissions(policy, purpose, REAL):
                submission_record(**call)
        print(f"  {n:,} subjects: seeding took {time.perf_counter() - started:.1f}s (not timed)")
        user = get_user_model().objects.create_superuser(username="bench-officer", password=None)
        actor = Actor.staff(user)
        bare_sql = ("SELECT id FROM collection_engagement WHERE purpose = %s AND ended_at IS NULL "
                    "ORDER BY started_at DESC, id DESC LIMIT 50")

        def bare() -> None:
            with connection.cursor() as cursor:
                cursor.execute(bare_sql, [purpose.code])
                assert len(cursor.fetchall()) == screens.PAGE_SIZE

        def page() -> None:
            shown = screens.inbox_page(user=user, policy=policy, purpose_code=purpose.code)
            assert len(shown.rows) == screens.PAGE_SIZE and shown.rows[0].values

        def show() -> None:
            services.inbox_show(user=user, actor=actor, policy=policy, purpose_code=purpose.code)

        def before() -> None:
            old_query = Engagement.objects.filter(purpose=purpose.code, status__in=screens.LIVE)
            old_query.count()
            list(old_query.order_by("-started_at", "-id").values_list("id", flat=True)[: screens.PAGE_SIZE])

        works = {"bare indexed SELECT": bare, "inbox_page (the screen's reads)": page,
                 "inbox_show (+ 50 audit rows)": show, "before: status IN + exact count": before}
        for work in works.values():
            work()
        samples: dict[str, list[float]] = {label: [] for label in works}
        for _ in range(rounds):
            for label, work in works.items():
                samples[label].append(_timed(work))
        count, capped = screens.inbox_count(purpose.code)
        print(f"    the screen says: {count:,}{'+' if capped else ''} open")
        for label, values in samples.items():
            print(f"    {label:<36} {summary(values, 'ms', 1000)}")
        print(f"    ({load_average()})")
        return samples
    finally:
        connection.close()
        teardown_databases(old, verbosity=0)


def run(sizes: list[int], rounds: int) -> None:
    from bench.retention import _setup_django

    _setup_django()
    from django.db import connection

    print(f"inbox benchmark on {connection.vendor}: {', '.join(f'{n:,}' for n in sizes)} subjects, {rounds} rounds, "
          f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {load_average()}")
    results = {n: measure(n, rounds) for n in sizes}
    first = sizes[0]
    for n in sizes[1:]:
        for label in results[n]:
            growth = statistics.median(results[n][label]) / statistics.median(results[first][label])
            print(f"  growth {first:,} → {n:,} subjects, {label}: ×{growth:.2f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench inbox", description=__doc__.split("\n\n")[0])
    parser.add_argument("--subjects", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    run(args.subjects, args.rounds)


if __name__ == "__main__":
    main()
