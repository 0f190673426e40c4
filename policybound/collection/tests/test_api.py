"""``/api/v1/submissions`` and ``/api/v1/engagements/{id}/end``: every answer, including every error."""

from __future__ import annotations

import pytest

from policybound.api.services import api_token_create, api_token_revoke
from policybound.audit.actors import Actor
from policybound.audit.models import AuditEvent
from policybound.collection.models import Engagement, Submission
from policybound.collection.tests.conftest import row_counts
from policybound.lib.testing import alice_fields, bob_fields

CLI = Actor.system("test")
URL = "/api/v1/submissions"


def make_token(scope: str, name: str) -> str:
    from django.db import transaction

    with transaction.atomic():
        return api_token_create(name=name, scope=scope, actor=CLI)[1]


@pytest.fixture
def intake(policy_version) -> str:
    return make_token("intake", "homepage")


@pytest.fixture
def api(client, intake):
    def post(body=None, *, token=intake, url=URL, **headers):
        if token is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client.post(url, body if body is not None else {}, content_type="application/json", **headers)

    return post


def body(**changes):
    data = {
        "purpose": "consulting",
        "fields": alice_fields(),
        "consents": {"consulting": True, "marketing": False},
        "source": "web",
    }
    data.update(changes)
    return data


def test_it_records_a_submission(api):
    response = api(body())
    data = response.json()
    assert response.status_code == 201
    submission = Submission.objects.get(pk=data["submission_id"])
    assert (str(submission.subject_id), submission.channel) == (data["subject_id"], "api")
    assert submission.entered_by.startswith("token:")
    assert len(data["receipt_ids"]) == 2
    assert Engagement.objects.get(public_id=data["engagement_id"]).purpose == "consulting"


def test_it_records_the_token_as_the_actor(api):
    subject_id = api(body(), REMOTE_ADDR="198.51.100.20").json()["subject_id"]
    event = AuditEvent.objects.filter(subject_id=subject_id, action="enter").order_by("sequence").reverse()[0]
    assert (event.actor_kind, event.actor_label, event.ip) == ("token", "homepage", "198.51.100.20")


def test_it_names_a_foreign_field(api):
    response = api(body(fields=alice_fields(position="CTO")), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["position"]


def test_it_names_a_missing_consent(api):
    response = api(body(consents={"consulting": False}))
    assert (response.status_code, list(response.json()["errors"])) == (400, ["consulting"])


def test_it_names_an_unknown_purpose(api):
    response = api(body(purpose="lottery"))
    assert (response.status_code, list(response.json()["errors"])) == (400, ["purpose"])


def test_it_answers_in_the_requested_language(api):
    response = api(body(fields=alice_fields(phone="0")), HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["errors"]["phone"] == ["Enter a phone number such as 010-1234-5678 or 02-123-4567."]


def test_it_refuses_a_resident_number_and_stores_nothing(api):
    before = row_counts()
    response = api(body(fields=alice_fields(message="800101-1234567")))
    assert response.status_code == 400
    assert "800101" not in response.content.decode()
    assert row_counts() == before


def test_it_refuses_a_bad_visitor_ip(api):
    response = api(body(ip="not-an-ip"))
    assert (response.status_code, list(response.json()["errors"])) == (400, ["ip"])


def test_it_refuses_a_body_of_the_wrong_shape(api):
    response = api({"purpose": "consulting", "fields": "name=alice"})
    assert response.status_code == 422


def test_it_needs_a_token(api):
    assert api(body(), token=None).status_code == 401


def test_it_refuses_an_unknown_token(api):
    assert api(body(), token="pb_not-a-token").status_code == 401


def test_it_refuses_a_revoked_token(api, intake):
    from django.db import transaction

    with transaction.atomic():
        api_token_revoke(name="homepage", actor=CLI)
    assert api(body(), token=intake).status_code == 401


def test_it_refuses_a_token_of_another_scope(api):
    response = api(body(), token=make_token("processor", "i2max"))
    assert response.status_code == 403


def test_it_returns_the_same_answer_to_a_retry(api):
    first = api(body(), HTTP_IDEMPOTENCY_KEY="order-1")
    before = row_counts()
    again = api(body(), HTTP_IDEMPOTENCY_KEY="order-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert row_counts() == before


def test_it_refuses_a_reused_key_with_another_body(api):
    api(body(), HTTP_IDEMPOTENCY_KEY="order-1")
    response = api(body(fields=bob_fields()), HTTP_IDEMPOTENCY_KEY="order-1")
    assert response.status_code == 409
    assert Submission.objects.count() == 1


def test_it_scopes_idempotency_keys_to_the_token(api):
    api(body(), HTTP_IDEMPOTENCY_KEY="order-1")
    other = make_token("intake", "landing-page")
    response = api(body(fields=bob_fields()), token=other, HTTP_IDEMPOTENCY_KEY="order-1")
    assert response.status_code == 201
    assert Submission.objects.count() == 2


def test_it_refuses_an_overlong_idempotency_key(api):
    response = api(body(), HTTP_IDEMPOTENCY_KEY="k" * 201)
    assert (response.status_code, list(response.json()["errors"])) == (400, ["Idempotency-Key"])


# --- ending engagements ------------------------------------------------------------------------


@pytest.fixture
def engagement_id(api) -> str:
    return str(api(body()).json()["engagement_id"])


def end_url(engagement_id: object) -> str:
    return f"/api/v1/engagements/{engagement_id}/end"


def test_it_ends_an_engagement_with_the_default_event(api, engagement_id):
    response = api(None, url=end_url(engagement_id))
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["end_event"]) == ("ended", "closed")
    assert response.json()["deadline"].startswith("2026-03-03")


def test_it_ends_an_engagement_with_a_named_event(api, engagement_id):
    assert api({"event": "closed"}, url=end_url(engagement_id)).json()["end_event"] == "closed"


def test_it_lets_a_staff_token_end_an_engagement(api, engagement_id):
    assert api({}, url=end_url(engagement_id), token=make_token("staff", "crm")).status_code == 200


def test_it_refuses_a_processor_token_at_the_end(api, engagement_id):
    assert api({}, url=end_url(engagement_id), token=make_token("processor", "callcentre")).status_code == 403


def test_it_refuses_an_unknown_end_event(api, engagement_id):
    response = api({"event": "delivered"}, url=end_url(engagement_id))
    assert (response.status_code, list(response.json()["errors"])) == (400, ["event"])


def test_it_answers_404_for_an_unknown_engagement(api, policy_version):
    assert api({}, url=end_url("00000000-0000-4000-8000-000000000000")).status_code == 404


def test_it_names_engagements_by_a_random_id_not_a_sequence(api, engagement_id):
    """Finding 5: the id in the URL is the engagement's UUID; the integer key is not accepted."""
    engagement = Engagement.objects.get(public_id=engagement_id)
    assert str(engagement.public_id) == engagement_id and engagement_id != str(engagement.pk)
    assert api({}, url=end_url(engagement.pk)).status_code == 422
    assert Engagement.objects.get(pk=engagement.pk).status == "active"


def test_an_intake_token_may_not_end_what_another_client_submitted(api, engagement_id):
    """Finding 5: another intake token gets a 404 (as if there were none) and nothing ends or is said."""
    other = make_token("intake", "partner-site")
    response = api({"event": "closed"}, url=end_url(engagement_id), token=other)
    assert response.status_code == 404
    assert "subject_id" not in response.json()
    assert Engagement.objects.get(public_id=engagement_id).status == "active"
    assert not AuditEvent.objects.filter(action="end").exists()


def test_an_intake_token_may_not_end_an_engagement_entered_elsewhere(api, policy_version):
    """A consent given on the public form is not the intake client's to end (e.g. a marketing consent)."""
    from policybound.collection.services import submission_record

    result = submission_record(
        purpose="consulting", fields=bob_fields(), consents={"consulting": True, "marketing": True},
        source="web", actor=Actor.public(ip="203.0.113.9"),
    )
    for engagement in Engagement.objects.filter(pk__in=result.engagement_ids):
        assert api({}, url=end_url(engagement.public_id)).status_code == 404
    assert set(Engagement.objects.filter(pk__in=result.engagement_ids).values_list("status", flat=True)) == {"active"}


def test_a_staff_token_may_end_what_any_client_submitted(api, engagement_id):
    assert api({}, url=end_url(engagement_id), token=make_token("staff", "crm")).json()["id"] == engagement_id


def test_it_answers_409_for_an_ended_engagement(api, engagement_id):
    api({}, url=end_url(engagement_id))
    assert api({}, url=end_url(engagement_id)).status_code == 409


def test_it_needs_a_token_to_end(api, engagement_id):
    assert api({}, url=end_url(engagement_id), token=None).status_code == 401


# --- the OpenAPI document ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "codes"),
    [
        ("/api/v1/submissions", {"201", "400", "401", "403", "409", "422"}),
        ("/api/v1/engagements/{engagement_id}/end", {"200", "400", "401", "403", "404", "409", "422"}),
    ],
)
def test_it_documents_every_answer(client, db, path, codes):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"][path]["post"]
    assert set(operation["responses"]) == codes
    assert operation["security"]


def test_it_documents_the_idempotency_header(client, db):
    document = client.get("/api/v1/openapi.json").json()
    parameters = document["paths"]["/api/v1/submissions"]["post"]["parameters"]
    assert [p["name"] for p in parameters if p["in"] == "header"] == ["Idempotency-Key"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"fields": alice_fields(name="\ud800")}, "fields.name"),
        ({"source_detail": "booth\x00 7"}, "source_detail"),
        ({"user_agent": "Mozilla\x00"}, "user_agent"),
        ({"notice_texts": {"consulting": "notice\x00"}}, "notice_texts.consulting"),
    ],
)
def test_it_refuses_text_that_cannot_be_stored_naming_the_field(api, changes, field):
    """A NUL byte (PostgreSQL) or a lone surrogate (both databases) is a 400, never a 500, and stores nothing."""
    response = api(body(**changes))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert "저장할 수 없는 문자" in response.json()["errors"][field][0]
    assert Submission.objects.count() == 0
