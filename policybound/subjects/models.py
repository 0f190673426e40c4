"""Data subjects (정보주체) and the organisations they belong to.

A :class:`Subject` is a person known only by a random id. Everything that identifies them lives
elsewhere, encrypted under the subject's own :class:`~policybound.vault.models.DataKey`: the values
they submitted (``collection.SubmissionValue``), the IP of their consents. To find a person again
without decrypting anything, :class:`SubjectIndex` keeps blind indexes (keyed HMACs) of their
normalised e-mail address and phone number.

An :class:`Organization` is a corporate customer. The policy treats organisation data like personal
data (seed article 1), so its name is sealed under its own data key and found again by blind index.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import pgettext_lazy

from policybound.vault.models import DataKey


class Subject(models.Model):
    """A data subject: a pseudonymous id and the data key that seals everything about them.

    Destroying the data key is the subject's 파기: every ciphertext sealed under it, in the database
    and in every backup, becomes unreadable.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="subject")
    created_at = models.DateTimeField()
    # Retention (policybound.retention): a destroyed subject stays as a pseudonymous tombstone, so
    # consent receipts and audit rows keep pointing at its id; its key is crypto-erased, its values,
    # submissions and blind indexes deleted. A sweep claims the subject by updating the claim columns.
    destroyed_at = models.DateTimeField(null=True, blank=True)
    retention_claimed_by = models.CharField(max_length=100, blank=True)
    retention_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"Subject {self.id}"


class IndexKind(models.TextChoices):
    EMAIL = "email", pgettext_lazy("contact kind", "e-mail address")
    PHONE = "phone", pgettext_lazy("contact kind", "phone number")


class SubjectIndex(models.Model):
    """A blind index (HMAC-SHA256 of a normalised contact value) pointing at one subject.

    Unique per kind, so one e-mail address always leads to one subject, even when two submissions
    from the same new person race each other.
    """

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="indexes")
    kind = models.CharField(max_length=10, choices=IndexKind.choices)
    digest = models.CharField(max_length=128)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=("kind", "digest"), name="subject_index_unique")]

    def __str__(self) -> str:
        return f"{self.kind} index of {self.subject_id}"


class Organization(models.Model):
    """A corporate customer (법인·단체 고객), protected like personal data (seed article 1).

    ``name_sealed`` is the name as first given, sealed under the organisation's own data key;
    ``name_index`` is the blind index of its normalised form, so "(주)에이비씨" and "에이비씨 주식회사"
    are one organisation.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="organization")
    name_sealed = models.BinaryField()
    name_index = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"Organization {self.id}"
