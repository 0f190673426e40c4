"""The privacy center's records: identity checks and the register of requests (열람 등 요구 처리 대장).

- :class:`VerificationChallenge`: one "send me a code" for an address. It is stored whether or not the
  address is known (``subject`` empty when it is not), so both cases do the same work and the page
  never tells them apart. The address itself is not stored, only its blind index; the code only as
  an HMAC. A verified challenge is the person's short session in the privacy center.
- :class:`RightsRequest`: one request of a data subject (access, correction, deletion, suspension,
  withdrawal) from any channel, with how identity was checked, when it was received, when it is due
  (``rights.deadline_days`` of the policy after receipt, 시행령 41④), any extension and its reason, and
  the answer. ``detail`` holds what was done in codes and dates (never a value); the person's own
  words (a correction's new value) are sealed under their data key.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.utils.translation import pgettext_lazy

from policybound.subjects.models import Subject


class RequestKind(models.TextChoices):
    ACCESS = "access", pgettext_lazy("rights request", "access (열람)")
    CORRECTION = "correction", pgettext_lazy("rights request", "correction (정정)")
    DELETION = "deletion", pgettext_lazy("rights request", "deletion (삭제)")
    SUSPENSION = "suspension", pgettext_lazy("rights request", "suspension of processing (처리정지)")
    WITHDRAWAL = "withdrawal", pgettext_lazy("rights request", "withdrawal of consent (동의 철회)")


class RequestChannel(models.TextChoices):
    ONLINE = "online", pgettext_lazy("rights channel", "privacy center (online)")
    API = "api", pgettext_lazy("rights channel", "API")
    IN_PERSON = "in_person", pgettext_lazy("rights channel", "in person")
    PHONE = "phone", pgettext_lazy("rights channel", "telephone")
    LETTER = "letter", pgettext_lazy("rights channel", "letter or e-mail")


class IdentityMethod(models.TextChoices):
    EMAIL_CODE = "email_code", pgettext_lazy("identity check", "one-time code to the e-mail address on file")
    STAFF_CHECKED = "staff_checked", pgettext_lazy("identity check", "checked by staff")


class RequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("rights status", "received")
    EXTENDED = "extended", pgettext_lazy("rights status", "deferred")
    ANSWERED = "answered", pgettext_lazy("rights status", "answered")


class Outcome(models.TextChoices):
    DONE = "done", pgettext_lazy("rights outcome", "done as asked")
    PARTLY = "partly", pgettext_lazy("rights outcome", "done in part")
    REFUSED = "refused", pgettext_lazy("rights outcome", "refused")


class VerificationChallenge(models.Model):
    """A one-time code sent (or, for an unknown address, not sent) to an address; see the module."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    address_digest = models.CharField(max_length=64, db_index=True, help_text="blind index of the address")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    code_digest = models.CharField(max_length=64, help_text="HMAC of the code; the code itself is never stored")
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    session_ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"VerificationChallenge {self.id}"


class RightsRequest(models.Model):
    """One request of the register; see the module docstring."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="rights_requests")
    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    channel = models.CharField(max_length=20, choices=RequestChannel.choices)
    identity_method = models.CharField(max_length=20, choices=IdentityMethod.choices)
    identity_note = models.CharField(max_length=300, blank=True, help_text="how staff checked identity")
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    language = models.CharField(max_length=10, blank=True)
    received_at = models.DateTimeField()
    due_on = models.DateField(help_text="received (local date) + the policy's deadline_days")
    extended_to = models.DateField(null=True, blank=True)
    extension_reason = models.CharField(max_length=500, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    reason = models.CharField(max_length=500, blank=True, help_text="why refused or done in part, and what was kept")
    detail = models.JSONField(default=dict, blank=True, help_text="codes and dates only, never a value")
    request_sealed = models.BinaryField(blank=True, help_text="the person's own words, sealed under their key")
    created_by = models.CharField(max_length=200)
    answered_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("-received_at",)
        indexes = [models.Index(fields=("status", "due_on"), name="rights_request_open")]

    def __str__(self) -> str:
        return f"RightsRequest {self.id} ({self.kind}, {self.status})"

    @property
    def due(self) -> dt.date:
        """The date the answer is owed by: the extension's if there is one."""
        return self.extended_to or self.due_on

    def context(self) -> str:
        return f"rights_request:{self.id}:request"
