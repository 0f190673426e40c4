"""The chain's arithmetic: a row's canonical form and its keyed hash.

``hash = HMAC-SHA256(chain key, canonical JSON of the row's fields including prev_hash)``. The canonical
JSON has sorted keys, no spaces, UTF-8, ``at`` in UTC ISO 8601 with microseconds, the subject id as
text. The chain key is derived (HKDF, info ``policybound audit chain v1``) from the vault's index key,
not the master key: the master key rotates and the chain must still verify afterwards; and it is not
in the database, so whoever can edit the table cannot recompute the hashes.

The row's ``chain`` and ``prev_sequence`` are not hashed (rows written before there were several chains
verify unchanged): moving a row to another chain breaks ``prev_hash`` in both, and ``prev_sequence`` is
checked against the chain's previous row. A checkpoint's ``root`` is a Merkle tree (RFC 6962 style:
``0x00`` before a leaf, ``0x01`` before two children) over the heads ``[chain, sequence, hash]``, and its
signature an HMAC with a second derived key (info ``policybound audit checkpoint v1``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from policybound.audit.models import AuditEvent
from policybound.vault.keys import derived_key

CHAIN_KEY_INFO = b"policybound audit chain v1"
CHECKPOINT_KEY_INFO = b"policybound audit checkpoint v1"
# The columns audit_verify reads, in this order (``row_hash`` takes a tuple of them).
ROW_FIELDS = (
    "sequence",
    "at",
    "actor_kind",
    "actor_id",
    "actor_label",
    "ip",
    "action",
    "subject_id",
    "target",
    "detail",
    "prev_hash",
    "hash",
    "chain",
    "prev_sequence",
)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def event_payload(event: AuditEvent) -> bytes:
    fields = {
        "sequence": event.sequence,
        "at": _utc(event.at),
        "actor_kind": event.actor_kind,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "ip": event.ip,
        "action": event.action,
        "subject_id": None if event.subject_id is None else str(event.subject_id),
        "target": event.target,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
    }
    return canonical_json(fields).encode("utf-8")


def event_hash(event: AuditEvent, *, key: bytes | None = None) -> str:
    chain_key = derived_key(CHAIN_KEY_INFO) if key is None else key
    return hmac.new(chain_key, event_payload(event), hashlib.sha256).hexdigest()


def chain_key() -> bytes:
    return derived_key(CHAIN_KEY_INFO)


def row_hash(row: tuple[Any, ...], key: bytes) -> str:
    """:func:`event_hash` of a row read as a tuple of :data:`ROW_FIELDS`, without building a model."""
    sequence, at, actor_kind, actor_id, actor_label, ip, action, subject_id, target, detail, prev_hash = row[
        :11
    ]
    fields = {
        "sequence": sequence,
        "at": _utc(at),
        "actor_kind": actor_kind,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "ip": ip,
        "action": action,
        "subject_id": None if subject_id is None else str(subject_id),
        "target": target,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    return hmac.new(key, canonical_json(fields).encode("utf-8"), hashlib.sha256).hexdigest()


def merkle_root(leaves: list[list[Any]]) -> str:
    """The Merkle root over canonical JSON leaves (RFC 6962 hashing; the empty tree is SHA-256 of b"")."""
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    level = [hashlib.sha256(b"\x00" + canonical_json(leaf).encode("utf-8")).digest() for leaf in leaves]
    while len(level) > 1:
        paired = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()


def checkpoint_signature(*, at: dt.datetime, heads: list[list[Any]], root: str, prev_signature: str) -> str:
    """The HMAC that makes a checkpoint unforgeable by whoever can edit the table."""
    body = canonical_json({"at": _utc(at), "heads": heads, "root": root, "prev_signature": prev_signature})
    return hmac.new(derived_key(CHECKPOINT_KEY_INFO), body.encode("utf-8"), hashlib.sha256).hexdigest()
