"""Who a breach or a transfer reaches, computed from the data rather than typed in.

A person is affected when they still have a value (a :class:`~policybound.collection.models.SubmissionValue`
that has not been destroyed, in a subject that has not been destroyed) of one of the items, in a
submission of one of the purposes (every purpose when none is named) made inside the collection
period (open ends allowed). Values destroyed before the breach cannot leak and are gone from the
database too, so "live now" is the honest proxy. The candidates can be narrowed to people named
explicitly, or to the people a staff account touched in a period (the 접속기록: views, reveals,
downloads, exports, prints of that account). Nothing is unsealed here: only codes and ids are read.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from policybound.audit.models import AuditAction, AuditEvent
from policybound.collection.models import Submission, SubmissionValue

TOUCHING = (
    AuditAction.VIEW,
    AuditAction.REVEAL,
    AuditAction.DOWNLOAD,
    AuditAction.EXPORT,
    AuditAction.PRINT,
    AuditAction.CHANGE,
)


@dataclass(frozen=True)
class Reached:
    """One affected person: the items of theirs in scope and the language they last wrote in."""

    subject_id: uuid.UUID
    items: tuple[str, ...]
    language: str


def subjects_touched_by(*, account: str, since: dt.datetime | None, until: dt.datetime | None) -> set[uuid.UUID]:
    """The people a staff account (by username) viewed, revealed, changed, printed or downloaded in the period."""
    events = AuditEvent.objects.filter(actor_kind="staff", actor_label=account, action__in=TOUCHING)
    events = events.exclude(subject_id=None)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lte=until)
    return {uuid.UUID(str(value)) for value in events.values_list("subject_id", flat=True).distinct()}


def subjects_reached(
    *,
    items: Iterable[str],
    purposes: Iterable[str] = (),
    collected_from: dt.datetime | None = None,
    collected_until: dt.datetime | None = None,
    among: Iterable[uuid.UUID] | None = None,
) -> list[Reached]:
    """The people with live values of ``items`` (see the module docstring), ordered by subject id."""
    values = SubmissionValue.objects.filter(item__in=list(items), submission__subject__destroyed_at=None)
    purpose_list = list(purposes)
    if purpose_list:
        values = values.filter(submission__purpose__in=purpose_list)
    if collected_from is not None:
        values = values.filter(submission__created_at__gte=collected_from)
    if collected_until is not None:
        values = values.filter(submission__created_at__lte=collected_until)
    if among is not None:
        values = values.filter(submission__subject_id__in=list(among))
    held: dict[uuid.UUID, set[str]] = {}
    for subject_id, item in values.values_list("submission__subject_id", "item").iterator(chunk_size=2000):
        held.setdefault(subject_id, set()).add(item)
    languages = _languages(held)
    return [
        Reached(subject_id=subject_id, items=tuple(sorted(codes)), language=languages.get(subject_id, "ko"))
        for subject_id, codes in sorted(held.items())
    ]


def _languages(held: dict[uuid.UUID, set[str]]) -> dict[uuid.UUID, str]:
    """Each person's language: that of their latest submission (Korean when none is known)."""
    latest: dict[uuid.UUID, str] = {}
    ids = list(held)
    for start in range(0, len(ids), 1000):
        rows = (
            Submission.objects.filter(subject_id__in=ids[start : start + 1000])
            .order_by("subject_id", "created_at", "id")
            .values_list("subject_id", "language")
        )
        for subject_id, language in rows:
            latest[subject_id] = "en" if language == "en" else "ko"
    return latest


def subjects_in_purposes(*, purposes: Iterable[str]) -> list[Reached]:
    """Everyone with live data collected for ``purposes`` (a transfer moves those people)."""
    values = SubmissionValue.objects.filter(
        submission__purpose__in=list(purposes), submission__subject__destroyed_at=None
    )
    held: dict[uuid.UUID, set[str]] = {}
    for subject_id, item in values.values_list("submission__subject_id", "item").iterator(chunk_size=2000):
        held.setdefault(subject_id, set()).add(item)
    languages = _languages(held)
    return [
        Reached(subject_id=subject_id, items=tuple(sorted(codes)), language=languages.get(subject_id, "ko"))
        for subject_id, codes in sorted(held.items())
    ]
