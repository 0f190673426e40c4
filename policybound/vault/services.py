"""Envelope encryption: seal and unseal values under per-subject data keys, crypto-erase, rotate.

Each subject has one :class:`DataKey`: 32 random bytes, stored only wrapped by the master key. Values
are sealed under the data key with AES-256-GCM and an associated ``context`` naming where the value
belongs (``subject:<uuid>:email``), so a ciphertext copied to another field or subject does not open.
Destroying the data key erases every value sealed under it, in the database and in its backups.

Sealed value layout (compact, 29 bytes of overhead): ``0x01`` version, 12-byte nonce, ciphertext, tag.

Unwrapped data keys are cached per process in a small LRU (a form submission or a list page opens the
same key many times). The cache never decides whether a key is alive: :func:`unseal` checks the
DataKey row it is handed first, and :func:`data_keys_destroy` evicts what it destroys.

The archive keyring (``archive_*``) lives in :mod:`policybound.vault.archival` and is re-exported here.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connections, transaction

from policybound.lib import clock
from policybound.vault.aead import KEY_BYTES, aead_open, aead_seal
from policybound.vault.archival import (
    archive_data_key_create,
    archive_data_key_rewrap,
    archive_key_id,
    archive_seal,
    archive_unseal,
)
from policybound.vault.errors import DecryptionFailed, KeyDestroyed
from policybound.vault.keys import Keyring, derived_key, master_keyring
from policybound.vault.models import DataKey

__all__ = [
    "RotateResult",
    "archive_data_key_create",
    "archive_data_key_rewrap",
    "archive_key_id",
    "archive_seal",
    "archive_unseal",
    "blind_index",
    "data_key_cache_clear",
    "data_key_create",
    "data_keys_destroy",
    "keys_rotate",
    "seal",
    "unseal",
]

SEALED_V1 = 0x01
CACHE_SIZE = 4096
DESTROY_CHUNK = 500
BLIND_INDEX_INFO = b"policybound blind index v1"
BLIND_INDEX_HEX = 32


class _KeyCache:
    """A bounded, thread-safe LRU of unwrapped data keys, keyed by DataKey id."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._keys: OrderedDict[uuid.UUID, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key_id: uuid.UUID) -> bytes | None:
        with self._lock:
            secret = self._keys.get(key_id)
            if secret is not None:
                self._keys.move_to_end(key_id)
            return secret

    def put(self, key_id: uuid.UUID, secret: bytes) -> None:
        with self._lock:
            self._keys[key_id] = secret
            self._keys.move_to_end(key_id)
            while len(self._keys) > self._size:
                self._keys.popitem(last=False)

    def evict(self, key_ids: Iterable[uuid.UUID]) -> None:
        with self._lock:
            for key_id in key_ids:
                self._keys.pop(key_id, None)

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()

    def __contains__(self, key_id: object) -> bool:
        with self._lock:
            return key_id in self._keys


_cache = _KeyCache(CACHE_SIZE)


def data_key_cache_clear() -> None:
    _cache.clear()


def _unwrap(key: DataKey, ring: Keyring) -> bytes:
    master = ring.get(key.master_key_id)
    return aead_open(master.secret, bytes(key.wrapped_key), aad=DataKey.wrap_aad(key.id), what=f"DataKey {key.id}")


def _data_key(key: DataKey) -> bytes:
    if key.is_destroyed:
        raise KeyDestroyed(f"DataKey {key.id} was destroyed at {key.destroyed_at}: its values are erased")
    secret = _cache.get(key.id)
    if secret is None:
        secret = _unwrap(key, master_keyring())
        _cache.put(key.id, secret)
    return secret


def data_key_create() -> DataKey:
    """Create a fresh data key for one subject, wrapped under the current master key."""
    master = master_keyring().current
    key_id = uuid.uuid4()
    secret = os.urandom(KEY_BYTES)
    key = DataKey.objects.create(
        id=key_id,
        wrapped_key=aead_seal(master.secret, secret, aad=DataKey.wrap_aad(key_id)),
        master_key_id=master.id,
        created_at=clock.now(),
    )
    _cache.put(key.id, secret)
    return key


def seal(key: DataKey, plaintext: str, *, context: str) -> bytes:
    """Encrypt ``plaintext`` under ``key``; ``context`` (``subject:<uuid>:email``) must match to open."""
    sealed = aead_seal(_data_key(key), plaintext.encode("utf-8"), aad=context.encode("utf-8"))
    return bytes([SEALED_V1]) + sealed


def unseal(key: DataKey, ciphertext: bytes, *, context: str) -> str:
    """Decrypt what :func:`seal` made; raises :class:`KeyDestroyed` or :class:`DecryptionFailed`."""
    secret = _data_key(key)
    blob = bytes(ciphertext)
    if not blob or blob[0] != SEALED_V1:
        raise DecryptionFailed(f"{context}: unknown ciphertext version")
    plain = aead_open(secret, blob[1:], aad=context.encode("utf-8"), what=context)
    return plain.decode("utf-8")


def data_keys_destroy(ids: Iterable[uuid.UUID]) -> int:
    """Crypto-erase: empty the wrapped keys and stamp ``destroyed_at``; returns how many were live.

    The rows stay (the caller may delete them later); everything sealed under them is unreadable now.
    Call it inside the caller's transaction together with its audit row.
    """
    wanted = list(dict.fromkeys(ids))
    now = clock.now()
    destroyed = 0
    for start in range(0, len(wanted), DESTROY_CHUNK):
        chunk = wanted[start : start + DESTROY_CHUNK]
        destroyed += DataKey.objects.filter(id__in=chunk, destroyed_at__isnull=True).update(
            wrapped_key=b"", destroyed_at=now
        )
    _cache.evict(wanted)
    if transaction.get_connection().in_atomic_block:
        # A reader in another thread may have cached a key before this commits; evict again after.
        transaction.on_commit(lambda: _cache.evict(wanted))
    return destroyed


def blind_index(kind: str, normalized: str) -> str:
    """A keyed, deterministic digest of ``normalized`` for equality look-ups (32 hex characters).

    HMAC-SHA256 under a per-``kind`` key derived (HKDF) from the index key, which does not rotate with
    the master key, so indexes stay valid across rotations. The caller normalizes first (lower-cased
    e-mail, E.164 phone); the same value under two kinds gives unrelated digests.
    """
    key = derived_key(BLIND_INDEX_INFO + kind.encode("utf-8"))
    digest = hmac.new(key, normalized.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:BLIND_INDEX_HEX]


@dataclass(frozen=True)
class RotateResult:
    master_key_id: str
    rewrapped: int
    unreadable: int
    batches: int


def keys_rotate(*, batch_size: int = 500, on_batch: Callable[[int], None] | None = None) -> RotateResult:
    """Re-wrap every live data key not yet under the current master key, one transaction per batch.

    Reads keep working throughout: until a key is re-wrapped its old master key (in ``*_OLD``) still
    unwraps it. Rows are locked while re-wrapped so a concurrent destruction cannot be undone. Keys
    whose master key is not configured are counted as ``unreadable`` and left as they are.
    """
    from policybound.audit.actors import Actor
    from policybound.audit.services import audit_record

    ring = master_keyring()
    current = ring.current
    rewrapped = unreadable = batches = 0
    after: uuid.UUID | None = None
    while True:
        with transaction.atomic():
            query = DataKey.objects.filter(destroyed_at__isnull=True).exclude(master_key_id=current.id)
            if after is not None:
                query = query.filter(id__gt=after)
            if connections[query.db].features.has_select_for_update:
                query = query.select_for_update()
            batch = list(query.order_by("id")[:batch_size])
            if not batch:
                break
            after = batch[-1].id
            changed = []
            for key in batch:
                if key.master_key_id not in ring.keys:
                    unreadable += 1
                    continue
                secret = _unwrap(key, ring)
                key.wrapped_key = aead_seal(current.secret, secret, aad=DataKey.wrap_aad(key.id))
                key.master_key_id = current.id
                changed.append(key)
            if not changed:
                continue
            DataKey.objects.bulk_update(changed, ["wrapped_key", "master_key_id"])
            audit_record(
                actor=Actor.system("keys rotate"),
                action="rotate",
                target="vault:data_keys",
                detail={"rewrapped": len(changed), "master_key_id": current.id},
            )
        rewrapped += len(changed)
        batches += 1
        if on_batch is not None:
            on_batch(rewrapped)
    return RotateResult(master_key_id=current.id, rewrapped=rewrapped, unreadable=unreadable, batches=batches)
