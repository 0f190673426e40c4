"""Benchmark: ``submission_record`` (one web-form submission) against a bare one-row INSERT.

``python -m bench.intake [--n N]`` publishes the bundled policy (``POLICYBOUND_BUNDLED_POLICY``, the
one ``make run`` serves) and then, on the same database:

1. the *bare INSERT*: N plain INSERTs of one row each, one transaction per row, into a scratch table
   with one text column per item of the form (Django's ``connection.cursor()``, the plaintext values);
2. the *service*: N calls of ``submission_record`` for the policy's first web-form purpose, with fake
   but realistic values and a distinct e-mail address per call (so each creates a subject); when the
   policy offers an optional purpose with it (marketing), half the calls consent to it and half
   refuse. Timed with what follows the commit: the first attempt at the queued mails, which go to
   Django's locmem backend (nothing is printed or sent).

It prints both (submissions per second, milliseconds per submission, p50/p95 latency), their ratio,
and where the service's time went. ``--rounds R`` (default 3) splits the N calls into R interleaved
rounds (bare, service, service, bare, ...), and prints each round's ratio and the median with its
spread, with the machine's load average. A short warm-up of each runs first and is not counted. It runs in a
database of its own (Django's test-database machinery: ``test_<name>`` on PostgreSQL when
``POLICYBOUND_DATABASE_URL`` is set, a file under ``POLICYBOUND_DATA_DIR`` on SQLite), created and
dropped by the run (``--keep`` keeps it), so it never touches real data. Not a test: nothing asserts a
time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.retention import Timer

if TYPE_CHECKING:
    from policybound.policy.schema import Policy, Purpose

SCRATCH = "bench_intake_bare"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
FAMILY = ["김", "이", "박", "최", "정", "강", "조", "윤"]
GIVEN = ["민준", "서연", "도윤", "하은", "지호", "수아", "예준", "지우"]
COMPANY = ["예시전자", "샘플물류", "테스트상사", "가상소프트", "모의건설"]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policybound.settings")
    import django

    django.setup()


# --- fake submissions --------------------------------------------------------------------------


def _fake_value(kind: str, i: int, choices: list[str]) -> str | list[str]:
    """An obviously fake value of ``kind``; e-mail addresses are distinct per ``i``."""
    name = f"{FAMILY[i % len(FAMILY)]}{GIVEN[(i // len(FAMILY)) % len(GIVEN)]}"
    values: dict[str, str | list[str]] = {
        "name": name,
        "phone": f"010-{2000 + i // 10_000 % 8000:04d}-{i % 10_000:04d}",
        "email": f"bench.visitor{i}@example.com",
        "organization": f"(주){COMPANY[i % len(COMPANY)]}",
        "short_text": "클라우드 전환 상담",
        "free_text": f"사내 네트워크 보안 진단과 클라우드 이전 비용 상담을 요청합니다. 문의 번호 {i}.",
        "address": "서울특별시 종로구 세종대로 1",
        "choices": choices[:1],
    }
    return values.get(kind, "benchmark")


def fake_submissions(policy: Policy, purpose: Purpose, n: int, start: int = 0) -> list[dict[str, Any]]:
    """Keyword arguments for ``n`` calls of ``submission_record`` (web form, ``purpose``)."""
    from policybound.audit.actors import Actor
    from policybound.collection.models import Channel, Source
    from policybound.collection.validation import offered_purposes
    from policybound.policy.schema import ItemKind, LegalBasis

    items = [policy.item(code) for code in purpose.items if policy.item(code).kind is not ItemKind.OTHER]
    optional = [p.code for p in offered_purposes(policy, purpose) if p.code != purpose.code]
    calls = []
    for i in range(start, start + n):
        ip = f"203.0.113.{i % 250 + 1}"
        consents = {purpose.code: True} if purpose.basis is LegalBasis.CONSENT else {}
        for code in optional:  # the form asks each optional box; half the visitors tick it
            consents[code] = i % 2 == 0
        calls.append({
            "purpose": purpose.code,
            "fields": {item.code: _fake_value(item.kind.value, i, [c.code for c in item.choices]) for item in items},
            "consents": consents,
            "source": Source.WEB,
            "channel": Channel.WEB,
            "actor": Actor.public(ip=ip),
            "ip": ip,
            "user_agent": USER_AGENT,
        })
    return calls


# --- the two runs ------------------------------------------------------------------------------


def _timed(calls: list[dict[str, Any]], one: Callable[[dict[str, Any]], Any]) -> list[float]:
    latencies = []
    for call in calls:
        started = time.perf_counter()
        one(call)
        latencies.append(time.perf_counter() - started)
    return latencies


def bare_inserts(calls: list[dict[str, Any]], columns: list[str]) -> list[float]:
    """One plain INSERT per call, each in its own transaction (as the service commits each)."""
    from django.db import connection, transaction

    names = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    statement = f"INSERT INTO {SCRATCH} ({names}) VALUES ({marks})"

    def one(call: dict[str, Any]) -> None:
        row = [str(call["fields"].get(column, "")) for column in columns]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, row)

    return _timed(calls, one)


def scratch_create(columns: list[str]) -> None:
    from django.db import connection

    key = "bigserial PRIMARY KEY" if connection.vendor == "postgresql" else "integer PRIMARY KEY AUTOINCREMENT"
    text = ", ".join(f'"{column}" text NOT NULL' for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(f"CREATE TABLE {SCRATCH} (id {key}, {text})")


def scratch_drop() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")


def profile(timer: Timer) -> None:
    """Wrap the service's main steps; ``(in …)`` labels are inside another step and not summed."""
    from policybound.collection import mail, receipts, services
    from policybound.mailer import services as mailer
    from policybound.subjects import services as subjects

    timer.wrap(services, "policy_version_in_force", "policy_version_in_force")
    timer.wrap(services, "_validate", "validation (_validate)")
    timer.wrap(services, "subject_find_or_create", "subject find/create")
    timer.wrap(services, "organization_find_or_create", "organization find/create")
    timer.wrap(services, "seal", "vault seal (submitted values)")
    timer.wrap(services, "_store_receipts", "receipts (_store_receipts)")
    timer.wrap(services, "_store_engagements", "engagements (_store_engagements)")
    timer.wrap(services, "audit_record_many", "audit_record_many (enter, consent)")
    timer.wrap(services, "_mails_queue", "mail enqueue (_mails_queue)")
    timer.wrap(mailer, "_send_after_commit", "mail send after commit (locmem)")
    timer.wrap(subjects, "blind_index", "blind index (in subject, organization find/create)")
    timer.wrap(subjects, "data_key_create", "data_key_create (in subject find/create)")
    timer.wrap(subjects, "audit_record", "audit_record (in subject find/create)")
    timer.wrap(receipts, "seal", "vault seal of the IP (in receipts)")
    timer.wrap(receipts, "notice_text_store", "notice_text_store (in receipts)")
    timer.wrap(services, "consent_box_notice", "consent_box_notice (in receipts)")
    timer.wrap(mail, "render_to_string", "render_to_string (in mail enqueue)")
    timer.wrap(mailer, "seal", "vault seal of the mail (in mail enqueue)")


# --- the run -----------------------------------------------------------------------------------


def run(n: int, warmup: int, keep: bool, rounds: int = 3) -> None:
    _setup_django()
    from django.conf import settings
    from django.db import connection, connections
    from django.test.utils import override_settings, setup_databases, teardown_databases

    if connection.vendor == "sqlite":
        bench_dir = Path(settings.DATA_DIR)
        bench_dir.mkdir(parents=True, exist_ok=True)
        connections["default"].settings_dict.setdefault("TEST", {})["NAME"] = str(bench_dir / "bench_intake.sqlite3")
    print(f"intake benchmark on {connection.vendor}: {n:,} submissions (after {warmup} warm-up calls)")
    old = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        with override_settings(EMAIL_BACKEND=LOCMEM):
            _measure(n, warmup, rounds)
    finally:
        if keep:
            print(f"  kept the database {connection.settings_dict['NAME']}")
        else:
            teardown_databases(old, verbosity=0)


def _measure(n: int, warmup: int, rounds: int = 3) -> None:
    from django.conf import settings
    from django.core import mail as django_mail

    from policybound.audit.actors import Actor
    from policybound.collection import services
    from policybound.policy.loader import policy_load
    from policybound.policy.services import policy_publish

    loaded = policy_load(settings.POLICYBOUND_BUNDLED_POLICY)
    policy_publish(
        text=loaded.text, announced=loaded.policy.announced, effective=loaded.policy.effective,
        actor=Actor.system("bench"),
    )
    policy = loaded.policy
    purpose = policy.form_purposes()[0]
    calls = fake_submissions(policy, purpose, warmup + n)
    columns = list(calls[0]["fields"])
    optional = [code for code in calls[0]["consents"] if code != purpose.code]
    print(f"  purpose {purpose.code!r}: {len(columns)} items ({', '.join(columns)}); "
          f"optional consents: {', '.join(optional) or 'none'} (given on half the calls)")

    scratch_create(columns)
    record = services.submission_record
    bare_inserts(calls[:warmup], columns)
    _timed(calls[:warmup], lambda call: record(**call))
    timer = Timer()
    profile(timer)
    django_mail.outbox = []
    timed = calls[warmup:]
    size = max(1, len(timed) // max(1, rounds))
    bare: list[float] = []
    served: list[float] = []
    ratios = []
    for number in range(max(1, rounds)):
        chunk = timed[number * size : (number + 1) * size]
        if not chunk:
            break
        if number % 2:  # interleaved: bare first, then the service first, ...
            round_served = _timed(chunk, lambda call: record(**call))
            round_bare = bare_inserts(chunk, columns)
        else:
            round_bare = bare_inserts(chunk, columns)
            round_served = _timed(chunk, lambda call: record(**call))
        bare += round_bare
        served += round_served
        ratios.append(sum(round_bare) / sum(round_served))
        print(f"  round {number + 1}: bare {len(chunk) / sum(round_bare):7,.0f}/s  "
              f"service {len(chunk) / sum(round_served):7,.0f}/s  ratio service/bare {ratios[-1]:.3f}")
    scratch_drop()
    print(f"  median ratio (service throughput / bare): {statistics.median(ratios):.3f} "
          f"(min {min(ratios):.3f}, max {max(ratios):.3f}, {len(ratios)} rounds); load average "
          + " ".join(f"{value:.2f}" for value in os.getloadavg()))
    _report(len(served), bare, served, timer, mails=len(django_mail.outbox))


def _line(label: str, latencies: list[float]) -> str:
    total = sum(latencies)
    p50, p95 = _percentile(latencies, 50), _percentile(latencies, 95)
    return (f"  {label:<22}{total:8.2f}s  {len(latencies) / total:8,.0f}/s  {total / len(latencies) * 1000:7.3f} ms each  "
            f"p50 {p50 * 1000:7.3f} ms  p95 {p95 * 1000:7.3f} ms")


def _percentile(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1] if len(values) > 1 else values[0]


def _report(n: int, bare: list[float], served: list[float], timer: Timer, *, mails: int) -> None:
    bare_total, served_total = sum(bare), sum(served)
    print(_line("bare INSERT:", bare))
    print(_line("submission_record:", served))
    print(f"  ratio service / bare:  {served_total / bare_total:8.2f}x  ({mails:,} mails to locmem)")
    print("  where the service's time went:")
    accounted = 0.0
    for label, seconds in sorted(timer.seconds.items(), key=lambda item: -item[1]):
        if "(in " not in label:
            accounted += seconds
        per_call = seconds / n * 1000
        print(f"    {label:<52} {seconds:7.2f}s  {seconds / served_total:6.1%}  {per_call:6.3f} ms/submission  "
              f"({timer.calls[label]:,} calls)")
    other = served_total - accounted
    print(f"    {'other (rows, savepoints, commits)':<52} {other:7.2f}s  {other / served_total:6.1%}  "
          f"{other / n * 1000:6.3f} ms/submission")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.intake", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2_000, help="submissions to time (default 2,000)")
    parser.add_argument("--warmup", type=int, default=50, help="untimed calls of each before timing")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    args = parser.parse_args(argv)
    run(args.n, args.warmup, args.keep, args.rounds)


if __name__ == "__main__":
    main()
