"""A person's deletion request (PIPA 36): destroy now, in the request's transaction, not at the next sweep.

The sweep's own batch does the work (:func:`policybound.retention.batches.subject_batch_run`), so a
deletion on request is the same destruction as a deletion on schedule: held items copied to the
archive database first, then the data key crypto-erased, the rows deleted, the register entry and the
audit rows written. What makes the subject due at once:

- every consent in force is withdrawn through ``collection.services.consent_withdraw`` (a
  ``withdrawn`` receipt each, PIPA 37③);
- every engagement still live ends now with the end event ``erasure_request``; one already ended
  whose retention period still runs becomes due now (its own end event stays on the row, the
  register names the request as the reason).

What a law requires (an active legal hold) is not deleted: it moves to the archive, and
:class:`Erasure` names each such item with its law and the day it goes, for the answer to the person.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from policybound.audit.actors import Actor
from policybound.collection.models import Channel, Engagement, EngagementStatus
from policybound.collection.selectors import consent_in_force, subject_receipts
from policybound.collection.services import ConsentNotGiven, consent_withdraw
from policybound.lib import clock
from policybound.policy.selectors import policy_version_in_force
from policybound.retention.batches import BatchOutcome, SweepContext, subject_batch_run
from policybound.retention.lifetime import Versions
from policybound.retention.planning import ERASURE_EVENT, EngagementRow, PolicyBook
from policybound.retention.results import SweepResult
from policybound.retention.sweep import worker_name
from policybound.subjects.models import Subject

__all__ = ["Erasure", "ErasureBusy", "KeptItem", "subject_due_destroy", "subject_erase"]

LIVE = (EngagementStatus.PENDING, EngagementStatus.ACTIVE)
ENGAGEMENT_FIELDS = (
    "id", "subject_id", "purpose", "submission_id", "policy_version_id", "started_at", "ended_at", "end_event",
    "deadline", "retention_done_at",
)


class ErasureBusy(Exception):
    """A retention sweep holds this subject right now; asking again in a moment succeeds."""


@dataclass(frozen=True)
class KeptItem:
    """An item a law keeps: moved to the archive, destroyed when ``until`` comes."""

    item: str
    purpose: str
    rule: str
    law: str
    until: dt.datetime


@dataclass(frozen=True)
class Erasure:
    destroyed: bool  # the subject was destroyed whole (data key crypto-erased)
    withdrawn: list[str]  # purposes whose consent was withdrawn first
    kept: list[KeptItem]
    register_entries: int


def _withdraw_all(subject: Subject, *, actor: Actor, moment: dt.datetime) -> list[str]:
    purposes = list(dict.fromkeys(subject_receipts(subject_id=subject.pk).values_list("purpose", flat=True)))
    withdrawn = []
    for purpose in purposes:
        if not consent_in_force(subject_id=subject.pk, purpose=purpose):
            continue
        try:
            consent_withdraw(subject_id=subject.pk, purpose=purpose, actor=actor, channel=Channel.WEB, as_of=moment)
        except ConsentNotGiven:
            continue
        withdrawn.append(purpose)
    return withdrawn


def _due_now(subject: Subject, moment: dt.datetime) -> dict[int, EngagementRow]:
    """End what is live and bring every deadline to now; the rows as the plan should see them."""
    version = policy_version_in_force(as_of=moment)
    Engagement.objects.filter(subject=subject, status__in=LIVE).update(
        status=EngagementStatus.ENDED, ended_at=moment, end_event=ERASURE_EVENT, deadline=moment,
        end_policy_version=version,
    )
    pending = Engagement.objects.filter(subject=subject, retention_done_at__isnull=True)
    pending.filter(Q(deadline__isnull=True) | Q(deadline__gt=moment)).update(deadline=moment)
    rows = [EngagementRow(*values) for values in pending.values_list(*ENGAGEMENT_FIELDS)]
    return {row.id: dataclasses.replace(row, end_event=ERASURE_EVENT) for row in rows}


def _context(*, actor: Actor, moment: dt.datetime, overrides: dict[int, EngagementRow] | None = None) -> SweepContext:
    versions = Versions.load()
    current_id = versions.in_force(moment)
    current = versions.policies.get(current_id) if current_id is not None else None
    return SweepContext(
        as_of=moment,
        dry_run=False,
        actor=actor,
        approved_by=f"{actor.kind}:{actor.label}"[:200],
        worker=worker_name()[:100],
        claim_floor=timezone.now(),
        book=PolicyBook(versions.policies, current),
        result=SweepResult(as_of=moment, dry_run=False),
        overrides=overrides or {},
    )


def _erasure(outcome: BatchOutcome, withdrawn: list[str]) -> Erasure:
    if not outcome.plans:
        return Erasure(destroyed=False, withdrawn=withdrawn, kept=[], register_entries=0)
    plan = outcome.plans[0]
    kept = [
        KeptItem(
            item=copy.value.item, purpose=copy.attribution.purpose, rule=copy.hold.rule, law=copy.hold.law,
            until=copy.expires_at,
        )
        for copy in plan.archive
    ]
    return Erasure(
        destroyed=plan.destroy_subject, withdrawn=withdrawn, kept=kept, register_entries=outcome.register_entries
    )


def subject_due_destroy(*, subject_id: uuid.UUID | str, actor: Actor, as_of: dt.datetime | None = None) -> Erasure:
    """What the sweep would destroy of this subject now, destroyed now (after a withdrawal, PIPA 37③).

    Runs inside the caller's transaction if there is one. Nothing due: an empty :class:`Erasure`.
    """
    moment = as_of or clock.now()
    with transaction.atomic():
        outcome = subject_batch_run(_context(actor=actor, moment=moment), [uuid.UUID(str(subject_id))])
    return _erasure(outcome, [])


def subject_erase(*, subject_id: uuid.UUID | str, actor: Actor, as_of: dt.datetime | None = None) -> Erasure:
    """Destroy everything held about the subject now, except what a legal hold keeps (archived).

    One transaction in the live database (the archive copy commits first in its own database, as in
    the sweep). Raises ``Subject.DoesNotExist`` (unknown or already destroyed) and :class:`ErasureBusy`.
    """
    moment = as_of or clock.now()
    with transaction.atomic():
        subject = Subject.objects.select_for_update().get(pk=subject_id, destroyed_at__isnull=True)
        withdrawn = _withdraw_all(subject, actor=actor, moment=moment)
        ctx = _context(actor=actor, moment=moment, overrides=_due_now(subject, moment))
        outcome = subject_batch_run(ctx, [subject.pk])
        if not outcome.plans:
            raise ErasureBusy("a retention sweep is processing this subject")
    return _erasure(outcome, withdrawn)
