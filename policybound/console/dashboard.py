"""The privacy officer's dashboard: counts only, no personal data, so nothing to mask or log per subject.

- engagements per purpose and status, with how many open ones have a reply noted;
- what falls due: subjects all of whose engagements have passed their deadline (what the next
  retention sweep destroys, legal holds aside) and those due within 30 days;
- this month's access log by action, the last monthly review and the latest permission changes.

Every figure is one aggregate query, whatever the number of subjects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from policybound.audit.models import AuditEvent
from policybound.collection.models import Engagement, EngagementStatus
from policybound.console.models import AccessReview, PermissionChange
from policybound.console.review import month_bounds
from policybound.lib import clock
from policybound.policy.schema import Policy
from policybound.subjects.models import Subject

LIVE = (EngagementStatus.PENDING, EngagementStatus.ACTIVE)
SOON = dt.timedelta(days=30)


@dataclass(frozen=True)
class PurposeCounts:
    code: str
    label: object
    pending: int
    active: int
    ended: int
    replied: int


@dataclass(frozen=True)
class Board:
    purposes: list[PurposeCounts]
    due_now: int
    due_soon: int
    access_by_action: list[tuple[str, int]]
    last_review: AccessReview | None
    recent_changes: list[PermissionChange]
    month: dt.date


def _purpose_counts(policy: Policy | None) -> list[PurposeCounts]:
    rows = Engagement.objects.values("purpose").annotate(
        pending=Count("id", filter=Q(status=EngagementStatus.PENDING)),
        active=Count("id", filter=Q(status=EngagementStatus.ACTIVE)),
        ended=Count("id", filter=Q(status=EngagementStatus.ENDED)),
        replied=Count("id", filter=Q(status__in=LIVE, reply_notes__isnull=False), distinct=True),
    )
    by_code = {row["purpose"]: row for row in rows}
    order = [p.code for p in policy.purposes] if policy is not None else []
    order += sorted(code for code in by_code if code not in order)
    labels = {p.code: p.label for p in policy.purposes} if policy is not None else {}
    counts = []
    for code in order:
        row = by_code.get(code, {})
        counts.append(
            PurposeCounts(
                code=code,
                label=labels.get(code, code),
                pending=row.get("pending", 0),
                active=row.get("active", 0),
                ended=row.get("ended", 0),
                replied=row.get("replied", 0),
            )
        )
    return counts


def _due(as_of: dt.datetime) -> tuple[int, int]:
    subjects = Subject.objects.annotate(
        live=Count("engagements", filter=Q(engagements__status__in=LIVE)),
        last=Max("engagements__deadline"),
    ).filter(live=0, last__isnull=False)
    due = subjects.aggregate(
        now=Count("id", filter=Q(last__lte=as_of)),
        soon=Count("id", filter=Q(last__gt=as_of, last__lte=as_of + SOON)),
    )
    return due["now"], due["soon"]


def dashboard_read(*, policy: Policy | None, as_of: dt.datetime | None = None) -> Board:
    moment = as_of or clock.now()
    month = clock.today().replace(day=1) if as_of is None else as_of.date().replace(day=1)
    start, end = month_bounds(month)
    access = (
        AuditEvent.objects.filter(actor_kind="staff", at__gte=start, at__lt=end)
        .values("action")
        .annotate(n=Count("sequence"))
        .order_by("action")
    )
    due_now, due_soon = _due(moment)
    return Board(
        purposes=_purpose_counts(policy),
        due_now=due_now,
        due_soon=due_soon,
        access_by_action=[(row["action"], row["n"]) for row in access],
        last_review=AccessReview.objects.select_related("reviewed_by").order_by("-month", "-reviewed_at").first(),
        recent_changes=list(PermissionChange.objects.order_by("-at", "-id")[:10]),
        month=month,
    )
