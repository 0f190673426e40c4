"""The sign-in lockout keeps a keyed digest of a typed username, never the text (finding 9)."""

from __future__ import annotations

import importlib
import io
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from policybound.console.lockout import digest_of
from policybound.console.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

LOGIN = "/console/login/"
STRANGER = "kim.stranger@example.com"
MIGRATION = importlib.import_module("policybound.console.migrations.0002_axes_usernames_digested")


def sign_in(username: str, password: str, ip: str = "198.51.100.7"):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password})


def every_stored_text() -> str:
    """Every row of every table of the live database, as text (the test database is small)."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_a_failed_sign_in_leaves_no_plaintext_of_the_typed_username(bob):
    sign_in(STRANGER, "wrong password 1")
    sign_in("bob", "wrong password 1")
    assert AccessAttempt.objects.count() == 2
    stored = every_stored_text()
    assert STRANGER not in stored and "kim.stranger" not in stored
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {digest_of(STRANGER), digest_of("bob")}


def test_a_successful_sign_in_leaves_no_account_name_in_the_lockout_tables(bob):
    assert sign_in("bob", PASSWORD).status_code == 302
    with connection.cursor() as cursor:
        for table in ("axes_accesslog", "axes_accessattempt", "axes_accessfailurelog"):
            cursor.execute(f"SELECT * FROM {table}")
            assert "bob" not in repr(cursor.fetchall())


@override_settings(AXES_FAILURE_LIMIT=3)
def test_it_still_locks_out_by_username_from_any_address(bob):
    for n in range(3):
        sign_in("bob", "wrong password 1", ip=f"198.51.100.{10 + n}")
    response = sign_in("bob", PASSWORD, ip="203.0.113.99")
    assert response.status_code == 429
    assert "console/locked.html" in [t.name for t in response.templates]


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_reset_command_takes_the_username_by_name(bob):
    for n in range(3):
        sign_in("bob", "wrong password 1", ip=f"198.51.100.{20 + n}")
    out = io.StringIO()
    call_command("axes_reset_username", "bob", stdout=out)
    assert out.getvalue().strip() == "3 attempts removed."
    assert sign_in("bob", PASSWORD, ip="203.0.113.98").status_code == 302


def test_the_list_command_shows_digests_and_finds_a_name(bob):
    sign_in("bob", "wrong password 1")
    sign_in(STRANGER, "wrong password 1", ip="198.51.100.30")
    out = io.StringIO()
    call_command("axes_list_attempts", "--username", "bob", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1:] == [f"198.51.100.7\t{digest_of('bob')}\t1"]
    assert "bob" not in out.getvalue().replace("username_digest", "")


def test_the_migration_digests_usernames_stored_before_it(db):
    AccessAttempt.objects.create(username=STRANGER, ip_address="198.51.100.40", user_agent="", failures_since_start=2)
    MIGRATION.usernames_digest(apps, SimpleNamespace(connection=connection))
    MIGRATION.usernames_digest(apps, SimpleNamespace(connection=connection))
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [digest_of(STRANGER)]
