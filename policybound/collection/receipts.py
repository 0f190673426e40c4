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


# Notice texts are immutable and never deleted, so once one is known committed this process reuses
# it without asking the database again (bounded: a policy has a handful of notices per language).
_NOTICES: dict[str, NoticeText] = {}
_NOTICES_MAX = 512


def _remember(notice: NoticeText) -> None:
    """Cache the row once its transaction commits (a row our rolled-back transaction made must not stay)."""

    def keep() -> None:
        if len(_NOTICES) >= _NOTICES_MAX:
            _NOTICES.clear()
        _NOTICES[notice.sha256] = notice

    transaction.on_commit(keep)


def notice_text_store(*, text: str, as_of: dt.datetime) -> NoticeText:
    """The stored row for this exact notice text, created the first time it is shown."""
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    cached = _NOTICES.get(sha256)
    if cached is not None:
        return cached
    found = NoticeText.objects.filter(sha256=sha256).first()
    if found is None:
        try:
            with transaction.atomic():
                found = NoticeText.objects.create(sha256=sha256, text=text, created_at=as_of)
        except IntegrityError:  # the same text stored by a concurrent submission
            found = NoticeText.objects.get(sha256=sha256)
    _remember(found)
    return found


def notice_cache_clear() -> None:
    """Forget the cached notice rows (tests that flush the table)."""
    _NOTICES.clear()


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
    receipt = receipt_build(
        subject=subject, purpose=purpose, required=required, event=event, version=version, channel=channel,
        as_of=as_of, submission=submission, notice=notice, language=language, ip=ip, user_agent=user_agent,
    )
    receipt.save(force_insert=True)
    return receipt


def receipt_build(
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
    """The receipt :func:`receipt_append` would store, unsaved (a submission stores its receipts at once)."""
    return ConsentReceipt(
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
