"""The archive database: copies stored once, in the archive only, each under its own key."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import router

from policybound.archive.models import ArchivedRecord
from policybound.archive.services import archive_hold_release, archived_records_store
from policybound.vault.errors import KeyDestroyed
from policybound.vault.services import archive_data_key_create, archive_seal, archive_unseal

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

T0 = dt.datetime(2026, 3, 14, tzinfo=dt.UTC)


def record(key="7:101", value="김앨리스", hold_id=7):
    wrapped = archive_data_key_create()
    return ArchivedRecord(
        key=key, hold_id=hold_id, rule="national_tax_books", law="국세기본법", subject_id=uuid.UUID(int=1),
        purpose="consulting", item="name", sealed=archive_seal(value, context=f"archive:{key}", wrapped_key=wrapped),
        wrapped_key=wrapped, origin_ended_at=T0, archived_at=T0, expires_at=T0 + dt.timedelta(days=1826),
        law_expires_at=T0 + dt.timedelta(days=1826),
    )


def test_archived_records_live_in_the_archive_database_only():
    assert router.db_for_write(ArchivedRecord) == "archive"


def test_storing_the_same_copy_twice_keeps_one():
    archived_records_store(records=[record()])
    archived_records_store(records=[record()])
    assert ArchivedRecord.objects.count() == 1


def test_a_record_opens_with_its_own_key_and_context():
    archived_records_store(records=[record()])
    stored = ArchivedRecord.objects.get()
    assert archive_unseal(bytes(stored.sealed), context="archive:7:101", wrapped_key=bytes(stored.wrapped_key)) == "김앨리스"


def test_emptying_a_records_key_erases_it():
    archived_records_store(records=[record()])
    stored = ArchivedRecord.objects.get()
    with pytest.raises(KeyDestroyed):
        archive_unseal(bytes(stored.sealed), context="archive:7:101", wrapped_key=b"")


def test_a_release_makes_the_holds_copies_due_at_once():
    archived_records_store(records=[record(), record(key="8:101", hold_id=8)])
    assert archive_hold_release(hold_id=7, released_at=T0 + dt.timedelta(days=3)) == 1
    assert ArchivedRecord.objects.get(hold_id=7).expires_at == T0 + dt.timedelta(days=3)
    assert ArchivedRecord.objects.get(hold_id=8).hold_released_at is None
