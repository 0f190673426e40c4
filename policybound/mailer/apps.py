from __future__ import annotations

from django.apps import AppConfig


class MailerConfig(AppConfig):
    name = "policybound.mailer"
    label = "mailer"

    def ready(self) -> None:
        from policybound.mailer import checks  # noqa: F401  (registers the system checks)
