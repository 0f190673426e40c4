from __future__ import annotations

import logging
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from policybound.vault.keys import archive_keyring, encode_key, index_key, master_keyring

pytestmark = pytest.mark.django_db  # loading a key checks it against the database


@pytest.fixture
def embedded(vault_keys, tmp_path):
    """No keys configured: the vault must generate them into DATA_DIR."""
    vault_keys.DATA_DIR = tmp_path
    vault_keys.POLICYBOUND_MASTER_KEY = None
    vault_keys.POLICYBOUND_ARCHIVE_MASTER_KEY = None
    vault_keys.POLICYBOUND_INDEX_KEY = None
    return vault_keys


def test_it_creates_the_master_key_file_with_mode_0600(embedded, tmp_path):
    master_keyring()
    assert stat.S_IMODE((tmp_path / "master.key").stat().st_mode) == 0o600


def test_it_reuses_the_master_key_file(embedded, tmp_path):
    first = master_keyring().current
    embedded.POLICYBOUND_INDEX_KEY = None  # any key setting change empties the cache
    assert master_keyring().current == first


def test_it_warns_the_operator_to_back_the_key_up(embedded, caplog):
    with caplog.at_level(logging.WARNING, logger="policybound.vault.keys"):
        master_keyring()
    assert "Back this file up" in caplog.text


def test_it_keeps_master_archive_and_index_keys_apart(embedded, tmp_path):
    master, archive, index = master_keyring().current.secret, archive_keyring().current.secret, index_key()
    assert len({master, archive, index}) == 3
    assert {p.name for p in tmp_path.iterdir()} == {"master.key", "archive.key", "index.key"}


def test_it_prefers_the_configured_key_over_the_file(embedded, tmp_path):
    configured = bytes(range(32))
    embedded.POLICYBOUND_MASTER_KEY = encode_key(configured)
    assert master_keyring().current.secret == configured
    assert not (tmp_path / "master.key").exists()


def test_it_rejects_a_key_of_the_wrong_length(vault_keys):
    vault_keys.POLICYBOUND_MASTER_KEY = encode_key(b"short")
    with pytest.raises(ImproperlyConfigured, match="POLICYBOUND_MASTER_KEY must decode to 32 bytes"):
        master_keyring()


def test_it_does_not_echo_a_bad_key(vault_keys):
    vault_keys.POLICYBOUND_MASTER_KEY = "not*base64*at*all"
    with pytest.raises(ImproperlyConfigured) as error:
        master_keyring()
    assert "not*base64" not in str(error.value)
