"""``policybound token create --scope intake --name homepage`` (and ``list``, ``revoke``)."""

from __future__ import annotations

from policybound.api.models import ApiToken, TokenScope
from policybound.api.services import TokenError, api_token_create, api_token_revoke
from policybound.audit.actors import Actor
from policybound.core.commands import Arg, Options, Verb, VerbCommand

_ACTOR = Actor.system("cli")


class Command(VerbCommand):
    help = (
        "Manage API tokens. 'create' prints the new token once: store it in the client's secrets, it "
        "cannot be shown again (only its SHA-256 is kept). 'revoke' stops a token at once."
    )
    errors = (TokenError,)
    verbs = {
        "create": Verb(
            "_create",
            "create a token and print it once",
            Arg("--name", required=True, help="who uses it, e.g. homepage"),
            Arg("--scope", required=True, choices=TokenScope.values),
        ),
        "list": Verb("_list", "list tokens (never their values)"),
        "revoke": Verb("_revoke", "revoke a token by name", Arg("name")),
    }

    def _create(self, options: Options) -> None:
        token, plain = api_token_create(name=options["name"], scope=options["scope"], actor=_ACTOR)
        self.stderr.write(f"Created token {token.name!r} ({token.scope}). It is shown only this once:")
        self.stdout.write(plain)

    def _revoke(self, options: Options) -> None:
        token = api_token_revoke(name=options["name"], actor=_ACTOR)
        self.stdout.write(f"Revoked token {token.name!r} at {token.revoked_at:%Y-%m-%d %H:%M}.")

    def _list(self, options: Options) -> None:
        for token in ApiToken.objects.order_by("name"):
            state = "active" if token.active else f"revoked {token.revoked_at:%Y-%m-%d}"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(f"{token.name}\t{token.scope}\t{token.prefix}…\t{state}\tlast used {used}")
