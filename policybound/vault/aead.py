"""AES-256-GCM with a random 96-bit nonce: the one cipher the vault uses.

A sealed blob is ``nonce (12 bytes) + ciphertext + tag (16 bytes)``; callers put a version byte (and,
where the key is not implied, a key id) in front. The associated data binds a blob to where it belongs
(a DataKey id, ``subject:<uuid>:email``), so a ciphertext moved to another row or field fails to open.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from policybound.vault.errors import DecryptionFailed

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16


def aead_seal(key: bytes, plaintext: bytes, *, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def aead_open(key: bytes, blob: bytes, *, aad: bytes, what: str) -> bytes:
    """Open ``blob``; ``what`` names it (never its content) in the error if it does not open."""
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionFailed(f"{what}: ciphertext is truncated")
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag:
        raise DecryptionFailed(f"{what}: ciphertext was altered or belongs to another context") from None
