"""How many SQL statements one submission costs, so that a regression in round trips fails here.

The figure is for a new subject on the consulting form with the optional marketing consent given: the
subject (data key, subject, two blind indexes, its ``enter`` row), the submission, its sealed values,
two receipts and two engagements in one INSERT each, both audit rows in one batch, one mail.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policybound.collection.models import Source
from policybound.collection.services import submission_record
from policybound.lib.testing import alice_fields

pytestmark = pytest.mark.django_db

# Inside the test's transaction, so without the commit and the mail attempt that follows it.
NEW_SUBJECT_WITH_MARKETING = 23  # was 39 before issue 9


def submit(visitor, **changes):
    return submission_record(
        purpose="consulting",
        fields=alice_fields(**changes),
        consents={"consulting": True, "marketing": True},
        source=Source.WEB,
        actor=visitor,
    )


def kinds(captured: CaptureQueriesContext) -> Counter[str]:
    return Counter(query["sql"].split()[0].upper() for query in captured.captured_queries)


def warm(visitor, django_capture_on_commit_callbacks):
    """A first submission, committed as far as the notice cache knows, as a running server has had."""
    with django_capture_on_commit_callbacks(execute=True):
        submit(visitor, email="first@example.com", phone="010-2000-1999")


def test_a_new_subject_with_marketing_costs_few_statements(
    policy_version, visitor, django_capture_on_commit_callbacks
):
    warm(visitor, django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as captured:
        submit(visitor)
    assert len(captured.captured_queries) <= NEW_SUBJECT_WITH_MARKETING, kinds(captured)


def test_it_reads_the_notice_texts_once(policy_version, visitor, django_capture_on_commit_callbacks):
    warm(visitor, django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as captured:
        submit(visitor)
    notice_reads = [q for q in captured.captured_queries if "collection_noticetext" in q["sql"]]
    assert notice_reads == []


def test_it_forgets_a_notice_row_its_rolled_back_transaction_made(policy_version, visitor):
    from policybound.collection.receipts import _NOTICES

    submit(visitor)  # the test's transaction never commits: nothing may be cached
    assert _NOTICES == {}
