"""Reading the audit log: listing rows, and proving the chain unbroken.

:func:`audit_verify` walks the chain in sequence order, in batches, from the :class:`ChainAnchor` (or
the beginning) to the :class:`ChainHead`, and reports the first row that is missing, altered or out of
place. What it cannot see by itself: removal of the newest rows together with a rewritten head. Record
the head it prints (``policybound audit verify``) in the monthly access-log review, outside the
database, and compare.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from policybound.audit.chain import chain_key, event_hash
from policybound.audit.models import GENESIS_HASH, AuditAction, AuditEvent, ChainAnchor, ChainHead

TRUNCATION_TARGET = "audit:chain"


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_sequence: int | None
    reason: str
    last_sequence: int | None = None
    last_hash: str = ""


def _vouches_for(event: AuditEvent, anchor: ChainAnchor) -> bool:
    detail: Any = event.detail
    return (
        event.action == AuditAction.DESTROY
        and event.target == TRUNCATION_TARGET
        and isinstance(detail, dict)
        and detail.get("anchor_sequence") == anchor.sequence
        and detail.get("anchor_hash") == anchor.hash
    )


def _bad(checked: int, sequence: int | None, reason: str) -> VerifyResult:
    return VerifyResult(ok=False, checked=checked, first_bad_sequence=sequence, reason=reason)


def audit_verify(*, batch_size: int = 5000) -> VerifyResult:
    """Check every row from the anchor to the head: present, unaltered, in order, and the anchor vouched for."""
    head = ChainHead.objects.filter(pk=1).first()
    anchor = ChainAnchor.objects.order_by("-sequence").first()
    key = chain_key()
    expected_sequence = anchor.sequence + 1 if anchor is not None else 1
    expected_prev = anchor.hash if anchor is not None else GENESIS_HASH
    vouched = anchor is None
    checked = 0
    rows = AuditEvent.objects.filter(sequence__gte=expected_sequence).order_by("sequence")
    if head is not None:
        rows = rows.filter(sequence__lte=head.sequence)
    while True:
        batch = list(rows.filter(sequence__gte=expected_sequence)[:batch_size])
        for event in batch:
            sequence = event.sequence
            if sequence != expected_sequence:
                return _bad(checked, expected_sequence, f"row {expected_sequence} is missing")
            if event_hash(event, key=key) != event.hash:
                return _bad(checked, sequence, f"row {sequence} was altered: its hash does not match it")
            if event.prev_hash != expected_prev:
                return _bad(
                    checked,
                    sequence,
                    f"row {sequence} does not follow row {sequence - 1}: rows were removed or reordered",
                )
            if anchor is not None and not vouched:
                vouched = _vouches_for(event, anchor)
            checked += 1
            expected_sequence, expected_prev = sequence + 1, event.hash
        if len(batch) < batch_size:
            break
    last_sequence = expected_sequence - 1
    if head is None:
        if checked:
            return _bad(checked, None, "the chain head row is missing")
    elif head.sequence > last_sequence:
        return _bad(checked, last_sequence + 1, f"rows {last_sequence + 1} to {head.sequence} are missing")
    elif head.hash != expected_prev:
        return _bad(checked, head.sequence, f"the chain head does not match row {head.sequence}")
    if not vouched and anchor is not None:
        return _bad(
            checked,
            anchor.sequence,
            f"rows up to {anchor.sequence} were removed without a recorded truncation event",
        )
    return VerifyResult(
        ok=True,
        checked=checked,
        first_bad_sequence=None,
        reason="ok",
        last_sequence=last_sequence if last_sequence > 0 else None,
        last_hash=expected_prev if checked or anchor is not None else "",
    )


def audit_events(
    *,
    subject_id: uuid.UUID | None = None,
    actor_kind: str | None = None,
    actor_id: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Rows matching every given filter, newest first (for the console's access-log review)."""
    rows = AuditEvent.objects.all()
    if subject_id is not None:
        rows = rows.filter(subject_id=subject_id)
    if actor_kind is not None:
        rows = rows.filter(actor_kind=actor_kind)
    if actor_id is not None:
        rows = rows.filter(actor_id=actor_id)
    if action is not None:
        rows = rows.filter(action=action)
    if since is not None:
        rows = rows.filter(at__gte=since)
    if until is not None:
        rows = rows.filter(at__lt=until)
    return rows.order_by("-sequence")


def audit_chain_head() -> tuple[int, str]:
    """The last sequence and hash (``0`` and the genesis hash before the first row)."""
    head = ChainHead.objects.filter(pk=1).first()
    return (head.sequence, head.hash) if head is not None else (0, GENESIS_HASH)
