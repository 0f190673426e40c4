"""The one place that answers "may this account see or work that" (object-level permissions).

Model-level rights are plain Django permissions checked by the views' decorators; what a handler may
see inside a list depends on the purposes of its role, and that is decided here and nowhere else:
selectors filter by :func:`purposes_in_scope`, views check single objects with
:func:`may_work_purpose`, and a subject's records with :func:`may_work_subject`.

A role's purposes are not enough to open a person's records: access follows the purpose, so it lasts
only while an engagement of a purpose the role works is *live* (no deadline yet, or one still ahead,
the retention app's own word). A withdrawn consent makes its engagement due at once (PIPA 37③), so a
handler scoped to that purpose loses the subject at that moment, even when another purpose keeps the
values. Records kept only because a law says so (an active legal hold) open the subject's page only to
accounts allowed to read the archive (``archive.reveal_archivedrecord``), and show no values there.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import Q

from policybound.collection.models import Engagement
from policybound.console.roles import WORK_ALL_PURPOSES, perm, purpose_codename
from policybound.lib import clock
from policybound.policy.schema import Item, Policy
from policybound.retention.models import LegalHold

ARCHIVE_READ = "archive.reveal_archivedrecord"


def may_work_purpose(user: Any, purpose_code: str) -> bool:
    """Whether ``user``'s role covers the purpose ``purpose_code`` (lists; not a person's records)."""
    return bool(user.has_perm(perm(WORK_ALL_PURPOSES)) or user.has_perm(perm(purpose_codename(purpose_code))))


def purposes_in_scope(user: Any, policy: Policy) -> list[str]:
    """The codes of the policy's purposes ``user`` may work, in the policy's order."""
    return [purpose.code for purpose in policy.purposes if may_work_purpose(user, purpose.code)]


def items_in_scope(user: Any, policy: Policy) -> list[Item]:
    """The items (fields) ``user`` may see: those collected for a purpose in its scope.

    Screens and exports show nothing else, so a role scoped to newsletters never sees the question a
    visitor asked in a consulting request.
    """
    return items_of_purposes(policy, purposes_in_scope(user, policy))


def items_of_purposes(policy: Policy, codes: list[str] | set[str] | frozenset[str]) -> list[Item]:
    """The items the policy collects for any of the purposes ``codes``, in the policy's order."""
    wanted: set[str] = set()
    for purpose in policy.purposes:
        if purpose.code in codes:
            wanted.update(purpose.items)
            wanted.update(purpose.optional_items)
    return [item for item in policy.items if item.code in wanted]


def engagement_live(as_of: dt.datetime, *, prefix: str = "") -> Q:
    """Engagements still serving their purpose at ``as_of``: no deadline yet, or one still ahead.

    ``prefix`` reaches them through a relation (``"engagements__"`` from a submission).
    """
    return Q(**{f"{prefix}deadline__isnull": True}) | Q(**{f"{prefix}deadline__gt": as_of})


def subject_live_purposes(user: Any, policy: Policy, subject_id: uuid.UUID, *, as_of: dt.datetime | None = None) -> list[str]:
    """The purposes ``user`` works in which the subject has a live engagement at ``as_of``.

    In the policy's order; a purpose the policy in force no longer names counts only for roles that
    work every purpose.
    """
    moment = as_of or clock.now()
    live = set(
        Engagement.objects.filter(engagement_live(moment), subject_id=subject_id).values_list("purpose", flat=True)
    )
    order = [purpose.code for purpose in policy.purposes]
    ordered = [code for code in order if code in live] + sorted(live - set(order))
    return [code for code in ordered if may_work_purpose(user, code)]


def subject_archive_readable(user: Any, subject_id: uuid.UUID, *, as_of: dt.datetime | None = None) -> bool:
    """Whether ``user`` may read the archive and the subject is under a legal hold at ``as_of``."""
    if not user.has_perm(ARCHIVE_READ):
        return False
    moment = as_of or clock.now()
    return (
        LegalHold.objects.filter(subject_id=subject_id, placed_at__lte=moment)
        .filter(Q(released_at__isnull=True) | Q(released_at__gt=moment))
        .exists()
    )


def may_work_subject(user: Any, policy: Policy, subject_id: uuid.UUID, *, as_of: dt.datetime | None = None) -> bool:
    """Whether ``user`` may open the subject's page (and its holds) at ``as_of``.

    Through a live engagement of a purpose it works, or, for an archive reader, a legal hold.
    """
    return bool(subject_live_purposes(user, policy, subject_id, as_of=as_of)) or subject_archive_readable(
        user, subject_id, as_of=as_of
    )
