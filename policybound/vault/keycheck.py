"""Start-up's proof that the configured keys are the keys the database's data was written under.

A process that loaded a fresh or wrong key would serve errors to every returning visitor, wrap new
subjects under a key nobody keeps, split people in two (a new index key makes a returning e-mail a
new subject) and make ``audit verify`` report tampering. So a key is generated only on a first start
with an empty database, and every process refuses to load keys that the data does not name
(:class:`~policybound.vault.errors.KeysRefused`, raised where :mod:`policybound.vault.keys` loads
them lazily, i.e. in every entry point: ``serve``, the worker, web processes, CLI commands).

What the database keeps (:class:`~policybound.vault.models.KeyCheck`): per kind (``master``,
``archive``, ``index``) the key id and a keyed check value of every key that was ever current, and
which one is current now. A keyring is accepted when

1. every key it holds whose id is recorded matches that id's check value;
2. it holds the recorded current key (a rotation keeps it in ``*_OLD``; the index key never rotates);
3. for the master key: it holds the master key of every live DataKey, and each of those keys opens
   the newest live DataKey wrapped under it (this also proves keys of a database written before
   check values were kept).

Then its current key is recorded as current. A database written before check values were kept and
configured with an index or archive key has nothing to compare with: the key is recorded as found
(trust on first use) and held to from then on; a missing one is refused like any other.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import connections
from django.utils import timezone

from policybound.vault.aead import aead_open
from policybound.vault.errors import DecryptionFailed, KeysRefused

logger = logging.getLogger(__name__)

CHECK_TEXT = b"policybound key check v1 "
KINDS = ("master", "archive", "index")


def check_value(kind: str, secret: bytes) -> str:
    """HMAC-SHA256 of a fixed text under the key: equal for the same key, useless for guessing it."""
    return hmac.new(secret, CHECK_TEXT + kind.encode("ascii"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Offered:
    """A keyring as configured, described for the check: ids and secrets, and where it came from."""

    kind: str
    label: str
    current_id: str
    secrets: Mapping[str, bytes]
    origin: str  # the setting or the file the current key came from (never its value)
    setting: str
    old_setting: str | None


@dataclass(frozen=True)
class Recorded:
    checks: dict[str, str]  # key id -> check value
    current: str | None
    data_present: bool  # the live database holds data under such a key (data keys; for the index key audit rows)


def _recorded(kind: str) -> Recorded:
    from policybound.vault.models import DataKey, KeyCheck

    connection = connections["default"]
    if KeyCheck._meta.db_table not in connection.introspection.table_names():
        raise KeysRefused(
            "the database is not migrated yet, so the vault cannot check its keys: "
            "run `policybound migrate` first (`policybound serve` does)"
        )
    rows = list(KeyCheck.objects.using("default").filter(kind=kind).values_list("key_id", "check_value", "current"))
    # Every kind guards what hangs off data keys (values, blind indexes, archived copies); the index key
    # also the audit chain, whose first rows (a published policy) may come before any data key.
    data_present = DataKey.objects.using("default").exists()
    if not data_present and kind == "index" and apps.is_installed("policybound.audit"):
        data_present = apps.get_model("audit", "AuditEvent").objects.using("default").exists()
    return Recorded(
        checks={key_id: value for key_id, value, _ in rows},
        current=next((key_id for key_id, _, current in rows if current), None),
        data_present=data_present,
    )


def _live_master_ids() -> list[str]:
    from policybound.vault.models import DataKey

    ids = DataKey.objects.filter(destroyed_at__isnull=True).values_list("master_key_id", flat=True)
    return sorted(set(ids.order_by().distinct()))


def _first_start(recorded: Recorded) -> bool:
    return not recorded.checks and not recorded.data_present


def key_generation_allowed(kind: str) -> bool:
    """Whether a key of ``kind`` may be generated now (see :func:`key_generation_check`)."""
    return _first_start(_recorded(kind))


def key_generation_check(*, kind: str, label: str, setting: str, path: Path) -> None:
    """Raise :class:`KeysRefused` unless this is a first start: nothing in the database needs such a key.

    That is: no key of ``kind`` was ever recorded and the live database has no data key (nor, for the
    index key, an audit row). Publishing a policy before the first ``serve`` writes audit rows under the
    index key, and must not make the master key's first start look like a lost key.
    """
    recorded = _recorded(kind)
    if _first_start(recorded):
        return
    wanted = recorded.current
    if wanted is None and kind == "master":
        wanted = next(iter(_live_master_ids()), None)
    needed = f"{label} {wanted}" if wanted else f"the {label} it was written under"
    raise KeysRefused(
        f"{label} missing: {setting} is not set and {path} does not exist, but this database already "
        f"holds data that needs {needed}. A new {label} is generated only on a first start with an empty "
        f"database. Restore {path.name} from your key backup into {path.parent} (mode 0600), or set "
        f"{setting} (or {setting}_FILE) to {needed}."
    )


def _refuse_wrong(offered: Offered, wanted: str, why: str) -> KeysRefused:
    configured = ", ".join(sorted(offered.secrets))
    rotate = (
        f" To rotate to a new {offered.label}, keep {offered.label} {wanted} in {offered.old_setting}."
        if offered.old_setting
        else f" The {offered.label} never changes."
    )
    return KeysRefused(
        f"wrong {offered.label}: the database needs {offered.label} {wanted}, but {why} "
        f"(configured: {configured}; current from {offered.origin}). Set {offered.setting} "
        f"(or {offered.setting}_FILE) to {offered.label} {wanted}, or restore its file from your key "
        f"backup.{rotate}"
    )


def _prove_master_keys(offered: Offered) -> None:
    """Every live DataKey's master key is configured and opens the newest DataKey wrapped under it."""
    from policybound.vault.models import DataKey

    for wanted in _live_master_ids():
        secret = offered.secrets.get(wanted)
        if secret is None:
            raise _refuse_wrong(offered, wanted, f"live data keys are wrapped under {wanted}, which is not configured")
        newest = (
            DataKey.objects.filter(destroyed_at__isnull=True, master_key_id=wanted).order_by("-created_at").first()
        )
        if newest is None or newest.is_destroyed:
            continue
        try:
            aead_open(secret, bytes(newest.wrapped_key), aad=DataKey.wrap_aad(newest.id), what=f"DataKey {newest.id}")
        except DecryptionFailed:
            raise _refuse_wrong(offered, wanted, f"the key configured as {wanted} does not open DataKey {newest.id}") from None


def keyring_check(offered: Offered) -> None:
    """Refuse ``offered`` unless it is what the data needs (see the module docstring); then record it."""
    from policybound.vault.models import KeyCheck

    recorded = _recorded(offered.kind)
    for key_id, secret in offered.secrets.items():
        stored = recorded.checks.get(key_id)
        if stored is not None and not hmac.compare_digest(stored, check_value(offered.kind, secret)):
            raise _refuse_wrong(offered, key_id, f"the key configured as {key_id} fails its check value")
    if recorded.current is not None and recorded.current not in offered.secrets:
        raise _refuse_wrong(offered, recorded.current, f"{offered.label} {recorded.current} is not configured")
    if offered.kind == "master":
        _prove_master_keys(offered)
    if recorded.current == offered.current_id:
        return
    if not recorded.checks and recorded.data_present and offered.kind != "master":
        logger.info(
            "recorded %s %s: this database was written before key check values were kept",
            offered.label,
            offered.current_id,
        )
    KeyCheck.objects.bulk_create(
        [
            KeyCheck(
                kind=offered.kind,
                key_id=offered.current_id,
                check_value=check_value(offered.kind, offered.secrets[offered.current_id]),
                registered_at=timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )
    KeyCheck.objects.filter(kind=offered.kind).exclude(key_id=offered.current_id).update(current=False)
    KeyCheck.objects.filter(kind=offered.kind, key_id=offered.current_id).update(current=True)
