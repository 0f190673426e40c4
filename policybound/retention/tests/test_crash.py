"""A sweep killed in the middle of a batch, then run again: nothing half done, lost or counted twice.

Death is simulated by an exception that no code catches (like SIGKILL, it ends the process's work
where it stands): the batch's live transaction never commits, while what was committed before it
(the archive copy) stays.
"""

from __future__ import annotations

import datetime as dt

import pytest

from policybound.archive.models import ArchiveDestructionLog, ArchivedRecord
from policybound.collection.models import SubmissionValue
from policybound.lib.testing import alice_fields
from policybound.retention import batches
from policybound.retention import sweep as sweep_module
from policybound.retention.models import DestructionRecord
from policybound.retention.services import legal_hold_place
from policybound.subjects.models import Subject

from .conftest import DAY, STAFF, T0, end, submit, sweep

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

DEADLINE = dt.datetime(2026, 3, 13, 10, 0, tzinfo=dt.UTC)
TAX_LAW_ENDS = dt.datetime(2030, 3, 13, 10, 0, tzinfo=dt.UTC)


class Killed(BaseException):
    """The process died here."""


def die(*args, **kwargs):
    raise Killed


@pytest.fixture
def held_alice(policy):
    result = submit("consulting", alice_fields())
    end(result.engagement_id, at=T0 + 10 * DAY)
    legal_hold_place(subject_id=result.subject_id, rule="national_tax_books", items=["name", "phone"],
                     reason="2025 tax audit", actor=STAFF, as_of=T0)
    return result


def test_killed_after_the_archive_copy_the_live_data_is_untouched(held_alice, monkeypatch):
    monkeypatch.setattr(batches, "_mark_done", die)
    with pytest.raises(Killed):
        sweep(DEADLINE + DAY)
    assert ArchivedRecord.objects.count() == 2  # the copy was committed first
    assert SubmissionValue.objects.filter(submission_id=held_alice.submission_id).count() == 5
    assert Subject.objects.get(pk=held_alice.subject_id).destroyed_at is None
    assert not DestructionRecord.objects.exists()


def test_the_rerun_finishes_without_duplicating_the_archive_copy_or_the_register(held_alice, monkeypatch):
    monkeypatch.setattr(batches, "_mark_done", die)
    with pytest.raises(Killed):
        sweep(DEADLINE + DAY)
    monkeypatch.undo()
    swept = sweep(DEADLINE + DAY)
    assert swept.destroyed_subjects == 1
    assert Subject.objects.get(pk=held_alice.subject_id).destroyed_at is not None
    assert ArchivedRecord.objects.count() == 2
    assert DestructionRecord.objects.filter(category="subject").count() == 1


def test_killed_between_the_archive_destruction_and_the_register_the_rerun_posts_it_once(held_alice, monkeypatch):
    sweep(DEADLINE + DAY)
    monkeypatch.setattr(sweep_module, "archive_log_post", die)
    with pytest.raises(Killed):
        sweep(TAX_LAW_ENDS + DAY)
    assert not ArchivedRecord.objects.exists()
    assert ArchiveDestructionLog.objects.filter(posted_at__isnull=True).count() == 1
    monkeypatch.undo()
    sweep(TAX_LAW_ENDS + DAY)
    sweep(TAX_LAW_ENDS + 2 * DAY)
    assert DestructionRecord.objects.filter(category="archived").count() == 1
