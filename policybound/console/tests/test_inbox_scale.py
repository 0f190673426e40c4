"""The inbox at a million subjects: a page and its count read the index, never every engagement.

No timing: the query plans are asserted (``bench inbox`` measures). Sequential scans are switched off
for PostgreSQL's explain, since on the tests' nearly empty tables a scan would win whatever the query.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from policybound.collection.models import Engagement
from policybound.console import screens
from policybound.console.tests.conftest import submit

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

INBOX = "/console/inbox/consulting/"


def _plan(queryset: QuerySet[Engagement]) -> str:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        return str(queryset.explain())


def _assert_reads_the_index(plan: str) -> None:
    if connection.vendor == "postgresql":
        assert "using engagement_open" in plan and "Sort" not in plan, plan
        index_cond = next(line for line in plan.splitlines() if "Index Cond" in line)
        assert "purpose" in index_cond, plan
    else:
        assert "USING INDEX engagement_open (purpose=?)" in plan and "TEMP B-TREE" not in plan, plan


def test_a_page_is_read_from_the_index_in_display_order():
    _assert_reads_the_index(_plan(screens.inbox_queryset("consulting")[: screens.PAGE_SIZE + 1]))


def test_the_count_reads_the_index_and_stops_at_the_cap(published):
    with CaptureQueriesContext(connection) as captured:
        screens.inbox_count("consulting")
    (sql,) = [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"].upper()]
    assert f"LIMIT {screens.COUNT_CAP + 1}" in sql, sql
    inner = sql[sql.index("(SELECT") + 1 : sql.rindex(")")]  # the capped subquery the count wraps
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(("EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN ") + inner)
        plan = "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())
    _assert_reads_the_index(plan)


def test_past_the_cap_the_count_says_so(bob, as_staff, published, monkeypatch):
    monkeypatch.setattr(screens, "COUNT_CAP", 3)
    for _ in range(5):
        submit()
    response = as_staff(bob).get(INBOX)
    page = response.context["inbox"].page
    assert (page.count, page.count_capped, page.num_pages) == (3, True, None)
    assert "진행 중 3건 이상" in response.content.decode()  # "3+ open", never a bare 3


def test_under_the_cap_the_count_is_exact(bob, as_staff, published, monkeypatch):
    monkeypatch.setattr(screens, "COUNT_CAP", 3)
    for _ in range(3):
        submit()
    page = as_staff(bob).get(INBOX).context["inbox"].page
    assert (page.count, page.count_capped, page.num_pages) == (3, False, 1)


def test_pages_go_on_past_the_cap(bob, as_staff, published, monkeypatch):
    monkeypatch.setattr(screens, "COUNT_CAP", 1)
    monkeypatch.setattr(screens, "PAGE_SIZE", 2)
    made = [submit().engagement_id for _ in range(5)]
    client = as_staff(bob)
    pages = [client.get(f"{INBOX}?page={number}").context["inbox"].page for number in (1, 2, 3)]
    assert [[e.pk for e in page.object_list] for page in pages] == [made[4:2:-1], made[2:0:-1], made[:1]]
    assert [page.has_next for page in pages] == [True, True, False]


def test_a_page_past_the_end_shows_the_last(bob, as_staff, published, monkeypatch):
    monkeypatch.setattr(screens, "PAGE_SIZE", 2)
    made = [submit().engagement_id for _ in range(3)]
    page = as_staff(bob).get(f"{INBOX}?page=9").context["inbox"].page
    assert page.number == 2 and [e.pk for e in page.object_list] == made[:1]


def test_a_page_that_is_not_a_number_shows_the_first(bob, as_staff, published):
    submit()
    assert as_staff(bob).get(f"{INBOX}?page=abc").context["inbox"].page.number == 1


def test_an_ended_engagement_leaves_the_index(published):
    engagement = Engagement.objects.get(pk=submit().engagement_id)
    assert list(screens.inbox_queryset("consulting")) == [engagement]
    Engagement.objects.filter(pk=engagement.pk).update(status="ended", ended_at=engagement.started_at)
    assert list(screens.inbox_queryset("consulting")) == []
