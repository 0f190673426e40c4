"""The session engine (``SESSION_ENGINE``): Django's database sessions, minus a table of live tokens.

Django's ``db`` engine keeps the cookie's value itself as ``django_session.session_key``: whoever reads
that table (a copy of the SQLite file, a database account, a backup) can paste a row's key into a
cookie and be a privacy officer who already passed the second factor. This engine stores only a
SHA-256 digest of the key (its first 40 hex digits, 160 bits, which is what the column holds), so a
row says which session it is but is no cookie; the key exists only in the browser.

It overrides exactly the places Django's ``db.SessionStore`` turns a key into a row look-up or a row
(``_get_session_from_db``, ``exists``, ``create_model_instance``, ``delete`` and their ``a*`` twins):
saving, expiry, ``cycle_key`` and ``clearsessions`` are Django's own.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

DIGEST_HEX = 40  # django_session.session_key is a CharField(max_length=40)


def session_key_digest(session_key: str) -> str:
    """What the table holds for ``session_key``: the first 40 hex digits of its SHA-256."""
    return hashlib.sha256(session_key.encode("utf-8")).hexdigest()[:DIGEST_HEX]


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        if self.session_key is None:
            return None
        try:
            return self.model.objects.get(
                session_key=session_key_digest(self.session_key), expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation) as error:
            if isinstance(error, SuspiciousOperation):
                logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            self._session_key = None
            return None

    async def _aget_session_from_db(self) -> Any:
        if self.session_key is None:
            return None
        try:
            return await self.model.objects.aget(
                session_key=session_key_digest(self.session_key), expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation) as error:
            if isinstance(error, SuspiciousOperation):
                logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            self._session_key = None
            return None

    def exists(self, session_key: str) -> bool:
        return bool(self.model.objects.filter(session_key=session_key_digest(session_key)).exists())

    async def aexists(self, session_key: str) -> bool:
        return bool(await self.model.objects.filter(session_key=session_key_digest(session_key)).aexists())

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        instance = super().create_model_instance(data)
        instance.session_key = session_key_digest(instance.session_key)
        return instance

    async def acreate_model_instance(self, data: dict[str, Any]) -> Any:
        instance = await super().acreate_model_instance(data)
        instance.session_key = session_key_digest(instance.session_key)
        return instance

    def delete(self, session_key: str | None = None) -> None:
        key = self.session_key if session_key is None else session_key
        if key is not None:
            self.model.objects.filter(session_key=session_key_digest(key)).delete()

    async def adelete(self, session_key: str | None = None) -> None:
        key = self.session_key if session_key is None else session_key
        if key is not None:
            await self.model.objects.filter(session_key=session_key_digest(key)).adelete()
