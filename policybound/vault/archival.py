"""The archive keyring: sealing for the archive database, under its own master key.

Records kept only because a law says so live in the separate ``archive`` database; they are sealed
under the archive master key (``POLICYBOUND_ARCHIVE_MASTER_KEY``), never the live one, so a copy of
one database and its key does not open the other.

Two ways to seal, told apart by the version byte:

* ``0x11`` + 4-byte archive key id + nonce + ciphertext: sealed directly under the archive master key
  (``archive_seal(text, context=...)``);
* ``0x12`` + nonce + ciphertext: sealed under a per-record archive data key
  (``archive_seal(text, context=..., wrapped_key=...)``). The archive app keeps the wrapped key
  (``archive_data_key_create()``, layout ``0x21`` + key id + nonce + wrapped key) on the record;
  emptying that column crypto-erases the one record, backups included.

The vault keeps no table in the archive database: the archive app stores these bytes in its models.
"""

from __future__ import annotations

import os

from policybound.vault.aead import KEY_BYTES, aead_open, aead_seal
from policybound.vault.errors import DecryptionFailed, KeyDestroyed
from policybound.vault.keys import MasterKey, archive_keyring

SEALED_MASTER = 0x11
SEALED_RECORD = 0x12
WRAPPED_RECORD_KEY = 0x21
KEY_ID_BYTES = 4
WRAP_AAD = b"policybound archive data key v1"


def _header(version: int, key: MasterKey) -> bytes:
    return bytes([version]) + bytes.fromhex(key.id)


def _split(blob: bytes, version: int, what: str) -> tuple[MasterKey, bytes]:
    if len(blob) < 1 + KEY_ID_BYTES or blob[0] != version:
        raise DecryptionFailed(f"{what}: unknown archive ciphertext version")
    return archive_keyring().get(blob[1 : 1 + KEY_ID_BYTES].hex()), blob[1 + KEY_ID_BYTES :]


def archive_key_id(blob: bytes) -> str:
    """The archive master key id a sealed value or wrapped key was made under (for rotation)."""
    data = bytes(blob)
    if len(data) < 1 + KEY_ID_BYTES or data[0] not in (SEALED_MASTER, WRAPPED_RECORD_KEY):
        raise DecryptionFailed("not an archive blob that names its key")
    return data[1 : 1 + KEY_ID_BYTES].hex()


def archive_data_key_create() -> bytes:
    """A fresh per-record archive data key, returned wrapped under the current archive master key."""
    current = archive_keyring().current
    wrapped = aead_seal(current.secret, os.urandom(KEY_BYTES), aad=WRAP_AAD)
    return _header(WRAPPED_RECORD_KEY, current) + wrapped


def _record_key(wrapped_key: bytes) -> bytes:
    blob = bytes(wrapped_key)
    if not blob:
        raise KeyDestroyed("this archived record's data key was destroyed: the record is erased")
    master, wrapped = _split(blob, WRAPPED_RECORD_KEY, "archive data key")
    return aead_open(master.secret, wrapped, aad=WRAP_AAD, what="archive data key")


def archive_data_key_rewrap(wrapped_key: bytes) -> bytes:
    """Re-wrap a per-record key under the current archive master key (a no-op if it already is)."""
    blob = bytes(wrapped_key)
    current = archive_keyring().current
    if not blob or archive_key_id(blob) == current.id:
        return blob
    return _header(WRAPPED_RECORD_KEY, current) + aead_seal(current.secret, _record_key(blob), aad=WRAP_AAD)


def archive_seal(plaintext: str, *, context: str, wrapped_key: bytes | None = None) -> bytes:
    """Seal for the archive database: under ``wrapped_key``'s record key if given, else the archive key."""
    data, aad = plaintext.encode("utf-8"), context.encode("utf-8")
    if wrapped_key is not None:
        return bytes([SEALED_RECORD]) + aead_seal(_record_key(wrapped_key), data, aad=aad)
    current = archive_keyring().current
    return _header(SEALED_MASTER, current) + aead_seal(current.secret, data, aad=aad)


def archive_unseal(ciphertext: bytes, *, context: str, wrapped_key: bytes | None = None) -> str:
    """Open what :func:`archive_seal` made, with the same ``context`` (and ``wrapped_key``, if used)."""
    blob, aad = bytes(ciphertext), context.encode("utf-8")
    if blob[:1] == bytes([SEALED_RECORD]):
        if wrapped_key is None:
            raise DecryptionFailed(f"{context}: sealed under a record key, but no wrapped_key was given")
        return aead_open(_record_key(wrapped_key), blob[1:], aad=aad, what=context).decode("utf-8")
    master, sealed = _split(blob, SEALED_MASTER, context)
    return aead_open(master.secret, sealed, aad=aad, what=context).decode("utf-8")
