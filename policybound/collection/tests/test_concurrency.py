"""Racing submissions on PostgreSQL: one person stays one subject, one idempotency key one submission."""

from __future__ import annotations

from functools import partial

import pytest
from django.db import connection

from policybound.audit.actors import Actor
from policybound.collection.models import Submission
from policybound.collection.services import SubmissionResult, submission_record
from policybound.lib.testing import BUNDLED_POLICY, alice_fields, policy_publish_file, run_together
from policybound.subjects.models import Subject

WRITERS = 4


def race(idempotency_key) -> tuple[list[SubmissionResult], list[BaseException]]:
    def writer(number: int) -> SubmissionResult:
        return submission_record(
            purpose="consulting", fields=alice_fields(), consents={"consulting": True}, source="api",
            channel="api", actor=Actor.system(f"writer {number}"), idempotency_key=idempotency_key(number),
        )

    return run_together([partial(writer, number) for number in range(WRITERS)])


@pytest.fixture
def published(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are PostgreSQL's; SQLite serializes them with IMMEDIATE transactions")
    policy_publish_file(BUNDLED_POLICY)


def test_it_keeps_one_person_one_subject_when_submissions_race(published):
    results, errors = race(lambda number: None)
    assert errors == []
    assert len({r.subject_id for r in results}) == 1
    assert (Subject.objects.count(), Submission.objects.count()) == (1, WRITERS)


def test_it_stores_one_submission_for_racing_retries(published):
    results, errors = race(lambda number: "token:1:retry")
    assert errors == []
    assert len({r.submission_id for r in results}) == 1
    assert Submission.objects.count() == 1
