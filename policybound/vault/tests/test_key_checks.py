"""A missing or wrong key never starts a fresh one: loading keys checks them against the database."""

from __future__ import annotations

import pytest

from policybound.audit.actors import Actor
from policybound.audit.selectors import audit_verify
from policybound.audit.services import audit_record
from policybound.lib.testing import key_new
from policybound.vault.errors import KeysRefused
from policybound.vault.keycheck import check_value
from policybound.vault.keys import (
    archive_keyring,
    index_key,
    key_id,
    keys_reset,
    master_keyring,
    vault_keys_ensure,
)
from policybound.vault.models import DataKey, KeyCheck
from policybound.vault.services import blind_index, data_key_cache_clear, data_key_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def embedded(vault_keys, tmp_path):
    """No keys configured: the vault reads (on a first start, generates) them in DATA_DIR."""
    vault_keys.DATA_DIR = tmp_path
    vault_keys.POLICYBOUND_MASTER_KEY = None
    vault_keys.POLICYBOUND_ARCHIVE_MASTER_KEY = None
    vault_keys.POLICYBOUND_INDEX_KEY = None
    return vault_keys


def restart() -> None:
    """What a new process sees: no key loaded yet."""
    keys_reset()
    data_key_cache_clear()


def test_a_first_start_on_an_empty_database_generates_and_records_every_key(embedded, tmp_path):
    vault_keys_ensure()
    assert {p.name for p in tmp_path.iterdir()} == {"master.key", "archive.key", "index.key"}
    recorded = dict(KeyCheck.objects.filter(current=True).values_list("kind", "key_id"))
    assert recorded == {
        "master": master_keyring().current.id,
        "archive": archive_keyring().current.id,
        "index": key_id(index_key()),
    }


def test_it_stores_a_keyed_check_value_never_the_key(embedded):
    vault_keys_ensure()
    row = KeyCheck.objects.get(kind="index")
    assert row.check_value == check_value("index", index_key())
    assert index_key().hex() not in row.check_value


def test_a_missing_master_key_file_is_refused_and_not_generated_again(embedded, tmp_path):
    vault_keys_ensure()
    needed = data_key_create().master_key_id
    (tmp_path / "master.key").unlink()
    restart()
    with pytest.raises(KeysRefused, match=f"master key missing: .* needs master key {needed}") as refused:
        master_keyring()
    assert "Restore master.key from your key backup" in str(refused.value)
    assert not (tmp_path / "master.key").exists()


def test_a_missing_master_key_file_is_refused_on_a_database_with_data_keys_only(embedded, tmp_path):
    """A database written before check values were kept: its DataKeys name the key they need."""
    vault_keys_ensure()
    needed = data_key_create().master_key_id
    KeyCheck.objects.all().delete()
    (tmp_path / "master.key").unlink()
    restart()
    with pytest.raises(KeysRefused, match=f"needs master key {needed}"):
        master_keyring()


def test_a_wrong_master_key_is_refused_naming_the_one_the_data_needs(vault_keys):
    needed = data_key_create().master_key_id
    vault_keys.POLICYBOUND_MASTER_KEY = key_new()
    with pytest.raises(KeysRefused, match=f"wrong master key: the database needs master key {needed}"):
        data_key_create()
    assert set(DataKey.objects.values_list("master_key_id", flat=True)) == {needed}


def test_a_key_that_fails_its_check_value_is_refused(vault_keys):
    needed = data_key_create().master_key_id
    KeyCheck.objects.filter(kind="master").update(check_value="0" * 64)
    restart()
    with pytest.raises(KeysRefused, match=f"the key configured as {needed} fails its check value"):
        master_keyring()


def test_a_master_key_that_does_not_open_the_newest_data_key_is_refused(vault_keys):
    key = data_key_create()
    DataKey.objects.filter(id=key.id).update(wrapped_key=bytes(32) + bytes(key.wrapped_key)[32:])
    restart()
    with pytest.raises(KeysRefused, match=f"does not open DataKey {key.id}"):
        master_keyring()


def test_a_rotation_keeps_working_and_the_old_key_may_go_once_nothing_needs_it(vault_keys):
    from policybound.vault.services import keys_rotate

    data_key_create()
    vault_keys.POLICYBOUND_MASTER_KEY_OLD = vault_keys.POLICYBOUND_MASTER_KEY
    vault_keys.POLICYBOUND_MASTER_KEY = key_new()
    new_id = keys_rotate().master_key_id
    vault_keys.POLICYBOUND_MASTER_KEY_OLD = None
    assert master_keyring().current.id == new_id
    assert KeyCheck.objects.get(kind="master", current=True).key_id == new_id


def test_a_missing_index_key_file_is_refused(embedded, tmp_path):
    vault_keys_ensure()
    needed = key_id(index_key())
    (tmp_path / "index.key").unlink()
    restart()
    with pytest.raises(KeysRefused, match=f"index key missing: .* needs index key {needed}"):
        blind_index("subject-email", "alice.kim@example.com")
    assert not (tmp_path / "index.key").exists()


def test_a_wrong_index_key_is_refused_before_it_splits_anyone_or_breaks_the_chain(vault_keys):
    before = blind_index("subject-email", "alice.kim@example.com")
    audit_record(actor=Actor.system("test"), action="rotate", target="vault:test", detail={})
    needed = key_id(index_key())
    vault_keys.POLICYBOUND_INDEX_KEY = key_new()
    with pytest.raises(KeysRefused, match=f"wrong index key: the database needs index key {needed}"):
        blind_index("subject-email", "alice.kim@example.com")
    with pytest.raises(KeysRefused):
        audit_verify()
    restart()
    KeyCheck.objects.filter(kind="index").delete()  # the database before check values: key as found
    vault_keys.POLICYBOUND_INDEX_KEY = key_new()
    assert blind_index("subject-email", "alice.kim@example.com") != before


def test_an_index_key_missing_from_a_database_written_before_check_values_is_refused(embedded, tmp_path):
    vault_keys_ensure()
    audit_record(actor=Actor.system("test"), action="rotate", target="vault:test", detail={})
    KeyCheck.objects.all().delete()
    (tmp_path / "index.key").unlink()
    restart()
    with pytest.raises(KeysRefused, match="needs the index key it was written under"):
        index_key()


def test_a_missing_archive_key_file_is_refused(embedded, tmp_path):
    vault_keys_ensure()
    needed = archive_keyring().current.id
    (tmp_path / "archive.key").unlink()
    restart()
    with pytest.raises(KeysRefused, match=f"archive master key missing: .* needs archive master key {needed}"):
        archive_keyring()
    assert not (tmp_path / "archive.key").exists()


def test_the_message_never_holds_key_material(vault_keys):
    data_key_create()
    wrong = key_new()
    vault_keys.POLICYBOUND_MASTER_KEY = wrong
    with pytest.raises(KeysRefused) as refused:
        master_keyring()
    assert wrong not in str(refused.value)


def test_a_first_start_generates_every_key_at_once(embedded, tmp_path):
    """A first process that only publishes (index key) or imports (master key) must not leave the
    archive key to a later start, when a missing key file can only mean a lost key."""
    index_key()
    assert {p.name for p in tmp_path.iterdir()} == {"master.key", "archive.key", "index.key"}
    data_key_create()
    restart()
    vault_keys_ensure()
    assert KeyCheck.objects.filter(current=True).count() == 3


def test_only_the_index_key_guards_the_audit_rows_a_publication_writes(embedded, tmp_path):
    index_key()
    audit_record(actor=Actor.system("test"), action="rotate", target="vault:test", detail={})
    (tmp_path / "master.key").unlink()
    (tmp_path / "archive.key").unlink()
    restart()
    vault_keys_ensure()  # no data key yet: nothing was sealed under the master or archive key
    assert {p.name for p in tmp_path.iterdir()} == {"master.key", "archive.key", "index.key"}
