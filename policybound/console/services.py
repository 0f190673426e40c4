"""What staff do in the console, each written to the access log (접속기록) in the same transaction.

- Showing a list or a subject's page writes one ``view`` row per subject shown, naming the items
  shown (masked); a list writes its rows in one batch (``audit_record_many``).
- Showing a full value (:func:`value_reveal`) needs a reason and writes a ``reveal`` row.
- An export (:func:`inbox_export`) needs a reason and writes one ``download`` row per subject
  exported, with the fields exported and the reason; the monthly review asks for each download's
  reason to be confirmed.
- Noting a reply and closing an engagement are changes of the engagement (``change`` / ``end``).

Scope (which purposes and items an account may see) is checked here, through
:mod:`policybound.console.access`, before anything is opened; the views only map errors to pages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from policybound.audit.actors import Actor
from policybound.audit.models import AuditAction
from policybound.audit.services import AuditEntry, audit_record, audit_record_many
from policybound.collection.models import Engagement, Submission, SubmissionValue
from policybound.collection.services import engagement_end
from policybound.console import screens
from policybound.console.access import engagement_live, items_in_scope, items_of_purposes, may_work_purpose
from policybound.console.masking import display, mask
from policybound.console.models import ReplyNote
from policybound.console.reasons import reason_normalize
from policybound.console.roles import EXPORT, LEGAL_HOLDS, REVEAL, perm
from policybound.console.selectors import permission_changes_expired
from policybound.lib import clock
from policybound.policy.schema import ItemKind, Policy
from policybound.retention.models import LegalHold
from policybound.retention.services import legal_hold_place, legal_hold_release
from policybound.subjects.models import Subject

CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class OutOfScope(Exception):
    """The account's role does not cover this purpose, subject, item or action."""


class NotFound(Exception):
    """The subject, engagement or value does not exist (or no longer does)."""


def purpose_require(*, user: Any, policy: Policy, purpose_code: str) -> None:
    """Raise unless ``purpose_code`` is a purpose of ``policy`` in the account's scope."""
    if purpose_code not in {p.code for p in policy.purposes}:
        raise NotFound(f"the policy has no purpose {purpose_code!r}")
    if not may_work_purpose(user, purpose_code):
        raise OutOfScope(f"the role does not cover {purpose_code!r}")


def inbox_show(
    *, user: Any, actor: Actor, policy: Policy, purpose_code: str, page_number: int | str = 1
) -> screens.Inbox:
    """One page of a purpose's inbox, masked, with one ``view`` row per subject shown."""
    purpose_require(user=user, policy=policy, purpose_code=purpose_code)
    with transaction.atomic():
        inbox = screens.inbox_page(user=user, policy=policy, purpose_code=purpose_code, page_number=page_number)
        audit_record_many(
            actor=actor,
            action=AuditAction.VIEW,
            entries=[
                AuditEntry(
                    subject_id=row.engagement.subject_id,
                    target=f"engagement:{row.engagement.pk}",
                    detail={"screen": "inbox", "items": [v.item.code for v in row.values], "masked": True},
                )
                for row in inbox.rows
            ],
        )
    return inbox


def subject_show(*, user: Any, actor: Actor, policy: Policy, subject_id: uuid.UUID) -> screens.SubjectPage:
    """A subject's page, masked and cut to the account's scope, with one ``view`` row."""
    _subject_require(user, policy, subject_id)
    with transaction.atomic():
        page = screens.subject_page(user=user, policy=policy, subject_id=subject_id)
        if page is None:
            raise NotFound("no such subject")
        audit_record(
            actor=actor,
            action=AuditAction.VIEW,
            subject_id=subject_id,
            target=f"subject:{subject_id}",
            detail={"screen": "subject", "items": page.items_shown, "masked": True},
        )
    return page


@dataclass(frozen=True)
class Revealed:
    subject_id: uuid.UUID
    submission_id: int
    item_code: str
    value: str


def _submission_in_scope(user: Any, policy: Policy, subject_id: uuid.UUID, submission_id: int) -> tuple[Submission, set[str]]:
    """The submission and the purposes (the role works) it still serves through a live engagement."""
    submission = (
        Submission.objects.select_related("subject__data_key")
        .filter(pk=submission_id, subject_id=subject_id)
        .first()
    )
    if submission is None:
        raise NotFound("no such submission of this subject")
    live = set(submission.engagements.filter(engagement_live(clock.now())).values_list("purpose", flat=True))
    purposes = {code for code in live if may_work_purpose(user, code)}
    if not purposes:
        raise OutOfScope("no live engagement of the submission is in the role's purposes")
    return submission, purposes


def value_reveal_check(
    *, user: Any, policy: Policy, subject_id: uuid.UUID, submission_id: int, item_code: str
) -> tuple[Submission, SubmissionValue]:
    """Raise unless ``user`` may see the full value; returns the submission and the sealed value.

    The item must belong to a purpose the submission still serves through a live engagement that the
    role works: a withdrawn consent takes the reveal away at once, whatever else keeps the value.
    """
    if not user.has_perm(perm(REVEAL)):
        raise OutOfScope("the role may not show full values")
    if item_code not in {item.code for item in items_in_scope(user, policy)}:
        raise OutOfScope(f"the role does not see the item {item_code!r}")
    submission, purposes = _submission_in_scope(user, policy, subject_id, submission_id)
    if item_code not in {item.code for item in items_of_purposes(policy, purposes)}:
        raise OutOfScope(f"no live purpose of the role uses the item {item_code!r}")
    stored = submission.values.filter(item=item_code).first()
    if stored is None:
        raise NotFound("no such value")
    return submission, stored


def value_reveal(
    *, user: Any, actor: Actor, policy: Policy, subject_id: uuid.UUID, submission_id: int, item_code: str, reason: str
) -> Revealed:
    """The full value of one item, for a stated reason, written to the access log as ``reveal``."""
    reason = reason_normalize(reason)
    submission, stored = value_reveal_check(
        user=user, policy=policy, subject_id=subject_id, submission_id=submission_id, item_code=item_code
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.REVEAL,
            subject_id=subject_id,
            target=f"field:{item_code}",
            detail={"submission": submission_id, "item": item_code, "reason": reason},
        )
        value = display(_kind(policy, item_code), screens.value_open(submission, stored))
    return Revealed(subject_id=subject_id, submission_id=submission_id, item_code=item_code, value=value)


def _kind(policy: Policy, item_code: str) -> ItemKind:
    return next((item.kind for item in policy.items if item.code == item_code), ItemKind.FREE_TEXT)


def _csv_cell(text: str) -> str:
    """Keep a spreadsheet from running a value as a formula (CSV injection)."""
    return "'" + text if text.startswith(CSV_FORMULA_STARTS) else text


@dataclass(frozen=True)
class Export:
    filename: str
    content: str
    rows: int
    fields: list[str]


def inbox_export(*, user: Any, actor: Actor, policy: Policy, purpose_code: str, reason: str) -> Export:
    """A CSV of a purpose's open engagements with only the fields the role may see.

    Values are in full for roles that may reveal them, masked otherwise. One ``download`` row per
    subject exported, sharing an ``export`` id, with the fields and the reason.
    """
    reason = reason_normalize(reason)
    if not user.has_perm(perm(EXPORT)):
        raise OutOfScope("the role may not export")
    purpose_require(user=user, policy=policy, purpose_code=purpose_code)
    full = user.has_perm(perm(REVEAL))
    export_id = uuid.uuid4().hex[:12]
    with transaction.atomic():
        items, engagements = screens.export_rows(user=user, policy=policy, purpose_code=purpose_code)
        fields = [item.code for item in items]
        audit_record_many(
            actor=actor,
            action=AuditAction.DOWNLOAD,
            entries=[
                AuditEntry(
                    subject_id=engagement.subject_id,
                    target=f"engagement:{engagement.pk}",
                    detail={
                        "export": export_id,
                        "purpose": purpose_code,
                        "fields": fields,
                        "masked": not full,
                        "reason": reason,
                        "rows": len(engagements),
                    },
                )
                for engagement in engagements
            ],
        )
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["engagement", "subject", "started_at", "status", *fields])
        for engagement in engagements:
            submission = engagement.submission
            values = {v.item: v for v in submission.values.all()} if submission is not None else {}
            cells = []
            for item in items:
                stored = values.get(item.code)
                if stored is None or submission is None:
                    cells.append("")
                    continue
                text = screens.value_open(submission, stored)
                cells.append(_csv_cell(display(item.kind, text) if full else mask(item.kind, text)))
            writer.writerow(
                [engagement.pk, engagement.subject_id, engagement.started_at.isoformat(), engagement.status, *cells]
            )
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    return Export(
        filename=f"{purpose_code}-{stamp}-{export_id}.csv",
        content="\ufeff" + buffer.getvalue(),
        rows=len(engagements),
        fields=fields,
    )


def _engagement_in_scope(user: Any, engagement_id: int) -> Engagement:
    engagement = Engagement.objects.filter(pk=engagement_id).first()
    if engagement is None:
        raise NotFound("no such engagement")
    if not may_work_purpose(user, engagement.purpose):
        raise OutOfScope("the engagement is outside the role's purposes")
    return engagement


def reply_note_record(*, user: Any, actor: Actor, engagement_id: int) -> ReplyNote:
    """Note that the subject's request was answered (no personal data, only who and when)."""
    engagement = _engagement_in_scope(user, engagement_id)
    with transaction.atomic():
        note = ReplyNote.objects.create(engagement=engagement, noted_by_id=user.pk, noted_at=clock.now())
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            subject_id=engagement.subject_id,
            target=f"engagement:{engagement.pk}",
            detail={"reply_noted": True},
        )
    return note


def engagement_close(*, user: Any, actor: Actor, engagement_id: int, event: str | None) -> Engagement:
    """End the engagement with one of its purpose's end events; its retention clock starts."""
    engagement = _engagement_in_scope(user, engagement_id)
    return engagement_end(engagement_id=engagement.pk, event=event or None, actor=actor)


def _subject_require(user: Any, policy: Policy, subject_id: uuid.UUID) -> None:
    if not screens.subject_visible(user=user, policy=policy, subject_id=subject_id):
        if Subject.objects.filter(pk=subject_id).exists():
            raise OutOfScope("no engagement of this subject is in the role's purposes")
        raise NotFound("no such subject")


def hold_place(
    *, user: Any, actor: Actor, policy: Policy, subject_id: uuid.UUID, rule: str, reason: str, items: list[str]
) -> LegalHold:
    """Hold a subject's records under a legal-retention rule of the policy (retention's service).

    Raises :class:`OutOfScope`, :class:`NotFound`, or ``retention.services.HoldRefused`` naming the
    field that is wrong.
    """
    if not user.has_perm(perm(LEGAL_HOLDS)):
        raise OutOfScope("the role may not place legal holds")
    _subject_require(user, policy, subject_id)
    return legal_hold_place(subject_id=subject_id, rule=rule, reason=reason, actor=actor, items=items or None)


def hold_release(*, user: Any, actor: Actor, policy: Policy, subject_id: uuid.UUID, hold_id: int) -> LegalHold:
    """Release one of the subject's holds; its archive copies go at the next sweep."""
    if not user.has_perm(perm(LEGAL_HOLDS)):
        raise OutOfScope("the role may not release legal holds")
    _subject_require(user, policy, subject_id)
    try:
        return legal_hold_release(hold_id=hold_id, subject_id=subject_id, actor=actor)
    except LegalHold.DoesNotExist:
        raise NotFound("no such hold of this subject") from None


def permission_changes_purge(*, actor: Actor, as_of: dt.datetime | None = None) -> int:
    """Delete permission-change rows older than their retention (three years at least)."""
    moment = as_of or clock.now()
    with transaction.atomic():
        deleted, _ = permission_changes_expired(as_of=moment).delete()
        if deleted:
            audit_record(
                actor=actor, action=AuditAction.DESTROY, target="console:permission_changes", detail={"rows": deleted}
            )
    return deleted


__all__ = [
    "Export",
    "NotFound",
    "OutOfScope",
    "Revealed",
    "engagement_close",
    "hold_place",
    "hold_release",
    "inbox_export",
    "inbox_show",
    "permission_changes_purge",
    "purpose_require",
    "reply_note_record",
    "subject_show",
    "value_reveal",
    "value_reveal_check",
]
