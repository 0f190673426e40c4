from __future__ import annotations

import io
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from policybound.console.models import PermissionChange
from policybound.console.tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db(databases=["default", "archive"]), pytest.mark.usefixtures("fast_passwords")]


def run(*args: str, stdin: str = "") -> str:
    out = io.StringIO()

    previous, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        call_command("user", *args, stdout=out)
    finally:
        sys.stdin = previous
    return out.getvalue()


def test_it_creates_an_account_with_a_password_from_stdin(published):
    run("create", "dave", "--role", "marketing", "--password-stdin", stdin=PASSWORD + "\n")
    assert get_user_model().objects.get(username="dave").check_password(PASSWORD)


def test_it_names_the_roles_when_the_role_is_unknown(published):
    with pytest.raises(CommandError, match="privacy_officer"):
        run("create", "dave", "--role", "janitor", "--password-stdin", stdin=PASSWORD + "\n")


def test_it_refuses_without_a_published_policy(db):
    with pytest.raises(CommandError, match="No policy is published"):
        run("create", "dave", "--role", "marketing", "--password-stdin", stdin=PASSWORD + "\n")


def test_it_changes_a_role(published):
    run("create", "dave", "--role", "marketing", "--password-stdin", stdin=PASSWORD + "\n")
    run("role", "dave", "--role", "privacy_staff")
    assert list(get_user_model().objects.get(username="dave").groups.values_list("name", flat=True)) == [
        "privacy_staff"
    ]


def test_it_disables_an_account(published):
    run("create", "dave", "--role", "marketing", "--password-stdin", stdin=PASSWORD + "\n")
    run("disable", "dave")
    assert not get_user_model().objects.get(username="dave").is_active


def test_it_lists_accounts_with_role_and_second_factor(published):
    run("create", "dave", "--role", "marketing", "--password-stdin", stdin=PASSWORD + "\n")
    listing = run("list")
    assert "dave" in listing and "marketing" in listing and " no " in listing


def test_it_names_the_operating_system_user_in_the_change_log(published):
    run("create", "dave", "--role", "marketing", "--password-stdin", stdin=PASSWORD + "\n")
    change = PermissionChange.objects.get(account_username="dave")
    assert change.changed_by_label.startswith("cli:")


def test_it_prints_the_change_log(published):
    run("create", "dave", "--role", "marketing", "--password-stdin", stdin=PASSWORD + "\n")
    assert "grant marketing (dave)" in run("changes", "--username", "dave")


def test_it_resets_a_lost_second_factor_and_records_it(published):
    run("create", "dave", "--role", "marketing", "--password-stdin", stdin=PASSWORD + "\n")
    dave = get_user_model().objects.get(username="dave")
    TOTPDevice.objects.create(user=dave, name="console", confirmed=True)
    run("reset-2fa", "dave")
    assert not TOTPDevice.objects.filter(user=dave).exists()
    assert PermissionChange.objects.filter(account_username="dave", action="revoke").exists()
