"""``policybound keys rotate|status|generate``: the master key's life cycle.

To rotate: generate a new key, set it as ``POLICYBOUND_MASTER_KEY`` and move the old one into
``POLICYBOUND_MASTER_KEY_OLD`` on every process, then run ``policybound keys rotate``. Reads keep working
throughout. When ``keys status`` shows no data key under the old id, remove it from ``*_OLD``.
"""

from __future__ import annotations

import os

from policybound.core.commands import Arg, Options, Verb, VerbCommand
from policybound.vault.aead import KEY_BYTES
from policybound.vault.keys import encode_key, master_keyring
from policybound.vault.selectors import data_keys_by_master_key, data_keys_destroyed_count
from policybound.vault.services import keys_rotate


class Command(VerbCommand):
    help = (
        "Manage the vault's master key. `rotate` re-wraps every data key under the current master key, "
        "in batches, while older keys in POLICYBOUND_MASTER_KEY_OLD keep reads working; `status` counts "
        "data keys per master key; `generate` prints a new random key (base64url) to configure."
    )
    verbs = {
        "rotate": Verb(
            "_rotate",
            "re-wrap every data key under the current master key",
            Arg("--batch-size", type=int, default=500),
        ),
        "status": Verb("_status", "count data keys per master key id"),
        "generate": Verb("_generate", "print a new random 32-byte key, base64url"),
    }

    def _generate(self, options: Options) -> None:
        self.stdout.write(encode_key(os.urandom(KEY_BYTES)))

    def _status(self, options: Options) -> None:
        ring = master_keyring()
        self.stdout.write(f"Current master key: {ring.current.id}")
        for key_id, count in data_keys_by_master_key().items():
            note = "" if key_id in ring.keys else "  (NOT CONFIGURED: these cannot be opened)"
            self.stdout.write(f"  {key_id}: {count} live data keys{note}")
        self.stdout.write(f"  destroyed: {data_keys_destroyed_count()}")

    def _rotate(self, options: Options) -> None:
        verbose = options["verbosity"] >= 2

        def progress(done: int) -> None:
            if verbose:
                self.stdout.write(f"  {done} re-wrapped so far")

        result = keys_rotate(batch_size=max(1, options["batch_size"]), on_batch=progress)
        self.stdout.write(
            f"Re-wrapped {result.rewrapped} data keys under master key {result.master_key_id} "
            f"in {result.batches} batches."
        )
        if result.unreadable:
            self.stderr.write(
                f"{result.unreadable} data keys are wrapped under a master key that is not configured; "
                "add it to POLICYBOUND_MASTER_KEY_OLD and run again."
            )
        self._status(options)
