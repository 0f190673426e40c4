"""The vault's secrets: the master keyring, the archive keyring and the index key.

Three independent secrets, each 32 random bytes written as base64url (``policybound keys generate``):

* the **master key** (``POLICYBOUND_MASTER_KEY``) wraps every subject's data key. Older master keys
  (``POLICYBOUND_MASTER_KEY_OLD``, comma-separated) still unwrap while ``policybound keys rotate``
  re-wraps everything under the current one, so reads never stop during a rotation;
* the **archive master key** (``POLICYBOUND_ARCHIVE_MASTER_KEY`` / ``_OLD``) protects the archive
  database, so a copy of one database and its key does not open the other;
* the **index key** (``POLICYBOUND_INDEX_KEY``) keys blind indexes and the audit chain. It does not
  rotate with the master key: a blind index computed today must still find the row written last year,
  and last year's audit rows must still verify.

Each may also come from a file (``*_FILE``, handled by settings). When one is not set it is generated
once into ``DATA_DIR`` (``master.key``, ``archive.key``, ``index.key``, mode 0600) with a WARNING:
those files must be backed up, apart from the database backups, since without them every encrypted
value is gone. Production sets all three (the ``vault.W001`` system check says so).

Keys are read from settings on first use, never at import, and cached for the process; a change of the
settings (tests) clears the cache.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from policybound.lib.secrets import data_dir_secret
from policybound.vault.aead import KEY_BYTES
from policybound.vault.errors import UnknownMasterKey

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeySource:
    """Where one secret comes from: its setting, its older keys' setting, its embedded-mode file."""

    setting: str
    old_setting: str | None
    filename: str
    label: str


MASTER = KeySource("POLICYBOUND_MASTER_KEY", "POLICYBOUND_MASTER_KEY_OLD", "master.key", "master key")
ARCHIVE = KeySource(
    "POLICYBOUND_ARCHIVE_MASTER_KEY",
    "POLICYBOUND_ARCHIVE_MASTER_KEY_OLD",
    "archive.key",
    "archive master key",
)
INDEX = KeySource("POLICYBOUND_INDEX_KEY", None, "index.key", "index key")
SOURCES = (MASTER, ARCHIVE, INDEX)


def key_id(secret: bytes) -> str:
    """First 8 hex digits of the key's SHA-256: names a key in rows and messages without revealing it."""
    return hashlib.sha256(secret).hexdigest()[:8]


@dataclass(frozen=True)
class MasterKey:
    id: str
    secret: bytes = field(repr=False)

    @classmethod
    def of(cls, secret: bytes) -> MasterKey:
        return cls(id=key_id(secret), secret=secret)


@dataclass(frozen=True)
class Keyring:
    """The current key (which wraps everything new) and every key that may still unwrap."""

    label: str
    current: MasterKey
    keys: Mapping[str, MasterKey] = field(repr=False)

    def get(self, wanted: str) -> MasterKey:
        try:
            return self.keys[wanted]
        except KeyError:
            raise UnknownMasterKey(
                f"this was wrapped under {self.label} {wanted}, which is not configured "
                f"(configured: {', '.join(sorted(self.keys))})"
            ) from None


def decode_key(text: str, *, where: str) -> bytes:
    """Decode one base64url key (padding optional); ``where`` names its origin, never its value."""
    cleaned = text.strip()
    try:
        raw = base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{where} is not base64url") from None
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(f"{where} must decode to {KEY_BYTES} bytes, not {len(raw)}")
    return raw


def encode_key(secret: bytes) -> str:
    return base64.urlsafe_b64encode(secret).decode("ascii").rstrip("=")


def _configured(source: KeySource) -> str | None:
    value: Any = getattr(settings, source.setting, None)
    return value if isinstance(value, str) and value.strip() else None


def _old_keys(source: KeySource) -> list[bytes]:
    if source.old_setting is None:
        return []
    value: Any = getattr(settings, source.old_setting, None)
    if not value:
        return []
    parts = value.split(",") if isinstance(value, str) else list(value)
    return [
        decode_key(part, where=f"{source.old_setting} (key {number})")
        for number, part in enumerate(parts, start=1)
        if part.strip()
    ]


def _embedded(source: KeySource) -> bytes:
    data_dir = Path(settings.DATA_DIR)
    path = data_dir / source.filename
    created = not path.exists()
    text = data_dir_secret(data_dir, source.filename, nbytes=KEY_BYTES)
    if created:
        logger.warning(
            "%s is not set: generated a new %s in %s. Back this file up now, apart from the database "
            "backups: without it every value it protects is lost. In production set %s instead.",
            source.setting,
            source.label,
            path,
            source.setting,
        )
    return decode_key(text, where=str(path))


def _current(source: KeySource) -> bytes:
    text = _configured(source)
    return decode_key(text, where=source.setting) if text is not None else _embedded(source)


_lock = threading.Lock()
_keyrings: dict[str, Keyring] = {}
_secrets: dict[str, bytes] = {}
_derived: dict[bytes, bytes] = {}


def _keyring(source: KeySource) -> Keyring:
    with _lock:
        ring = _keyrings.get(source.setting)
        if ring is None:
            current = MasterKey.of(_current(source))
            keys = {key.id: key for key in map(MasterKey.of, _old_keys(source))}
            keys[current.id] = current
            ring = _keyrings[source.setting] = Keyring(label=source.label, current=current, keys=keys)
        return ring


def master_keyring() -> Keyring:
    return _keyring(MASTER)


def archive_keyring() -> Keyring:
    return _keyring(ARCHIVE)


def index_key() -> bytes:
    with _lock:
        secret = _secrets.get(INDEX.setting)
        if secret is None:
            secret = _secrets[INDEX.setting] = _current(INDEX)
        return secret


def derived_key(info: bytes) -> bytes:
    """A 32-byte key derived (HKDF-SHA256) from the index key for one purpose named by ``info``."""
    secret = index_key()
    with _lock:
        derived = _derived.get(info)
        if derived is None:
            hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info)
            derived = _derived[info] = hkdf.derive(secret)
        return derived


def vault_keys_ensure() -> None:
    """Load (in embedded mode: create) every key now, so a misconfiguration stops start-up."""
    master_keyring()
    archive_keyring()
    index_key()


def keys_reset() -> None:
    """Forget every cached key (after the settings change; tests)."""
    with _lock:
        _keyrings.clear()
        _secrets.clear()
        _derived.clear()


def is_key_setting(name: str) -> bool:
    return name == "DATA_DIR" or any(name in (source.setting, source.old_setting) for source in SOURCES)
