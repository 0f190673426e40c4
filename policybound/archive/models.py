"""The separate archive database (별도 DB): records kept only because a law says so.

These models live in the ``archive`` database and nowhere else (``core.routers.ArchiveRouter``).
Nothing here points at a live row: a record names its subject, hold and source by id only, so the
archive can be read, kept and destroyed without the live database, and the live database never
joins into it.

- :class:`ArchivedRecord`: one held item of one subject, sealed under its own archive data key (itself
  wrapped by the archive master key, never the live one). Destroying the record empties its wrapped
  key and deletes the row.
- :class:`ArchiveDestructionLog`: the archive's own record of each destruction batch, written in the
  same archive transaction as the deletion, then posted (idempotently) into the live destruction
  register. It is an outbox: a crash between the two databases loses no register entry and never
  writes one twice.
"""

from __future__ import annotations

from django.db import models


class ArchivedRecord(models.Model):
    """One item of one subject kept under a legal-retention rule, until ``expires_at``.

    ``key`` (``<hold id>:<submission value id>``) is unique, so copying the same item twice (a sweep
    re-run after a crash) adds nothing. ``sealed`` opens only with ``wrapped_key`` and the context
    ``archive:<key>``. Usable for nothing but the law's purpose: reading it goes through
    ``archive.services.archived_records_reveal``, which names the rule and is audited.
    """

    key = models.CharField(max_length=100, unique=True)
    hold_id = models.BigIntegerField(db_index=True)
    rule = models.CharField(max_length=64)
    law = models.CharField(max_length=200)
    subject_id = models.UUIDField(db_index=True)
    purpose = models.CharField(max_length=64)
    item = models.CharField(max_length=64)
    sealed = models.BinaryField()
    wrapped_key = models.BinaryField(help_text="this record's archive data key, wrapped; emptied to erase")
    origin_ended_at = models.DateTimeField(help_text="end of the service the record belonged to")
    archived_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True, help_text="when the record is destroyed")
    law_expires_at = models.DateTimeField(help_text="when the law's period ends (origin + period)")
    hold_released_at = models.DateTimeField(null=True, blank=True, help_text="the hold was released then")

    class Meta:
        ordering = ("expires_at", "id")
        permissions = [("reveal_archivedrecord", "Reveal a record kept under a law, for that law's purpose")]

    def __str__(self) -> str:
        return f"ArchivedRecord {self.key} ({self.rule} until {self.expires_at:%Y-%m-%d})"


class ArchiveDestructionLog(models.Model):
    """One destruction batch of archived records, waiting to be posted to the live register."""

    key = models.CharField(max_length=200, unique=True)
    batch = models.CharField(max_length=64)
    rule = models.CharField(max_length=64)
    purpose = models.CharField(max_length=64)
    reason = models.CharField(max_length=30)
    subjects = models.PositiveIntegerField()
    items = models.PositiveIntegerField()
    subject_ids = models.JSONField(default=list, help_text="pseudonymous ids, for the audit rows")
    destroyed_at = models.DateTimeField()
    approved_by = models.CharField(max_length=200)
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("destroyed_at", "id")
        indexes = [
            models.Index(fields=("destroyed_at",), condition=models.Q(posted_at__isnull=True), name="archive_log_unposted")
        ]

    def __str__(self) -> str:
        return f"ArchiveDestructionLog {self.key}"
