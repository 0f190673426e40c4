"""Reads of the retention app: what is due and when, open engagements, holds, the register.

All counts here are aggregate queries over indexed columns; none opens personal data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from policybound.archive.models import ArchivedRecord
from policybound.collection.models import Engagement
from policybound.lib import clock
from policybound.policy.schema import LegalRetentionRule
from policybound.policy.selectors import policy_in_force
from policybound.retention.models import DestructionRecord, LegalHold, SweepRun


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def destruction_register(
    *, since: dt.date | None = None, until: dt.date | None = None
) -> QuerySet[DestructionRecord]:
    """The register (파기 관리대장), newest first; ``since``/``until`` are inclusive local days."""
    entries = DestructionRecord.objects.all()
    # The first and last days a date can name are no bound at all (and their local midnights overflow).
    if since is not None and since > dt.date.min + dt.timedelta(days=1):
        entries = entries.filter(destroyed_at__gte=_start_of(since))
    if until is not None and until < dt.date.max - dt.timedelta(days=1):
        entries = entries.filter(destroyed_at__lt=_start_of(until + dt.timedelta(days=1)))
    return entries.order_by("-destroyed_at", "-id")


def legal_holds_for_subject(*, subject_id: uuid.UUID | str) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(subject_id=subject_id).order_by("-placed_at", "-id")


def legal_holds_active() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(released_at__isnull=True).order_by("-placed_at", "-id")


def legal_retention_rules(*, as_of: dt.datetime | None = None) -> list[LegalRetentionRule]:
    """The rules a hold may name: the policy in force's ``legal_retention``."""
    policy = policy_in_force(as_of=as_of)
    return list(policy.legal_retention) if policy is not None else []


@dataclass(frozen=True)
class DueDay:
    """Engagements due on one local day, per purpose, and archive copies whose law's period ends then."""

    day: dt.date
    engagements: dict[str, int]
    archived: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.engagements.values()) + sum(self.archived.values())


def retention_overdue(*, as_of: dt.datetime | None = None) -> dict[str, int]:
    """What a sweep would find now: due engagements not processed, expired archive copies."""
    moment = as_of or clock.now()
    engagements = Engagement.objects.filter(
        retention_done_at__isnull=True, deadline__isnull=False, deadline__lte=moment
    ).count()
    archived = ArchivedRecord.objects.filter(expires_at__lte=moment).count()
    return {"engagements": engagements, "archived": archived}


def retention_due_by_day(*, within: dt.timedelta, as_of: dt.datetime | None = None) -> list[DueDay]:
    """Upcoming destruction: per local day from ``as_of`` to ``as_of + within``, counts per purpose/rule."""
    moment = as_of or clock.now()
    end = moment + within
    engagements = _count_by_day(
        Engagement.objects.filter(retention_done_at__isnull=True, deadline__gt=moment, deadline__lte=end),
        moment_field="deadline",
        key="purpose",
    )
    archived = _count_by_day(
        ArchivedRecord.objects.filter(expires_at__gt=moment, expires_at__lte=end), moment_field="expires_at", key="rule"
    )
    days = sorted(set(engagements) | set(archived))
    return [DueDay(day=day, engagements=engagements.get(day, {}), archived=archived.get(day, {})) for day in days]


def _count_by_day(queryset: QuerySet[Any], *, moment_field: str, key: str) -> defaultdict[dt.date, dict[str, int]]:
    """Rows of ``queryset`` counted per local day of ``moment_field`` and per value of ``key``."""
    counts: defaultdict[dt.date, dict[str, int]] = defaultdict(dict)
    rows = (
        queryset.annotate(day=TruncDate(moment_field, tzinfo=timezone.get_current_timezone()))
        .values("day", key)
        .annotate(count=Count("id"))
        .order_by("day", key)
    )
    for row in rows:
        counts[row["day"]][row[key]] = row["count"]
    return counts


@dataclass(frozen=True)
class OpenPurpose:
    """Open engagements of a purpose (not ended): what only an end event, a lifetime or a period ends.

    ``with_deadline`` of them have a deadline already (a period counted from collection), the first
    of which is ``next_deadline``; the sweep ends and destroys them then, consent or not.
    """

    purpose: str
    count: int
    oldest_started_at: dt.datetime
    max_lifetime: str | None
    with_deadline: int = 0
    next_deadline: dt.datetime | None = None


def retention_open_engagements(*, as_of: dt.datetime | None = None) -> list[OpenPurpose]:
    """Open engagements per purpose, to show staff what is kept until something ends it.

    A purpose with ``max_lifetime`` ends its engagements on its own; one counted from collection ends
    each at its deadline; the others wait for an end event.
    """
    policy = policy_in_force(as_of=as_of)
    lifetimes = {p.code: p.retention.max_lifetime for p in policy.purposes} if policy is not None else {}
    rows = (
        Engagement.objects.filter(ended_at__isnull=True)
        .values("purpose")
        .annotate(
            count=Count("id"),
            oldest=Min("started_at"),
            with_deadline=Count("id", filter=Q(deadline__isnull=False)),
            next_deadline=Min("deadline"),
        )
        .order_by("purpose")
    )
    return [
        OpenPurpose(
            purpose=row["purpose"],
            count=row["count"],
            oldest_started_at=row["oldest"],
            max_lifetime=lifetime.iso() if (lifetime := lifetimes.get(row["purpose"])) is not None else None,
            with_deadline=row["with_deadline"],
            next_deadline=row["next_deadline"],
        )
        for row in rows
    ]


def sweep_last_run() -> SweepRun | None:
    """The latest sweep that finished."""
    return SweepRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-id").first()


def sweep_ran_since(*, moment: dt.datetime) -> bool:
    return SweepRun.objects.filter(finished_at__isnull=False, started_at__gte=moment).exists()
