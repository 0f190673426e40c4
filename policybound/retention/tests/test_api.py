"""Legal holds and the destruction register over ``/api/v1`` (token scope ``staff``)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import transaction

from policybound.api.services import api_token_create
from policybound.audit.actors import Actor
from policybound.audit.models import AuditEvent
from policybound.lib.testing import alice_fields
from policybound.retention.models import LegalHold
from policybound.retention.services import destruction_record_manual

from .conftest import STAFF, submit

pytestmark = pytest.mark.django_db(databases=["default", "archive"])


def make_token(scope: str, name: str) -> str:
    with transaction.atomic():
        return api_token_create(name=name, scope=scope, actor=Actor.system("test"))[1]


@pytest.fixture
def alice(policy):
    return submit("consulting", alice_fields())


@pytest.fixture
def call(client):
    staff = make_token("staff", "back-office")

    def request(method: str, url: str, body=None, *, token: str | None = staff):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        send = getattr(client, method)
        if body is None:
            return send(url, **headers)
        return send(url, body, content_type="application/json", **headers)

    return request


def holds_url(subject_id) -> str:
    return f"/api/v1/subjects/{subject_id}/legal-holds"


def test_it_places_a_hold(alice, call):
    response = call("post", holds_url(alice.subject_id), {"rule": "commercial_act_books", "items": ["name"], "reason": "ledger"})
    assert response.status_code == 201
    data = response.json()
    assert (data["rule"], data["law"], data["period"], data["items"]) == ("commercial_act_books", "상법", "P10Y", ["name"])
    assert data["placed_by"] == "token:back-office"


def test_placing_a_hold_is_audited_with_the_token(alice, call):
    call("post", holds_url(alice.subject_id), {"rule": "commercial_act_books", "reason": "ledger"})
    event = AuditEvent.objects.get(action="hold")
    assert (event.actor_kind, event.actor_label, event.subject_id) == ("token", "back-office", alice.subject_id)


def test_it_refuses_an_unknown_rule_naming_the_field(alice, call):
    response = call("post", holds_url(alice.subject_id), {"rule": "no_such_law", "reason": "x"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["rule"]
    assert not LegalHold.objects.exists()


def test_the_reason_is_optional(alice, call):
    response = call("post", holds_url(alice.subject_id), {"rule": "ecommerce_contracts"})
    assert response.status_code == 201 and response.json()["reason"].startswith("전자상거래")


def test_it_answers_404_for_an_unknown_subject(policy, call):
    response = call("post", holds_url(uuid.uuid4()), {"rule": "commercial_act_books", "reason": "x"})
    assert response.status_code == 404


def test_it_needs_a_staff_token(alice, call):
    intake = make_token("intake", "homepage")
    assert call("post", holds_url(alice.subject_id), {"rule": "commercial_act_books", "reason": "x"}, token=intake).status_code == 403
    assert call("post", holds_url(alice.subject_id), {"rule": "commercial_act_books", "reason": "x"}, token=None).status_code == 401


def test_it_releases_a_hold(alice, call):
    hold_id = call("post", holds_url(alice.subject_id), {"rule": "commercial_act_books", "reason": "x"}).json()["id"]
    response = call("delete", f"{holds_url(alice.subject_id)}/{hold_id}")
    assert response.status_code == 200 and response.json()["released_at"] is not None
    assert AuditEvent.objects.filter(action="release", subject_id=alice.subject_id).count() == 1


def test_it_releases_only_the_subjects_own_hold(alice, call):
    hold_id = call("post", holds_url(alice.subject_id), {"rule": "commercial_act_books", "reason": "x"}).json()["id"]
    assert call("delete", f"{holds_url(uuid.uuid4())}/{hold_id}").status_code == 404
    assert LegalHold.objects.get().released_at is None


def test_it_lists_a_subjects_holds(alice, call):
    call("post", holds_url(alice.subject_id), {"rule": "commercial_act_books", "reason": "x"})
    assert [h["rule"] for h in call("get", holds_url(alice.subject_id)).json()] == ["commercial_act_books"]


def test_it_lists_the_register_filtered_by_day(db, call):
    for day in (dt.date(2025, 6, 1), dt.date(2025, 6, 15), dt.date(2025, 7, 1)):
        destruction_record_manual(category="paper", description=f"forms of {day}", subjects=0, items=3,
                                  method="shred", destroyed_at=day, approved_by="staff:dana", actor=STAFF)
    response = call("get", "/api/v1/destruction-register?since=2025-06-01&until=2025-06-30")
    assert response.status_code == 200
    assert [e["description"] for e in response.json()] == ["forms of 2025-06-15", "forms of 2025-06-01"]


def test_the_register_needs_a_staff_token(db, call):
    assert call("get", "/api/v1/destruction-register", token=make_token("intake", "homepage")).status_code == 403


def test_the_endpoints_are_in_the_openapi_document(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/subjects/{subject_id}/legal-holds", "/api/v1/destruction-register"} <= set(paths)


@pytest.mark.parametrize("query", ["since=0001-01-01", "until=9999-12-31", "since=0001-01-01&until=9999-12-31"])
def test_the_first_and_last_days_a_date_can_name_are_no_bound(db, call, query):
    destruction_record_manual(category="paper", description="forms", subjects=0, items=1, method="shred",
                              destroyed_at=dt.date(2025, 6, 1), approved_by="staff:dana", actor=STAFF)
    response = call("get", f"/api/v1/destruction-register?{query}")
    assert response.status_code == 200
    assert [e["description"] for e in response.json()] == ["forms"]
