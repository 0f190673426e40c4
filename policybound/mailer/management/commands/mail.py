"""``policybound mail send [--limit N]`` and ``policybound mail status``."""

from __future__ import annotations

from django.core.management.base import CommandError

from policybound.core.commands import Arg, Options, Verb, VerbCommand
from policybound.mailer.selectors import mail_due_count, mail_status_counts
from policybound.mailer.services import mail_send_due


class Command(VerbCommand):
    help = (
        "The outbox of confirmation mails. 'send' sends the mails that are due (first attempts that "
        "failed at the time of the request, and retries after back-off); run it every minute (cron) "
        "unless the worker does. 'status' counts mails by status; a 'failed' mail is a person who did "
        "not get a notice the law requires: reach them another way."
    )
    verbs = {
        "send": Verb(
            "_send",
            "send the mails that are due",
            Arg("--limit", type=int, default=100, help="at most this many mails (default 100)"),
        ),
        "status": Verb("_status", "count mails by status"),
    }

    def _send(self, options: Options) -> None:
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        report = mail_send_due(limit=options["limit"])
        self.stdout.write(
            f"sent {report.sent}, retrying later {report.retrying}, failed {report.failed}, "
            f"cancelled {report.cancelled}"
        )

    def _status(self, options: Options) -> None:
        counts = mail_status_counts()
        for status, count in counts.items():
            self.stdout.write(f"{status}\t{count}")
        self.stdout.write(f"due now\t{mail_due_count()}")
        if counts["failed"]:
            self.stderr.write(f"{counts['failed']} mail(s) failed: see the WARNING lines in the log.")
