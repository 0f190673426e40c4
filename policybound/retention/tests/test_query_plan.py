"""The sweep's batch query reads its partial index from the last row of the previous batch.

No timing: the plan itself is asserted. PostgreSQL must show the keyset as an ``Index Cond`` on
``engagement_due`` (``ROW(deadline, id) > ROW(...)``), not as a ``Filter`` applied after scanning
from the index's start (what ``deadline > x OR (deadline = x AND id > y)`` gives). SQLite must
``SEARCH`` the same index. Sequential scans are switched off for the PostgreSQL explain, since on
the tests' nearly empty tables a scan of the table would win whatever the query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import QuerySet

from policybound.collection.models import Engagement
from policybound.retention.batches import due_queryset
from policybound.retention.lifetime import open_queryset

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

AS_OF = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


def _plan(after: tuple[dt.datetime, int] | None, queryset: QuerySet[Engagement, Any] | None = None) -> str:
    if queryset is None:
        queryset = due_queryset(as_of=AS_OF, after=after).values_list("deadline", "id", "subject_id")[:500]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        return str(queryset.explain())


def test_the_keyset_is_one_row_comparison():
    sql = str(due_queryset(as_of=AS_OF, after=(AS_OF, 7)).query)
    assert '("collection_engagement"."deadline", "collection_engagement"."id") >' in sql
    assert " OR " not in sql


def test_the_next_batch_starts_inside_the_index():
    plan = _plan((AS_OF - dt.timedelta(days=1), 7))
    if connection.vendor == "postgresql":
        assert "engagement_due" in plan, plan
        index_cond = next(line for line in plan.splitlines() if "Index Cond" in line)
        assert "ROW(deadline, id) > ROW(" in index_cond, plan
        assert "Filter" not in plan, plan
    else:
        assert "SEARCH collection_engagement USING INDEX engagement_due" in plan, plan


def test_the_first_batch_reads_the_index_too():
    plan = _plan(None)
    assert "engagement_due" in plan, plan


def test_the_maximum_lifetime_step_walks_engagement_open_by_its_keyset():
    queryset = open_queryset(purpose_code="consulting", bound=AS_OF, after=(AS_OF - dt.timedelta(days=9), 7))[:500]
    plan = _plan(None, queryset)
    assert '("collection_engagement"."started_at", "collection_engagement"."id") >' in str(queryset.query)
    if connection.vendor == "postgresql":
        index_cond = next(line for line in plan.splitlines() if "Index Cond" in line)
        assert "engagement_open" in plan and "ROW(started_at, id) > ROW(" in index_cond, plan
    else:
        assert "SEARCH collection_engagement USING INDEX engagement_open" in plan, plan
