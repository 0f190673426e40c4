"""``policybound user create|role|disable|reset-2fa|grant|revoke|list|changes``: staff accounts, from the CLI only.

There is no self-sign-up: whoever runs this command on the server creates accounts, gives each the
one role of the policy in force its holder's work needs, and takes access away when they leave.
Every grant, change and revocation is written to the permission-change log (kept three years or
more) and to the audit log, naming the operating-system user who ran the command.
"""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from policybound.console import accounts
from policybound.console.selectors import permission_changes, staff_accounts
from policybound.core.commands import Arg, Options, Verb, VerbCommand, operator_actor
from policybound.policy.schema import Policy
from policybound.policy.selectors import policy_in_force


def _policy() -> Policy:
    policy = policy_in_force()
    if policy is None:
        raise CommandError("No policy is published yet; roles come from it. Run `policybound serve` once first.")
    return policy


def _permission_verb(verb: str) -> Verb:
    return Verb(
        f"_{verb}",
        f"{verb} one permission (app_label.codename) to one account",
        Arg("username"),
        Arg("permission"),
        Arg("--note", default=""),
    )


class Command(VerbCommand):
    help = (
        "Staff accounts of the console. `create USERNAME --role ROLE` (password prompted, or "
        "--password-stdin), `role USERNAME --role ROLE`, `disable USERNAME`, `reset-2fa USERNAME`, `grant|revoke USERNAME "
        "PERMISSION`, `list`, `changes`. Roles are the policy's; every change is logged for 3+ years."
    )
    errors = (accounts.StaffError,)
    verbs = {
        "create": Verb(
            "_create",
            "create a staff account with one role",
            Arg("username"),
            Arg("--role", required=True),
            Arg("--email", default=""),
            Arg("--password-stdin", action="store_true", help="read the password from stdin"),
        ),
        "role": Verb(
            "_role",
            "change an account's role (re-enables a disabled account)",
            Arg("username"),
            Arg("--role", required=True),
        ),
        "disable": Verb("_disable", "revoke all access of an account", Arg("username")),
        "reset-2fa": Verb(
            "_reset_2fa", "forget the account's TOTP device (lost phone); re-enrol at sign-in", Arg("username")
        ),
        "grant": _permission_verb("grant"),
        "revoke": _permission_verb("revoke"),
        "list": Verb("_list", "every account, its role, second factor and state"),
        "changes": Verb(
            "_changes",
            "the permission-change log, newest first",
            Arg("--username", default=None),
            Arg("--limit", type=int, default=50),
        ),
    }

    def _password(self, options: Options) -> str:
        if options["password_stdin"]:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords differ.")
        return first

    def _create(self, options: Options) -> None:
        user = accounts.staff_create(
            username=options["username"],
            role=options["role"],
            email=options["email"],
            password=self._password(options),
            policy=_policy(),
            actor=operator_actor(),
        )
        self.stdout.write(
            f"Created {user.get_username()} with role {options['role']}. "
            "The second factor is set up at the first sign-in (/console/login/)."
        )

    def _role(self, options: Options) -> None:
        user = accounts.staff_role_set(
            username=options["username"], role=options["role"], policy=_policy(), actor=operator_actor()
        )
        self.stdout.write(f"{user.get_username()} now has role {options['role']}.")

    def _disable(self, options: Options) -> None:
        user = accounts.staff_disable(username=options["username"], actor=operator_actor())
        self.stdout.write(f"Disabled {user.get_username()}: no role, no permission, no sign-in.")

    def _reset_2fa(self, options: Options) -> None:
        user = accounts.staff_second_factor_reset(username=options["username"], actor=operator_actor())
        self.stdout.write(f"{user.get_username()} enrols a new second factor at the next sign-in.")

    def _grant(self, options: Options) -> None:
        accounts.staff_permission_grant(
            username=options["username"], permission=options["permission"], actor=operator_actor(), note=options["note"]
        )
        self.stdout.write(f"Granted {options['permission']} to {options['username']}.")

    def _revoke(self, options: Options) -> None:
        accounts.staff_permission_revoke(
            username=options["username"], permission=options["permission"], actor=operator_actor(), note=options["note"]
        )
        self.stdout.write(f"Revoked {options['permission']} from {options['username']}.")

    def _list(self, options: Options) -> None:
        rows = staff_accounts()
        if not rows:
            self.stdout.write("No staff accounts.")
            return
        self.stdout.write(f"{'username':<20} {'role':<18} {'2FA':<4} {'state':<9} last sign-in")
        for row in rows:
            last = f"{row.last_login:%Y-%m-%d %H:%M}" if row.last_login else "never"
            state = "active" if row.is_active else "disabled"
            self.stdout.write(
                f"{row.username:<20} {row.role or '-':<18} {'yes' if row.has_totp else 'no':<4} {state:<9} {last}"
            )

    def _changes(self, options: Options) -> None:
        username = options["username"]
        if username is not None and not get_user_model().objects.filter(username=username).exists():
            raise CommandError(f"there is no account {username!r}")
        for change in permission_changes(username=username)[: max(1, options["limit"])]:
            self.stdout.write(str(change))
