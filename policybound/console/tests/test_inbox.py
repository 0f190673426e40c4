from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policybound.audit.models import AuditEvent
from policybound.collection.models import Engagement
from policybound.console.models import ReplyNote
from policybound.console.tests.conftest import submit

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

INBOX = "/console/inbox/consulting/"


def test_it_sends_a_handler_to_the_first_purpose_of_its_role(bob, as_staff):
    assert as_staff(bob).get("/console/inbox/")["Location"] == INBOX


def test_it_lists_open_requests_with_masked_values(bob, as_staff, hong):
    html = as_staff(bob).get(INBOX).content.decode()
    assert "홍*동" in html and "010-****-0001" in html and "v***@example.com" in html


def test_it_never_shows_a_plain_value_in_the_inbox(bob, as_staff, hong):
    html = as_staff(bob).get(INBOX).content.decode()
    assert "홍길동" not in html and "visitor1@example.com" not in html and "2000-0001" not in html


def test_it_lists_the_newest_request_first(bob, as_staff, published):
    first, second = submit(), submit()
    rows = as_staff(bob).get(INBOX).context["inbox"].rows
    assert [row.engagement.pk for row in rows] == [second.engagement_id, first.engagement_id]


def test_it_leaves_closed_requests_out(bob, as_staff, hong):
    client = as_staff(bob)
    client.post(f"/console/engagements/{hong.engagement_id}/close/", {"event": "closed"})
    assert client.get(INBOX).context["inbox"].rows == []


def test_it_writes_one_view_row_per_subject_shown(bob, as_staff, published):
    shown = {submit().subject_id for _ in range(3)}
    AuditEvent.objects.filter(action="view").delete()
    as_staff(bob).get(INBOX)
    rows = AuditEvent.objects.filter(action="view")
    assert {row.subject_id for row in rows} == shown and rows.count() == 3


def test_it_names_the_items_shown_in_each_view_row(bob, as_staff, hong):
    as_staff(bob).get(INBOX)
    event = AuditEvent.objects.get(action="view", subject_id=hong.subject_id)
    assert event.detail == {"screen": "inbox", "items": ["name", "phone", "email", "company", "message"], "masked": True}


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_it_runs_the_same_number_of_queries_for_one_row_or_twenty(bob, as_staff, published):
    client = as_staff(bob)
    submit()
    client.get(INBOX)  # warm the caches (content types, policy parse)
    one = queries_for(client, INBOX)
    for _ in range(19):
        submit()
    assert queries_for(client, INBOX) == one


def test_it_refuses_a_purpose_outside_the_role(bob, as_staff, published):
    assert as_staff(bob).get("/console/inbox/newsletter/").status_code == 403


def test_it_answers_404_for_a_purpose_the_policy_does_not_have(bob, as_staff, published):
    assert as_staff(bob).get("/console/inbox/astrology/").status_code == 404


def test_it_notes_a_reply(bob, as_staff, hong):
    as_staff(bob).post(f"/console/engagements/{hong.engagement_id}/reply/", {"back": INBOX})
    assert ReplyNote.objects.filter(engagement_id=hong.engagement_id, noted_by=bob).exists()


def test_it_shows_a_noted_reply_in_the_inbox(bob, as_staff, hong):
    client = as_staff(bob)
    client.post(f"/console/engagements/{hong.engagement_id}/reply/")
    assert client.get(INBOX).context["inbox"].rows[0].replied_at is not None


def test_it_closes_a_request_with_its_end_event_and_starts_the_retention_clock(bob, as_staff, hong):
    response = as_staff(bob).post(f"/console/engagements/{hong.engagement_id}/close/", {"event": "closed", "back": INBOX})
    engagement = Engagement.objects.get(pk=hong.engagement_id)
    assert response["Location"] == INBOX
    assert (engagement.status, engagement.end_event) == ("ended", "closed")
    assert engagement.deadline is not None


def test_it_audits_the_close_as_the_handler(bob, as_staff, hong):
    as_staff(bob).post(f"/console/engagements/{hong.engagement_id}/close/", {"event": "closed"})
    event = AuditEvent.objects.get(action="end", subject_id=hong.subject_id)
    assert (event.actor_kind, event.actor_label) == ("staff", "bob")


def test_it_refuses_an_end_event_the_purpose_does_not_have(bob, as_staff, hong):
    as_staff(bob).post(f"/console/engagements/{hong.engagement_id}/close/", {"event": "unsubscribed"})
    assert Engagement.objects.get(pk=hong.engagement_id).status == "active"


def test_it_refuses_to_close_an_engagement_outside_the_role(carol, as_staff, hong):
    assert as_staff(carol).post(f"/console/engagements/{hong.engagement_id}/close/").status_code == 403
    assert Engagement.objects.get(pk=hong.engagement_id).status == "active"
