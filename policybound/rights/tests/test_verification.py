"""Identity by a one-time code mailed to the address on file, and nothing learnt about other addresses."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from policybound.audit.models import AuditEvent
from policybound.lib import clock
from policybound.mailer.models import MailStatus
from policybound.rights.models import VerificationChallenge
from policybound.rights.verification import CodeRefused, challenge_start, challenge_verify

from .conftest import ALICE, T0, VISITOR, code_mails, sent_code, sign_in

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def start(policy, email=ALICE):
    return challenge_start(email=email, policy=policy.policy, actor=VISITOR, lang="ko")


def test_a_known_address_gets_a_code_by_mail_after_the_request(alice, policy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        started = start(policy, "Alice@Example.com ")
    assert callbacks == []  # nothing sends inside the request
    mails = code_mails()
    assert len(mails) == 1
    # Queued, not tried inside the request: the known case does no mail-server work the unknown lacks.
    assert (mails[0].status, mails[0].attempts) == (MailStatus.QUEUED, 0)
    assert started.challenge.subject_id == alice.subject_id


def test_an_unknown_address_gets_no_mail_but_the_same_challenge_and_audit_row(alice, policy):
    started = start(policy, "nobody@example.net")
    assert code_mails() == []
    assert started.challenge.subject_id is None
    assert AuditEvent.objects.filter(action="request", target=f"verification:{started.challenge.pk}").count() == 1


def test_a_known_and_an_unknown_address_get_byte_identical_pages(alice, client, settings):
    pages = []
    for email in (ALICE, "nobody@example.net"):
        client.cookies.clear()
        response = client.post("/privacy-center/", {"email": email})
        assert response.status_code == 302
        redirect = (response.status_code, response["Location"], sorted(response.cookies))
        page = client.get(response["Location"])
        pages.append((redirect, page.status_code, CSRF.sub(b"", page.content)))
    assert pages[0] == pages[1]
    assert b"a code is on its way" in pages[0][2] or "코드".encode() in pages[0][2]


def test_the_right_code_opens_a_session_once(alice, policy, mailoutbox):
    started = start(policy)
    verified = challenge_verify(challenge_id=started.challenge.pk, code=started.code, actor=VISITOR)
    assert verified.session_ends_at == T0 + dt.timedelta(minutes=30)
    with pytest.raises(CodeRefused):
        challenge_verify(challenge_id=started.challenge.pk, code=started.code, actor=VISITOR)


def test_the_code_is_stored_only_as_an_hmac(alice, policy):
    started = start(policy)
    row = VerificationChallenge.objects.get(pk=started.challenge.pk)
    assert started.code not in row.code_digest and len(row.code_digest) == 32


def test_a_wrong_code_counts_and_five_wrong_codes_end_the_challenge(alice, policy):
    started = start(policy)
    wrong = "000000" if started.code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(CodeRefused):
            challenge_verify(challenge_id=started.challenge.pk, code=wrong, actor=VISITOR)
    with pytest.raises(CodeRefused, match="너무 많이"):
        challenge_verify(challenge_id=started.challenge.pk, code=started.code, actor=VISITOR)
    assert VerificationChallenge.objects.get(pk=started.challenge.pk).attempts == 5


def test_a_code_expires_after_fifteen_minutes(alice, policy):
    started = start(policy)
    with clock.frozen(T0 + dt.timedelta(minutes=15)), pytest.raises(CodeRefused, match="만료"):
        challenge_verify(challenge_id=started.challenge.pk, code=started.code, actor=VISITOR)
    with clock.frozen(T0 + dt.timedelta(minutes=14, seconds=59)):
        challenge_verify(challenge_id=started.challenge.pk, code=started.code, actor=VISITOR)


def test_no_code_opens_a_session_for_an_unknown_address(alice, policy):
    started = start(policy, "nobody@example.net")
    with pytest.raises(CodeRefused):
        challenge_verify(challenge_id=started.challenge.pk, code=started.code, actor=VISITOR)


def test_an_address_may_ask_for_three_codes_an_hour(alice, client, settings):
    for _ in range(3):
        assert client.post("/privacy-center/", {"email": ALICE}).status_code == 302
    response = client.post("/privacy-center/", {"email": ALICE})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    # and an unknown address is limited alike, so the limit tells nothing either
    for _ in range(3):
        client.post("/privacy-center/", {"email": "nobody@example.net"})
    assert client.post("/privacy-center/", {"email": "nobody@example.net"}).status_code == 429


def test_a_bad_address_is_a_400_naming_the_field(alice, client):
    response = client.post("/privacy-center/", {"email": "not an address"})
    assert response.status_code == 400
    assert 'id="id_email-error"' in response.content.decode()


def test_the_session_ends_after_thirty_minutes(alice, client, mailoutbox):
    sign_in(client, mailoutbox)
    assert client.get("/privacy-center/mine/").status_code == 200
    with clock.frozen(T0 + dt.timedelta(minutes=30)):
        response = client.get("/privacy-center/mine/")
    assert response.status_code == 302 and response["Location"] == "/privacy-center/"


def test_sent_codes_are_read_by_the_tests_from_the_mail(alice, client, mailoutbox):
    client.post("/privacy-center/", {"email": ALICE})
    assert re.fullmatch(r"\d{6}", sent_code(mailoutbox))
