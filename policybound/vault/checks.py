"""System checks: production must set its keys rather than rely on files generated beside the data.

Several web processes on several machines must share one master key; a key generated into one
machine's ``DATA_DIR`` would leave the others unable to open what it sealed (they would fail loudly
with ``UnknownMasterKey``). Embedded mode (SQLite) generates them on purpose, so only PostgreSQL warns.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

from policybound.vault.keys import SOURCES


@register(Tags.security, deploy=True)
def check_keys_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        return []
    return [
        Warning(
            f"{source.setting} is not set: the {source.label} is generated into DATA_DIR/{source.filename}.",
            hint=f"Generate one with `policybound keys generate` and set {source.setting} "
            f"(or {source.setting}_FILE) for every process.",
            id="vault.W001",
        )
        for source in SOURCES
        if not getattr(settings, source.setting, None)
    ]
