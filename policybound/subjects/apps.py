from __future__ import annotations

from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "policybound.subjects"
    label = "subjects"
