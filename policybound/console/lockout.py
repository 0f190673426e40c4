"""What the sign-in lockout (django-axes) remembers of a typed username: a keyed digest, never the text.

A typed username may be a stranger's e-mail address or a password typed into the wrong box, so it is
personal data the console must not keep in plaintext (its own audit rows never hold it). django-axes
stores whatever ``AXES_USERNAME_CALLABLE`` returns, in ``axes_accessattempt`` and its failure log, and
looks attempts up by the same value; so it gets :func:`username_digest`: the vault's blind index
(HMAC-SHA256 under a key derived from the index key, kind ``lockout-username``) of the username as
Django normalizes it (NFKC). The same username always gives the same digest, so counting failures and
locking out by username work as before; nobody holding the database can read one back. axes' success
log (``axes_accesslog``), which would store the account name as it is, is off: the audit log records
every sign-in and sign-out already.

The axes commands that take a username (``axes_reset_username``, ``axes_reset_ip_username``) are
overridden in ``policybound.core`` to digest it first, so operators type the name as before.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from policybound.vault.services import blind_index

DIGEST_KIND = "lockout-username"
USERNAME_FIELD = "username"


def digest_of(username: str) -> str:
    """The digest axes keeps for ``username`` (normalized as Django normalizes usernames)."""
    return blind_index(DIGEST_KIND, unicodedata.normalize("NFKC", username))


def username_digest(request: Any, credentials: Mapping[str, Any] | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the digest of the username in ``credentials`` or the POSTed form."""
    if credentials:
        typed = credentials.get(USERNAME_FIELD)
    else:
        typed = getattr(request, "POST", {}).get(USERNAME_FIELD) if request is not None else None
    if typed is None:
        return None
    return digest_of(str(typed))
