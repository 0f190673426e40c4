"""Reading the audit log: listing rows, and proving the chains unbroken.

:func:`audit_verify` reads the rows in global sequence order as plain tuples (no model objects), in
keyset-paged batches, from the :class:`ChainAnchor` (or the beginning) up to each chain's
:class:`ChainHead`, and reports the first row that is missing, altered or out of place in its chain. It
then checks the signed :class:`AuditCheckpoint` series: every signature and link, no chain going
backwards, and the newest checkpoint's heads still present. What it cannot see by itself: rows and head
of a chain rolled back together *after* the newest checkpoint (seconds, if checkpoints run each minute),
or the newest checkpoints deleted together with that; the monthly review records the checkpoint it
verified, outside the rows it checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from policybound.audit.chain import (
    ROW_FIELDS,
    canonical_json,
    chain_key,
    checkpoint_signature,
    merkle_root,
    row_hash,
)
from policybound.audit.models import (
    GENESIS_HASH,
    AuditAction,
    AuditCheckpoint,
    AuditEvent,
    ChainAnchor,
    ChainHead,
)

TRUNCATION_TARGET = "audit:chain"


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_sequence: int | None
    reason: str
    last_sequence: int | None = None
    last_hash: str = ""
    checkpoint_id: int | None = None
    checkpoint_root: str = ""
    chains: dict[int, tuple[int, str]] = field(default_factory=dict)


def anchor_chains_digest(chains: dict[str, list[Any]]) -> str:
    """The digest of a truncation anchor's per-chain entries that its ``destroy`` event carries."""
    return hashlib.sha256(canonical_json(chains).encode("utf-8")).hexdigest()


def _vouches_for(action: str, target: str, detail: Any, anchor: ChainAnchor) -> bool:
    return (
        action == AuditAction.DESTROY
        and target == TRUNCATION_TARGET
        and isinstance(detail, dict)
        and detail.get("anchor_sequence") == anchor.sequence
        and detail.get("anchor_hash") == anchor.hash
        and detail.get("anchor_chains", anchor_chains_digest(anchor.chains))
        == anchor_chains_digest(anchor.chains)
    )


def _bad(checked: int, sequence: int | None, reason: str) -> VerifyResult:
    return VerifyResult(ok=False, checked=checked, first_bad_sequence=sequence, reason=reason)


def _start_of_chains(anchor: ChainAnchor | None) -> dict[int, tuple[int, str]]:
    if anchor is None:
        return {}
    if not anchor.chains:  # written before there were several chains: the one chain was chain 1
        return {1: (anchor.sequence, anchor.hash)}
    return {int(chain): (int(entry[0]), str(entry[1])) for chain, entry in anchor.chains.items()}


def audit_verify(*, batch_size: int = 5000) -> VerifyResult:
    """Check every row from the anchor to the heads, the anchor vouched for, and the checkpoints."""
    heads = {
        chain: (sequence, hash_)
        for chain, sequence, hash_ in ChainHead.objects.values_list("id", "sequence", "hash")
    }
    anchor = ChainAnchor.objects.order_by("-sequence").first()
    key = chain_key()
    floor = anchor.sequence if anchor is not None else 0
    last = _start_of_chains(anchor)
    genesis = (0, GENESIS_HASH)
    vouched = anchor is None
    checked = 0
    top = max((sequence for sequence, _ in heads.values()), default=0)
    if not heads:  # no head at all: read every row, so that rows without a head are reported
        top = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    cursor = floor
    rows = AuditEvent.objects.order_by("sequence").values_list(*ROW_FIELDS)
    while cursor < top:
        batch = list(rows.filter(sequence__gt=cursor, sequence__lte=top)[:batch_size])
        for row in batch:
            sequence, chain, prev_sequence, prev_hash, hash_ = row[0], row[12], row[13], row[10], row[11]
            head = heads.get(chain)
            if head is not None and sequence > head[0]:
                continue  # committed after the heads were read
            if row_hash(row, key) != hash_:
                return _bad(checked, sequence, f"row {sequence} was altered: its hash does not match it")
            expected_sequence, expected_hash = last.get(chain, genesis)
            if prev_hash != expected_hash or prev_sequence != expected_sequence:
                if prev_sequence > expected_sequence:
                    reason = (
                        f"row {prev_sequence} is missing (chain {chain} jumps from row {expected_sequence})"
                    )
                else:
                    reason = f"row {sequence} does not follow row {expected_sequence} of chain {chain}: rows were removed or reordered"
                return _bad(checked, expected_sequence + 1, reason)
            if not vouched and anchor is not None:
                vouched = _vouches_for(row[6], row[8], row[9], anchor)
            checked += 1
            last[chain] = (sequence, hash_)
        if len(batch) < batch_size:
            break
        cursor = batch[-1][0]
    for chain, (sequence, hash_) in sorted(heads.items()):
        seen_sequence, seen_hash = last.get(chain, genesis)
        if sequence > seen_sequence:
            return _bad(
                checked,
                seen_sequence + 1,
                f"rows {seen_sequence + 1} to {sequence} of chain {chain} are missing",
            )
        if (sequence, hash_) != (seen_sequence, seen_hash):
            return _bad(checked, sequence, f"the head of chain {chain} does not match row {sequence}")
    headless = (
        AuditEvent.objects.filter(sequence__gt=floor)
        .exclude(chain__in=list(heads))
        .values_list("chain", flat=True)
        .first()
    )
    if headless is not None:
        return _bad(checked, None, f"the head row of chain {headless} is missing")
    if not vouched and anchor is not None:
        return _bad(
            checked,
            anchor.sequence,
            f"rows up to {anchor.sequence} were removed without a recorded truncation event",
        )
    problem, checkpoint = _verify_checkpoints(heads, floor=_start_of_chains(anchor))
    if problem:
        return _bad(checked, None, problem)
    newest = max(last.items(), key=lambda item: item[1][0], default=None)
    return VerifyResult(
        ok=True,
        checked=checked,
        first_bad_sequence=None,
        reason="ok",
        last_sequence=newest[1][0] if newest is not None and newest[1][0] > 0 else None,
        last_hash=newest[1][1] if newest is not None else "",
        checkpoint_id=checkpoint.pk if checkpoint is not None else None,
        checkpoint_root=checkpoint.root if checkpoint is not None else "",
        chains=dict(last),
    )


def _verify_checkpoints(
    heads: dict[int, tuple[int, str]], *, floor: dict[int, tuple[int, str]]
) -> tuple[str, AuditCheckpoint | None]:
    """The first problem with the checkpoint series ("" if none), and the newest checkpoint."""
    prev_signature: str | None = None
    reached: dict[int, int] = {}
    newest: AuditCheckpoint | None = None
    for checkpoint in AuditCheckpoint.objects.order_by("id").iterator(chunk_size=1000):
        heads_list = checkpoint.heads
        expected = checkpoint_signature(
            at=checkpoint.at, heads=heads_list, root=checkpoint.root, prev_signature=checkpoint.prev_signature
        )
        if (
            not hmac.compare_digest(expected, checkpoint.signature)
            or merkle_root(heads_list) != checkpoint.root
        ):
            return f"checkpoint {checkpoint.pk} was altered: its signature does not match it", None
        if prev_signature is not None and checkpoint.prev_signature != prev_signature:
            return (
                f"checkpoint {checkpoint.pk} does not follow the one before it: checkpoints were removed",
                None,
            )
        for chain, sequence, _hash in heads_list:
            if sequence < reached.get(chain, 0):
                return f"chain {chain} went backwards at checkpoint {checkpoint.pk}", None
            reached[chain] = sequence
        prev_signature, newest = checkpoint.signature, checkpoint
    if newest is None:
        return "", None
    wanted = {
        int(sequence): (int(chain), str(hash_))
        for chain, sequence, hash_ in newest.heads
        if sequence > floor.get(int(chain), (0, ""))[0]
    }
    found = {
        sequence: (chain, hash_)
        for sequence, chain, hash_ in AuditEvent.objects.filter(sequence__in=list(wanted)).values_list(
            "sequence", "chain", "hash"
        )
    }
    for sequence, (chain, hash_) in sorted(wanted.items()):
        if found.get(sequence) != (chain, hash_) or heads.get(chain, (0, ""))[0] < sequence:
            return (
                f"chain {chain} was rolled back behind checkpoint {newest.pk}: its row {sequence} is gone",
                None,
            )
    return "", newest


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
    """The newest row's sequence and hash over all chains (``0`` and the genesis hash before the first)."""
    head = ChainHead.objects.order_by("-sequence").values_list("sequence", "hash").first()
    return (head[0], head[1]) if head is not None and head[0] > 0 else (0, GENESIS_HASH)
