"""Reads of the collection app."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from policybound.collection.models import ConsentReceipt, Engagement, ReceiptEvent, Submission, value_context
from policybound.policy.schema import ItemKind
from policybound.subjects.models import Subject
from policybound.vault.services import unseal


def engagement_get(*, engagement_id: int) -> Engagement | None:
    return Engagement.objects.filter(pk=engagement_id).first()


def subject_engagements(*, subject_id: uuid.UUID | str) -> QuerySet[Engagement]:
    return Engagement.objects.filter(subject_id=subject_id).order_by("started_at", "id")


def subject_receipts(*, subject_id: uuid.UUID | str) -> QuerySet[ConsentReceipt]:
    """The subject's consent history, oldest first (what 시행령 41①5 lets them see)."""
    return ConsentReceipt.objects.filter(subject_id=subject_id).select_related("notice").order_by("recorded_at", "id")


def consent_in_force(*, subject_id: uuid.UUID | str, purpose: str) -> bool:
    """Whether the subject's latest decision on ``purpose`` is a consent not withdrawn since."""
    latest = (
        ConsentReceipt.objects.filter(subject_id=subject_id, purpose=purpose)
        .exclude(event=ReceiptEvent.CONFIRMED)
        .order_by("-recorded_at", "-id")
        .values_list("event", flat=True)
        .first()
    )
    return latest == ReceiptEvent.GIVEN


def submission_values_open(*, submission: Submission) -> dict[str, str]:
    """A submission's values in plaintext. Callers showing them to a person record the access."""
    key = submission.subject.data_key
    return {
        value.item: unseal(key, bytes(value.sealed), context=value_context(submission.pk, value.item))
        for value in submission.values.order_by("item")
    }


def subject_email_open(*, subject: Subject) -> str | None:
    """The e-mail address the subject gave last, to send them their own confirmations; ``None`` if none."""
    submissions = subject.submissions.select_related("policy_version").order_by("-created_at", "-id")
    for submission in submissions:
        policy = submission.policy_version.policy
        codes = [item.code for item in policy.items if item.kind is ItemKind.EMAIL]
        value = submission.values.filter(item__in=codes).order_by("item").first()
        if value is not None:
            context = value_context(submission.pk, value.item)
            return unseal(subject.data_key, bytes(value.sealed), context=context)
    return None
