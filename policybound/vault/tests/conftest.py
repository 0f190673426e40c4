from __future__ import annotations

import os

import pytest

from policybound.vault.keys import encode_key


def new_key() -> str:
    return encode_key(os.urandom(32))


@pytest.fixture(autouse=True)
def vault_keys(settings):
    """Every vault test runs under its own fresh master, archive and index keys."""
    settings.POLICYBOUND_MASTER_KEY = new_key()
    settings.POLICYBOUND_MASTER_KEY_OLD = None
    settings.POLICYBOUND_ARCHIVE_MASTER_KEY = new_key()
    settings.POLICYBOUND_ARCHIVE_MASTER_KEY_OLD = None
    settings.POLICYBOUND_INDEX_KEY = new_key()
    return settings
