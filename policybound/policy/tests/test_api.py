from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from policybound.audit.actors import Actor
from policybound.policy.services import policy_publish
from policybound.policy.tests.factory import policy_yaml

pytestmark = pytest.mark.django_db


@pytest.fixture
def published() -> str:
    text = policy_yaml()
    policy_publish(text=text, announced=dt.date(2024, 3, 1), effective=dt.date(2024, 3, 8), actor=Actor.system("test"))
    return text


def test_it_says_so_in_json_when_nothing_is_published(client: Client) -> None:
    response = client.get("/api/v1/policy")
    assert response.status_code == 404
    assert response.json() == {"detail": "No privacy policy is published yet."}


def test_it_returns_the_version_in_force(client: Client, published: str) -> None:
    body = client.get("/api/v1/policy").json()
    assert (body["announced"], body["effective"]) == ("2024-03-01", "2024-03-08")
    assert len(body["sha256"]) == 64
    assert body["controller"]["name"] == {"ko": "주식회사 한빛랩스", "en": "Hanbit Labs Inc."}


def test_it_describes_each_purpose_with_its_retention(client: Client, published: str) -> None:
    [purpose] = client.get("/api/v1/policy").json()["purposes"]
    assert purpose["code"] == "demo"
    assert purpose["required"] is True
    assert (purpose["items"], purpose["optional_items"]) == (["name", "email"], ["company"])
    assert purpose["retention"]["period"] == "P6M"
    assert purpose["retention"]["end_events"] == [{"code": "held", "label": {"ko": "데모 종료", "en": "the demo held"}}]


def test_it_lists_the_items_and_legal_retention(client: Client, published: str) -> None:
    body = client.get("/api/v1/policy").json()
    assert [item["code"] for item in body["items"]] == ["name", "email", "company"]
    assert body["legal_retention"] == []


def test_it_documents_the_endpoint_in_openapi(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/policy"]["get"]
    assert operation["operationId"] == "policy_in_force"
    assert set(operation["responses"]) == {"200", "404"}
    assert "PolicyOut" in schema["components"]["schemas"]
