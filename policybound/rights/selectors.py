"""Reads of the privacy center: a person's own requests, and the staff queue with its deadlines."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from policybound.lib import clock
from policybound.policy.schema import Policy
from policybound.rights.access import policy_lang
from policybound.rights.dates import Dates
from policybound.rights.deadlines import days_left
from policybound.rights.models import Outcome, RequestChannel, RequestKind, RequestStatus, RightsRequest


@dataclass(frozen=True)
class ShownRequest:
    """A request in words: its kind, state, dates as the policy writes them, the answer."""

    row: RightsRequest
    kind: str
    channel: str
    status: str
    received: str
    due: str
    answered: str
    outcome: str
    days_left: int
    overdue: bool
    due_soon: bool


def request_shown(row: RightsRequest, *, policy: Policy, lang: str, today: dt.date | None = None) -> ShownRequest:
    ctx = Dates(policy_lang(lang))
    today = today or clock.today()
    left = days_left(row.due, today=today)
    open_ = row.status != RequestStatus.ANSWERED
    return ShownRequest(
        row=row,
        kind=str(RequestKind(row.kind).label),
        channel=str(RequestChannel(row.channel).label),
        status=str(RequestStatus(row.status).label),
        received=ctx.date(timezone.localdate(row.received_at)),
        due=ctx.date(row.due),
        answered=ctx.date(timezone.localdate(row.answered_at)) if row.answered_at else "",
        outcome=str(Outcome(row.outcome).label) if row.outcome else "",
        days_left=left,
        overdue=open_ and left < 0,
        due_soon=open_ and 0 <= left <= 2,
    )


def subject_requests(*, subject_id: uuid.UUID | str, policy: Policy, lang: str) -> list[ShownRequest]:
    """The person's requests, newest first, access requests of past sessions included."""
    rows = RightsRequest.objects.filter(subject_id=subject_id).order_by("-received_at")[:50]
    return [request_shown(row, policy=policy, lang=lang) for row in rows]


def requests_queue(*, state: str = "open") -> QuerySet[RightsRequest]:
    """The staff queue: ``open`` (received or deferred, due first), ``answered`` (newest first), ``all``."""
    rows = RightsRequest.objects.all()
    if state == "open":
        return rows.exclude(status=RequestStatus.ANSWERED).order_by("due_on", "received_at")
    if state == "answered":
        return rows.filter(status=RequestStatus.ANSWERED).order_by("-answered_at")
    return rows.order_by("-received_at")


def requests_due_within(*, days: int, as_of: dt.datetime | None = None) -> list[RightsRequest]:
    """Open requests due within ``days`` (or overdue): the privacy officer's digest."""
    today = timezone.localdate(as_of or clock.now())
    horizon = today + dt.timedelta(days=days)
    rows = RightsRequest.objects.exclude(status=RequestStatus.ANSWERED).order_by("due_on")
    return [row for row in rows if row.due <= horizon]
