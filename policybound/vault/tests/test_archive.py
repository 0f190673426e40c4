from __future__ import annotations

import pytest

from policybound.lib.testing import key_new
from policybound.vault.errors import DecryptionFailed, KeyDestroyed, KeysRefused, UnknownMasterKey
from policybound.vault.keys import archive_keyring
from policybound.vault.models import KeyCheck
from policybound.vault.services import (
    archive_data_key_create,
    archive_data_key_rewrap,
    archive_key_id,
    archive_seal,
    archive_unseal,
)

pytestmark = pytest.mark.django_db  # loading a key checks it against the database

CONTEXT = "archive:record-1:email"


def test_it_round_trips_under_the_archive_key():
    sealed = archive_seal("alice.kim@example.com", context=CONTEXT)
    assert archive_unseal(sealed, context=CONTEXT) == "alice.kim@example.com"


def test_it_does_not_depend_on_the_live_master_key(vault_keys):
    sealed = archive_seal("alice.kim@example.com", context=CONTEXT)
    vault_keys.POLICYBOUND_MASTER_KEY = key_new()
    assert archive_unseal(sealed, context=CONTEXT) == "alice.kim@example.com"


def test_it_refuses_another_archive_key_naming_the_one_the_data_needs(vault_keys):
    sealed = archive_seal("alice.kim@example.com", context=CONTEXT)
    needed = archive_key_id(sealed)
    vault_keys.POLICYBOUND_ARCHIVE_MASTER_KEY = key_new()
    with pytest.raises(KeysRefused, match=f"database needs archive master key {needed}"):
        archive_unseal(sealed, context=CONTEXT)


def test_it_names_an_unconfigured_archive_key_in_a_record(vault_keys):
    """A record from another archive (restored from elsewhere) names the key it needs."""
    sealed = archive_seal("alice.kim@example.com", context=CONTEXT)
    vault_keys.POLICYBOUND_ARCHIVE_MASTER_KEY = key_new()
    KeyCheck.objects.filter(kind="archive").delete()  # an archive database this keyring never saw
    with pytest.raises(UnknownMasterKey, match=archive_key_id(sealed)):
        archive_unseal(sealed, context=CONTEXT)


def test_it_opens_with_an_old_archive_key(vault_keys):
    sealed = archive_seal("alice.kim@example.com", context=CONTEXT)
    vault_keys.POLICYBOUND_ARCHIVE_MASTER_KEY_OLD = vault_keys.POLICYBOUND_ARCHIVE_MASTER_KEY
    vault_keys.POLICYBOUND_ARCHIVE_MASTER_KEY = key_new()
    assert archive_unseal(sealed, context=CONTEXT) == "alice.kim@example.com"


def test_it_rejects_the_wrong_context():
    sealed = archive_seal("alice.kim@example.com", context=CONTEXT)
    with pytest.raises(DecryptionFailed):
        archive_unseal(sealed, context="archive:record-2:email")


def test_it_round_trips_under_a_record_key():
    wrapped = archive_data_key_create()
    sealed = archive_seal("bob.lee@example.com", context=CONTEXT, wrapped_key=wrapped)
    assert archive_unseal(sealed, context=CONTEXT, wrapped_key=wrapped) == "bob.lee@example.com"


def test_it_erases_a_record_whose_key_was_emptied():
    sealed = archive_seal("bob.lee@example.com", context=CONTEXT, wrapped_key=archive_data_key_create())
    with pytest.raises(KeyDestroyed):
        archive_unseal(sealed, context=CONTEXT, wrapped_key=b"")


def test_it_rejects_another_records_key():
    sealed = archive_seal("bob.lee@example.com", context=CONTEXT, wrapped_key=archive_data_key_create())
    with pytest.raises(DecryptionFailed):
        archive_unseal(sealed, context=CONTEXT, wrapped_key=archive_data_key_create())


def test_it_rewraps_a_record_key_under_a_new_archive_key(vault_keys):
    wrapped = archive_data_key_create()
    sealed = archive_seal("bob.lee@example.com", context=CONTEXT, wrapped_key=wrapped)
    vault_keys.POLICYBOUND_ARCHIVE_MASTER_KEY_OLD = vault_keys.POLICYBOUND_ARCHIVE_MASTER_KEY
    vault_keys.POLICYBOUND_ARCHIVE_MASTER_KEY = key_new()
    rewrapped = archive_data_key_rewrap(wrapped)
    assert archive_key_id(rewrapped) == archive_keyring().current.id
    vault_keys.POLICYBOUND_ARCHIVE_MASTER_KEY_OLD = None
    assert archive_unseal(sealed, context=CONTEXT, wrapped_key=rewrapped) == "bob.lee@example.com"
