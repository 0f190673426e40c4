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
