from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core.signals import setting_changed


def _forget_keys(*, setting: str, **kwargs: Any) -> None:
    from policybound.vault.keys import is_key_setting, keys_reset
    from policybound.vault.services import data_key_cache_clear

    if is_key_setting(setting):
        keys_reset()
        data_key_cache_clear()


class VaultConfig(AppConfig):
    name = "policybound.vault"
    label = "vault"

    def ready(self) -> None:
        from policybound.vault import checks  # noqa: F401  (registers the system checks)

        setting_changed.connect(_forget_keys, dispatch_uid="policybound.vault.forget_keys")
