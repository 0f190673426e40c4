from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from policybound.audit.models import AuditEvent
from policybound.lib.testing import key_new
from policybound.vault.errors import KeysRefused
from policybound.vault.keys import keys_reset, master_keyring
from policybound.vault.models import DataKey
from policybound.vault.services import (
    data_key_cache_clear,
    data_key_create,
    data_keys_destroy,
    keys_rotate,
    seal,
    unseal,
)

pytestmark = pytest.mark.django_db


def rotate_master_key(settings) -> str:
    """Make a new key current and keep the old one able to unwrap; returns the new key's id."""
    settings.POLICYBOUND_MASTER_KEY_OLD = settings.POLICYBOUND_MASTER_KEY
    settings.POLICYBOUND_MASTER_KEY = key_new()
    data_key_cache_clear()
    return master_keyring().current.id


def test_it_rewraps_every_key_under_the_new_master_key(vault_keys):
    keys = [data_key_create() for _ in range(5)]
    new_id = rotate_master_key(vault_keys)
    result = keys_rotate(batch_size=2)
    assert (result.rewrapped, result.batches) == (5, 3)
    assert set(
        DataKey.objects.filter(id__in=[k.id for k in keys]).values_list("master_key_id", flat=True)
    ) == {new_id}


def test_it_still_opens_old_ciphertexts_after_rotation(vault_keys):
    key = data_key_create()
    sealed = seal(key, "alice.kim@example.com", context="subject:alice:email")
    rotate_master_key(vault_keys)
    keys_rotate()
    vault_keys.POLICYBOUND_MASTER_KEY_OLD = None  # the old key is gone for good
    key.refresh_from_db()
    assert unseal(key, sealed, context="subject:alice:email") == "alice.kim@example.com"


def test_it_reads_keys_still_under_the_old_master_key_during_rotation(vault_keys):
    key = data_key_create()
    sealed = seal(key, "alice.kim@example.com", context="c")
    rotate_master_key(vault_keys)
    key.refresh_from_db()
    assert unseal(key, sealed, context="c") == "alice.kim@example.com"


def test_it_wraps_new_keys_under_the_new_master_key(vault_keys):
    new_id = rotate_master_key(vault_keys)
    assert data_key_create().master_key_id == new_id


def test_it_refuses_a_new_master_key_without_the_old_one(vault_keys):
    key = data_key_create()
    sealed = seal(key, "alice.kim@example.com", context="c")
    vault_keys.POLICYBOUND_MASTER_KEY = key_new()
    data_key_cache_clear()
    with pytest.raises(KeysRefused, match=f"the database needs master key {key.master_key_id}"):
        unseal(key, sealed, context="c")


def test_it_names_a_master_key_a_row_needs_when_it_is_not_configured(vault_keys):
    """A DataKey under a key the keyring never saw (a row restored from elsewhere) names that key."""
    key = data_key_create()
    sealed = seal(key, "alice.kim@example.com", context="c")
    data_key_cache_clear()
    DataKey.objects.filter(id=key.id).update(master_key_id="0badc0de")
    key.refresh_from_db()
    keys_reset()  # the next process start
    with pytest.raises(KeysRefused, match="live data keys are wrapped under 0badc0de"):
        unseal(key, sealed, context="c")


def test_it_leaves_destroyed_keys_destroyed(vault_keys):
    alice, _bob = data_key_create(), data_key_create()
    data_keys_destroy([alice.id])
    rotate_master_key(vault_keys)
    assert keys_rotate().rewrapped == 1
    alice.refresh_from_db()
    assert bytes(alice.wrapped_key) == b""


def test_it_does_not_rotate_onto_a_key_without_the_old_one(vault_keys):
    old_id = data_key_create().master_key_id
    vault_keys.POLICYBOUND_MASTER_KEY = key_new()
    with pytest.raises(KeysRefused, match=old_id):
        keys_rotate()
    assert set(DataKey.objects.values_list("master_key_id", flat=True)) == {old_id}


def test_it_records_the_rotation_in_the_audit_log(vault_keys):
    data_key_create()
    rotate_master_key(vault_keys)
    keys_rotate()
    event = AuditEvent.objects.get(action="rotate")
    assert event.detail["rewrapped"] == 1


def test_it_prints_counts_from_the_command(vault_keys):
    data_key_create()
    data_key_create()
    new_id = rotate_master_key(vault_keys)
    out = io.StringIO()
    call_command("keys", "rotate", "--batch-size", "1", stdout=out)
    assert f"Re-wrapped 2 data keys under master key {new_id} in 2 batches." in out.getvalue()
    assert f"{new_id}: 2 live data keys" in out.getvalue()


def test_it_generates_a_usable_key_from_the_command(vault_keys):
    out = io.StringIO()
    call_command("keys", "generate", stdout=out)
    vault_keys.POLICYBOUND_MASTER_KEY = out.getvalue().strip()
    assert len(master_keyring().current.id) == 8
