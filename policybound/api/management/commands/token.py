"""``policybound token create --scope intake --name homepage`` (and ``list``, ``revoke``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policybound.api.models import ApiToken, TokenScope
from policybound.api.services import TokenError, api_token_create, api_token_revoke
from policybound.audit.actors import Actor


class Command(BaseCommand):
    help = (
        "Manage API tokens. 'create' prints the new token once: store it in the client's secrets, it "
        "cannot be shown again (only its SHA-256 is kept). 'revoke' stops a token at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        create = verbs.add_parser("create", help="create a token and print it once")
        create.add_argument("--name", required=True, help="who uses it, e.g. homepage")
        create.add_argument("--scope", required=True, choices=TokenScope.values)
        verbs.add_parser("list", help="list tokens (never their values)")
        revoke = verbs.add_parser("revoke", help="revoke a token by name")
        revoke.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("cli")
        try:
            if options["verb"] == "create":
                token, plain = api_token_create(name=options["name"], scope=options["scope"], actor=actor)
                self.stderr.write(f"Created token {token.name!r} ({token.scope}). It is shown only this once:")
                self.stdout.write(plain)
            elif options["verb"] == "revoke":
                token = api_token_revoke(name=options["name"], actor=actor)
                self.stdout.write(f"Revoked token {token.name!r} at {token.revoked_at:%Y-%m-%d %H:%M}.")
            else:
                for token in ApiToken.objects.order_by("name"):
                    state = "active" if token.active else f"revoked {token.revoked_at:%Y-%m-%d}"
                    used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                    self.stdout.write(f"{token.name}\t{token.scope}\t{token.prefix}…\t{state}\tlast used {used}")
        except TokenError as error:
            raise CommandError(str(error)) from None
