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

Each may also come from a file (``*_FILE``, handled by settings). When one is not set it is read from
``DATA_DIR`` (``master.key``, ``archive.key``, ``index.key``, mode 0600), and generated there with a
WARNING only on a first start with an empty database: those files must be backed up, apart from the
database backups, since without them every encrypted value is gone. Production sets all three (the
``vault.W001`` system check says so).

Keys are read from settings on first use, never at import, checked against what the database records
(:mod:`policybound.vault.keycheck`: a missing or wrong key raises ``KeysRefused`` naming the key id the
data needs, so every entry point that loads keys refuses to run), and cached for the process; a change
of the settings (tests) clears the cache.
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
from policybound.vault.keycheck import Offered, key_generation_allowed, key_generation_check, keyring_check

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeySource:
    """Where one secret comes from: its setting, its older keys' setting, its embedded-mode file."""

    setting: str
    old_setting: str | None
    filename: str
    label: str
    kind: str  # as recorded in vault.KeyCheck


MASTER = KeySource("POLICYBOUND_MASTER_KEY", "POLICYBOUND_MASTER_KEY_OLD", "master.key", "master key", "master")
ARCHIVE = KeySource(
    "POLICYBOUND_ARCHIVE_MASTER_KEY",
    "POLICYBOUND_ARCHIVE_MASTER_KEY_OLD",
    "archive.key",
    "archive master key",
    "archive",
)
INDEX = KeySource("POLICYBOUND_INDEX_KEY", None, "index.key", "index key", "index")
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


def _generate(source: KeySource, path: Path) -> str:
    text = data_dir_secret(path.parent, source.filename, nbytes=KEY_BYTES)
    logger.warning(
        "%s is not set: generated a new %s in %s. Back this file up now, apart from the database "
        "backups: without it every value it protects is lost. In production set %s instead.",
        source.setting,
        source.label,
        path,
        source.setting,
    )
    return text


def _embedded(source: KeySource) -> bytes:
    """The key in ``DATA_DIR``; generated only on a first start (refused otherwise, naming the key).

    A first start generates every key left to a file at once, not only the one asked for: a process
    that imports people before the first ``serve`` must not leave the archive key to a later start,
    when the database already holds data keys and a missing key file means a lost key.
    """
    data_dir = Path(settings.DATA_DIR)
    path = data_dir / source.filename
    if path.exists():
        return decode_key(path.read_text(encoding="ascii"), where=str(path))
    key_generation_check(kind=source.kind, label=source.label, setting=source.setting, path=path)
    text = _generate(source, path)
    for other in SOURCES:
        other_path = data_dir / other.filename
        unset = other is not source and _configured(other) is None and not other_path.exists()
        if unset and key_generation_allowed(other.kind):
            _generate(other, other_path)
    return decode_key(text, where=str(path))


def _current(source: KeySource) -> tuple[bytes, str]:
    """The current key and where it came from (a setting's name or a file's path, never the value)."""
    text = _configured(source)
    if text is not None:
        return decode_key(text, where=source.setting), source.setting
    return _embedded(source), str(Path(settings.DATA_DIR) / source.filename)


_lock = threading.Lock()
_keyrings: dict[str, Keyring] = {}
_derived: dict[bytes, bytes] = {}


def _load(source: KeySource) -> Keyring:
    """Read the keyring and check it against the database (:mod:`policybound.vault.keycheck`).

    Done outside ``_lock``: the check reads and writes the database, and a thread holding a database
    lock must never wait here for a thread that waits for that database lock.
    """
    secret, origin = _current(source)
    current = MasterKey.of(secret)
    keys = {key.id: key for key in map(MasterKey.of, _old_keys(source))}
    keys[current.id] = current
    keyring_check(
        Offered(
            kind=source.kind,
            label=source.label,
            current_id=current.id,
            secrets={key.id: key.secret for key in keys.values()},
            origin=origin,
            setting=source.setting,
            old_setting=source.old_setting,
        )
    )
    return Keyring(label=source.label, current=current, keys=keys)


def _keyring(source: KeySource) -> Keyring:
    with _lock:
        ring = _keyrings.get(source.setting)
    if ring is None:
        loaded = _load(source)
        with _lock:
            ring = _keyrings.setdefault(source.setting, loaded)
    return ring


def master_keyring() -> Keyring:
    return _keyring(MASTER)


def archive_keyring() -> Keyring:
    return _keyring(ARCHIVE)


def index_key() -> bytes:
    """The index key (it never rotates: its keyring holds it alone)."""
    return _keyring(INDEX).current.secret


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
    """Load and check every key now (on a first start: create), so wrong or missing keys stop start-up.

    Raises :class:`~policybound.vault.errors.KeysRefused` naming the key id the data needs.
    """
    master_keyring()
    archive_keyring()
    index_key()


def keys_reset() -> None:
    """Forget every cached key (after the settings change; tests)."""
    with _lock:
        _keyrings.clear()
        _derived.clear()


def is_key_setting(name: str) -> bool:
    return name == "DATA_DIR" or any(name in (source.setting, source.old_setting) for source in SOURCES)
