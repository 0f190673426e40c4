"""Appending consent receipts and storing the notice texts they point at.

Called only from the services in :mod:`policybound.collection.services`, inside their transactions
(which also write the audit rows). A receipt is never changed: every later decision is a new receipt.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction

from policybound.collection.models import ConsentReceipt, NoticeText, ReceiptEvent, Submission
from policybound.policy.models import PolicyVersion
from policybound.subjects.models import Subject
from policybound.vault.services import seal

USER_AGENT_MAX = 400


def notice_text_store(*, text: str, as_of: dt.datetime) -> NoticeText:
    """The stored row for this exact notice text, created the first time it is shown."""
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    found = NoticeText.objects.filter(sha256=sha256).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return NoticeText.objects.create(sha256=sha256, text=text, created_at=as_of)
    except IntegrityError:  # the same text stored by a concurrent submission
        return NoticeText.objects.get(sha256=sha256)


def ip_seal(subject: Subject, ip: str | None) -> bytes | None:
    """The IP address of a consent, sealed under the subject's key (an IP is personal data)."""
    if not ip:
        return None
    return seal(subject.data_key, ip, context=f"subject:{subject.pk}:ip")


def receipt_append(
    *,
    subject: Subject,
    purpose: str,
    required: bool,
    event: ReceiptEvent,
    version: PolicyVersion,
    channel: str,
    as_of: dt.datetime,
    submission: Submission | None = None,
    notice: NoticeText | None = None,
    language: str = "",
    ip: str | None = None,
    user_agent: str = "",
) -> ConsentReceipt:
    return ConsentReceipt.objects.create(
        subject=subject,
        submission=submission,
        purpose=purpose,
        required=required,
        event=event,
        policy_version=version,
        policy_sha256=version.sha256,
        notice=notice,
        channel=channel,
        language=language[:10],
        recorded_at=as_of,
        ip_sealed=ip_seal(subject, ip),
        user_agent=user_agent[:USER_AGENT_MAX],
    )
