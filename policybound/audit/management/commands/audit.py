"""``policybound audit verify|checkpoint|truncate|review``: prove the access log intact; destroy it after its retention.

``verify`` exits 1 naming the first missing, altered or misplaced row, else 0 with the count, the
newest row and the newest signed checkpoint (the monthly review records it). ``checkpoint`` commits
all chain heads together in a signed checkpoint; run it every minute from cron. ``truncate`` destroys rows older than
``POLICYBOUND_ACCESS_LOG_RETENTION_DAYS`` (or ``--days``) after checking the chain, keeping an anchor;
run it daily from cron. ``review`` is the monthly access-log review (:mod:`policybound.console.review_command`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from policybound.audit.actors import Actor
from policybound.audit.services import audit_checkpoint, audit_truncate_before, audit_verify
from policybound.console.review_command import review_add_arguments, review_run
from policybound.core.commands import Arg, Options, Verb, VerbCommand
from policybound.lib import clock


class Command(VerbCommand):
    help = (
        "The audit log (접속기록). `verify` checks the hash chain and exits 1 at the first altered or "
        "missing row; `truncate` destroys rows older than the access-log retention period "
        "(POLICYBOUND_ACCESS_LOG_RETENTION_DAYS, at least a year) and keeps the chain verifiable."
    )
    verbs = {
        "verify": Verb("_verify", "check the whole chain", Arg("--batch-size", type=int, default=5000)),
        "checkpoint": Verb(
            "_checkpoint", "commit every chain head in a signed checkpoint (cron: every minute)"
        ),
        "truncate": Verb(
            "_truncate",
            "destroy rows past their retention",
            Arg("--days", type=int, default=None, help="keep this many days (default: setting)"),
        ),
        "review": Verb(
            "_review", "the monthly access-log review (접속기록 점검)", arguments=review_add_arguments
        ),
    }

    def _review(self, options: Options) -> None:
        review_run(self, options)

    def _verify(self, options: Options) -> None:
        result = audit_verify(batch_size=max(1, options["batch_size"]))
        if not result.ok:
            self.stderr.write(f"Audit chain BROKEN after {result.checked} good rows: {result.reason}.")
            raise SystemExit(1)
        if result.last_sequence is None:
            self.stdout.write("Audit chain OK: no rows yet.")
            return
        checkpoint = (
            f"; checkpoint {result.checkpoint_id} {result.checkpoint_root}"
            if result.checkpoint_id
            else "; no checkpoint yet"
        )
        self.stdout.write(
            f"Audit chain OK: {result.checked} rows checked in {len(result.chains)} chains; "
            f"head #{result.last_sequence} {result.last_hash}{checkpoint}"
        )

    def _checkpoint(self, options: Options) -> None:
        checkpoint = audit_checkpoint()
        if checkpoint is None:
            self.stdout.write("No checkpoint written: no chain moved since the last one.")
        else:
            self.stdout.write(
                f"Checkpoint {checkpoint.pk}: {len(checkpoint.heads)} chain heads, root {checkpoint.root}"
            )

    def _truncate(self, options: Options) -> None:
        days = options["days"]
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
