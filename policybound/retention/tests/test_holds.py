"""Legal holds: held items move to the separate archive, and die when the law's period ends."""

from __future__ import annotations

import datetime as dt

import pytest

from policybound.archive.models import ArchiveDestructionLog, ArchivedRecord
from policybound.archive.services import ArchiveUseRefused, archived_records_reveal
from policybound.audit.models import AuditEvent
from policybound.collection.models import SubmissionValue
from policybound.lib.testing import alice_fields
from policybound.retention.models import DestructionReason, DestructionRecord, LegalHold
from policybound.retention.services import HoldRefused, legal_hold_place, legal_hold_release
from policybound.subjects.models import Subject

from .conftest import DAY, STAFF, T0, end, submit, sweep

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

ENDED = T0 + dt.timedelta(days=10)
DEADLINE = dt.datetime(2026, 3, 13, 10, 0, tzinfo=dt.UTC)
TAX_LAW_ENDS = dt.datetime(2030, 3, 13, 10, 0, tzinfo=dt.UTC)  # ENDED + 5 years (국세기본법)


@pytest.fixture
def alice(policy):
    result = submit("consulting", alice_fields())
    end(result.engagement_id, at=ENDED)
    return result


def hold(subject_id, rule="national_tax_books", items=("name", "phone"), reason="2025 tax audit, case 17"):
    return legal_hold_place(subject_id=subject_id, rule=rule, items=list(items), reason=reason, actor=STAFF, as_of=T0)


def test_a_held_record_moves_to_the_archive_and_is_gone_from_default(alice):
    hold(alice.subject_id)
    swept = sweep(DEADLINE + DAY)
    assert (swept.destroyed_subjects, swept.archived_subjects, swept.archived_items) == (1, 1, 2)
    assert not SubmissionValue.objects.exists()
    assert sorted(ArchivedRecord.objects.values_list("item", flat=True)) == ["name", "phone"]
    assert Subject.objects.get(pk=alice.subject_id).destroyed_at is not None


def test_the_archive_copy_opens_only_under_its_rule_and_is_audited(alice):
    hold(alice.subject_id)
    sweep(DEADLINE + DAY)
    revealed = archived_records_reveal(subject_id=alice.subject_id, rule="national_tax_books", reason="audit", actor=STAFF)
    assert {r.item: r.value for r in revealed} == {"name": "김앨리스", "phone": "+821020001001"}
    assert archived_records_reveal(subject_id=alice.subject_id, rule="ecommerce_contracts", reason="x", actor=STAFF) == []
    assert AuditEvent.objects.filter(action="view", target="archive:national_tax_books").count() == 1


def test_reading_the_archive_needs_a_reason(alice):
    hold(alice.subject_id)
    sweep(DEADLINE + DAY)
    with pytest.raises(ArchiveUseRefused):
        archived_records_reveal(subject_id=alice.subject_id, rule="national_tax_books", reason=" ", actor=STAFF)


def test_items_the_hold_does_not_cover_are_destroyed(alice):
    hold(alice.subject_id, items=["name"])
    swept = sweep(DEADLINE + DAY)
    assert swept.destroyed_items == 5 and swept.archived_items == 1
    entry = DestructionRecord.objects.get(category="subject")
    assert (entry.items, entry.archived) == (5, 1)


def test_a_hold_without_items_covers_every_item(alice):
    hold(alice.subject_id, items=())
    assert sweep(DEADLINE + DAY).archived_items == 5


def test_the_archive_copy_lives_until_the_laws_period_ends(alice):
    hold(alice.subject_id)
    sweep(DEADLINE + DAY)
    assert sweep(TAX_LAW_ENDS - DAY).archive_destroyed == 0
    assert ArchivedRecord.objects.count() == 2


def test_the_archive_copy_is_destroyed_when_the_laws_period_ends(alice):
    hold(alice.subject_id)
    sweep(DEADLINE + DAY)
    swept = sweep(TAX_LAW_ENDS + dt.timedelta(seconds=1))
    assert swept.archive_destroyed == 2 and not ArchivedRecord.objects.exists()
    entry = DestructionRecord.objects.get(category="archived")
    assert (entry.rule, entry.reason, entry.subjects, entry.items) == (
        "national_tax_books", DestructionReason.LEGAL_EXPIRY, 1, 2,
    )
    assert ArchiveDestructionLog.objects.get().posted_at is not None
    assert AuditEvent.objects.filter(action="destroy", target="archive:national_tax_books").count() == 1


def test_a_released_hold_destroys_its_archive_copy_at_the_next_sweep(alice):
    placed = hold(alice.subject_id)
    sweep(DEADLINE + DAY)
    legal_hold_release(hold_id=placed.pk, actor=STAFF, as_of=DEADLINE + 2 * DAY)
    swept = sweep(DEADLINE + 3 * DAY)
    assert swept.archive_destroyed == 2 and not ArchivedRecord.objects.exists()
    assert DestructionRecord.objects.get(category="archived").reason == DestructionReason.HOLD_RELEASED


def test_a_released_hold_archives_nothing(alice):
    placed = hold(alice.subject_id)
    legal_hold_release(hold_id=placed.pk, actor=STAFF, as_of=T0 + DAY)
    assert sweep(DEADLINE + DAY).archived_items == 0


def test_nothing_is_archived_when_the_laws_period_is_already_over(alice):
    hold(alice.subject_id, rule="communications_secrets_logs")  # 3 months, long over at the deadline
    swept = sweep(DEADLINE + DAY)
    assert swept.destroyed_subjects == 1 and swept.archived_items == 0


def test_a_hold_copies_the_rules_law_and_period(alice):
    placed = hold(alice.subject_id)
    assert (placed.rule, placed.law, placed.period, placed.items) == ("national_tax_books", "국세기본법", "P5Y", ["name", "phone"])
    assert AuditEvent.objects.filter(action="hold", subject_id=alice.subject_id).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"rule": "no_such_law"}, "rule"), ({"items": ["shoe_size"]}, "items")],
)
def test_it_refuses_a_hold_it_cannot_honour(alice, changes, field):
    with pytest.raises(HoldRefused) as refused:
        hold(alice.subject_id, **changes)
    assert refused.value.field == field
    assert not LegalHold.objects.exists()


def test_a_hold_without_a_reason_names_what_the_law_keeps(alice):
    placed = hold(alice.subject_id, reason=" ")
    assert placed.reason.startswith("국세기본법: ")


def test_it_refuses_a_hold_on_a_destroyed_subject(alice):
    sweep(DEADLINE + DAY)
    with pytest.raises(HoldRefused) as refused:
        hold(alice.subject_id)
    assert refused.value.field == "subject"


def test_releasing_twice_changes_nothing(alice):
    placed = hold(alice.subject_id)
    first = legal_hold_release(hold_id=placed.pk, actor=STAFF, as_of=T0 + DAY)
    second = legal_hold_release(hold_id=placed.pk, actor=STAFF, as_of=T0 + 2 * DAY)
    assert first.released_at == second.released_at == T0 + DAY
    assert AuditEvent.objects.filter(action="release").count() == 1
