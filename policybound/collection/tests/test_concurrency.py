"""Racing submissions on PostgreSQL: one person stays one subject, one idempotency key one submission."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from policybound.audit.actors import Actor
from policybound.collection.models import Submission
from policybound.collection.services import SubmissionResult, submission_record
from policybound.collection.tests.conftest import POLICY_PATH, alice_fields, publish
from policybound.subjects.models import Subject

WRITERS = 4


def race(idempotency_key) -> tuple[list[SubmissionResult], list[BaseException]]:
    results: list[SubmissionResult] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(
                submission_record(
                    purpose="consulting", fields=alice_fields(), consents={"consulting": True}, source="api",
                    channel="api", actor=Actor.system(f"writer {number}"), idempotency_key=idempotency_key(number),
                )
            )
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.fixture
def published(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are PostgreSQL's; SQLite serializes them with IMMEDIATE transactions")
    with open(POLICY_PATH, encoding="utf-8") as handle:
        publish(handle.read())


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
