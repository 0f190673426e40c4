"""The permission matrix: every console URL for every kind of account, allowed or refused.

Alice is the privacy officer, Dave privacy staff, Bob a marketing handler for consulting requests and
inquiries, Carol one for newsletters, Erin holds the policy's ``other`` role (no purpose), Charlie has
an account but no role, and the visitor is not signed in. The subject is 홍길동's consulting request.
"""

from __future__ import annotations

import pytest
from django.test import Client

from policybound.console.tests.conftest import OPERATOR, signed_in
from policybound.retention.services import legal_hold_place

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

PEOPLE = ["visitor", "charlie", "erin", "carol", "bob", "dave", "alice"]
OK, LOGIN, NO = "ok", "login", "403"

# url key: (method, expected for each person in PEOPLE order)
MATRIX = {
    "home": ("get", [LOGIN, NO, OK, OK, OK, OK, OK]),
    "inbox": ("get", [LOGIN, NO, OK, OK, OK, OK, OK]),
    "inbox_consulting": ("get", [LOGIN, NO, NO, NO, OK, OK, OK]),
    "inbox_newsletter": ("get", [LOGIN, NO, NO, OK, NO, OK, OK]),
    "export_form": ("get", [LOGIN, NO, NO, NO, OK, OK, OK]),
    "export": ("post", [LOGIN, NO, NO, NO, OK, OK, OK]),
    "subject": ("get", [LOGIN, NO, NO, NO, OK, OK, OK]),
    "reveal_form": ("get", [LOGIN, NO, NO, NO, OK, OK, OK]),
    "reveal": ("post", [LOGIN, NO, NO, NO, OK, OK, OK]),
    "hold_place": ("post", [LOGIN, NO, NO, NO, OK, OK, OK]),
    "hold_release": ("post", [LOGIN, NO, NO, NO, OK, OK, OK]),
    "reply": ("post", [LOGIN, NO, NO, NO, OK, OK, OK]),
    "close": ("post", [LOGIN, NO, NO, NO, OK, OK, OK]),
    "dashboard": ("get", [LOGIN, NO, NO, NO, NO, OK, OK]),
    "review": ("get", [LOGIN, NO, NO, NO, NO, OK, OK]),
    "review_record": ("post", [LOGIN, NO, NO, NO, NO, OK, OK]),
}
CASES = [(url, person, expected[i]) for url, (_m, expected) in MATRIX.items() for i, person in enumerate(PEOPLE)]


def url_of(key: str, hong, hold_id: int) -> tuple[str, dict[str, str]]:
    subject = f"/console/subjects/{hong.subject_id}/"
    reveal = f"{subject}reveal/{hong.submission_id}/name/"
    return {
        "home": ("/console/", {}),
        "inbox": ("/console/inbox/", {}),
        "inbox_consulting": ("/console/inbox/consulting/", {}),
        "inbox_newsletter": ("/console/inbox/newsletter/", {}),
        "export_form": ("/console/inbox/consulting/export/", {}),
        "export": ("/console/inbox/consulting/export/", {"reason": "월간 상담 현황 보고"}),
        "subject": (subject, {}),
        "reveal_form": (reveal, {}),
        "reveal": (reveal, {"reason": "고객 회신 전화"}),
        "hold_place": (f"{subject}holds/", {"rule": "commercial_act_books", "reason": "사건 2026-17"}),
        "hold_release": (f"{subject}holds/{hold_id}/release/", {}),
        "reply": (f"/console/engagements/{hong.engagement_id}/reply/", {}),
        "close": (f"/console/engagements/{hong.engagement_id}/close/", {"event": "closed"}),
        "dashboard": ("/console/dashboard/", {}),
        "review": ("/console/review/", {}),
        "review_record": ("/console/review/", {"record": "1", "month": "2026-11"}),
    }[key]


def outcome(response) -> str:
    if response.status_code == 403:
        return NO
    if response.status_code == 302 and response["Location"].startswith("/console/login/"):
        return LOGIN
    assert response.status_code in (200, 302), response.status_code
    return OK


@pytest.mark.parametrize(("key", "person", "expected"), CASES, ids=[f"{k}-{p}" for k, p, _e in CASES])
def test_the_permission_matrix(key, person, expected, make_staff, hong):
    roles = {"charlie": None, "erin": "other", "carol": "newsletter_desk", "bob": "marketing",
             "dave": "privacy_staff", "alice": "privacy_officer"}
    client = Client() if person == "visitor" else signed_in(make_staff(person, roles[person]))
    hold = legal_hold_place(subject_id=hong.subject_id, rule="commercial_act_books", reason="사건 2026-16", actor=OPERATOR)
    url, data = url_of(key, hong, hold.pk)
    method = MATRIX[key][0]
    response = client.post(url, data) if method == "post" else client.get(url)
    assert outcome(response) == expected


def test_a_signed_in_account_without_the_second_factor_is_sent_to_the_code_page(make_staff, hong):
    client = Client()
    client.force_login(make_staff("bob", "marketing"))
    assert client.get("/console/inbox/consulting/")["Location"].startswith("/console/login/code/")


def test_a_role_without_purposes_sees_an_empty_inbox(make_staff, published):
    response = signed_in(make_staff("erin", "other")).get("/console/inbox/")
    assert "console/inbox_empty.html" in [t.name for t in response.templates]
