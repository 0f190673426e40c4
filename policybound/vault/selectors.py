"""Reads about data keys (never their secrets): how many are live, under which master key."""

from __future__ import annotations

from django.db.models import Count

from policybound.vault.models import DataKey


def data_keys_by_master_key() -> dict[str, int]:
    """Live data keys per master key id: when an old id reaches 0 its key may leave ``*_OLD``."""
    rows = (
        DataKey.objects.filter(destroyed_at__isnull=True)
        .values("master_key_id")
        .annotate(count=Count("id"))
        .order_by("master_key_id")
    )
    return {row["master_key_id"]: row["count"] for row in rows}


def data_keys_destroyed_count() -> int:
    return DataKey.objects.filter(destroyed_at__isnull=False).count()
