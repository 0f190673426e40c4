from __future__ import annotations

import re

import pytest

from policybound.lib.testing import key_new
from policybound.vault.models import KeyCheck
from policybound.vault.services import blind_index

pytestmark = pytest.mark.django_db  # loading a key checks it against the database


def test_it_is_stable():
    assert blind_index("email", "alice.kim@example.com") == blind_index("email", "alice.kim@example.com")


def test_it_is_32_hex_characters():
    assert re.fullmatch(r"[0-9a-f]{32}", blind_index("email", "alice.kim@example.com"))


def test_it_differs_between_people():
    assert blind_index("email", "alice.kim@example.com") != blind_index("email", "bob.lee@example.com")


def test_it_differs_between_kinds():
    assert blind_index("email", "01012345678") != blind_index("phone", "01012345678")


def test_it_is_keyed_by_the_index_key(vault_keys):
    before = blind_index("email", "alice.kim@example.com")
    KeyCheck.objects.all().delete()  # another, empty database: its own index key
    vault_keys.POLICYBOUND_INDEX_KEY = key_new()
    assert blind_index("email", "alice.kim@example.com") != before


def test_it_does_not_change_when_the_master_key_rotates(vault_keys):
    before = blind_index("email", "alice.kim@example.com")
    vault_keys.POLICYBOUND_MASTER_KEY_OLD = vault_keys.POLICYBOUND_MASTER_KEY
    vault_keys.POLICYBOUND_MASTER_KEY = key_new()
    assert blind_index("email", "alice.kim@example.com") == before
