"""Writes to the archive database: keeping held records, and destroying them when the law's period ends.

The archive database never takes part in a live transaction's atomicity, so every write here is
idempotent or logged:

- :func:`archived_records_store` inserts copies with ``ignore_conflicts`` on their unique key: a
  sweep re-run after a crash copies nothing twice. The caller commits it *before* deleting the live
  copies, so a crash in between leaves a duplicate that the re-run ignores, never a loss.
- :func:`archive_expire_batch` crypto-erases and deletes a batch of expired records and, in the same
  archive transaction, writes an :class:`ArchiveDestructionLog` row; :func:`archive_log_post` then
  posts those rows into the live destruction register (unique key, so never twice) with their audit
  rows, and marks them posted. A crash between the two leaves the log row unposted; the next sweep
  posts it.
- :func:`archive_hold_release` makes a released hold's copies due (the law no longer requires them).

Nothing here nests a live-database transaction inside an archive one: on SQLite two processes taking
the two databases' write locks in opposite orders would wait on each other.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connections, transaction
from django.db.models import Q

from policybound.archive.models import ArchiveDestructionLog, ArchivedRecord
from policybound.audit.actors import Actor
from policybound.audit.models import AuditAction
from policybound.audit.services import AuditEntry, audit_record, audit_record_many
from policybound.lib import clock
from policybound.retention.models import (
    DestructionCategory,
    DestructionMethod,
    DestructionReason,
    DestructionRecord,
)
from policybound.vault.services import archive_unseal

ARCHIVE_DB = "archive"


def archived_records_store(*, records: Sequence[ArchivedRecord]) -> None:
    """Insert copies into the archive and commit; a copy whose key exists already is left as it is."""
    if not records:
        return
    with transaction.atomic(using=ARCHIVE_DB):
        ArchivedRecord.objects.bulk_create(records, ignore_conflicts=True, batch_size=500)


@dataclass(frozen=True)
class ExpiredGroup:
    """Expired records of one rule, purpose and reason, and the pseudonymous subjects they belonged to."""

    rule: str
    purpose: str
    reason: str
    subject_ids: tuple[str, ...]
    items: int

    @property
    def subjects(self) -> int:
        return len(self.subject_ids)


EXPIRED_FIELDS = ("id", "expires_at", "rule", "purpose", "subject_id", "hold_released_at", "law_expires_at")


def _reason(row: dict[str, Any]) -> str:
    """A release before the law's own end made the record due; otherwise the law's period ended."""
    released, law_end = row["hold_released_at"], row["law_expires_at"]
    if released is not None and released < law_end:
        return DestructionReason.HOLD_RELEASED.value
    return DestructionReason.LEGAL_EXPIRY.value


def archive_expired(
    *, as_of: dt.datetime, batch_size: int, after: tuple[dt.datetime, int] | None = None
) -> list[dict[str, Any]]:
    """The next batch of records whose period has ended, after ``after`` (a read, for the dry run)."""
    queryset = ArchivedRecord.objects.filter(expires_at__lte=as_of)
    if after is not None:
        queryset = queryset.filter(Q(expires_at__gt=after[0]) | Q(expires_at=after[0], id__gt=after[1]))
    return list(queryset.order_by("expires_at", "id").values(*EXPIRED_FIELDS)[:batch_size])


def group_expired(rows: Sequence[dict[str, Any]]) -> list[ExpiredGroup]:
    """Rows of :func:`archive_expired` counted per rule, purpose and reason."""
    subjects: dict[tuple[str, str, str], dict[str, None]] = defaultdict(dict)
    items: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in rows:
        group = (str(row["rule"]), str(row["purpose"]), _reason(row))
        subjects[group][str(row["subject_id"])] = None
        items[group] += 1
    return [
        ExpiredGroup(rule=g[0], purpose=g[1], reason=g[2], subject_ids=tuple(subjects[g]), items=items[g])
        for g in sorted(items)
    ]


def archive_expire_batch(*, as_of: dt.datetime, batch_size: int, approved_by: str) -> list[ExpiredGroup]:
    """Crypto-erase and delete one batch of expired records, logging it in the same archive transaction.

    Returns the groups destroyed (empty when nothing more is due). Concurrent sweeps skip each other's
    rows on PostgreSQL (``FOR UPDATE SKIP LOCKED``); on SQLite the transaction itself is exclusive.
    """
    batch = uuid.uuid4().hex
    now = clock.now()
    with transaction.atomic(using=ARCHIVE_DB):
        queryset = ArchivedRecord.objects.filter(expires_at__lte=as_of).order_by("expires_at", "id")
        if connections[ARCHIVE_DB].features.has_select_for_update_skip_locked:
            queryset = queryset.select_for_update(skip_locked=True)
        rows = list(queryset.values(*EXPIRED_FIELDS)[:batch_size])
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        ArchivedRecord.objects.filter(id__in=ids).update(wrapped_key=b"", sealed=b"")
        ArchivedRecord.objects.filter(id__in=ids).delete()
        groups = group_expired(rows)
        ArchiveDestructionLog.objects.bulk_create(
            ArchiveDestructionLog(
                key=f"{batch}:{group.rule}:{group.purpose}:{group.reason}",
                batch=batch,
                rule=group.rule,
                purpose=group.purpose,
                reason=group.reason,
                subjects=group.subjects,
                items=group.items,
                subject_ids=list(group.subject_ids),
                destroyed_at=now,
                approved_by=approved_by,
            )
            for group in groups
        )
    return groups


MAX_POST_CONFLICTS = 5


def archive_log_post(*, actor: Actor, limit: int = 200) -> int:
    """Post unposted archive destruction logs into the live register (with their audit rows).

    Idempotent: a log whose register entry exists already (a crash after posting, or another sweep
    posting it at the same moment) is only marked posted. Returns how many entries this call wrote.
    """
    written = 0
    conflicts = 0
    while True:
        logs = list(ArchiveDestructionLog.objects.filter(posted_at__isnull=True).order_by("destroyed_at", "id")[:limit])
        if not logs:
            return written
        keys = {log.id: f"archive:{log.key}" for log in logs}
        try:
            with transaction.atomic():
                existing = set(DestructionRecord.objects.filter(key__in=keys.values()).values_list("key", flat=True))
                fresh = [log for log in logs if keys[log.id] not in existing]
                DestructionRecord.objects.bulk_create(_register_entry(log, keys[log.id], actor) for log in fresh)
                entries = [
                    AuditEntry(subject_id=subject, target=f"archive:{log.rule}",
                               detail={"rule": log.rule, "purpose": log.purpose, "reason": log.reason, "batch": log.batch})
                    for log in fresh
                    for subject in log.subject_ids
                ]
                if entries:
                    audit_record_many(actor=actor, action=AuditAction.DESTROY, entries=entries)
                written += len(fresh)
        except IntegrityError:
            # Another sweep posted one of them at the same moment: look again. A conflict that
            # persists has another cause, and must surface rather than spin.
            conflicts += 1
            if conflicts > MAX_POST_CONFLICTS:
                raise
            continue
        with transaction.atomic(using=ARCHIVE_DB):
            ArchiveDestructionLog.objects.filter(id__in=list(keys)).update(posted_at=clock.now())


def _register_entry(log: ArchiveDestructionLog, key: str, actor: Actor) -> DestructionRecord:
    return DestructionRecord(
        key=key,
        batch=log.batch,
        category=DestructionCategory.ARCHIVED,
        purpose=log.purpose,
        reason=log.reason,
        rule=log.rule,
        description=f"records kept under {log.rule} in the separate archive database",
        subjects=log.subjects,
        items=log.items,
        method=DestructionMethod.CRYPTO_ERASE_DELETE,
        destroyed_at=log.destroyed_at,
        approved_by=log.approved_by,
        recorded_by=f"{actor.kind}:{actor.label}"[:200],  # who, never from where (no IP in the register)
        recorded_at=clock.now(),
    )


def archive_hold_release(*, hold_id: int, released_at: dt.datetime) -> int:
    """Make a released hold's copies due at the release (the law no longer requires them); idempotent."""
    with transaction.atomic(using=ARCHIVE_DB):
        records = ArchivedRecord.objects.filter(hold_id=hold_id, hold_released_at__isnull=True)
        early = records.filter(expires_at__gt=released_at).update(expires_at=released_at, hold_released_at=released_at)
        late = records.update(hold_released_at=released_at)
    return early + late


@dataclass(frozen=True)
class RevealedItem:
    subject_id: uuid.UUID
    item: str
    purpose: str
    value: str
    expires_at: dt.datetime


class ArchiveUseRefused(Exception):
    """An archived record was asked for without a legal-retention rule and a stated reason."""


def archived_records_reveal(*, subject_id: uuid.UUID | str, rule: str, reason: str, actor: Actor) -> list[RevealedItem]:
    """Open a subject's records kept under ``rule``, for that law's purpose only; audited.

    Records kept under another rule are not returned: the archive is usable for nothing but the
    purpose of the law that keeps it (PIPA 21③). The caller checks the reader's permission
    (``archive.reveal_archivedrecord``, granted to the roles the policy allows) and passes the reason.
    """
    if not rule.strip() or not reason.strip():
        raise ArchiveUseRefused("name the legal-retention rule and the reason for reading the archive")
    records = list(ArchivedRecord.objects.filter(subject_id=subject_id, rule=rule).order_by("item", "id"))
    revealed = [
        RevealedItem(
            subject_id=record.subject_id,
            item=record.item,
            purpose=record.purpose,
            value=archive_unseal(bytes(record.sealed), context=f"archive:{record.key}", wrapped_key=bytes(record.wrapped_key)),
            expires_at=record.expires_at,
        )
        for record in records
    ]
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.VIEW,
            subject_id=subject_id,
            target=f"archive:{rule}",
            detail={"rule": rule, "reason": reason[:200], "items": sorted({r.item for r in revealed})},
        )
    return revealed
