"""Data keys: one per subject, wrapped by the master key, destroyed to crypto-erase the subject."""

from __future__ import annotations

import uuid

from django.db import models


class DataKey(models.Model):
    """A subject's 32-byte AES-256-GCM data key, stored only wrapped (AES-256-GCM) by a master key.

    Every encrypted value of the subject is sealed under this key. Destroying it (``wrapped_key``
    emptied, ``destroyed_at`` set) is the 파기 of the subject's data: the ciphertexts, including the
    copies in backups, can never be opened again. The wrap's associated data is this row's id, so a
    wrapped key copied onto another row does not open.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wrapped_key = models.BinaryField(help_text="nonce + AES-256-GCM(data key); empty once destroyed")
    master_key_id = models.CharField(max_length=16, db_index=True, help_text="which master key wrapped it")
    created_at = models.DateTimeField()
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "data key"

    def __str__(self) -> str:
        state = "destroyed" if self.destroyed_at is not None else f"wrapped by {self.master_key_id}"
        return f"DataKey {self.id} ({state})"

    @property
    def is_destroyed(self) -> bool:
        return self.destroyed_at is not None or not self.wrapped_key

    @staticmethod
    def wrap_aad(key_id: uuid.UUID) -> bytes:
        """The associated data of a wrap: the row's id, so a wrapped key copied onto another row fails."""
        return f"datakey:{key_id}".encode()


class KeyCheck(models.Model):
    """A key the database's data was written under, recorded by a keyed check value, never the key.

    ``check_value`` is HMAC-SHA256(key, ``policybound key check v1 <kind>``): it proves that a key
    offered at start-up is the one the data needs without letting anyone holding the database
    recompute or test guesses of the key (32 random bytes). ``current`` marks the key that wrapped new
    data last; start-up refuses a keyring that does not hold it (:mod:`policybound.vault.keycheck`).
    """

    kind = models.CharField(max_length=16, help_text="master, archive or index")
    key_id = models.CharField(max_length=16, help_text="first 8 hex of the key's SHA-256, as on DataKey rows")
    check_value = models.CharField(max_length=64, help_text="hex HMAC-SHA256 of a fixed text under the key")
    registered_at = models.DateTimeField()
    current = models.BooleanField(default=False)

    class Meta:
        verbose_name = "key check"
        constraints = [models.UniqueConstraint(fields=["kind", "key_id"], name="vault_keycheck_kind_key_id")]

    def __str__(self) -> str:
        return f"{self.kind} key {self.key_id}{' (current)' if self.current else ''}"
