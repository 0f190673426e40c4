"""Appending to the audit log, and destroying its oldest rows when their retention ends.

Every service that touches personal data calls :func:`audit_record` inside its own
``transaction.atomic()``, so the write and its 접속기록 row commit (or roll back) together; outside a
transaction it raises.

An append locks one of the chains' heads until the caller commits, and not a shared one: on PostgreSQL
``SELECT ... FOR UPDATE SKIP LOCKED`` takes the connection's own chain if it is free (or already held
by this transaction), else any free one, which the connection then keeps; only when every head is busy
does it wait, on its own chain, holding none (so two writers never deadlock). The same statement draws
the rows' global sequence numbers. SQLite's IMMEDIATE transactions serialize writers anyway.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction

from policybound.audit.actors import Actor
from policybound.audit.chain import chain_key, checkpoint_signature, event_hash, merkle_root
from policybound.audit.models import (
    GENESIS_HASH,
    AuditAction,
    AuditCheckpoint,
    AuditEvent,
    ChainAnchor,
    ChainHead,
)
from policybound.audit.selectors import TRUNCATION_TARGET, VerifyResult, anchor_chains_digest, audit_verify
from policybound.lib import clock
from policybound.vault.services import blind_index

__all__ = [
    "TRUNCATION_TARGET",
    "AuditEntry",
    "AuditOutsideTransaction",
    "VerifyResult",
    "audit_chains_ensure",
    "audit_checkpoint",
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
    action: str | None = None  # this row's own action instead of the batch's


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


SEQUENCE = "audit_event_sequence"
_PREFERRED = "_policybound_audit_chain"
_PG_TAKE = (
    "WITH h AS (SELECT id, sequence, hash FROM audit_chainhead WHERE id <= %s"
    " ORDER BY (id = %s) DESC, random() LIMIT 1 FOR UPDATE SKIP LOCKED)"
    f" SELECT h.id, h.sequence, h.hash, ARRAY(SELECT nextval('{SEQUENCE}')"
    " FROM generate_series(1, %s + 0 * h.id)) FROM h"
)
_PG_WAIT = (
    "SELECT id, sequence, hash, ARRAY(SELECT nextval('"
    + SEQUENCE
    + "') FROM generate_series(1, %s + 0 * id)) FROM audit_chainhead WHERE id = %s FOR UPDATE"
)
_SQLITE_TAKE = "SELECT id, sequence, hash, (SELECT MAX(sequence) FROM audit_chainhead) FROM audit_chainhead WHERE id = %s"


def chain_count() -> int:
    return max(1, int(getattr(settings, "POLICYBOUND_AUDIT_CHAINS", 16)))


def audit_prefer_chain(number: int) -> None:
    """Make this connection start on chain ``number`` (tests, and writers that want their own chain)."""
    setattr(connection, _PREFERRED, number)


def audit_chains_ensure(count: int | None = None) -> None:
    """Create the heads of chains 1..count that do not exist yet (``ON CONFLICT DO NOTHING``).

    Runs after every ``migrate`` (so that no writer has to create them inside its own transaction,
    where other writers would wait for its commit); a writer still does when it finds none free.
    """
    _ensure_heads(count if count is not None else chain_count())


def _ensure_heads(count: int) -> None:
    ChainHead.objects.bulk_create(
        [ChainHead(id=number, sequence=0, hash=GENESIS_HASH) for number in range(1, count + 1)],
        ignore_conflicts=True,
    )


def _take_chain(rows: int) -> tuple[int, int, str, list[int]]:
    """Lock a chain head for this transaction: (chain, its last sequence, its last hash, new sequences)."""
    count = chain_count()
    preferred = min(getattr(connection, _PREFERRED, 1), count)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for attempt in range(2):
                cursor.execute(_PG_TAKE, [count, preferred, rows])
                found = cursor.fetchone()
                if found is not None or attempt:
                    break
                if ChainHead.objects.filter(id__lte=count).count() < count:
                    _ensure_heads(count)
                else:
                    break
            if found is None:  # every head is busy: wait for our own, holding none
                cursor.execute(_PG_WAIT, [rows, preferred])
                found = cursor.fetchone()
            chain, last, prev_hash, sequences = found
        else:
            cursor.execute(_SQLITE_TAKE, [preferred])
            found = cursor.fetchone()
            if found is None:
                _ensure_heads(count)
                cursor.execute(_SQLITE_TAKE, [preferred])
                found = cursor.fetchone()
            chain, last, prev_hash, top = found
            sequences = list(range(top + 1, top + 1 + rows))
    setattr(connection, _PREFERRED, chain)
    return chain, last, prev_hash, list(sequences)


def audit_record_many(
    *, actor: Actor, action: str, entries: Iterable[AuditEntry], as_of: dt.datetime | None = None
) -> list[AuditEvent]:
    """Append one chained row per entry, in order, with a single INSERT; same rules as :func:`audit_record`.

    Three statements whatever the number of entries: take a head (and the sequence numbers), insert,
    move the head. An entry's own ``action`` overrides the batch's.
    """
    _require_atomic()
    batch = list(entries)
    for name in {action, *(entry.action for entry in batch if entry.action is not None)}:
        if name not in AuditAction.values:
            raise ValueError(f"unknown audit action {name!r}")
    if not batch:
        return []
    at = as_of if as_of is not None else clock.now()
    key = chain_key()
    ip = _logged_ip(actor)
    details = [_clean_detail(entry.detail) for entry in batch]
    chain, prev_sequence, prev_hash, sequences = _take_chain(len(batch))
    events = []
    for entry, detail, sequence in zip(batch, details, sequences, strict=True):
        event = AuditEvent(
            sequence=sequence,
            at=at,
            actor_kind=actor.kind,
            actor_id=actor.ident[:64],
            actor_label=actor.label[:150],
            ip=ip,
            action=str(entry.action or action),
            subject_id=None if entry.subject_id is None else uuid.UUID(str(entry.subject_id)),
            target=entry.target[:200],
            detail=detail,
            prev_hash=prev_hash,
            chain=chain,
            prev_sequence=prev_sequence,
        )
        event.hash = prev_hash = event_hash(event, key=key)
        prev_sequence = sequence
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    ChainHead.objects.filter(id=chain).update(sequence=prev_sequence, hash=prev_hash)
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

    Only a prefix of the global order is removed (it stops at the first row at or after ``before``);
    the last removed row of each chain becomes the new :class:`ChainAnchor`'s ``chains`` entry (chains
    with nothing removed keep the previous anchor's), and the truncation is itself recorded as a
    ``destroy`` event naming that anchor and a digest of its entries, so the remaining chains still
    verify. Checkpoints older than ``before`` go too, except the newest.
    """
    with transaction.atomic():
        anchor = ChainAnchor.objects.select_for_update().order_by("-sequence").first()
        floor = anchor.sequence if anchor is not None else 0
        first_kept = (
            AuditEvent.objects.filter(sequence__gt=floor, at__gte=before)
            .order_by("sequence")
            .values_list("sequence", flat=True)
            .first()
        )
        doomed = AuditEvent.objects.filter(sequence__gt=floor)
        if first_kept is not None:
            doomed = doomed.filter(sequence__lt=first_kept)
        last_removed = doomed.order_by("-sequence").values_list("sequence", "hash").first()
        if last_removed is None:
            return 0
        cutoff, cutoff_hash = last_removed
        chains: dict[str, list[Any]] = dict(anchor.chains) if anchor is not None else {}
        last_of_chain = (
            AuditEvent.objects.filter(sequence__gt=floor, sequence__lte=cutoff)
            .values("chain")
            .annotate(last=models.Max("sequence"))
            .values_list("last", flat=True)
        )
        for sequence, chain, hash_ in AuditEvent.objects.filter(sequence__in=list(last_of_chain)).values_list(
            "sequence", "chain", "hash"
        ):
            chains[str(chain)] = [sequence, hash_]
        destroyed, _ = AuditEvent.objects.filter(sequence__lte=cutoff).delete()
        newest_checkpoint = AuditCheckpoint.objects.order_by("-id").values_list("id", flat=True).first()
        if newest_checkpoint is not None:
            AuditCheckpoint.objects.filter(at__lt=before).exclude(id=newest_checkpoint).delete()
        now = clock.now()
        ChainAnchor.objects.create(
            sequence=cutoff,
            hash=cutoff_hash,
            chains=chains,
            before=before,
            destroyed=destroyed,
            created_at=now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.DESTROY,
            target=TRUNCATION_TARGET,
            detail={
                "anchor_sequence": cutoff,
                "anchor_hash": cutoff_hash,
                "anchor_chains": anchor_chains_digest(chains),
                "destroyed": destroyed,
                "before": before.astimezone(dt.UTC).isoformat(),
            },
            as_of=now,
        )
    return destroyed


def audit_checkpoint(*, as_of: dt.datetime | None = None, force: bool = False) -> AuditCheckpoint | None:
    """Commit every chain head together in a signed checkpoint; ``None`` if nothing moved since the last.

    Run it every minute or so (``policybound audit checkpoint``; ``audit verify`` and the monthly review
    write one first): a chain rolled back behind the newest checkpoint, rows and head together, no
    longer verifies. Two run at once: one wins (``prev_signature`` is unique), the other returns ``None``.
    """
    heads = [list(head) for head in ChainHead.objects.order_by("id").values_list("id", "sequence", "hash")]
    last = AuditCheckpoint.objects.order_by("-id").first()
    if last is not None and last.heads == heads and not force:
        return None
    at = as_of if as_of is not None else clock.now()
    root = merkle_root(heads)
    prev_signature = last.signature if last is not None else GENESIS_HASH
    signature = checkpoint_signature(at=at, heads=heads, root=root, prev_signature=prev_signature)
    try:
        with transaction.atomic():
            return AuditCheckpoint.objects.create(
                at=at, heads=heads, root=root, prev_signature=prev_signature, signature=signature
            )
    except IntegrityError:
        return None
