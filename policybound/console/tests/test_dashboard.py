from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policybound.collection.services import engagement_end
from policybound.console.dashboard import dashboard_read
from policybound.console.tests.conftest import VISITOR, submit
from policybound.lib import clock

pytestmark = pytest.mark.django_db(databases=["default", "archive"])


def test_it_counts_engagements_by_purpose_and_status(alice, as_staff, hong):
    submit("newsletter")
    board = as_staff(alice).get("/console/dashboard/").context["board"]
    counts = {row.code: (row.pending, row.active, row.ended) for row in board.purposes}
    assert counts["consulting"] == (0, 1, 0) and counts["newsletter"] == (1, 0, 0)


def test_it_counts_an_engagement_past_its_deadline_as_due_for_the_next_sweep(policy, hong):
    engagement_end(engagement_id=hong.engagement_id, event="closed", actor=VISITOR)
    later = clock.now() + dt.timedelta(days=400)
    assert dashboard_read(policy=policy, as_of=later).overdue["engagements"] == 1


def test_it_does_not_count_an_open_engagement_as_due(policy, hong):
    later = clock.now() + dt.timedelta(days=400)
    assert dashboard_read(policy=policy, as_of=later).overdue["engagements"] == 0


def test_it_shows_what_falls_due_within_thirty_days(policy, hong):
    engagement_end(engagement_id=hong.engagement_id, event="closed", actor=VISITOR)
    later = clock.now() + dt.timedelta(days=350)
    assert dashboard_read(policy=policy, as_of=later).due_soon == 1


def test_it_shows_no_personal_value(alice, as_staff, hong):
    html = as_staff(alice).get("/console/dashboard/").content.decode()
    assert "홍길동" not in html and "홍*동" not in html


def test_it_runs_the_same_number_of_queries_for_one_subject_or_twenty(alice, as_staff, published):
    client = as_staff(alice)
    submit()
    client.get("/console/dashboard/")
    with CaptureQueriesContext(connection) as one:
        client.get("/console/dashboard/")
    for _ in range(19):
        submit()
    with CaptureQueriesContext(connection) as twenty:
        client.get("/console/dashboard/")
    assert len(twenty) == len(one)
