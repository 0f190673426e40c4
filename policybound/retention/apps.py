from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _secure_delete(*, connection: Any, **kwargs: Any) -> None:
    """SQLite keeps deleted rows' bytes in free pages unless told to overwrite them with zeros.

    Destruction must leave nothing readable in the database file (PIPA 21, 시행령 16: irrecoverable),
    so every SQLite connection overwrites what it deletes or updates. PostgreSQL keeps dead tuples
    until VACUUM reuses their space; there crypto-erase (the data key is destroyed) is what makes the
    leftover ciphertext unreadable.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


class RetentionConfig(AppConfig):
    name = "policybound.retention"
    label = "retention"

    def ready(self) -> None:
        connection_created.connect(_secure_delete, dispatch_uid="policybound.retention.secure_delete")
        from policybound.retention import checks  # noqa: F401  (registers the deploy checks)
