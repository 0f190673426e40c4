"""API tokens: created once, stored hashed, revoked at once."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from policybound.api.models import ApiToken

pytestmark = pytest.mark.django_db


def token_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_a_new_token_once():
    out, err = token_command("create", "--scope", "intake", "--name", "homepage")
    assert out.startswith("pb_")
    assert "only this once" in err


def test_it_stores_only_the_tokens_sha256():
    out, _ = token_command("create", "--scope", "intake", "--name", "homepage")
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(out.strip().encode()).hexdigest()
    assert out.strip() not in (token.digest, token.prefix, token.name)


def test_it_refuses_a_second_token_of_the_same_name():
    token_command("create", "--scope", "intake", "--name", "homepage")
    with pytest.raises(CommandError, match="exists already"):
        token_command("create", "--scope", "staff", "--name", "homepage")


def test_it_refuses_an_unknown_scope():
    with pytest.raises(CommandError):
        token_command("create", "--scope", "root", "--name", "homepage")


def test_it_lists_tokens_without_their_values():
    created, _ = token_command("create", "--scope", "intake", "--name", "homepage")
    listing, _ = token_command("list")
    assert "homepage\tintake" in listing
    assert created.strip() not in listing


def test_it_revokes_a_token():
    token_command("create", "--scope", "intake", "--name", "homepage")
    token_command("revoke", "homepage")
    assert ApiToken.objects.get().revoked_at is not None


def test_it_audits_the_grant_and_the_revocation():
    from policybound.audit.models import AuditEvent

    token_command("create", "--scope", "intake", "--name", "homepage")
    token_command("revoke", "homepage")
    assert list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True)) == ["grant", "revoke"]
