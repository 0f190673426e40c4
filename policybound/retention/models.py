"""Legal holds, the destruction register (파기 관리대장) and the record of each sweep.

- :class:`LegalHold`: staff (or the API) state that a law obliges the company to keep some of a
  subject's records (seed article 4.2: 상법 10 years, 국세기본법 5 years, ...). A hold changes nothing
  while the subject is served; when the subject's records are otherwise due, the held items move to
  the separate archive database instead of being destroyed (PIPA 21③, seed article 5.1가).
- :class:`DestructionRecord`: one row of the destruction register per sweep batch and category: what
  was destroyed, how many subjects and items, the rule that made it due, the method, when and who
  approved it. Paper destroyed by hand (seed article 5.2가) is entered by staff.
- :class:`SweepRun`: when each sweep ran and what it did, so a worker knows whether today's sweep is
  done and staff can see when the last one ran.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

from policybound.subjects.models import Subject


class LegalHold(models.Model):
    """A hold on a subject's records under one of the policy's legal-retention rules (보존 조치).

    ``rule`` is the rule's code in the policy (``commercial_act_books``); ``law`` and ``period`` are
    copied from the policy when the hold is placed, so a hold says what it was placed under even
    after the policy changes. ``items`` lists the item codes covered; empty means every item.
    ``reason`` is the staff member's note (a case or audit reference), never personal data.
    """

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="legal_holds")
    rule = models.CharField(max_length=64)
    law = models.CharField(max_length=200, help_text="the law's name in Korean, as the policy states it")
    period = models.CharField(max_length=20, help_text="ISO 8601 duration, e.g. P10Y")
    items = models.JSONField(default=list, blank=True, help_text="item codes covered; [] means every item")
    reason = models.CharField(max_length=500)
    placed_by = models.CharField(max_length=200, help_text="who placed it (staff account or API token)")
    placed_at = models.DateTimeField()
    released_by = models.CharField(max_length=200, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    archive_released_at = models.DateTimeField(
        null=True, blank=True, help_text="when the release reached the archive (its copies set to expire)"
    )

    class Meta:
        ordering = ("-placed_at", "-id")
        indexes = [
            models.Index(fields=("subject", "released_at"), name="legal_hold_subject"),
            models.Index(
                fields=("released_at",),
                condition=models.Q(released_at__isnull=False, archive_released_at__isnull=True),
                name="legal_hold_release_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"LegalHold {self.pk} ({self.rule}, {'released' if self.released_at else 'active'})"

    @property
    def active(self) -> bool:
        return self.released_at is None


class DestructionCategory(models.TextChoices):
    SUBJECT = "subject", pgettext_lazy("destruction register", "a person's whole record")
    ITEMS = "items", pgettext_lazy("destruction register", "items no longer needed")
    ARCHIVED = "archived", pgettext_lazy("destruction register", "records kept under a law (separate database)")
    ORGANIZATION = "organization", pgettext_lazy("destruction register", "organisation record")
    ACCESS_LOG = "access_log", pgettext_lazy("destruction register", "access log")
    PERMISSION_LOG = "permission_log", pgettext_lazy("destruction register", "permission-change log")
    PAPER = "paper", pgettext_lazy("destruction register", "paper documents")
    OTHER = "other", pgettext_lazy("destruction register", "other records")


class DestructionReason(models.TextChoices):
    """The rule that made the records due."""

    PURPOSE_RETENTION = "purpose_retention", pgettext_lazy("destruction register", "retention period after the service ended")
    WITHDRAWAL = "withdrawal", pgettext_lazy("destruction register", "consent withdrawn")
    MAX_LIFETIME = "max_lifetime", pgettext_lazy("destruction register", "maximum lifetime of the purpose reached")
    LEGAL_EXPIRY = "legal_expiry", pgettext_lazy("destruction register", "legal retention period ended")
    HOLD_RELEASED = "hold_released", pgettext_lazy("destruction register", "legal hold released")
    ORPHANED = "orphaned", pgettext_lazy("destruction register", "no longer referenced by any record")
    ACCESS_LOG_RETENTION = "access_log_retention", pgettext_lazy("destruction register", "access log retention period ended")
    PERMISSION_LOG_RETENTION = "permission_log_retention", pgettext_lazy("destruction register", "permission-change log retention period ended")
    MANUAL = "manual", pgettext_lazy("destruction register", "recorded by hand")
    ERASURE_REQUEST = "erasure_request", pgettext_lazy("destruction register", "the person asked for deletion")


class DestructionMethod(models.TextChoices):
    CRYPTO_ERASE_DELETE = "crypto_erase_delete", pgettext_lazy("destruction register", "encryption key destroyed, then rows deleted")
    DELETE = "delete", pgettext_lazy("destruction register", "deleted beyond recovery")
    SHRED = "shred", pgettext_lazy("destruction register", "shredded")
    INCINERATE = "incinerate", pgettext_lazy("destruction register", "incinerated")
    OTHER = "other", pgettext_lazy("destruction register", "other method")


class DestructionRecord(models.Model):
    """One entry of the destruction register (파기 관리대장).

    Written in the same transaction as the destruction it records, so an entry exists exactly when the
    destruction happened. ``key`` is unique: a sweep batch writes one entry per category, purpose,
    reason and rule, and an entry posted from the archive database's log is never posted twice.
    ``subjects`` counts pseudonymous subjects, ``items`` the values or rows destroyed, ``archived``
    how many of those items were first moved to the separate archive database.
    """

    key = models.CharField(max_length=200, unique=True)
    batch = models.CharField(max_length=64, db_index=True, help_text="the sweep batch, or 'manual:<id>'")
    category = models.CharField(max_length=20, choices=DestructionCategory.choices)
    purpose = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=30, choices=DestructionReason.choices)
    rule = models.CharField(max_length=64, blank=True, help_text="the legal-retention rule, where one applied")
    description = models.CharField(max_length=500, blank=True)
    subjects = models.PositiveIntegerField(default=0)
    items = models.PositiveBigIntegerField(default=0)
    archived = models.PositiveIntegerField(default=0)
    method = models.CharField(max_length=30, choices=DestructionMethod.choices)
    destroyed_at = models.DateTimeField(db_index=True)
    approved_by = models.CharField(max_length=200, help_text="the scheduled job, or the staff member who approved")
    recorded_by = models.CharField(max_length=200)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ("-destroyed_at", "-id")

    def __str__(self) -> str:
        return f"DestructionRecord {self.pk} ({self.category} {self.reason}: {self.subjects}/{self.items})"


class SweepRun(models.Model):
    """One run of the retention sweep: when, by which worker, as of when, and its counts."""

    worker = models.CharField(max_length=200)
    as_of = models.DateTimeField()
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("-started_at", "-id")

    def __str__(self) -> str:
        return f"SweepRun {self.pk} ({self.started_at:%Y-%m-%d %H:%M})"


class WorkerBeat(models.Model):
    """A worker process's sign of life, so anyone (the health endpoint, ``check --deploy``) can tell
    whether the daily sweep and the outbox still run: one row per worker process, beaten while it loops.

    Kept in the database, not in the process, because the worker may run on another host than the web
    server that answers the health check. Holds a host name and a pid, nothing about a person.
    """

    worker = models.CharField(max_length=200, unique=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"WorkerBeat {self.worker} ({self.beat_at:%Y-%m-%d %H:%M:%S})"
