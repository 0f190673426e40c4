"""Reads of the outbox: counts for staff and the command, a subject's mails as proof of notice."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Count, QuerySet

from policybound.lib import clock
from policybound.mailer.models import MailStatus, OutboundMail


def mail_failed_count(*, since: dt.datetime | None = None) -> int:
    """Mails given up (``failed``): each is a person who did not get a notice; staff must act."""
    rows = OutboundMail.objects.filter(status=MailStatus.FAILED)
    if since is not None:
        rows = rows.filter(finished_at__gte=since)
    return rows.count()


def mail_status_counts() -> dict[str, int]:
    """How many mails are in each status, every status present (0 when none)."""
    counts = dict.fromkeys(MailStatus.values, 0)
    for row in OutboundMail.objects.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def mail_due_count(*, as_of: dt.datetime | None = None) -> int:
    """Queued mails whose next attempt has come (a sender should be running if this stays high)."""
    moment = as_of or clock.now()
    return OutboundMail.objects.filter(status=MailStatus.QUEUED, next_attempt_at__lte=moment).count()


def subject_mails(*, subject_id: uuid.UUID | str) -> QuerySet[OutboundMail]:
    """A subject's mails, newest first: kind, status and times prove a notice went out (never content)."""
    return OutboundMail.objects.filter(subject_id=subject_id).order_by("-created_at").defer(
        "recipient_sealed", "subject_line_sealed", "body_sealed", "headers_sealed"
    )
