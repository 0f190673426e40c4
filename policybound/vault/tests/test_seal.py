from __future__ import annotations

import uuid

import pytest

from policybound.vault.errors import DecryptionFailed
from policybound.vault.models import DataKey
from policybound.vault.services import data_key_cache_clear, data_key_create, seal, unseal

pytestmark = pytest.mark.django_db

ALICE_EMAIL = "alice.kim@example.com"


def context_for(key: DataKey, field: str = "email") -> str:
    return f"subject:{key.id}:{field}"


def test_it_round_trips_alices_email():
    key = data_key_create()
    sealed = seal(key, ALICE_EMAIL, context=context_for(key))
    assert unseal(key, sealed, context=context_for(key)) == ALICE_EMAIL


def test_it_round_trips_korean_text():
    key = data_key_create()
    sealed = seal(key, "김앨리스 (주)예시상사", context=context_for(key, "name"))
    assert unseal(key, sealed, context=context_for(key, "name")) == "김앨리스 (주)예시상사"


def test_it_opens_after_reloading_the_key_from_the_database():
    key = data_key_create()
    sealed = seal(key, ALICE_EMAIL, context=context_for(key))
    data_key_cache_clear()
    reloaded = DataKey.objects.get(id=key.id)
    assert unseal(reloaded, sealed, context=context_for(key)) == ALICE_EMAIL


@pytest.mark.parametrize("position", [0, 1, 13, -1])
def test_it_detects_a_flipped_byte(position):
    key = data_key_create()
    sealed = bytearray(seal(key, ALICE_EMAIL, context=context_for(key)))
    sealed[position] ^= 0x01
    with pytest.raises(DecryptionFailed):
        unseal(key, bytes(sealed), context=context_for(key))


def test_it_rejects_the_wrong_context():
    key = data_key_create()
    sealed = seal(key, ALICE_EMAIL, context=context_for(key, "email"))
    with pytest.raises(DecryptionFailed):
        unseal(key, sealed, context=context_for(key, "phone"))


def test_it_rejects_bobs_key_for_alices_value():
    alice, bob = data_key_create(), data_key_create()
    sealed = seal(alice, ALICE_EMAIL, context="subject:shared:email")
    with pytest.raises(DecryptionFailed):
        unseal(bob, sealed, context="subject:shared:email")


def test_it_uses_a_fresh_nonce_every_time():
    key = data_key_create()
    assert seal(key, ALICE_EMAIL, context=context_for(key)) != seal(
        key, ALICE_EMAIL, context=context_for(key)
    )


def test_it_is_compact():
    key = data_key_create()
    sealed = seal(key, ALICE_EMAIL, context=context_for(key))
    assert len(sealed) == 1 + 12 + len(ALICE_EMAIL) + 16


def test_it_rejects_a_wrapped_key_copied_onto_another_row():
    alice, bob = data_key_create(), data_key_create()
    sealed = seal(alice, ALICE_EMAIL, context="ctx")
    forged = DataKey(
        id=uuid.uuid4(),
        wrapped_key=alice.wrapped_key,
        master_key_id=alice.master_key_id,
        created_at=alice.created_at,
    )
    data_key_cache_clear()
    with pytest.raises(DecryptionFailed):
        unseal(forged, sealed, context="ctx")
    assert bob.id != forged.id
