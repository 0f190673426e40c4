from __future__ import annotations

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "policybound.incidents"
    label = "incidents"
    verbose_name = "Breaches and business transfers"
