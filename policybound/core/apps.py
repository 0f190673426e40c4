from __future__ import annotations

from pathlib import Path

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "policybound.core"
    label = "core"

    def ready(self) -> None:
        """Every process (web, worker, command) makes the data directory private before it touches it,
        and the deploy checks are registered."""
        from django.conf import settings

        from policybound.core import checks  # noqa: F401  (registers the deploy checks)
        from policybound.lib.datadir import data_dir_secure, umask_private

        umask_private()
        data_dir_secure(Path(settings.DATA_DIR))
