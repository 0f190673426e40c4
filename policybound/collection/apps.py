from __future__ import annotations

from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "policybound.collection"
    label = "collection"
