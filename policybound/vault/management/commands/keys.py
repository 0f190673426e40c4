"""``policybound keys rotate|status|generate``: the master key's life cycle.

To rotate: generate a new key, set it as ``POLICYBOUND_MASTER_KEY`` and move the old one into
``POLICYBOUND_MASTER_KEY_OLD`` on every process, then run ``policybound keys rotate``. Reads keep working
throughout. When ``keys status`` shows no data key under the old id, remove it from ``*_OLD``.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from policybound.vault.aead import KEY_BYTES
from policybound.vault.keys import encode_key, master_keyring
from policybound.vault.selectors import data_keys_by_master_key, data_keys_destroyed_count
from policybound.vault.services import keys_rotate


class Command(BaseCommand):
    help = (
        "Manage the vault's master key. `rotate` re-wraps every data key under the current master key, "
        "in batches, while older keys in POLICYBOUND_MASTER_KEY_OLD keep reads working; `status` counts "
        "data keys per master key; `generate` prints a new random key (base64url) to configure."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        rotate = verbs.add_parser("rotate", help="re-wrap every data key under the current master key")
        rotate.add_argument("--batch-size", type=int, default=500)
        verbs.add_parser("status", help="count data keys per master key id")
        verbs.add_parser("generate", help="print a new random 32-byte key, base64url")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "generate":
            self.stdout.write(encode_key(os.urandom(KEY_BYTES)))
        elif verb == "status":
            self._status()
        else:
            self._rotate(options["batch_size"], verbose=options["verbosity"] >= 2)

    def _status(self) -> None:
        ring = master_keyring()
        self.stdout.write(f"Current master key: {ring.current.id}")
        for key_id, count in data_keys_by_master_key().items():
            note = "" if key_id in ring.keys else "  (NOT CONFIGURED: these cannot be opened)"
            self.stdout.write(f"  {key_id}: {count} live data keys{note}")
        self.stdout.write(f"  destroyed: {data_keys_destroyed_count()}")

    def _rotate(self, batch_size: int, *, verbose: bool) -> None:
        def progress(done: int) -> None:
            if verbose:
                self.stdout.write(f"  {done} re-wrapped so far")

        result = keys_rotate(batch_size=max(1, batch_size), on_batch=progress)
        self.stdout.write(
            f"Re-wrapped {result.rewrapped} data keys under master key {result.master_key_id} "
            f"in {result.batches} batches."
        )
        if result.unreadable:
            self.stderr.write(
                f"{result.unreadable} data keys are wrapped under a master key that is not configured; "
                "add it to POLICYBOUND_MASTER_KEY_OLD and run again."
            )
        self._status()
