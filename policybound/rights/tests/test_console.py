"""The staff side: every request in the register with its 10-day deadline, deferral, answer, deletion."""

from __future__ import annotations

import datetime as dt

import pytest

from policybound.audit.actors import Actor
from policybound.console import accounts
from policybound.console.tests.conftest import signed_in
from policybound.lib import clock
from policybound.mailer.models import MailKind, OutboundMail
from policybound.rights.deadlines import due_on
from policybound.rights.models import IdentityMethod, Outcome, RequestStatus, RightsRequest
from policybound.rights.selectors import request_shown, requests_due_within
from policybound.rights.services import (
    RequestRefused,
    rights_request_answer,
    rights_request_extend,
    rights_request_open_for_address,
)
from policybound.subjects.models import Subject

from .conftest import ALICE, STAFF, T0

OPERATOR = Actor.system("cli:test")
pytestmark = pytest.mark.django_db(databases=["default", "archive"])


@pytest.fixture
def officer(policy, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return accounts.staff_create(username="olivia", role="privacy_officer", password="correct horse battery 7",
                                 policy=policy.policy, actor=OPERATOR)


@pytest.fixture
def handler(policy, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return accounts.staff_create(username="mark", role="marketing", password="correct horse battery 7",
                                 policy=policy.policy, actor=OPERATOR)


def by_phone(policy, kind="access", email=ALICE):
    return rights_request_open_for_address(
        email=email, kind=kind, channel="phone", identity_note="called back on the number on file",
        request_text="전화로 열람을 요청함", policy=policy.policy, actor=STAFF, lang="ko",
    )


def test_the_deadline_is_ten_days_after_the_day_of_receipt_in_local_time(policy):
    late_evening = dt.datetime(2025, 3, 3, 14, 59, tzinfo=dt.UTC)  # 23:59 in Seoul
    assert due_on(late_evening, policy=policy.policy) == dt.date(2025, 3, 13)
    after_midnight = dt.datetime(2025, 3, 3, 15, 0, tzinfo=dt.UTC)  # 00:00 on 4 March in Seoul
    assert due_on(after_midnight, policy=policy.policy) == dt.date(2025, 3, 14)


def test_a_request_by_phone_is_registered_with_how_identity_was_checked(alice, policy):
    request = by_phone(policy)
    assert (request.identity_method, request.due_on) == (IdentityMethod.STAFF_CHECKED, dt.date(2025, 3, 13))
    assert "열람".encode() not in bytes(request.request_sealed)


def test_a_staff_request_needs_the_identity_check_named(alice, policy):
    with pytest.raises(RequestRefused) as refused:
        rights_request_open_for_address(email=ALICE, kind="access", channel="phone", identity_note=" ",
                                        policy=policy.policy, actor=STAFF, lang="ko")
    assert refused.value.field == "identity_note"


def test_an_unknown_address_is_refused_by_field(alice, policy):
    with pytest.raises(RequestRefused) as refused:
        by_phone(policy, email="nobody@example.net")
    assert refused.value.field == "email"


def test_a_refusal_needs_its_reasons_and_is_mailed_with_how_to_object(alice, policy):
    request = by_phone(policy)
    with pytest.raises(RequestRefused):
        rights_request_answer(request_id=request.pk, outcome=Outcome.REFUSED, reason="", policy=policy.policy,
                              actor=STAFF)
    rights_request_answer(request_id=request.pk, outcome=Outcome.REFUSED, reason="PIPA 35④ 1: 법률에 따라 금지",
                          policy=policy.policy, actor=STAFF)
    assert RightsRequest.objects.get(pk=request.pk).status == RequestStatus.ANSWERED
    assert OutboundMail.objects.filter(kind=MailKind.RIGHTS_ANSWER, reference=f"rights_request:{request.pk}").exists()


def test_a_deferral_is_once_within_the_deadline_and_at_most_ten_more_days(alice, policy):
    request = by_phone(policy)
    with pytest.raises(RequestRefused):
        rights_request_extend(request_id=request.pk, until=dt.date(2025, 3, 24), reason="서류 확인", policy=policy.policy,
                              actor=STAFF)
    with pytest.raises(RequestRefused):
        rights_request_extend(request_id=request.pk, until=dt.date(2025, 3, 20), reason=" ", policy=policy.policy,
                              actor=STAFF)
    with clock.frozen(T0 + dt.timedelta(days=11)), pytest.raises(RequestRefused):
        rights_request_extend(request_id=request.pk, until=dt.date(2025, 3, 20), reason="서류 확인",
                              policy=policy.policy, actor=STAFF)
    extended = rights_request_extend(request_id=request.pk, until=dt.date(2025, 3, 23), reason="서류 확인",
                                     policy=policy.policy, actor=STAFF)
    assert (extended.due, extended.status) == (dt.date(2025, 3, 23), RequestStatus.EXTENDED)
    with pytest.raises(RequestRefused):
        rights_request_extend(request_id=request.pk, until=dt.date(2025, 3, 22), reason="또", policy=policy.policy,
                              actor=STAFF)


def test_the_clock_makes_a_request_due_soon_then_overdue(alice, policy):
    request = by_phone(policy)
    assert not request_shown(request, policy=policy.policy, lang="ko", today=dt.date(2025, 3, 10)).due_soon
    assert request_shown(request, policy=policy.policy, lang="ko", today=dt.date(2025, 3, 11)).due_soon
    assert not request_shown(request, policy=policy.policy, lang="ko", today=dt.date(2025, 3, 13)).overdue
    assert request_shown(request, policy=policy.policy, lang="ko", today=dt.date(2025, 3, 14)).overdue
    assert requests_due_within(days=2, as_of=T0 + dt.timedelta(days=8)) == [request]
    assert requests_due_within(days=2, as_of=T0 + dt.timedelta(days=7)) == []


def test_the_queue_shows_due_dates_and_needs_the_registers_permission(alice, policy, officer, handler):
    by_phone(policy)
    page = signed_in(officer).get("/console/rights/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2025. 3. 13." in text and "전화" in text and "열람" in text
    assert signed_in(handler).get("/console/rights/").status_code == 403


def test_an_overdue_request_is_marked_in_the_queue(alice, policy, officer):
    by_phone(policy)
    with clock.frozen(T0 + dt.timedelta(days=11)):
        text = signed_in(officer).get("/console/rights/").content.decode()
    assert 'class="overdue"' in text


def test_staff_answer_and_carry_out_a_deletion_from_the_console(alice, policy, officer):
    request = by_phone(policy, kind="deletion")
    client = signed_in(officer)
    assert "전화로 열람을 요청함" in client.get(f"/console/rights/{request.pk}/").content.decode()
    response = client.post(f"/console/rights/{request.pk}/delete/")
    assert response.status_code == 302
    assert Subject.objects.get(pk=alice.subject_id).destroyed_at is not None
    assert RightsRequest.objects.get(pk=request.pk).outcome == Outcome.DONE


def test_a_console_refusal_without_reasons_is_a_400_naming_the_field(alice, policy, officer):
    request = by_phone(policy)
    response = signed_in(officer).post(f"/console/rights/{request.pk}/answer/", {"outcome": "refused", "reason": ""})
    assert response.status_code == 400 and 'id="id_reason-error"' in response.content.decode()


def test_the_console_registers_a_request_received_by_letter(alice, policy, officer):
    response = signed_in(officer).post("/console/rights/", {
        "email": ALICE, "kind": "correction", "channel": "letter", "identity_note": "위임장과 대리인 신분증 확인",
        "request_text": "",
    })
    assert response.status_code == 302
    assert RightsRequest.objects.get().channel == "letter"


def test_the_officer_gets_one_digest_a_day_of_requests_due_within_two_days(alice, policy, mailoutbox):
    from policybound.mailer.services import mail_send_due
    from policybound.rights.digest import officer_digest_queue

    request = by_phone(policy)  # due 2025. 3. 13.
    assert officer_digest_queue(as_of=T0 + dt.timedelta(days=7)) is None  # due in 3 days: not yet
    mail = officer_digest_queue(as_of=T0 + dt.timedelta(days=8))
    assert mail is not None and mail.owns_key
    assert officer_digest_queue(as_of=T0 + dt.timedelta(days=8, hours=2)) is None  # once a day
    mail_send_due(limit=10, as_of=T0 + dt.timedelta(days=8))
    digest = next(m for m in mailoutbox if "개인정보 센터" in m.subject)
    body = digest.body
    assert digest.to == [policy.policy.contacts.officer.email]
    assert f"/console/rights/{request.pk}/" in body and "2025. 3. 13." in body and "김앨리스" not in body
