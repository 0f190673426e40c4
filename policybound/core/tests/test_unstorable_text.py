"""The one rule for text entering the system (``policybound.lib.text``), on every way in but JSON bodies.

JSON bodies are tested with the intake API (``collection/tests/test_api.py``).
"""

from __future__ import annotations

import pytest
from django.test import Client

from policybound.collection.models import Submission
from policybound.lib.testing import alice_fields
from policybound.lib.text import first_unstorable, text_storable

pytestmark = pytest.mark.django_db(databases=["default", "archive"])


def test_it_names_the_path_of_the_first_bad_string():
    assert first_unstorable({"a": "fine", "b": {"c": ["ok", "x\x00"]}}) == "b.c"
    assert first_unstorable({"fine": ["tab\tand\nbreak", 3, None]}) is None
    assert not text_storable("\udfff") and text_storable("홍길동 😀")


def test_an_anonymous_sign_in_with_a_nul_in_the_username_is_a_400_page():
    response = Client().post("/console/login/", {"username": "a\x00b", "password": "whatever"})
    assert response.status_code == 400
    assert "username" in response.content.decode()


def test_a_public_form_with_a_nul_is_refused_in_korean_and_stores_nothing(published_policy):
    data = {**alice_fields(company="ACME\x00"), "consent-consulting": "on"}
    response = Client().post("/forms/consulting/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "company" in page and "저장할 수 없는 문자" in page
    assert Submission.objects.count() == 0


def test_a_query_string_with_a_nul_is_refused_as_json_under_the_api(db):
    response = Client().get("/api/v1/destruction-register?since=%00")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["since"]


def test_the_page_speaks_english_to_an_english_visitor(published_policy):
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.post("/forms/consulting/", {"message": "hi\x00"})
    assert response.status_code == 400
    assert "cannot be stored" in response.content.decode()
