"""Which published policy version applies when.

A version is *in force* from its effective date (시행일자) until a later version's; it is *upcoming*
once announced (공고일자) and until its effective date, and the public page announces it then. A version
published ahead of its announcement date is not shown to the public before that date. Dates are
calendar days in the site's time zone.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import QuerySet
from django.utils import timezone

from policybound.lib import clock
from policybound.policy.models import PolicyVersion
from policybound.policy.schema import Policy

_SHA_PREFIX = re.compile(r"^[0-9a-f]{7,64}$")


def _day(as_of: dt.datetime | dt.date | None) -> dt.date:
    if as_of is None:
        return clock.today()
    if isinstance(as_of, dt.datetime):
        return timezone.localdate(as_of) if timezone.is_aware(as_of) else as_of.date()
    return as_of


def policy_version_in_force(*, as_of: dt.datetime | dt.date | None = None) -> PolicyVersion | None:
    """The version in force on ``as_of`` (default: now): the latest effective, then latest published."""
    return (
        PolicyVersion.objects.filter(effective__lte=_day(as_of))
        .order_by("-effective", "-published_at", "-id")
        .first()
    )


def policy_in_force(*, as_of: dt.datetime | dt.date | None = None) -> Policy | None:
    """The parsed policy in force, or ``None`` while nothing is published."""
    version = policy_version_in_force(as_of=as_of)
    return None if version is None else version.policy


def policy_version_upcoming(*, as_of: dt.datetime | dt.date | None = None) -> PolicyVersion | None:
    """The next version already announced but not yet in force, if any."""
    day = _day(as_of)
    return (
        PolicyVersion.objects.filter(announced__lte=day, effective__gt=day)
        .order_by("effective", "published_at", "id")
        .first()
    )


def policy_versions() -> QuerySet[PolicyVersion]:
    """Every published version, newest effective date first."""
    return PolicyVersion.objects.order_by("-effective", "-published_at", "-id")


def policy_versions_announced(*, as_of: dt.datetime | dt.date | None = None) -> QuerySet[PolicyVersion]:
    """The versions the public may see: those whose announcement date has come."""
    return policy_versions().filter(announced__lte=_day(as_of))


def policy_version_by_sha256(*, sha256: str) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(sha256=sha256).first()


def policy_version_find(*, ref: str, as_of: dt.datetime | dt.date | None = None) -> PolicyVersion | None:
    """An announced version by id (``3``) or by a unique sha256 prefix of 7+ hex digits."""
    versions = policy_versions_announced(as_of=as_of)
    ref = ref.strip().lower()
    if ref.isdigit() and len(ref) < 7:
        return versions.filter(pk=int(ref)).first()
    if not _SHA_PREFIX.match(ref):
        return None
    matches = list(versions.filter(sha256__startswith=ref)[:2])
    return matches[0] if len(matches) == 1 else None


def policy_change_noticed(
    *, days_after: int, as_of: dt.datetime | dt.date | None = None
) -> tuple[PolicyVersion, PolicyVersion] | None:
    """The revision whose change notice the public pages show on ``as_of``, with the version it replaces.

    A revision is noticed from its announcement date until ``days_after`` days after it takes effect
    (``POLICYBOUND_CHANGE_NOTICE_DAYS``). The first version ever published replaces nothing and has no
    change notice. Of two revisions in that window, the later one is noticed.
    """
    day = _day(as_of)
    revision = (
        PolicyVersion.objects.filter(announced__lte=day, effective__gte=day - dt.timedelta(days=days_after))
        .order_by("-effective", "-published_at", "-id")
        .first()
    )
    if revision is None:
        return None
    previous = (
        PolicyVersion.objects.filter(effective__lt=revision.effective)
        .order_by("-effective", "-published_at", "-id")
        .first()
    )
    return None if previous is None else (revision, previous)
