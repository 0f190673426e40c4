"""API tokens: how a machine (the homepage backend, a processor) authenticates to ``/api/v1``.

A token is shown once, when it is created, and only its SHA-256 is stored: the token is 256 bits of
randomness, so an unsalted hash cannot be reversed and a stolen database does not hold usable tokens.
Each token carries one scope, and each endpoint names the scopes it accepts.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class TokenScope(models.TextChoices):
    INTAKE = "intake", pgettext_lazy("token scope", "intake (submit forms, end engagements)")
    STAFF = "staff", pgettext_lazy("token scope", "staff (back-office integrations)")
    PROCESSOR = "processor", pgettext_lazy("token scope", "processor (entrusted items only)")


class ApiToken(models.Model):
    """A bearer token for the JSON API; revoked tokens are kept so audit rows keep their actor."""

    name = models.CharField(max_length=100, unique=True, help_text="who uses it, e.g. homepage")
    scope = models.CharField(max_length=20, choices=TokenScope.choices)
    prefix = models.CharField(max_length=12, help_text="the token's first characters, to recognise it")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token, hex")
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return f"{self.name} ({self.scope}, {self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
