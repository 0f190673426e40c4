"""Writes of the retention app: legal holds, hand-written register entries, and the sweep.

- :func:`legal_hold_place` / :func:`legal_hold_release`: staff (console or API) hold a subject's
  records under one of the policy's legal-retention rules, or release the hold. A hold changes
  nothing while the subject is served; it decides what the sweep archives instead of destroying.
  Releasing a hold makes its archive copies due at the next sweep (the law no longer requires them).
- :func:`destruction_record_manual`: a register entry for what was destroyed outside the system
  (paper shredded, seed article 5.2가), approved by a named staff member.
- :func:`retention_sweep` (in :mod:`policybound.retention.sweep`): the daily destruction.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from policybound.archive.services import archive_hold_release
from policybound.audit.actors import Actor
from policybound.audit.models import AuditAction
from policybound.audit.services import audit_record
from policybound.lib import clock
from policybound.policy.selectors import policy_in_force
from policybound.retention.models import (
    DestructionCategory,
    DestructionMethod,
    DestructionReason,
    DestructionRecord,
    LegalHold,
)
from policybound.retention.sweep import retention_sweep
from policybound.subjects.models import Subject

__all__ = [
    "HoldRefused",
    "RegisterEntryRefused",
    "destruction_record_manual",
    "legal_hold_place",
    "legal_hold_release",
    "retention_sweep",
]

logger = logging.getLogger(__name__)

REASON_MAX = 500


class HoldRefused(Exception):
    """A hold cannot be placed or released as asked; ``field`` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class RegisterEntryRefused(Exception):
    """A hand-written register entry is incomplete; ``field`` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def _label(actor: Actor) -> str:
    return f"{actor.kind}:{actor.label}"[:200]


def legal_hold_place(
    *,
    subject_id: uuid.UUID | str,
    rule: str,
    actor: Actor,
    reason: str = "",
    items: Sequence[str] | None = None,
    as_of: dt.datetime | None = None,
) -> LegalHold:
    """Hold the subject's records (``items``, default every item) under the legal-retention ``rule``.

    ``rule`` is a code of the policy in force's ``legal_retention``; its law and period are copied
    onto the hold. ``reason`` (a case or audit reference, never personal data) defaults to what the
    rule says the law keeps. Raises ``Subject.DoesNotExist`` for an unknown subject and
    :class:`HoldRefused` for a destroyed subject or an unknown rule or item.
    """
    moment = as_of or clock.now()
    policy = policy_in_force(as_of=moment)
    found = next((r for r in policy.legal_retention if r.code == rule), None) if policy is not None else None
    if policy is None or found is None:
        known = ", ".join(r.code for r in policy.legal_retention) if policy is not None else ""
        raise HoldRefused("rule", f"unknown legal-retention rule {rule!r}; the policy names: {known or 'none'}")
    chosen = list(dict.fromkeys(items or ()))
    unknown = [code for code in chosen if code not in {item.code for item in policy.items}]
    if unknown:
        raise HoldRefused("items", f"unknown item(s): {', '.join(unknown)}")
    reason = reason.strip() or f"{found.law.ko}: {found.records.ko}"  # default: what the law says it keeps
    with transaction.atomic():
        subject = Subject.objects.select_for_update().get(pk=subject_id)
        if subject.destroyed_at is not None:
            raise HoldRefused("subject", "this subject's records were destroyed already; there is nothing to hold")
        hold = LegalHold.objects.create(
            subject=subject,
            rule=found.code,
            law=found.law.ko[:200],
            period=found.period.iso(),
            items=chosen,
            reason=reason[:REASON_MAX],
            placed_by=_label(actor),
            placed_at=moment,
        )
        audit_record(
            actor=actor,
            action=AuditAction.HOLD,
            subject_id=subject.pk,
            target=f"legal_hold:{hold.pk}",
            detail={"rule": hold.rule, "period": hold.period, "items": chosen},
            as_of=moment,
        )
    return hold


def legal_hold_release(
    *, hold_id: int, actor: Actor, subject_id: uuid.UUID | str | None = None, as_of: dt.datetime | None = None
) -> LegalHold:
    """Release a hold; its copies in the archive, if any, are destroyed at the next sweep.

    Releasing twice is harmless (the first release stands). With ``subject_id`` the hold must belong
    to that subject. Raises ``LegalHold.DoesNotExist``.
    """
    moment = as_of or clock.now()
    with transaction.atomic():
        queryset = LegalHold.objects.select_for_update().filter(pk=hold_id)
        if subject_id is not None:
            queryset = queryset.filter(subject_id=subject_id)
        hold = queryset.get()
        if hold.released_at is not None:
            return hold
        hold.released_at = moment
        hold.released_by = _label(actor)
        hold.save(update_fields=["released_at", "released_by"])
        audit_record(
            actor=actor,
            action=AuditAction.RELEASE,
            subject_id=hold.subject_id,
            target=f"legal_hold:{hold.pk}",
            detail={"rule": hold.rule},
            as_of=moment,
        )
        transaction.on_commit(lambda: _release_to_archive(hold.pk, moment))
    return hold


def _release_to_archive(hold_id: int, released_at: dt.datetime) -> None:
    """Tell the archive at once; if it cannot be reached now, the next sweep does it."""
    try:
        archive_hold_release(hold_id=hold_id, released_at=released_at)
        LegalHold.objects.filter(pk=hold_id).update(archive_released_at=clock.now())
    except Exception:
        logger.exception("legal hold %s: the archive was not updated; the next sweep will do it", hold_id)


def destruction_record_manual(
    *,
    category: str,
    description: str,
    subjects: int,
    items: int,
    method: str,
    destroyed_at: dt.datetime | dt.date,
    approved_by: str,
    actor: Actor,
    purpose: str = "",
    rule: str = "",
) -> DestructionRecord:
    """Enter into the register a destruction done by hand (paper shredded, a disk wiped).

    ``approved_by`` names the staff member who approved it. Raises :class:`RegisterEntryRefused`.
    """
    if category not in DestructionCategory.values:
        raise RegisterEntryRefused("category", f"choose one of: {', '.join(DestructionCategory.values)}")
    if method not in DestructionMethod.values:
        raise RegisterEntryRefused("method", f"choose one of: {', '.join(DestructionMethod.values)}")
    if subjects < 0 or items < 0:
        raise RegisterEntryRefused("items", "counts cannot be negative")
    description, approved_by = description.strip(), approved_by.strip()
    if not description:
        raise RegisterEntryRefused("description", "say what was destroyed")
    if not approved_by:
        raise RegisterEntryRefused("approved_by", "name who approved the destruction")
    moment = destroyed_at
    if not isinstance(moment, dt.datetime):
        moment = timezone.make_aware(dt.datetime.combine(moment, dt.time(12)))
    now = clock.now()
    entry_id = uuid.uuid4().hex
    with transaction.atomic():
        entry = DestructionRecord.objects.create(
            key=f"manual:{entry_id}",
            batch=f"manual:{entry_id}",
            category=category,
            purpose=purpose,
            reason=DestructionReason.MANUAL,
            rule=rule,
            description=description[:500],
            subjects=subjects,
            items=items,
            method=method,
            destroyed_at=moment,
            approved_by=approved_by[:200],
            recorded_by=_label(actor),
            recorded_at=now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.DESTROY,
            target=f"register:{entry.pk}",
            detail={"category": category, "method": method, "items": items, "manual": True},
            as_of=now,
        )
    return entry
