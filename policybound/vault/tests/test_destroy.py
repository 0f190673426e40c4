from __future__ import annotations

import pytest
from django.db import connection

from policybound.vault import services
from policybound.vault.errors import KeyDestroyed
from policybound.vault.models import DataKey
from policybound.vault.services import data_key_create, data_keys_destroy, seal, unseal

pytestmark = pytest.mark.django_db

ALICE_EMAIL = "alice.kim@example.com"


def test_it_raises_key_destroyed_after_destruction():
    key = data_key_create()
    sealed = seal(key, ALICE_EMAIL, context="subject:alice:email")
    data_keys_destroy([key.id])
    key.refresh_from_db()
    with pytest.raises(KeyDestroyed):
        unseal(key, sealed, context="subject:alice:email")


def test_it_empties_the_wrapped_key_and_stamps_the_time():
    key = data_key_create()
    data_keys_destroy([key.id])
    key.refresh_from_db()
    assert bytes(key.wrapped_key) == b""
    assert key.destroyed_at is not None


def test_it_counts_only_keys_that_were_live():
    alice, bob = data_key_create(), data_key_create()
    data_keys_destroy([alice.id])
    assert data_keys_destroy([alice.id, bob.id]) == 1


def test_it_leaves_other_keys_alone():
    alice, bob = data_key_create(), data_key_create()
    sealed = seal(bob, "bob.lee@example.com", context="subject:bob:email")
    data_keys_destroy([alice.id])
    bob.refresh_from_db()
    assert unseal(bob, sealed, context="subject:bob:email") == "bob.lee@example.com"


def test_it_evicts_the_destroyed_key_from_the_cache():
    key = data_key_create()
    seal(key, ALICE_EMAIL, context="c")
    assert key.id in services._cache
    data_keys_destroy([key.id])
    assert key.id not in services._cache


def test_it_refuses_to_seal_under_a_destroyed_key():
    key = data_key_create()
    data_keys_destroy([key.id])
    key.refresh_from_db()
    with pytest.raises(KeyDestroyed):
        seal(key, ALICE_EMAIL, context="c")


def test_it_keeps_no_plaintext_in_the_datakey_table():
    key = data_key_create()
    seal(key, ALICE_EMAIL, context="subject:alice:email")
    secret = services._cache.get(key.id)
    assert secret is not None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {DataKey._meta.db_table}")
        rows = cursor.fetchall()
    stored = b"".join(
        bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
        for row in rows
        for value in row
    )
    assert secret not in stored
    assert secret.hex().encode() not in stored
    assert ALICE_EMAIL.encode() not in stored
