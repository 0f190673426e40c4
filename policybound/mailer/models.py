"""The outbox: every mail policybound owes someone, stored before it is sent (transactional outbox).

A confirmation the law requires (정보통신망법 시행령 62의2: the result of a marketing-consent decision
within 14 days) or that a process depends on (the newsletter's double opt-in link) must not be lost
because the mail server was down at the moment of the request. So the caller stores an
:class:`OutboundMail` in the same transaction as the consent it confirms: the mail exists if and only
if the consent was committed. It is sent at commit and, failing that, retried by ``policybound mail
send`` / the worker until it is sent, given up (``failed``) or ``cancelled``.

Nothing here is plaintext: recipient, subject line, body and headers are sealed under the subject's
data key, so the retention sweep's crypto-erase reaches queued mails too (they are then cancelled).
Once a mail is sent, failed or cancelled its sealed content is emptied; the row stays, with its kind
and times, as the proof that the notice went out.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import pgettext_lazy

from policybound.subjects.models import Subject
from policybound.vault.models import DataKey


class MailKind(models.TextChoices):
    """Why a mail is sent. An app that sends a new kind of mail adds it here (and a migration)."""

    CONSENT_RESULT = "consent_result", pgettext_lazy("mail kind", "marketing consent result")
    NEWSLETTER_CONFIRM = "newsletter_confirm", pgettext_lazy("mail kind", "newsletter sign-up confirmation")
    RIGHTS_CODE = "rights_code", pgettext_lazy("mail kind", "privacy center one-time code")
    RIGHTS_ANSWER = "rights_answer", pgettext_lazy("mail kind", "answer to a data-subject request")
    RIGHTS_DIGEST = "rights_digest", pgettext_lazy("mail kind", "privacy officer's digest of requests due")
    BREACH_NOTICE = "breach_notice", pgettext_lazy("mail kind", "personal information breach notice")
    TRANSFER_NOTICE = "transfer_notice", pgettext_lazy("mail kind", "business transfer notice")


class MailStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("mail status", "queued")
    SENT = "sent", pgettext_lazy("mail status", "sent")
    FAILED = "failed", pgettext_lazy("mail status", "failed")
    CANCELLED = "cancelled", pgettext_lazy("mail status", "cancelled")


class OutboundMail(models.Model):
    """One mail to one person: queued in the caller's transaction, sent after commit or retried later.

    ``data_key`` is the key the ``*_sealed`` columns are sealed under (context ``mail:<id>:<field>``):
    the subject's own, or, for a mail about no subject, a key of the mail's own (``owns_key``) that
    is destroyed once the mail is done. ``next_attempt_at`` is when a sender may take the mail next;
    a sender claims it by moving ``next_attempt_at`` past its send (the lease) in an UPDATE that only
    one sender can win, so any number of workers send each mail once. ``last_error`` holds an error
    class and SMTP code only, never an address. ``reference`` points at what the mail confirms
    (``receipt:<id>``, ``engagement:<id>``), pseudonymous like audit targets.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40, choices=MailKind.choices)
    subject = models.ForeignKey(
        Subject, on_delete=models.SET_NULL, null=True, blank=True, related_name="outbound_mails"
    )
    data_key = models.ForeignKey(DataKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    owns_key = models.BooleanField(default=False, help_text="data_key was made for this mail alone")
    reference = models.CharField(max_length=100, blank=True)
    recipient_sealed = models.BinaryField(blank=True, help_text="empty once the mail is done")
    subject_line_sealed = models.BinaryField(blank=True, help_text="empty once the mail is done")
    body_sealed = models.BinaryField(blank=True, help_text="empty once the mail is done")
    headers_sealed = models.BinaryField(blank=True, help_text="JSON of extra headers; empty once done")
    status = models.CharField(max_length=20, choices=MailStatus.choices, default=MailStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=32, blank=True, help_text="the claim of the sender sending it")
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, help_text="when it was sent, failed or cancelled")
    last_error = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("created_at",)
        indexes = [
            # Only queued mails are looked for, so the index holds only them: a sender's cost grows
            # with what is waiting, not with every mail ever sent.
            models.Index(
                fields=("next_attempt_at",), condition=models.Q(status="queued"), name="mailer_mail_due"
            ),
            models.Index(fields=("status", "created_at"), name="mailer_mail_status"),
        ]

    def __str__(self) -> str:
        return f"OutboundMail {self.id} ({self.kind}, {self.status})"

    def context(self, field: str) -> str:
        """The vault context a sealed field of this mail is bound to (a copied ciphertext won't open)."""
        return f"mail:{self.id}:{field}"
