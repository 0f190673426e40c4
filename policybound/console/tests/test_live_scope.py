"""Access follows the purpose: a person's records open only through a live engagement (finding 4).

Mallory works the marketing consent alone. 홍길동 asked for consulting and consented to marketing, so
one submission serves both purposes. When the marketing consent is withdrawn its engagement is due at
once (PIPA 37③); the consulting request keeps the values, but Mallory may no longer open them. The
refusal is the console's 403 page, as for any subject outside a role: the subject's id is a random UUID
she saw while the engagement was live, so a 403 tells her nothing new, and it says what happened (her
access ended) where a 404 would suggest the record was gone, which it is not.
"""

from __future__ import annotations

import csv
import io

import pytest

from policybound.audit.models import AuditEvent
from policybound.collection.services import consent_withdraw
from policybound.console import accounts
from policybound.console.tests.conftest import OPERATOR, VISITOR, submit
from policybound.retention.services import legal_hold_place

pytestmark = pytest.mark.django_db(databases=["default", "archive"])


@pytest.fixture
def mallory(make_staff):
    return make_staff("mallory", "marketing_desk")


@pytest.fixture
def consented(published):
    """홍길동's consulting request with the marketing consent given."""
    return submit("consulting", n=1, marketing=True)


def page_of(result) -> str:
    return f"/console/subjects/{result.subject_id}/"


def reveal_of(result, item: str) -> str:
    return f"{page_of(result)}reveal/{result.submission_id}/{item}/"


def withdraw(result) -> None:
    consent_withdraw(subject_id=result.subject_id, purpose="marketing", actor=VISITOR, channel="web")


def test_a_marketing_handler_works_the_subject_while_the_consent_stands(mallory, as_staff, consented):
    client = as_staff(mallory)
    assert "홍*동" in client.get(page_of(consented)).content.decode()
    assert client.post(reveal_of(consented, "name"), {"reason": "이벤트 안내 전화"}).context["revealed"].value == "홍길동"


def test_a_withdrawn_marketing_consent_takes_the_subject_page_away(mallory, as_staff, consented):
    withdraw(consented)
    AuditEvent.objects.filter(action="view").delete()
    response = as_staff(mallory).get(page_of(consented))
    assert response.status_code == 403
    assert "홍*동" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="view").exists()


def test_a_withdrawn_marketing_consent_takes_the_reveal_away(mallory, as_staff, consented):
    withdraw(consented)
    client = as_staff(mallory)
    assert client.get(reveal_of(consented, "name")).status_code == 403
    response = client.post(reveal_of(consented, "name"), {"reason": "이벤트 안내 전화"})
    assert response.status_code == 403
    assert "홍길동" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_a_withdrawn_marketing_consent_leaves_the_subject_out_of_the_export(mallory, as_staff, consented):
    withdraw(consented)
    response = as_staff(mallory).post("/console/inbox/marketing/export/", {"reason": "이벤트 대상자 추출"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row for row in rows[1:] if row[1] == str(consented.subject_id)] == []


def test_the_purpose_that_keeps_the_values_still_works_them(bob, as_staff, consented):
    withdraw(consented)
    client = as_staff(bob)
    assert "홍*동" in client.get(page_of(consented)).content.decode()
    assert client.post(reveal_of(consented, "name"), {"reason": "상담 회신 전화"}).context["revealed"].value == "홍길동"


def test_a_role_with_both_purposes_sees_the_values_only_through_the_live_one(make_staff, as_staff, published):
    newsletter = submit("newsletter", n=3, marketing=True)
    withdraw(newsletter)
    carol = make_staff("carol", "newsletter_desk")
    accounts.staff_permission_grant(username="carol", permission="console.purpose_marketing", actor=OPERATOR)
    page = as_staff(carol).get(page_of(newsletter)).context["page"]
    assert [entry.submission.pk for entry in page.submissions] == [newsletter.submission_id]
    assert {(r.purpose, r.event) for r in page.receipts} >= {("marketing", "withdrawn")}


def test_a_held_subject_past_every_purpose_opens_only_for_an_archive_reader(alice, as_staff, published):
    result = submit("newsletter", n=4, marketing=True)
    legal_hold_place(subject_id=result.subject_id, rule="commercial_act_books", reason="사건 2026-21", actor=OPERATOR)
    consent_withdraw(subject_id=result.subject_id, purpose="newsletter", actor=VISITOR, channel="web")
    withdraw(result)
    assert as_staff(alice).get(page_of(result)).status_code == 403
    accounts.staff_permission_grant(username="alice", permission="archive.reveal_archivedrecord", actor=OPERATOR)
    alice.refresh_from_db()
    response = as_staff(alice).get(page_of(result))
    assert response.status_code == 200
    assert response.context["page"].submissions == [] and response.context["page"].held
