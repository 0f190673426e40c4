from __future__ import annotations

from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "policybound.rights"
    label = "rights"
    verbose_name = "data-subject rights"
