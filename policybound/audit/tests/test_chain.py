from __future__ import annotations

import hashlib

import pytest
from django.db import transaction

from policybound.audit.actors import Actor
from policybound.audit.chain import event_payload
from policybound.audit.models import GENESIS_HASH, AuditEvent, ChainHead
from policybound.audit.services import AuditEntry, audit_record, audit_record_many, audit_verify

from .conftest import record_rows, tamper

pytestmark = pytest.mark.django_db


def test_it_appends_and_verifies(alice_actor):
    record_rows(alice_actor, 5)
    result = audit_verify()
    assert (result.ok, result.checked, result.first_bad_sequence) == (True, 5, None)


def test_it_numbers_rows_one_after_another(alice_actor):
    events = record_rows(alice_actor, 3)
    assert [e.sequence for e in events] == [1, 2, 3]


def test_it_chains_each_row_to_the_previous(alice_actor):
    first, second = record_rows(alice_actor, 2)
    assert (first.prev_hash, second.prev_hash) == (GENESIS_HASH, first.hash)


def test_it_records_who_when_where_and_what(alice_actor):
    (event,) = record_rows(alice_actor, 1)
    stored = AuditEvent.objects.get(sequence=event.sequence)
    assert (stored.actor_kind, stored.actor_id, stored.ip, stored.action, stored.target) == (
        "staff",
        "1",
        "203.0.113.7",
        "view",
        "field:email",
    )


def test_it_verifies_an_empty_log():
    assert audit_verify().ok


def test_it_verifies_in_small_batches(alice_actor):
    record_rows(alice_actor, 7)
    assert audit_verify(batch_size=2).checked == 7


def test_it_detects_an_altered_detail(alice_actor):
    record_rows(alice_actor, 5)
    tamper(3, detail={"reason": "nothing to see"})
    result = audit_verify()
    assert (result.ok, result.first_bad_sequence, result.checked) == (False, 3, 2)
    assert "altered" in result.reason


def test_it_detects_an_altered_actor(alice_actor):
    record_rows(alice_actor, 5)
    tamper(4, actor_label="bob")
    assert audit_verify().first_bad_sequence == 4


def test_it_detects_an_altered_time(alice_actor):
    events = record_rows(alice_actor, 5)
    tamper(2, at=events[3].at)
    assert audit_verify().first_bad_sequence == 2


def test_it_detects_a_deleted_middle_row(alice_actor):
    record_rows(alice_actor, 5)
    AuditEvent.objects.filter(sequence=3).delete()
    result = audit_verify()
    assert (result.ok, result.first_bad_sequence) == (False, 3)
    assert "row 3 is missing" in result.reason


def test_it_detects_swapped_rows(alice_actor):
    record_rows(alice_actor, 5)
    tamper(2, sequence=-2)
    tamper(3, sequence=2)
    tamper(-2, sequence=3)
    assert audit_verify().first_bad_sequence == 2


def test_it_detects_a_deleted_row_with_the_rest_renumbered(alice_actor):
    record_rows(alice_actor, 4)
    AuditEvent.objects.filter(sequence=2).delete()
    for sequence in (3, 4):
        tamper(sequence, sequence=sequence - 1)
    ChainHead.objects.update(sequence=3)
    assert audit_verify().first_bad_sequence == 2


def test_it_detects_removed_newest_rows(alice_actor):
    record_rows(alice_actor, 5)
    AuditEvent.objects.filter(sequence__gte=4).delete()
    result = audit_verify()
    assert (result.ok, result.first_bad_sequence) == (False, 4)


def test_it_detects_a_row_rehashed_without_the_key(alice_actor):
    record_rows(alice_actor, 3)
    forged = AuditEvent.objects.get(sequence=2)
    forged.actor_label = "bob"
    forged.hash = hashlib.sha256(event_payload(forged)).hexdigest()
    forged.save()
    assert audit_verify().first_bad_sequence == 2


def test_it_writes_a_batch_as_one_insert(alice_actor, django_assert_num_queries):
    record_rows(alice_actor, 1)
    entries = [AuditEntry(target=f"engagement:{n}") for n in range(50)]
    with transaction.atomic(), django_assert_num_queries(3):  # lock the head, insert, move the head
        audit_record_many(actor=alice_actor, action="destroy", entries=entries)
    assert audit_verify().checked == 51


def test_it_rejects_an_unknown_action(alice_actor):
    with pytest.raises(ValueError, match="unknown audit action"), transaction.atomic():
        audit_record(actor=alice_actor, action="peek")


def test_it_rejects_detail_that_is_not_json(alice_actor):
    with pytest.raises(TypeError), transaction.atomic():
        audit_record(actor=alice_actor, action="view", detail={"when": object()})


def test_it_rejects_fractional_numbers_in_detail(alice_actor):
    with pytest.raises(ValueError, match="fractional"), transaction.atomic():
        audit_record(actor=alice_actor, action="view", detail={"score": 1e20})


def test_it_verifies_korean_and_nested_detail(alice_actor):
    with transaction.atomic():
        audit_record(
            actor=alice_actor,
            action="export",
            detail={"사유": "월간 점검", "items": ["email", "phone"], "n": 2},
        )
    assert audit_verify().ok


def test_it_logs_a_visitors_address_only_as_a_keyed_digest():
    (event,) = record_rows(Actor.public(ip="198.51.100.23"), 1)
    stored = AuditEvent.objects.get(sequence=event.sequence).ip
    assert stored.startswith("anon:")
    assert "198.51.100.23" not in stored


def test_it_gives_one_visitors_address_the_same_digest_each_time():
    first, second = record_rows(Actor.public(ip="198.51.100.23"), 2)
    assert first.ip == second.ip
