"""Ending engagements that nobody ended: a maximum lifetime reached, or a period counted from collection over.

An engagement without an end event stays open (staff see it as open) unless the purpose in force
declares ``retention.max_lifetime``: then it ends ``max_lifetime`` after it started, with the end event
``max_lifetime``, and its deadline is computed as for any other end (the retention period of the
policy version in force at that end). Candidates come from the partial index ``engagement_open``
(purpose, started_at WHERE not ended), so the cost follows the engagements that reach their lifetime.

A purpose whose retention is ``counted_from: collection`` (a provision kept "제공일로부터 N 개월") gives
each engagement its deadline when it starts. When that deadline passes while the engagement is still
open, the consent behind it does not keep the data alive: :func:`period_end` ends the engagement at
its deadline with the end event ``period_ended``, which spends the consent, and the same sweep then
destroys what no other live purpose needs. Candidates come from the partial index ``engagement_due``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from policybound.audit.models import AuditAction
from policybound.audit.services import AuditEntry, audit_record_many
from policybound.collection.models import Engagement, EngagementStatus
from policybound.lib.keyset import RowAfter
from policybound.policy.models import PolicyVersion
from policybound.policy.periods import Period
from policybound.policy.schema import Policy, Purpose
from policybound.retention.batches import ENGAGEMENT_FIELDS, SweepContext
from policybound.retention.planning import MAX_LIFETIME_EVENT, PERIOD_END_EVENT, EngagementRow


@dataclass(frozen=True)
class Versions:
    """The published versions, to tell which one was in force on a day without a query per day."""

    rows: tuple[tuple[dt.date, dt.datetime, int], ...]
    policies: dict[int, Policy]

    @classmethod
    def load(cls) -> Versions:
        versions = list(PolicyVersion.objects.order_by("effective", "published_at", "id"))
        return cls(
            rows=tuple((v.effective, v.published_at, v.pk) for v in versions),
            policies={v.pk: v.policy for v in versions},
        )

    def in_force(self, moment: dt.datetime) -> int | None:
        day = timezone.localdate(moment)
        found = None
        for effective, _published, pk in self.rows:
            if effective <= day:
                found = pk
        return found


def _shortest_days(period: Period) -> int:
    """A lower bound of the period's length in days (a month has at least 28, a year 365)."""
    return period.years * 365 + period.months * 28 + period.days


def _ended(row: EngagementRow, purpose: Purpose, versions: Versions) -> tuple[EngagementRow, int | None]:
    """The row as it is once its lifetime ends, and the policy version in force at that end."""
    lifetime = purpose.retention.max_lifetime
    assert lifetime is not None
    ended_at = lifetime.after(row.started_at)
    version_id = versions.in_force(ended_at)
    policy = versions.policies.get(version_id) if version_id is not None else None
    described = next((p for p in policy.purposes if p.code == purpose.code), purpose) if policy else purpose
    if described.retention.counted_from == "collection":
        deadline = row.deadline or described.retention.period.after(row.started_at)
    else:
        deadline = described.retention.period.after(ended_at)
    ended = dataclasses.replace(row, ended_at=ended_at, end_event=MAX_LIFETIME_EVENT, deadline=deadline)
    return ended, version_id


def open_queryset(
    *, purpose_code: str, bound: dt.datetime, after: tuple[dt.datetime, int] | None
) -> QuerySet[Engagement]:
    """Open engagements of a purpose started by ``bound``, after ``after`` in ``(started_at, id)`` order:
    a range of ``engagement_open`` (the keyset is one row comparison, so a batch reads its own rows)."""
    queryset = Engagement.objects.filter(purpose=purpose_code, ended_at__isnull=True, started_at__lte=bound)
    if after is not None:
        queryset = queryset.filter(RowAfter(("started_at", "id"), after))
    return queryset.order_by("started_at", "id")


def max_lifetime_end(ctx: SweepContext, *, current: Policy, versions: Versions, batch_size: int) -> None:
    """End every open engagement whose purpose's maximum lifetime has passed (dry run: pretend to)."""
    for purpose in current.purposes:
        lifetime = purpose.retention.max_lifetime
        if lifetime is None:
            continue
        bound = ctx.as_of - dt.timedelta(days=_shortest_days(lifetime))
        after: tuple[dt.datetime, int] | None = None
        while True:
            queryset = open_queryset(purpose_code=purpose.code, bound=bound, after=after)
            rows = [EngagementRow(*values) for values in queryset.values_list(*ENGAGEMENT_FIELDS)[:batch_size]]
            if not rows:
                break
            after = (rows[-1].started_at, rows[-1].id)
            ending = [_ended(row, purpose, versions) for row in rows if lifetime.after(row.started_at) <= ctx.as_of]
            if ctx.dry_run:
                for ended, _version in ending:
                    ctx.overrides[ended.id] = ended
                ctx.result.ended_by_max_lifetime += len(ending)
            elif ending:
                ctx.result.ended_by_max_lifetime += _end_batch(ctx, ending)


def period_end(ctx: SweepContext, *, versions: Versions, batch_size: int) -> None:
    """End every open engagement whose period counted from collection has run out (dry run: pretend to)."""
    after: tuple[dt.datetime, int] | None = None
    while True:
        queryset = Engagement.objects.filter(
            retention_done_at__isnull=True, deadline__isnull=False, deadline__lte=ctx.as_of, ended_at__isnull=True
        )
        if after is not None:
            queryset = queryset.filter(RowAfter(("deadline", "id"), after))
        rows = [
            EngagementRow(*values)
            for values in queryset.order_by("deadline", "id").values_list(*ENGAGEMENT_FIELDS)[:batch_size]
        ]
        if not rows:
            break
        last = rows[-1]
        assert last.deadline is not None
        after = (last.deadline, last.id)
        ending = []
        for row in rows:
            assert row.deadline is not None
            ended = dataclasses.replace(row, ended_at=row.deadline, end_event=PERIOD_END_EVENT)
            ending.append((ended, versions.in_force(row.deadline)))
        if ctx.dry_run:
            for ended, _version in ending:
                ctx.overrides[ended.id] = ended
            ctx.result.ended_by_period += len(ending)
        else:
            ctx.result.ended_by_period += _end_batch(ctx, ending)


def _end_batch(ctx: SweepContext, ending: Sequence[tuple[EngagementRow, int | None]]) -> int:
    planned = {row.id: (row, version) for row, version in ending}
    with transaction.atomic():
        queryset = Engagement.objects.filter(id__in=list(planned), ended_at__isnull=True)
        if connection.features.has_select_for_update_skip_locked:
            queryset = queryset.select_for_update(skip_locked=True)
        engagements = list(queryset)
        for engagement in engagements:
            row, version = planned[engagement.pk]
            engagement.status = EngagementStatus.ENDED
            engagement.ended_at = row.ended_at
            engagement.end_event = row.end_event
            engagement.end_policy_version_id = version
            engagement.deadline = row.deadline
        Engagement.objects.bulk_update(
            engagements, ["status", "ended_at", "end_event", "end_policy_version", "deadline"], batch_size=500
        )
        if engagements:
            audit_record_many(
                actor=ctx.actor,
                action=AuditAction.END,
                entries=[
                    AuditEntry(
                        subject_id=e.subject_id,
                        target=f"engagement:{e.pk}",
                        detail={"purpose": e.purpose, "event": e.end_event},
                    )
                    for e in engagements
                ],
            )
    return len(engagements)
