"""Several chains and the checkpoints that commit their heads together: the tampering they add."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from policybound.audit.actors import Actor
from policybound.audit.models import AuditCheckpoint, AuditEvent, ChainAnchor, ChainHead
from policybound.audit.selectors import audit_verify
from policybound.audit.services import (
    audit_chains_ensure,
    audit_checkpoint,
    audit_prefer_chain,
    audit_record,
    audit_truncate_before,
)
from policybound.lib import clock

from .conftest import START, tamper

pytestmark = pytest.mark.django_db


def write(actor: Actor, chains: list[int], *, start: dt.datetime = START) -> list[AuditEvent]:
    """One row a day, on the chains named, in this order."""
    events = []
    for number, chain in enumerate(chains):
        audit_prefer_chain(chain)
        with clock.frozen(start + dt.timedelta(days=number)), transaction.atomic():
            events.append(audit_record(actor=actor, action="view", target=f"row:{number}"))
    audit_prefer_chain(1)
    return events


def test_it_verifies_interleaved_chains(alice_actor):
    events = write(alice_actor, [1, 2, 1, 2, 2])
    assert [(e.chain, e.prev_sequence) for e in events] == [(1, 0), (2, 0), (1, 1), (2, 2), (2, 4)]
    result = audit_verify(batch_size=2)
    assert (result.ok, result.checked, result.last_sequence) == (True, 5, 5)
    assert sorted(result.chains) == [1, 2]


def test_it_detects_a_missing_row_of_one_chain(alice_actor):
    write(alice_actor, [1, 2, 1, 2, 2])
    AuditEvent.objects.filter(sequence=4).delete()
    result = audit_verify()
    assert (result.ok, result.first_bad_sequence) == (False, 3)  # after row 2, the last good one of chain 2
    assert "row 4 is missing" in result.reason


def test_it_detects_a_row_moved_to_another_chain(alice_actor):
    write(alice_actor, [1, 2, 1, 2])
    tamper(3, chain=2, prev_sequence=2)
    assert audit_verify().first_bad_sequence == 3


def test_it_detects_newest_rows_removed_from_one_chain(alice_actor):
    write(alice_actor, [1, 2, 1, 2])
    AuditEvent.objects.filter(sequence=4).delete()
    result = audit_verify()
    assert (result.ok, result.first_bad_sequence) == (False, 3)
    assert "of chain 2 are missing" in result.reason


def test_it_detects_a_missing_head(alice_actor):
    write(alice_actor, [1, 2])
    ChainHead.objects.filter(id=2).delete()
    assert "head row of chain 2 is missing" in audit_verify().reason


def test_a_checkpoint_catches_a_chain_rolled_back_with_its_head(alice_actor):
    events = write(alice_actor, [1, 2, 1, 2])
    audit_checkpoint()
    AuditEvent.objects.filter(sequence=4).delete()
    ChainHead.objects.filter(id=2).update(sequence=2, hash=events[1].hash)
    result = audit_verify()
    assert not result.ok
    assert "chain 2 was rolled back behind checkpoint" in result.reason


def test_without_a_checkpoint_the_same_rollback_passes(alice_actor):
    """The limit the checkpoints close (and why they run every minute)."""
    events = write(alice_actor, [1, 2, 1, 2])
    AuditEvent.objects.filter(sequence=4).delete()
    ChainHead.objects.filter(id=2).update(sequence=2, hash=events[1].hash)
    assert audit_verify().ok


def test_it_verifies_and_names_the_newest_checkpoint(alice_actor):
    write(alice_actor, [1, 2])
    first = audit_checkpoint()
    write(alice_actor, [2], start=START + dt.timedelta(days=5))
    second = audit_checkpoint()
    assert second is not None and first is not None and second.prev_signature == first.signature
    result = audit_verify()
    assert (result.ok, result.checkpoint_id, result.checkpoint_root) == (True, second.pk, second.root)


def test_it_writes_no_checkpoint_when_nothing_moved(alice_actor):
    write(alice_actor, [1])
    audit_checkpoint()
    assert audit_checkpoint() is None
    assert AuditCheckpoint.objects.count() == 1


def test_it_detects_an_altered_checkpoint(alice_actor):
    events = write(alice_actor, [1, 2, 1, 2])
    checkpoint = audit_checkpoint()
    assert checkpoint is not None
    AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(
        heads=[[1, 3, events[2].hash], [2, 2, events[1].hash]]
    )
    assert "checkpoint" in audit_verify().reason and "was altered" in audit_verify().reason


def test_it_detects_a_removed_checkpoint(alice_actor):
    write(alice_actor, [1])
    audit_checkpoint()
    removed = audit_checkpoint(force=True)
    audit_checkpoint(force=True)
    assert removed is not None
    removed.delete()
    assert "checkpoints were removed" in audit_verify().reason


def test_it_detects_a_chain_gone_backwards_between_checkpoints(alice_actor):
    events = write(alice_actor, [1, 1])
    audit_checkpoint()
    AuditEvent.objects.filter(sequence=2).delete()
    ChainHead.objects.filter(id=1).update(sequence=1, hash=events[0].hash)
    audit_checkpoint()  # written by the regular job after the rollback
    assert "went backwards" in audit_verify().reason


def test_it_truncates_several_chains_and_still_verifies(alice_actor):
    events = write(alice_actor, [1, 2, 1, 2, 1, 2])
    audit_checkpoint()
    job = Actor.system("audit truncate")
    assert audit_truncate_before(before=START + dt.timedelta(days=3), actor=job) == 3
    anchor = ChainAnchor.objects.get()
    assert anchor.chains == {"1": [3, events[2].hash], "2": [2, events[1].hash]}
    assert audit_verify().ok


def test_it_detects_an_altered_anchor_entry(alice_actor):
    events = write(alice_actor, [1, 2, 1, 2, 1, 2])
    audit_truncate_before(before=START + dt.timedelta(days=3), actor=Actor.system("audit truncate"))
    ChainAnchor.objects.update(chains={"1": [3, events[2].hash], "2": [4, events[3].hash]})
    AuditEvent.objects.filter(sequence=4).delete()
    result = audit_verify()
    assert not result.ok
    assert "without a recorded truncation" in result.reason


@pytest.mark.django_db(transaction=True)
def test_two_writers_do_not_wait_for_each_other():
    """While one transaction holds its chain, another writer takes a different one at once."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers with IMMEDIATE transactions")
    audit_chains_ensure()
    holding, done = threading.Event(), threading.Event()
    chains: dict[str, int] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                chains["first"] = audit_record(actor=Actor.system("first"), action="view").chain
                holding.set()
                done.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert holding.wait(30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")  # a wait would fail, not hang
            chains["second"] = audit_record(actor=Actor.system("second"), action="view").chain
    finally:
        done.set()
        thread.join()
    assert chains["first"] != chains["second"]
    assert audit_verify().ok
