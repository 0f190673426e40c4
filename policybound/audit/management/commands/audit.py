"""``policybound audit verify|truncate``: prove the access log intact; destroy it after its retention.

``verify`` exits 1 naming the first missing, altered or misplaced row, else 0 with the count and the
chain head (write the head down in the monthly review). ``truncate`` destroys rows older than
``POLICYBOUND_ACCESS_LOG_RETENTION_DAYS`` (or ``--days``) after checking the chain, keeping an anchor;
run it daily from cron.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from policybound.audit.actors import Actor
from policybound.audit.services import audit_truncate_before, audit_verify
from policybound.console.review_command import review_add_arguments, review_run
from policybound.lib import clock


class Command(BaseCommand):
    help = (
        "The audit log (접속기록). `verify` checks the hash chain and exits 1 at the first altered or "
        "missing row; `truncate` destroys rows older than the access-log retention period "
        "(POLICYBOUND_ACCESS_LOG_RETENTION_DAYS, at least a year) and keeps the chain verifiable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        verify = verbs.add_parser("verify", help="check the whole chain")
        verify.add_argument("--batch-size", type=int, default=5000)
        truncate = verbs.add_parser("truncate", help="destroy rows past their retention")
        truncate.add_argument("--days", type=int, default=None, help="keep this many days (default: setting)")
        review_add_arguments(verbs.add_parser("review", help="the monthly access-log review (접속기록 점검)"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "review":
            review_run(self, options)
            return
        if options["verb"] == "verify":
            self._verify(options["batch_size"])
        else:
            self._truncate(options["days"])

    def _verify(self, batch_size: int) -> None:
        result = audit_verify(batch_size=max(1, batch_size))
        if not result.ok:
            self.stderr.write(f"Audit chain BROKEN after {result.checked} good rows: {result.reason}.")
            raise SystemExit(1)
        if result.last_sequence is None:
            self.stdout.write("Audit chain OK: no rows yet.")
            return
        self.stdout.write(
            f"Audit chain OK: {result.checked} rows checked; head #{result.last_sequence} {result.last_hash}"
        )

    def _truncate(self, days: int | None) -> None:
        keep = days if days is not None else settings.POLICYBOUND_ACCESS_LOG_RETENTION_DAYS
        minimum = 365
        if keep < minimum:
            self.stderr.write(f"The access log is kept at least {minimum} days; refusing --days {keep}.")
            raise SystemExit(2)
        result = audit_verify()
        if not result.ok:
            self.stderr.write(f"Not truncating a broken chain: {result.reason}. Investigate first.")
            raise SystemExit(1)
        before = clock.now() - dt.timedelta(days=keep)
        destroyed = audit_truncate_before(before=before, actor=Actor.system("audit truncate"))
        self.stdout.write(
            f"Destroyed {destroyed} audit rows older than {before:%Y-%m-%d %H:%M} ({keep} days)."
        )
