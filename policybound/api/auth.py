"""Bearer-token authentication shared by every API router.

``Authorization: Bearer pb_...``: the token is looked up by its SHA-256. A missing, unknown or
revoked token is 401; a valid token of a scope the endpoint does not accept is 403. Each router names
its scopes: ``auth=TokenAuth(TokenScope.INTAKE, TokenScope.STAFF)``. The handler reads the token from
``request.auth`` and builds its audit actor with :func:`token_actor`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from policybound.api.models import ApiToken, TokenScope
from policybound.api.services import token_digest
from policybound.audit.actors import Actor, client_ip
from policybound.lib import clock

# Recording every use would write a row per request; once in a while is enough to spot dead tokens.
LAST_USED_RESOLUTION = dt.timedelta(minutes=10)


class TokenAuth(HttpBearer):
    """Accept an active token whose scope is one of ``scopes``."""

    def __init__(self, *scopes: TokenScope) -> None:
        super().__init__()
        if not scopes:
            raise ValueError("TokenAuth needs at least one scope")
        self.scopes = frozenset(str(scope) for scope in scopes)

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        token = token.strip()
        if not token:
            return None
        found = ApiToken.objects.filter(digest=token_digest(token), revoked_at__isnull=True).first()
        if found is None:
            return None
        if found.scope not in self.scopes:
            raise HttpError(403, f"this token's scope ({found.scope}) may not use this endpoint")
        _touch(found)
        return found


def _touch(token: ApiToken) -> None:
    moment = clock.now()
    if token.last_used_at is None or moment - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)


def request_token(request: HttpRequest) -> ApiToken:
    """The token :class:`TokenAuth` accepted for this request."""
    token: Any = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        raise HttpError(401, "authentication required")
    return token


def token_actor(request: HttpRequest) -> Actor:
    """The audit actor for a token-authenticated request: the token, from the client's IP."""
    token = request_token(request)
    return Actor.token(str(token.pk), token.name, ip=client_ip(request))
