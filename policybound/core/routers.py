"""Keep the archive (the policy's "별도 DB") apart from live processing.

Records kept only because a law says so live in the ``archive`` database, under their own key and
credentials, and nowhere else; every other model lives in ``default`` only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

ARCHIVE_APP = "archive"
ARCHIVE_DB = "archive"


def _database_for(model: type[Model] | Model) -> str:
    # ``_meta`` rather than ``type()``: request.user is a lazy proxy whose type is not the model.
    return ARCHIVE_DB if model._meta.app_label == ARCHIVE_APP else "default"


class ArchiveRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return _database_for(model)

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return _database_for(model)

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return _database_for(obj1) == _database_for(obj2)

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return (app_label == ARCHIVE_APP) == (db == ARCHIVE_DB)
