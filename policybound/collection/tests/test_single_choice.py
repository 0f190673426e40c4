"""A question with one answer (``kind: choice``): radio buttons on the form, one answer through the API."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from policybound.api.services import api_token_create
from policybound.audit.actors import Actor
from policybound.collection.models import Submission
from policybound.lib import clock
from policybound.lib.testing import policy_publish_text
from policybound.policy.models import PolicyVersion
from policybound.policy.tests.factory import Data, lint, policy_yaml

pytestmark = pytest.mark.django_db

SIZES = [
    {"code": "small", "label": {"ko": "50인 미만", "en": "Under 50"}},
    {"code": "large", "label": {"ko": "50인 이상", "en": "50 or more"}},
]


def with_company_size(data: Data) -> None:
    data["items"].append(
        {"code": "size", "label": {"ko": "회사 규모", "en": "Company size"}, "kind": "choice", "choices": SIZES}
    )
    data["purposes"][0]["items"].append("size")


@pytest.fixture(autouse=True)
def in_force() -> Iterator[None]:
    with clock.frozen(dt.datetime(2024, 6, 1, 3, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def version() -> PolicyVersion:
    return policy_publish_text(policy_yaml(with_company_size))


def fields(size: object) -> dict[str, object]:
    return {"name": "Alice Kim", "email": "alice.kim@hanbit-corp.example", "size": size}


def test_the_form_asks_it_with_radio_buttons(client: Client, version: PolicyVersion) -> None:
    page = client.get("/forms/demo/").content.decode()
    controls = re.findall(r'<input type="(\w+)" class="choice__input"[^>]*name="size"', page)
    assert controls == ["radio", "radio"]


def test_the_form_refuses_two_answers_and_stores_nothing(client: Client, version: PolicyVersion) -> None:
    page = client.get("/forms/demo/").content.decode()
    digest = re.search(r'name="form-notice" value="([0-9a-f]+)"', page)
    assert digest is not None
    data = {"form-notice": digest.group(1), **fields(["small", "large"]), "consent-demo": "yes"}
    response = client.post("/forms/demo/", data)
    assert response.status_code == 200  # the form again, with the message at the field
    assert 'class="field__error"' in response.content.decode()
    assert "회사 규모: 하나만 선택해 주세요." in response.content.decode()
    assert not Submission.objects.exists()


@pytest.fixture
def api(client: Client, version: PolicyVersion) -> Callable[[object], Any]:
    with transaction.atomic():
        token = api_token_create(name="homepage", scope="intake", actor=Actor.system("test"))[1]

    def post(size: object) -> Any:
        body = {"purpose": "demo", "fields": fields(size), "consents": {"demo": True}, "source": "web"}
        return client.post(
            "/api/v1/submissions", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )

    return post


def test_the_api_takes_one_answer(api: Callable[[object], Any]) -> None:
    assert api("small").status_code == 201
    assert Submission.objects.count() == 1


@pytest.mark.parametrize("answer", [["small", "large"], "small,large"])
def test_the_api_refuses_two_answers_naming_the_field(api: Callable[[object], Any], answer: object) -> None:
    response = api(answer)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["size"]
    assert not Submission.objects.exists()


def test_the_lint_wants_something_to_choose_from() -> None:
    def one_choice(data: Data) -> None:
        with_company_size(data)
        data["items"][-1]["choices"] = SIZES[:1]

    [problem] = lint(policy_yaml(one_choice))
    assert "'size'" in problem.message and "at least two choices" in problem.message


def test_the_lint_refuses_choices_on_an_item_that_is_not_a_question() -> None:
    [problem] = lint(policy_yaml(lambda d: d["items"][0].update(choices=SIZES)))
    assert "only a choices or choice item has choices" in problem.message
