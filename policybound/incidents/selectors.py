"""Reads for the incidents screens: the 72-hour clock, the notices' progress, lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from policybound.incidents.models import Breach, HomepagePosting, Transfer
from policybound.lib import clock
from policybound.mailer.models import MailStatus


@dataclass(frozen=True)
class Clock:
    """Where an incident stands against its deadline.

    ``state``: ``running`` (open, before the deadline), ``overdue`` (open, past it), ``met`` (signed
    off in time), ``late`` (signed off after it). ``remaining`` is negative once overdue.
    """

    deadline: dt.datetime
    state: str
    remaining: dt.timedelta

    @property
    def hours_left(self) -> int:
        return int(self.remaining.total_seconds() // 3600)

    @property
    def hours_over(self) -> int:
        return int(-self.remaining.total_seconds() // 3600)


def breach_clock(breach: Breach, *, as_of: dt.datetime | None = None) -> Clock:
    moment = breach.completed_at or as_of or clock.now()
    remaining = breach.deadline - moment
    if breach.completed_at is not None:
        state = "met" if breach.completed_at <= breach.deadline else "late"
    else:
        state = "running" if moment <= breach.deadline else "overdue"
    return Clock(deadline=breach.deadline, state=state, remaining=remaining)


@dataclass(frozen=True)
class Progress:
    """The person notices of an incident: how many people, and their mails by outbox status."""

    people: int
    unreachable: int
    queued: int
    sent: int
    bounced: int
    posting: HomepagePosting | None

    @property
    def pending(self) -> int:
        return self.people - self.unreachable - self.queued - self.sent - self.bounced


def _progress(affected: QuerySet, posting: HomepagePosting | None) -> Progress:  # type: ignore[type-arg]
    by_status = dict(
        affected.exclude(mail=None).values_list("mail__status").annotate(n=Count("id")).values_list("mail__status", "n")
    )
    return Progress(
        people=affected.count(),
        unreachable=affected.filter(reachable=False).count(),
        queued=by_status.get(MailStatus.QUEUED, 0),
        sent=by_status.get(MailStatus.SENT, 0),
        bounced=by_status.get(MailStatus.FAILED, 0) + by_status.get(MailStatus.CANCELLED, 0),
        posting=posting,
    )


def breach_progress(breach: Breach) -> Progress:
    return _progress(breach.affected.all(), HomepagePosting.objects.filter(breach=breach).first())


def transfer_progress(transfer: Transfer) -> Progress:
    return _progress(transfer.affected.all(), HomepagePosting.objects.filter(transfer=transfer).first())


def breaches() -> QuerySet[Breach]:
    return Breach.objects.all()


def breach_get(breach_id: int) -> Breach | None:
    return Breach.objects.filter(pk=breach_id).first()


def transfers() -> QuerySet[Transfer]:
    return Transfer.objects.all()


def transfer_get(transfer_id: int) -> Transfer | None:
    return Transfer.objects.filter(pk=transfer_id).first()
