"""Creating and revoking API tokens. The plain token leaves this module exactly once."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction

from policybound.api.models import ApiToken, TokenScope
from policybound.audit.actors import Actor
from policybound.audit.models import AuditAction
from policybound.audit.services import audit_record
from policybound.lib import clock

TOKEN_PREFIX = "pb_"


class TokenError(Exception):
    """A token operation that cannot be done (a duplicate name, an unknown token)."""


def token_digest(token: str) -> str:
    """The stored form of a token: SHA-256 hex (the token is random, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def api_token_create(
    *, name: str, scope: str, actor: Actor, as_of: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token; return the row and the plain token, which is never stored nor shown again."""
    if scope not in TokenScope.values:
        raise TokenError(f"unknown scope {scope!r}; choose one of {', '.join(TokenScope.values)}")
    name = name.strip()
    if not name:
        raise TokenError("a token needs a name that says who uses it")
    if ApiToken.objects.filter(name=name).exists():
        raise TokenError(f"a token named {name!r} exists already; revoke it or choose another name")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    moment = as_of or clock.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name,
            scope=scope,
            prefix=plain[:10],
            digest=token_digest(plain),
            created_at=moment,
        )
        audit_record(
            actor=actor, action=AuditAction.GRANT, target=f"api_token:{token.pk}", detail={"scope": scope}, as_of=moment
        )
    return token, plain


def api_token_revoke(*, name: str, actor: Actor, as_of: dt.datetime | None = None) -> ApiToken:
    """Revoke the token named ``name``; it stops working at once. Revoking twice is harmless."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(name=name).first()
        if token is None:
            raise TokenError(f"no token is named {name!r}")
        if token.revoked_at is None:
            token.revoked_at = as_of or clock.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action=AuditAction.REVOKE, target=f"api_token:{token.pk}", as_of=token.revoked_at)
    return token
