"""A staff session is more than a bearer value in a table: rotated at each step, stored only as a digest."""

from __future__ import annotations

import hashlib

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from policybound.console.sessions import SessionStore, session_key_digest
from policybound.console.tests.test_login import CODE, LOGIN, code_for, enrolled, password_step

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

INBOX = "/console/inbox/consulting/"


def cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def with_cookie(value: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = value
    return client


def verified(bob) -> Client:
    device = enrolled(bob)
    client = Client()
    password_step(client)
    response = client.post(CODE, {"token": code_for(device)})
    assert response.status_code == 302
    assert client.get(INBOX).status_code == 200
    return client


def test_a_leaked_session_row_cannot_be_used_as_a_cookie(bob):
    client = verified(bob)
    (row,) = Session.objects.all()
    assert row.session_key != cookie(client)
    thief = with_cookie(row.session_key)
    response = thief.get(INBOX)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get(INBOX).status_code == 200  # the real cookie still works


def test_the_table_holds_a_sha256_digest_of_the_key_only(bob):
    client = verified(bob)
    key = cookie(client)
    assert list(Session.objects.values_list("session_key", flat=True)) == [
        hashlib.sha256(key.encode()).hexdigest()[:40]
    ]
    assert not Session.objects.filter(session_data__contains=key).exists()


def test_signing_in_rotates_the_key_so_a_planted_one_is_worthless(bob):
    planted = SessionStore()
    planted["planted"] = True
    planted.save()
    key = str(planted.session_key)
    client = with_cookie(key)
    password_step(client)
    assert cookie(client) != key
    assert not SessionStore().exists(key)


def test_the_second_factor_rotates_the_key_again(bob):
    device = enrolled(bob)
    client = Client()
    password_step(client)
    after_password = cookie(client)
    client.post(CODE, {"token": code_for(device)})
    assert cookie(client) != after_password
    assert client.get(INBOX).status_code == 200
    # The key seen at the password step (in a proxy's log, over a shoulder) opens nothing now.
    response = with_cookie(after_password).get(INBOX)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_signing_out_deletes_the_row(bob):
    client = verified(bob)
    client.post("/console/logout/")
    assert not Session.objects.exists()


def test_the_store_round_trips_and_forgets_by_digest():
    store = SessionStore()
    store["n"] = 1
    store.save()
    key = str(store.session_key)
    assert SessionStore(key).load() == {"n": 1}
    assert Session.objects.filter(session_key=session_key_digest(key)).exists()
    SessionStore(key).delete()
    assert not Session.objects.exists()
