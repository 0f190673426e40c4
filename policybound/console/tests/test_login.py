from __future__ import annotations

import base64
import datetime as dt
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from policybound.audit.models import AuditEvent
from policybound.console.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

LOGIN = "/console/login/"
CODE = "/console/login/code/"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_step(client: Client, username: str = "bob", password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def test_it_sends_a_visitor_to_the_sign_in_page(bob):
    response = Client().get("/console/inbox/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_it_asks_for_the_second_factor_after_the_password(bob):
    response = password_step(Client())
    assert response.status_code == 302
    assert response["Location"].startswith(CODE)


def test_a_password_alone_does_not_open_the_console(bob):
    client = Client()
    password_step(client)
    response = client.get("/console/inbox/")
    assert response.status_code == 302
    assert response["Location"].startswith(CODE)


def test_it_shows_a_first_time_user_a_qr_code_and_the_secret(bob):
    client = Client()
    password_step(client)
    response = client.get(CODE)
    assert b"<svg" in response.content
    device = TOTPDevice.objects.get(user=bob, confirmed=False)
    secret = response.context["secret"].replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key


def test_it_confirms_enrolment_with_a_current_code(bob):
    client = Client()
    password_step(client)
    client.get(CODE)
    device = TOTPDevice.objects.get(user=bob, confirmed=False)
    response = client.post(CODE, {"token": code_for(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=bob).confirmed
    assert client.get("/console/inbox/consulting/").status_code == 200


def test_it_refuses_a_wrong_code_at_enrolment(bob):
    client = Client()
    password_step(client)
    client.get(CODE)
    device = TOTPDevice.objects.get(user=bob, confirmed=False)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(CODE, {"token": wrong})
    assert response.status_code == 200
    assert not TOTPDevice.objects.get(user=bob).confirmed


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="console", confirmed=True)


def test_it_signs_in_with_a_code_from_the_enrolled_device(bob):
    device = enrolled(bob)
    client = Client()
    password_step(client)
    response = client.post(CODE + "?next=/console/inbox/", {"token": code_for(device), "next": "/console/inbox/"})
    assert response["Location"] == "/console/inbox/"


def test_it_does_not_accept_the_same_code_twice(bob):
    device = enrolled(bob)
    token = code_for(device)
    first = Client()
    password_step(first)
    first.post(CODE, {"token": token})
    second = Client()
    password_step(second)
    assert second.post(CODE, {"token": token}).status_code == 200


def test_it_never_follows_a_next_url_to_another_site(bob):
    device = enrolled(bob)
    client = Client()
    password_step(client)
    response = client.post(CODE, {"token": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("console:home")


def test_it_writes_the_sign_in_to_the_access_log(bob):
    device = enrolled(bob)
    client = Client()
    password_step(client)
    client.post(CODE, {"token": code_for(device)})
    event = AuditEvent.objects.get(action="login")
    assert (event.actor_kind, event.actor_label, event.ip) == ("staff", "bob", "127.0.0.1")


def test_it_writes_the_sign_out_to_the_access_log(bob):
    device = enrolled(bob)
    client = Client()
    password_step(client)
    client.post(CODE, {"token": code_for(device)})
    client.post("/console/logout/")
    assert AuditEvent.objects.filter(action="logout", actor_label="bob").exists()


def test_it_logs_a_wrong_password_without_the_typed_username(bob):
    password_step(Client(), password="wrong password 1")
    event = AuditEvent.objects.get(action="login_failed")
    assert event.target == f"user:{bob.pk}"
    assert "bob" not in str(event.detail)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_it_locks_the_account_after_the_failure_limit(bob):
    for _ in range(3):
        password_step(Client(), password="wrong password 1")
    response = password_step(Client())
    assert response.status_code == 429
    assert "console/locked.html" in [t.name for t in response.templates]


@override_settings(AXES_FAILURE_LIMIT=3)
def test_it_does_not_lock_before_the_limit(bob):
    for _ in range(2):
        password_step(Client(), password="wrong password 1")
    assert password_step(Client()).status_code == 302


def signed_in_at(bob, moment: dt.datetime) -> Client:
    device = enrolled(bob)
    client = Client()
    with mock.patch("django.utils.timezone.now", return_value=moment):
        password_step(client)
        client.post(CODE, {"token": code_for(device)})
    return client


def inbox_at(client: Client, moment: dt.datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return client.get("/console/inbox/")


def test_an_idle_session_ends_after_thirty_minutes(bob):
    """The idle time passes on the clock (no forced expiry): 29 minutes idle is fine, 31 is not."""
    start = timezone.now()
    still_there = inbox_at(signed_in_at(bob, start), start + dt.timedelta(minutes=29))
    assert still_there.status_code == 302
    assert not still_there["Location"].startswith(LOGIN)
    response = inbox_at(signed_in_at(bob, start), start + dt.timedelta(minutes=31))
    assert response["Location"].startswith(LOGIN)


def test_a_session_in_use_outlives_the_idle_time(bob):
    start = timezone.now()
    client = signed_in_at(bob, start)
    for minutes in (20, 40, 60):
        assert not inbox_at(client, start + dt.timedelta(minutes=minutes))["Location"].startswith(LOGIN)


def test_every_request_extends_the_session_by_the_idle_time(bob, settings):
    device = enrolled(bob)
    client = Client()
    password_step(client)
    client.post(CODE, {"token": code_for(device)})
    # The sign-in just set a full idle time; shorten it so that only the next request can lengthen it.
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(seconds=60))
    client.get("/console/inbox/")
    expiry = Session.objects.get().expire_date
    assert expiry > timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
