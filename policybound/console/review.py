"""The monthly review of the access log (접속기록 점검, 안전성 확보조치 기준 8조).

At least once a month someone with ``console.review_access_log`` looks at what staff did with
personal data and records that they did. :func:`review_findings` lists what needs a look:

- downloads whose reason has not been confirmed by a reviewer (a download's reason must be confirmed);
- unusual volumes: an account that, on one day, viewed more subjects, revealed more values or
  downloaded more rows than ``POLICYBOUND_REVIEW_MAX_*_PER_DAY``;
- access outside working hours (``POLICYBOUND_REVIEW_WORKING_HOURS``, ``..._WORKING_DAYS``, in the
  site's time zone).

:func:`access_review_record` stores who reviewed which month, with the counts they saw and the audit
chain's head and the signed checkpoint it verified (so that a later truncation of the newest rows, or
a chain rolled back, can be noticed), and audits it. The
console page and ``policybound audit review --month 2026-11`` call the same functions.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, ExpressionWrapper, IntegerField, Max, Min, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, ExtractMinute, TruncDate
from django.utils.dates import WEEKDAYS_ABBR

from policybound.audit.actors import Actor
from policybound.audit.models import AuditAction, AuditEvent
from policybound.audit.services import audit_checkpoint, audit_record, audit_verify
from policybound.console.models import AccessReview, DownloadConfirmation
from policybound.lib import clock

# What counts as touching personal data; sign-ins and permission changes are reviewed elsewhere.
PERSONAL_DATA_ACTIONS = (
    AuditAction.VIEW,
    AuditAction.ENTER,
    AuditAction.CHANGE,
    AuditAction.DELETE,
    AuditAction.PRINT,
    AuditAction.DOWNLOAD,
    AuditAction.REVEAL,
    AuditAction.EXPORT,
    AuditAction.END,
    AuditAction.HOLD,
    AuditAction.RELEASE,
)
DAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class ReviewSettingInvalid(ValueError):
    """A ``POLICYBOUND_REVIEW_*`` setting cannot be read."""


@dataclass(frozen=True)
class WorkingTime:
    start_minute: int
    end_minute: int
    weekdays: frozenset[int]

    def describe(self) -> str:
        """``월, 화, 수, 목, 금 08:00-20:00`` in the active language (Django's own day names)."""
        names = [str(WEEKDAYS_ABBR[number - 1]) for number in sorted(self.weekdays)]
        start, end = divmod(self.start_minute, 60), divmod(self.end_minute, 60)
        return f"{', '.join(names)} {start[0]:02d}:{start[1]:02d}-{end[0]:02d}:{end[1]:02d}"


def working_time() -> WorkingTime:
    """Working hours and days from settings; :class:`ReviewSettingInvalid` names the bad one."""
    hours = _HOURS.match(settings.POLICYBOUND_REVIEW_WORKING_HOURS.strip())
    if hours is None:
        raise ReviewSettingInvalid("POLICYBOUND_REVIEW_WORKING_HOURS must look like 08:00-20:00")
    h1, m1, h2, m2 = (int(part) for part in hours.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if not (0 <= start < end <= 24 * 60 and m1 < 60 and m2 < 60):
        raise ReviewSettingInvalid(
            "POLICYBOUND_REVIEW_WORKING_HOURS must be a start before an end within a day"
        )
    names = [
        part.strip().lower()[:3]
        for part in settings.POLICYBOUND_REVIEW_WORKING_DAYS.split(",")
        if part.strip()
    ]
    unknown = [name for name in names if name not in DAYS]
    if unknown or not names:
        raise ReviewSettingInvalid(
            "POLICYBOUND_REVIEW_WORKING_DAYS must list days such as mon,tue,wed,thu,fri"
        )
    return WorkingTime(start_minute=start, end_minute=end, weekdays=frozenset(DAYS[name] for name in names))


# The months a review can be about: a month before or after these has no access log and would overflow
# the date arithmetic of its neighbours (the previous and the following month, local midnights in UTC).
FIRST_MONTH = dt.date(2000, 1, 1)
LAST_MONTH = dt.date(9998, 12, 1)


def month_parse(text: str) -> dt.date:
    """``2026-11`` → 2026-11-01; ``ValueError`` for anything else, or a month outside 2000-01…9998-12."""
    match = _MONTH.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a month such as 2026-11")
    month = dt.date(int(match.group(1)), int(match.group(2)), 1)
    if not FIRST_MONTH <= month <= LAST_MONTH:
        raise ValueError(f"{text!r} is outside {FIRST_MONTH:%Y-%m}…{LAST_MONTH:%Y-%m}")
    return month


def previous_month(as_of: dt.datetime | None = None) -> dt.date:
    today = clock.today() if as_of is None else as_of.date()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as ``[start, end)`` in the site's time zone."""
    zone = _zone()
    start = dt.datetime(month.year, month.month, 1, tzinfo=zone)
    following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return start, dt.datetime(following.year, following.month, 1, tzinfo=zone)


def _staff_events(month: dt.date) -> QuerySet[AuditEvent]:
    start, end = month_bounds(month)
    return AuditEvent.objects.filter(
        actor_kind="staff", at__gte=start, at__lt=end, action__in=PERSONAL_DATA_ACTIONS
    )


@dataclass(frozen=True)
class Download:
    key: str
    at: dt.datetime
    account: str
    ip: str
    purpose: str
    reason: str
    subjects: int
    confirmed_by: str = ""


@dataclass(frozen=True)
class Volume:
    account: str
    day: dt.date
    views: int
    reveals: int
    downloaded_rows: int
    exceeded: tuple[str, ...]


@dataclass(frozen=True)
class OffHours:
    account: str
    day: dt.date
    events: int
    first: dt.datetime
    last: dt.datetime


@dataclass
class Findings:
    month: dt.date
    working: WorkingTime
    events: int
    downloads: list[Download] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)
    off_hours: list[OffHours] = field(default_factory=list)
    reviews: list[AccessReview] = field(default_factory=list)

    @property
    def unconfirmed_downloads(self) -> list[Download]:
        return [d for d in self.downloads if not d.confirmed_by]

    def counts(self) -> dict[str, int]:
        return {
            "events": self.events,
            "downloads": len(self.downloads),
            "unconfirmed_downloads": len(self.unconfirmed_downloads),
            "unusual_volumes": len(self.volumes),
            "off_hours": len(self.off_hours),
        }


def _download_key(event: AuditEvent) -> str:
    detail: Any = event.detail
    export = detail.get("export") if isinstance(detail, dict) else None
    return f"export:{export}" if export else f"event:{event.sequence}"


def _downloads(month: dt.date) -> list[Download]:
    grouped: dict[str, list[AuditEvent]] = defaultdict(list)
    for event in _staff_events(month).filter(action=AuditAction.DOWNLOAD).order_by("sequence"):
        grouped[_download_key(event)].append(event)
    confirmations = {
        c.key: c.confirmed_by.get_username()
        for c in DownloadConfirmation.objects.filter(key__in=list(grouped)).select_related("confirmed_by")
    }
    downloads = []
    for key, events in grouped.items():
        first = events[0]
        detail: Any = first.detail if isinstance(first.detail, dict) else {}
        downloads.append(
            Download(
                key=key,
                at=first.at,
                account=first.actor_label,
                ip=first.ip,
                purpose=str(detail.get("purpose", "")),
                reason=str(detail.get("reason", "")),
                subjects=len({e.subject_id for e in events if e.subject_id is not None}),
                confirmed_by=confirmations.get(key, ""),
            )
        )
    return sorted(downloads, key=lambda d: d.at)


def _volumes(month: dt.date) -> list[Volume]:
    limits = {
        "views": settings.POLICYBOUND_REVIEW_MAX_VIEWS_PER_DAY,
        "reveals": settings.POLICYBOUND_REVIEW_MAX_REVEALS_PER_DAY,
        "downloaded_rows": settings.POLICYBOUND_REVIEW_MAX_DOWNLOADED_ROWS_PER_DAY,
    }
    per_day = (
        _staff_events(month)
        .filter(action__in=[AuditAction.VIEW, AuditAction.REVEAL, AuditAction.DOWNLOAD])
        .annotate(day=TruncDate("at", tzinfo=_zone()))
        .values("actor_label", "day")
        .annotate(
            views=Count("subject_id", filter=Q(action=AuditAction.VIEW), distinct=True),
            reveals=Count("sequence", filter=Q(action=AuditAction.REVEAL)),
            downloaded_rows=Count("sequence", filter=Q(action=AuditAction.DOWNLOAD)),
        )
        .order_by("day", "actor_label")
    )
    volumes = []
    for row in per_day:
        seen = {"views": row["views"], "reveals": row["reveals"], "downloaded_rows": row["downloaded_rows"]}
        exceeded = tuple(name for name, limit in limits.items() if seen[name] > limit)
        if exceeded:
            volumes.append(
                Volume(
                    account=row["actor_label"],
                    day=row["day"],
                    views=row["views"],
                    reveals=row["reveals"],
                    downloaded_rows=row["downloaded_rows"],
                    exceeded=exceeded,
                )
            )
    return volumes


def _off_hours(month: dt.date, working: WorkingTime) -> list[OffHours]:
    zone = _zone()
    minute_of_day = ExpressionWrapper(
        ExtractHour("at", tzinfo=zone) * 60 + ExtractMinute("at", tzinfo=zone), output_field=IntegerField()
    )
    outside = (
        _staff_events(month)
        .annotate(minute=minute_of_day, weekday=ExtractIsoWeekDay("at", tzinfo=zone))
        .filter(
            ~Q(weekday__in=sorted(working.weekdays))
            | Q(minute__lt=working.start_minute)
            | Q(minute__gte=working.end_minute)
        )
        .annotate(day=TruncDate("at", tzinfo=zone))
        .values("actor_label", "day")
        .annotate(events=Count("sequence"), first=Min("at"), last=Max("at"))
        .order_by("day", "actor_label")
    )
    return [
        OffHours(account=r["actor_label"], day=r["day"], events=r["events"], first=r["first"], last=r["last"])
        for r in outside
    ]


def review_findings(*, month: dt.date) -> Findings:
    """What the reviewer of ``month`` should look at (see the module docstring)."""
    working = working_time()
    return Findings(
        month=month,
        working=working,
        events=_staff_events(month).count(),
        downloads=_downloads(month),
        volumes=_volumes(month),
        off_hours=_off_hours(month, working),
        reviews=list(
            AccessReview.objects.filter(month=month).select_related("reviewed_by").order_by("reviewed_at")
        ),
    )


def download_confirm(*, key: str, reviewer: Any, actor: Actor, note: str = "") -> DownloadConfirmation:
    """Record that ``reviewer`` confirmed the reason of the download ``key`` (idempotent)."""
    with transaction.atomic():
        confirmation, created = DownloadConfirmation.objects.get_or_create(
            key=key[:64],
            defaults={"confirmed_by_id": reviewer.pk, "confirmed_at": clock.now(), "note": note[:300]},
        )
        if created:
            audit_record(
                actor=actor,
                action=AuditAction.CHANGE,
                target=f"download:{key}"[:200],
                detail={"reason_confirmed": True},
            )
    return confirmation


def access_review_record(*, month: dt.date, reviewer: Any, actor: Actor, note: str = "") -> AccessReview:
    """Record that ``reviewer`` reviewed ``month``, with the counts seen and the verified chain head."""
    findings = review_findings(month=month)
    audit_checkpoint()  # commit the heads as they are now, so that the review vouches for them
    chain = audit_verify()
    summary: dict[str, Any] = {
        **findings.counts(),
        "chain_ok": chain.ok,
        "chain_head": chain.last_sequence,
        "chain_hash": chain.last_hash,
        "chain_checkpoint": chain.checkpoint_id,
        "chain_checkpoint_root": chain.checkpoint_root,
        "chain_problem": "" if chain.ok else chain.reason,
    }
    with transaction.atomic():
        review = AccessReview.objects.create(
            month=month, reviewed_by_id=reviewer.pk, reviewed_at=clock.now(), findings=summary, note=note
        )
        audit_record(
            actor=actor,
            action=AuditAction.REVIEW,
            target=f"access_log:{month:%Y-%m}",
            detail={"review": review.pk, **findings.counts(), "chain_ok": chain.ok},
        )
    return review
