"""The chain's arithmetic: a row's canonical form and its keyed hash.

``hash = HMAC-SHA256(chain key, canonical JSON of the row's fields including prev_hash)``. The canonical
JSON has sorted keys, no spaces, UTF-8, ``at`` in UTC ISO 8601 with microseconds, the subject id as
text. The chain key is derived (HKDF, info ``policybound audit chain v1``) from the vault's index key,
not the master key: the master key rotates and the chain must still verify afterwards; and it is not
in the database, so whoever can edit the table cannot recompute the hashes.
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
