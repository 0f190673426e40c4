"""Appending to the audit log, and destroying its oldest rows when their retention ends.

Every service that touches personal data calls :func:`audit_record` inside its own
``transaction.atomic()``, so the write and its 접속기록 row commit (or roll back) together; outside a
transaction it raises. Appenders take turns on the single :class:`ChainHead` row
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions already serialize writers),
which is held until the caller commits: record the audit row late in short transactions.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from policybound.audit.actors import Actor
from policybound.audit.chain import chain_key, event_hash
from policybound.audit.models import GENESIS_HASH, AuditAction, AuditEvent, ChainAnchor, ChainHead
from policybound.audit.selectors import TRUNCATION_TARGET, VerifyResult, audit_verify
from policybound.lib import clock
from policybound.vault.services import blind_index

__all__ = [
    "TRUNCATION_TARGET",
    "AuditEntry",
    "AuditOutsideTransaction",
    "VerifyResult",
    "audit_record",
    "audit_record_many",
    "audit_truncate_before",
    "audit_verify",
]

DETAIL_MAX_CHARS = 4000


class AuditOutsideTransaction(RuntimeError):
    """``audit_record`` was called outside ``transaction.atomic()``: the write and its row could part."""


@dataclass(frozen=True)
class AuditEntry:
    """One row of a batch written by :func:`audit_record_many` (actor, action and time are shared)."""

    subject_id: uuid.UUID | str | None = None
    target: str = ""
    detail: dict[str, Any] | None = None


def _require_atomic() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(
            "audit_record must run inside the caller's transaction.atomic() so that the write and its "
            "audit row commit together"
        )


def _no_floats(text: str) -> float:
    raise ValueError(f"audit detail holds no fractional numbers ({text}); write them as strings")


def _clean_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """A JSON round trip, so what is hashed is exactly what the database gives back.

    Fractional numbers are refused: PostgreSQL's jsonb may give ``1e+20`` back as
    ``100000000000000000000``, which would hash differently.
    """
    if detail is None:
        return {}
    text = json.dumps(detail, allow_nan=False)
    if len(text) > DETAIL_MAX_CHARS:
        raise ValueError(f"audit detail is {len(text)} characters; keep it under {DETAIL_MAX_CHARS}")
    cleaned: dict[str, Any] = json.loads(text, parse_float=_no_floats)
    return cleaned


def _lock_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    # First append ever (or after a flush): start from the newest row or anchor, if any.
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    anchor = ChainAnchor.objects.order_by("-sequence").values_list("sequence", "hash").first()
    sequence, hash_ = last or anchor or (0, GENESIS_HASH)
    ChainHead.objects.get_or_create(pk=1, defaults={"sequence": sequence, "hash": hash_})
    return ChainHead.objects.select_for_update().get(pk=1)


def audit_record_many(
    *, actor: Actor, action: str, entries: Iterable[AuditEntry], as_of: dt.datetime | None = None
) -> list[AuditEvent]:
    """Append one chained row per entry, in order, with a single INSERT; same rules as :func:`audit_record`."""
    _require_atomic()
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    batch = list(entries)
    if not batch:
        return []
    at = as_of if as_of is not None else clock.now()
    key = chain_key()
    head = _lock_head()
    sequence, prev_hash = head.sequence, head.hash
    events = []
    for entry in batch:
        sequence += 1
        event = AuditEvent(
            sequence=sequence,
            at=at,
            actor_kind=actor.kind,
            actor_id=actor.ident[:64],
            actor_label=actor.label[:150],
            ip=_logged_ip(actor),
            action=str(action),
            subject_id=None if entry.subject_id is None else uuid.UUID(str(entry.subject_id)),
            target=entry.target[:200],
            detail=_clean_detail(entry.detail),
            prev_hash=prev_hash,
        )
        event.hash = prev_hash = event_hash(event, key=key)
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    head.sequence, head.hash = sequence, prev_hash
    head.save(update_fields=["sequence", "hash"])
    return events


def _logged_ip(actor: Actor) -> str:
    """The address to log: in full for staff and API clients, pseudonymised for the public.

    The 접속기록 needs the address of whoever handles personal data (staff, processors). A visitor's
    address is itself personal data; a keyed digest still lets abuse from one address be correlated.
    """
    if not actor.ip:
        return ""
    if actor.kind == "public":
        return "anon:" + blind_index("ip", actor.ip)[:24]
    return actor.ip


def audit_record(
    *,
    actor: Actor,
    action: str,
    subject_id: uuid.UUID | str | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
    as_of: dt.datetime | None = None,
) -> AuditEvent:
    """Append one 접속기록 row; call it inside the transaction of the write it records.

    ``subject_id`` is the subject's pseudonymous id, ``target`` a short reference (``field:email``),
    ``detail`` small JSON without personal data. Raises :class:`AuditOutsideTransaction` outside
    ``transaction.atomic()`` and ``ValueError`` for an unknown action.
    """
    entry = AuditEntry(subject_id=subject_id, target=target, detail=detail)
    return audit_record_many(actor=actor, action=action, entries=[entry], as_of=as_of)[0]


def audit_truncate_before(*, before: dt.datetime, actor: Actor) -> int:
    """Destroy the oldest rows, those before ``before``, at the end of their retention; returns how many.

    Only a prefix is removed (it stops at the first row at or after ``before``), the last removed row's
    sequence and hash become the new :class:`ChainAnchor`, and the truncation is itself recorded as a
    ``destroy`` event naming that anchor, so the remaining chain still verifies.
    """
    with transaction.atomic():
        head = _lock_head()
        anchor = ChainAnchor.objects.order_by("-sequence").first()
        floor = anchor.sequence if anchor is not None else 0
        first_kept = (
            AuditEvent.objects.filter(sequence__gt=floor, at__gte=before)
            .order_by("sequence")
            .values_list("sequence", flat=True)
            .first()
        )
        cutoff = first_kept - 1 if first_kept is not None else head.sequence
        last_removed = AuditEvent.objects.filter(sequence=cutoff, sequence__gt=floor).first()
        if last_removed is None:
            return 0
        destroyed, _ = AuditEvent.objects.filter(sequence__lte=cutoff).delete()
        now = clock.now()
        ChainAnchor.objects.create(
            sequence=cutoff, hash=last_removed.hash, before=before, destroyed=destroyed, created_at=now
        )
        audit_record(
            actor=actor,
            action=AuditAction.DESTROY,
            target=TRUNCATION_TARGET,
            detail={
                "anchor_sequence": cutoff,
                "anchor_hash": last_removed.hash,
                "destroyed": destroyed,
                "before": before.astimezone(dt.UTC).isoformat(),
            },
            as_of=now,
        )
    return destroyed
