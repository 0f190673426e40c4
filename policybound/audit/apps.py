from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _heads_after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Create the chains' heads once, outside any writer's transaction (see ``audit_chains_ensure``)."""
    if using != "default":
        return
    from policybound.audit.services import audit_chains_ensure

    audit_chains_ensure()


class AuditConfig(AppConfig):
    name = "policybound.audit"
    label = "audit"

    def ready(self) -> None:
        post_migrate.connect(_heads_after_migrate, sender=self)
