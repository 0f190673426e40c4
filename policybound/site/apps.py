from __future__ import annotations

from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "policybound.site"
    label = "site"
