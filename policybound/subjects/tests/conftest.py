from __future__ import annotations

import os

import pytest

from policybound.vault.keys import encode_key


@pytest.fixture(autouse=True)
def vault_keys(settings):
    settings.POLICYBOUND_MASTER_KEY = encode_key(os.urandom(32))
    settings.POLICYBOUND_MASTER_KEY_OLD = None
    settings.POLICYBOUND_INDEX_KEY = encode_key(os.urandom(32))
    return settings
