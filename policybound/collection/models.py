"""What the collection of personal data leaves behind.

- :class:`Submission`: one form, API call or imported row; where the data came from (PIPA 20).
- :class:`SubmissionValue`: each submitted value, sealed under the subject's data key.
- :class:`ConsentReceipt`: one consent event (given, refused, withdrawn, confirmed). Append-only: a
  withdrawal is a new receipt, never an update, so the subject can always be shown the fact and the
  content of their consent (시행령 41①5).
- :class:`NoticeText`: the exact notice text shown next to a consent box, stored once per sha256.
- :class:`Engagement`: the service a purpose provides to a subject, from its start to its end event;
  its ``deadline`` is when its records are due for destruction.
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.db import models
from django.utils.translation import pgettext_lazy

from policybound.policy.models import PolicyVersion
from policybound.subjects.models import Organization, Subject


class Source(models.TextChoices):
    """Where personal data came from (seed article 3); other than ``web``/``api`` not from the subject."""

    WEB = "web", pgettext_lazy("data source", "web form")
    API = "api", pgettext_lazy("data source", "homepage (API)")
    BUSINESS_CARD = "business_card", pgettext_lazy("data source", "business card")
    EVENT = "event", pgettext_lazy("data source", "event or seminar attendee list")
    PARTNER = "partner", pgettext_lazy("data source", "partner list")


class Channel(models.TextChoices):
    """How a submission or a consent event reached us."""

    WEB = "web", pgettext_lazy("collection channel", "web form")
    API = "api", pgettext_lazy("collection channel", "API")
    IMPORT = "import", pgettext_lazy("collection channel", "file import")
    MAIL_LINK = "mail_link", pgettext_lazy("collection channel", "link in an e-mail")
    CONSOLE = "console", pgettext_lazy("collection channel", "staff console")


class Submission(models.Model):
    """One submission for one purpose, checked against the policy version in force."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="submissions")
    purpose = models.CharField(max_length=64)
    source = models.CharField(max_length=20, choices=Source.choices)
    source_detail = models.CharField(max_length=200, blank=True, help_text="e.g. the event's name")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(db_index=True)
    idempotency_key = models.CharField(max_length=300, null=True, blank=True, unique=True)
    request_digest = models.CharField(
        max_length=128, blank=True, help_text="blind index of the request body, to tell a retry from a reuse"
    )
    # Who entered it, pseudonymously (``token:<id>``, ``staff:<id>``, ``public:``): an intake token may
    # end only the engagements its own submissions started.
    entered_by = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=("subject", "purpose"), name="submission_subject_purpose")]

    def __str__(self) -> str:
        return f"Submission {self.pk} ({self.purpose})"


def value_context(submission_id: int, item: str) -> str:
    """The vault context a submitted value is sealed under: binds the ciphertext to its row."""
    return f"submission:{submission_id}:{item}"


class SubmissionValue(models.Model):
    """One submitted value, sealed under the subject's data key (never stored in plaintext)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    item = models.CharField(max_length=64)
    sealed = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=("submission", "item"), name="submission_value_unique")]

    def __str__(self) -> str:
        return f"{self.item} of submission {self.submission_id}"


class NoticeText(models.Model):
    """A notice text shown next to a consent box, exactly as shown; identical texts are stored once."""

    sha256 = models.CharField(max_length=64, unique=True)
    text = models.TextField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"NoticeText {self.sha256[:12]}"


class ReceiptEvent(models.TextChoices):
    GIVEN = "given", pgettext_lazy("consent event", "given")
    REFUSED = "refused", pgettext_lazy("consent event", "refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("consent event", "withdrawn")
    CONFIRMED = "confirmed", pgettext_lazy("consent event", "confirmed by e-mail")


class AppendOnly(Exception):
    """A consent receipt was about to be changed; receipts are only ever appended."""


class ReceiptQuerySet(models.QuerySet["ConsentReceipt"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("consent receipts are append-only; record a new receipt instead")


class ConsentReceipt(models.Model):
    """One consent event of one subject for one purpose, with the notice and policy version shown.

    The IP address of a web consent is personal data, so it is sealed under the subject's key.
    """

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="receipts")
    submission = models.ForeignKey(
        Submission, on_delete=models.RESTRICT, null=True, blank=True, related_name="receipts"
    )
    purpose = models.CharField(max_length=64)
    required = models.BooleanField(help_text="필수 (the service needs it) or 선택 (optional)")
    event = models.CharField(max_length=20, choices=ReceiptEvent.choices)
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    policy_sha256 = models.CharField(max_length=64)
    notice = models.ForeignKey(NoticeText, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    language = models.CharField(max_length=10, blank=True)
    recorded_at = models.DateTimeField(db_index=True)
    ip_sealed = models.BinaryField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        ordering = ("recorded_at", "id")
        indexes = [models.Index(fields=("subject", "purpose", "recorded_at"), name="receipt_subject_purpose")]

    def __str__(self) -> str:
        return f"ConsentReceipt {self.pk} ({self.purpose} {self.event})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("consent receipts are append-only; record a new receipt instead")
        super().save(*args, **kwargs)


class EngagementStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("engagement status", "waiting for e-mail confirmation")
    ACTIVE = "active", pgettext_lazy("engagement status", "active")
    ENDED = "ended", pgettext_lazy("engagement status", "ended")


class Engagement(models.Model):
    """The service of one purpose for one subject, from its start to its end event (서비스 종료).

    ``deadline`` is when its records are due for destruction: the end plus the purpose's retention
    period in the policy version in force when it ended, the moment of the end for a withdrawal of
    consent (``ended_by_withdrawal``, PIPA 37③), or the start plus the period for a purpose counted
    from collection.
    """

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="engagements")
    # What a URL or an API client names it by: random, so that no id can be guessed from another. The
    # integer primary key stays internal (foreign keys, audit targets, the console's forms).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(
        Submission, on_delete=models.RESTRICT, null=True, blank=True, related_name="engagements"
    )
    purpose = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=EngagementStatus.choices)
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_event = models.CharField(max_length=64, blank=True)
    end_policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    # The end was the person's withdrawal of consent (a consent withdrawn, or an end event the policy
    # declares ``withdrawal: true``): recorded at the end, so the register can say why without the
    # code knowing any event by name.
    ended_by_withdrawal = models.BooleanField(default=False)
    # Retention (policybound.retention): when the sweep destroyed (or archived) what this engagement
    # alone needed. The partial indexes keep the sweep's cost proportional to what is due.
    retention_done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("started_at", "id")
        indexes = [
            models.Index(fields=("subject", "purpose", "status"), name="engagement_subject_purpose"),
            models.Index(
                fields=("deadline", "id"),
                condition=models.Q(retention_done_at__isnull=True, deadline__isnull=False),
                name="engagement_due",
            ),
            # Live engagements (status pending or active, always with ended_at unset) of a purpose in
            # (started_at, id) order: the console inbox reads it backwards a page at a time, newest first;
            # the maximum-lifetime sweep walks it forwards with the keyset (started_at, id) > (x, y).
            models.Index(
                fields=("purpose", "started_at", "id"),
                condition=models.Q(ended_at__isnull=True),
                name="engagement_open",
            ),
        ]

    def __str__(self) -> str:
        return f"Engagement {self.pk} ({self.purpose} {self.status})"
