"""What can go wrong when the vault opens something, said without ever showing what was inside.

Messages name key ids, DataKey ids and contexts (which are pseudonymous, e.g. ``subject:<uuid>:email``),
never plaintext or key material, so they are safe in logs and error pages.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured


class VaultError(Exception):
    """Base class: the vault could not do what was asked."""


class KeyDestroyed(VaultError):
    """The data key was crypto-erased: what it sealed is gone for good, by design."""


class DecryptionFailed(VaultError):
    """The ciphertext was altered, belongs to another context, or was sealed under another key."""


class UnknownMasterKey(VaultError):
    """A wrapped key names a master key that is not configured (neither current nor ``*_OLD``)."""


class KeysRefused(ImproperlyConfigured):
    """The configured keys are not the ones the database's data was written under: do not start.

    Not a :class:`VaultError`, so no caller that handles a value that does not open swallows it: a
    process with the wrong keys must stop, not serve errors or wrap new data under a stranger's key.
    The message names key ids, settings and paths, never key material.
    """
