"""The privacy center over ``/api/v1``: public verify-and-act endpoints, staff endpoints to answer."""

from __future__ import annotations

import json

import pytest

from policybound.api.services import api_token_create
from policybound.audit.actors import Actor
from policybound.collection.selectors import consent_in_force
from policybound.rights.models import RightsRequest
from policybound.rights.services import rights_request_open_for_address
from policybound.subjects.models import Subject

from .conftest import ALICE, STAFF, sent_code

pytestmark = pytest.mark.django_db(databases=["default", "archive"])


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def session(client, mailoutbox, email=ALICE):
    started = post(client, "/api/v1/rights/verifications", {"email": email})
    assert started.status_code == 202
    code = sent_code(mailoutbox)
    confirmed = post(client, "/api/v1/rights/verifications/confirm",
                     {"verification": started.json()["verification"], "code": code})
    assert confirmed.status_code == 200
    return {"HTTP_X_PRIVACY_CENTER_SESSION": confirmed.json()["session"]}


def test_a_known_and_an_unknown_address_get_the_same_answer(alice, client):
    known = post(client, "/api/v1/rights/verifications", {"email": ALICE}).json()
    unknown = post(client, "/api/v1/rights/verifications", {"email": "nobody@example.net"}).json()
    assert known["detail"] == unknown["detail"] and set(known) == set(unknown)


def test_a_bad_address_is_a_400_naming_the_field(alice, client):
    response = post(client, "/api/v1/rights/verifications", {"email": "nope"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["email"]


def test_a_wrong_code_is_a_400_naming_the_code(alice, client):
    started = post(client, "/api/v1/rights/verifications", {"email": ALICE}).json()
    response = post(client, "/api/v1/rights/verifications/confirm", {"verification": started["verification"],
                                                                     "code": "12345x"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["code"]


def test_a_verified_session_reads_everything_held(alice, client, mailoutbox):
    headers = session(client, mailoutbox)
    data = client.get("/api/v1/rights/me", **headers).json()
    assert data["schema"] == "policybound.rights.export/1"
    assert any(i["value"] == "김앨리스" for s in data["submissions"] for i in s["items"])


def test_without_a_session_it_is_a_401(alice, client):
    assert client.get("/api/v1/rights/me").status_code == 401
    assert client.get("/api/v1/rights/me", HTTP_X_PRIVACY_CENTER_SESSION="forged").status_code == 401


def test_withdraw_and_delete_through_the_api(alice, client, mailoutbox):
    headers = session(client, mailoutbox)
    response = post(client, "/api/v1/rights/me/withdrawals", {"purposes": ["marketing"]}, **headers)
    assert response.status_code == 200 and response.json()["kind"] == "withdrawal"
    assert not consent_in_force(subject_id=alice.subject_id, purpose="marketing")
    bad = post(client, "/api/v1/rights/me/withdrawals", {"purposes": ["marketing"]}, **headers)
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["purposes"]
    deleted = post(client, "/api/v1/rights/me/deletion", {}, **headers)
    assert deleted.status_code == 200 and deleted.json()["outcome"] == "done"
    assert Subject.objects.get(pk=alice.subject_id).destroyed_at is not None


def test_staff_list_and_answer_with_a_staff_token(alice, policy, client):
    staff = api_token_create(name="back-office", scope="staff", actor=Actor.system("test"))[1]
    intake = api_token_create(name="homepage", scope="intake", actor=Actor.system("test"))[1]
    request = rights_request_open_for_address(email=ALICE, kind="access", channel="letter", identity_note="서면 확인",
                                              policy=policy.policy, actor=STAFF, lang="ko")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {staff}"}
    listed = client.get("/api/v1/rights-requests", **auth).json()
    assert [r["id"] for r in listed] == [str(request.pk)] and listed[0]["due_on"] == "2025-03-13"
    assert client.get("/api/v1/rights-requests", HTTP_AUTHORIZATION=f"Bearer {intake}").status_code == 403
    refused = post(client, f"/api/v1/rights-requests/{request.pk}/answer", {"outcome": "refused"}, **auth)
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["reason"]
    answered = post(client, f"/api/v1/rights-requests/{request.pk}/answer", {"outcome": "done"}, **auth)
    assert answered.status_code == 200 and RightsRequest.objects.get().status == "answered"


def test_the_endpoints_are_in_the_openapi_document(policy, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/rights/verifications", "/api/v1/rights/me", "/api/v1/rights-requests"):
        assert path in paths
