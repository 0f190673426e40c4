from __future__ import annotations

from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "policybound.console"
    label = "console"

    def ready(self) -> None:
        from policybound.console import checks  # noqa: F401  (registers the system checks)
