"""The privacy officer's dashboard: counts only, no personal data, so nothing to mask or log per subject.

- engagements per purpose and status, with how many open ones have a reply noted;
- what the next retention sweep destroys (due engagements, expired archive copies), what falls due
  day by day in the next 30 days, active legal holds, the last sweep and the destruction register
  (파기 관리대장), all read through the retention app's selectors;
- this month's access log by action, the last monthly review and the latest permission changes.

Every figure is an aggregate query, whatever the number of subjects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from policybound.audit.models import AuditAction, AuditEvent
from policybound.collection.models import Engagement, EngagementStatus
from policybound.console.models import AccessReview, PermissionChange
from policybound.console.review import month_bounds
from policybound.lib import clock
from policybound.policy.schema import Policy, Text
from policybound.retention.models import DestructionRecord, SweepRun
from policybound.retention.selectors import (
    DueDay,
    destruction_register,
    legal_holds_active,
    retention_due_by_day,
    retention_overdue,
    sweep_last_run,
)

LIVE = (EngagementStatus.PENDING, EngagementStatus.ACTIVE)
SOON = dt.timedelta(days=30)
REGISTER_ROWS = 20


@dataclass(frozen=True)
class PurposeCounts:
    code: str
    label: Text | None
    pending: int
    active: int
    ended: int
    replied: int


@dataclass(frozen=True)
class Board:
    purposes: list[PurposeCounts]
    overdue: dict[str, int]
    due_by_day: list[DueDay]
    holds_active: int
    last_sweep: SweepRun | None
    register: list[DestructionRecord]
    access_by_action: list[tuple[str, int]]
    last_review: AccessReview | None
    recent_changes: list[PermissionChange]
    month: dt.date

    @property
    def due_soon(self) -> int:
        return sum(day.total for day in self.due_by_day)


def _purpose_counts(policy: Policy | None) -> list[PurposeCounts]:
    rows = Engagement.objects.values("purpose").annotate(
        pending=Count("id", filter=Q(status=EngagementStatus.PENDING), distinct=True),
        active=Count("id", filter=Q(status=EngagementStatus.ACTIVE), distinct=True),
        ended=Count("id", filter=Q(status=EngagementStatus.ENDED), distinct=True),
        replied=Count("id", filter=Q(status__in=LIVE, reply_notes__isnull=False), distinct=True),
    )
    by_code = {row["purpose"]: row for row in rows}
    order = [p.code for p in policy.purposes] if policy is not None else []
    order += sorted(code for code in by_code if code not in order)
    labels = {p.code: p.label for p in policy.purposes} if policy is not None else {}
    counts = []
    for code in order:
        row: Mapping[str, Any] = by_code.get(code) or {}
        counts.append(
            PurposeCounts(
                code=code,
                label=labels.get(code),
                pending=row.get("pending", 0),
                active=row.get("active", 0),
                ended=row.get("ended", 0),
                replied=row.get("replied", 0),
            )
        )
    return counts


def dashboard_read(*, policy: Policy | None, as_of: dt.datetime | None = None) -> Board:
    moment = as_of or clock.now()
    month = timezone.localdate(moment).replace(day=1)  # the site's month, not UTC's
    start, end = month_bounds(month)
    access = (
        AuditEvent.objects.filter(actor_kind="staff", at__gte=start, at__lt=end)
        .values("action")
        .annotate(n=Count("sequence"))
        .order_by("action")
    )
    labels = dict(AuditAction.choices)
    return Board(
        purposes=_purpose_counts(policy),
        overdue=retention_overdue(as_of=moment),
        due_by_day=retention_due_by_day(within=SOON, as_of=moment),
        holds_active=legal_holds_active().count(),
        last_sweep=sweep_last_run(),
        register=list(destruction_register()[:REGISTER_ROWS]),
        access_by_action=[(str(labels.get(row["action"], row["action"])), row["n"]) for row in access],
        last_review=AccessReview.objects.select_related("reviewed_by").order_by("-month", "-reviewed_at").first(),
        recent_changes=list(PermissionChange.objects.order_by("-at", "-id")[:10]),
        month=month,
    )
