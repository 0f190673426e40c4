"""Who did it: the actor every service that touches personal data is handed, and records.

An actor is a staff member (account id and username), an API token (its id and name), the public (an
anonymous visitor, known only by IP) or the system itself (a named job such as the retention sweep).
The 접속기록 needs the account, the time, the IP, whose data and what was done; the actor carries the
first and third.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.http import HttpRequest

ActorKindName = Literal["staff", "token", "public", "system"]


class ActorKind(models.TextChoices):
    STAFF = "staff", "staff"
    TOKEN = "token", "API token"
    PUBLIC = "public", "public"
    SYSTEM = "system", "system"


def normalize_ip(value: str | None) -> str | None:
    """The canonical text of an IP address, or ``None`` for missing or malformed input."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


@dataclass(frozen=True)
class Actor:
    kind: ActorKindName
    ident: str
    label: str
    ip: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ActorKind.values:
            raise ValueError(f"unknown actor kind {self.kind!r}")
        object.__setattr__(self, "ip", normalize_ip(self.ip))

    @classmethod
    def public(cls, *, ip: str | None = None) -> Actor:
        return cls(kind="public", ident="", label="public", ip=ip)

    @classmethod
    def staff(cls, user: AbstractBaseUser, *, ip: str | None = None) -> Actor:
        return cls(kind="staff", ident=str(user.pk), label=user.get_username(), ip=ip)

    @classmethod
    def token(cls, token_id: str, name: str, *, ip: str | None = None) -> Actor:
        return cls(kind="token", ident=str(token_id), label=name, ip=ip)

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(kind="system", ident=name, label=name)

    def __str__(self) -> str:
        where = f" from {self.ip}" if self.ip else ""
        return f"{self.kind}:{self.label}{where}"


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP: ``REMOTE_ADDR``, or with N trusted proxies the Nth ``X-Forwarded-For`` from the right.

    Each trusted proxy appends the address it was reached from, so only the last N entries are
    trustworthy; anything further left may be forged by the client and is ignored.
    """
    remote = normalize_ip(request.META.get("REMOTE_ADDR"))
    proxies: int = settings.POLICYBOUND_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    candidate = hops[-proxies] if len(hops) >= proxies else hops[0]
    return normalize_ip(candidate) or remote


def actor_from_request(request: HttpRequest) -> Actor:
    """A staff actor for a signed-in user, otherwise the public, with the client's IP."""
    ip = client_ip(request)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Actor.staff(user, ip=ip)
    return Actor.public(ip=ip)
