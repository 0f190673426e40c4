"""Correcting a stored value at the person's request (PIPA 36, 정정): the one sanctioned rewrite of a value.

:func:`submission_value_correct` checks the new value by the item's own rule
(``collection.validation.field_clean``, the form's rule), seals it under the subject's key in place
of the old one, and keeps the blind indexes true: a corrected e-mail address or phone number is
indexed for the subject, and the old one's index goes once no other value of the subject holds it
(an index pointing at someone else is left alone, as ``subjects`` does). One transaction, one
``change`` audit row naming the item, never a value. Recipients that could see the item are the
caller's to notify (the privacy center records them on the request).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from policybound.audit.actors import Actor
from policybound.audit.models import AuditAction
from policybound.audit.services import audit_record
from policybound.collection.models import Submission, SubmissionValue, value_context
from policybound.collection.validation import field_clean
from policybound.lib import clock
from policybound.policy.schema import ItemKind, Policy
from policybound.subjects.models import IndexKind, SubjectIndex
from policybound.subjects.normalize import email_normalize
from policybound.vault.services import blind_index, seal, unseal

__all__ = ["CorrectionRejected", "ValueCorrected", "submission_value_correct"]

INDEXED = {ItemKind.EMAIL: IndexKind.EMAIL, ItemKind.PHONE: IndexKind.PHONE}


class CorrectionRejected(Exception):
    """The correction cannot be stored; ``errors`` maps ``item`` or ``value`` to messages (no value)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("correction rejected: " + ", ".join(sorted(errors)))


@dataclass(frozen=True)
class ValueCorrected:
    submission_id: int
    item: str
    changed: bool  # False when the new value equals the stored one


def _digest(kind: IndexKind, value: str) -> str:
    normal = email_normalize(value) if kind is IndexKind.EMAIL else value.strip()
    return blind_index(f"subject-{kind}", normal)


def _reindex(submission: Submission, kind: IndexKind, old: str, new: str, moment: dt.datetime) -> None:
    subject = submission.subject
    new_digest, old_digest = _digest(kind, new), _digest(kind, old)
    try:
        with transaction.atomic():
            SubjectIndex.objects.get_or_create(
                kind=kind, digest=new_digest, defaults={"subject": subject, "created_at": moment}
            )
    except IntegrityError:
        pass  # the new value is indexed for someone else: left alone
    still_held = False
    codes = {i.code for i in submission.policy_version.policy.items if INDEXED.get(i.kind) is kind}
    for value in SubmissionValue.objects.filter(submission__subject=subject, item__in=codes).select_related("submission"):
        plain = unseal(subject.data_key, bytes(value.sealed), context=value_context(value.submission_id, value.item))
        if _digest(kind, plain) == old_digest:
            still_held = True
            break
    if not still_held and old_digest != new_digest:
        SubjectIndex.objects.filter(subject=subject, kind=kind, digest=old_digest).delete()


def submission_value_correct(
    *, submission_id: int, item: str, value: object, policy: Policy, actor: Actor, as_of: dt.datetime | None = None
) -> ValueCorrected:
    """Replace the value of ``item`` in the submission with ``value``, checked by the item's rule.

    Raises ``Submission.DoesNotExist`` and :class:`CorrectionRejected` (nothing changed).
    """
    moment = as_of or clock.now()
    described = next((i for i in policy.items if i.code == item), None)
    if described is None or described.kind is ItemKind.ORGANIZATION:
        raise CorrectionRejected({"item": [_("This item cannot be corrected online; ask our staff.")]})
    clean, errors = field_clean(described, value)
    if errors:
        raise CorrectionRejected({"value": errors})
    if clean is None:
        raise CorrectionRejected({"value": [_("Enter the correct value.")]})
    with transaction.atomic():
        submission = Submission.objects.select_related("subject__data_key", "policy_version").get(pk=submission_id)
        row = SubmissionValue.objects.select_for_update().filter(submission=submission, item=item).first()
        if row is None:
            raise CorrectionRejected({"item": [_("We hold no value of this item in that submission.")]})
        key, context = submission.subject.data_key, value_context(submission.pk, item)
        old = unseal(key, bytes(row.sealed), context=context)
        if old == clean:
            return ValueCorrected(submission.pk, item, changed=False)
        row.sealed = seal(key, clean, context=context)
        row.save(update_fields=["sealed"])
        if described.kind in INDEXED:
            _reindex(submission, INDEXED[described.kind], old, clean, moment)
        audit_record(
            actor=actor, action=AuditAction.CHANGE, subject_id=submission.subject_id,
            target=f"submission:{submission.pk}", detail={"item": item, "correction": True}, as_of=moment,
        )
    return ValueCorrected(submission.pk, item, changed=True)
