"""The refusal link of a transfer notice: signed over (transfer, subject), no table, no sign-in.

Like Django's password-reset tokens, the link carries only ids and a signature under ``SECRET_KEY``
with its own salt; whether a refusal is still possible (before the transfer date) is decided by the
service when it is used, so a forwarded link can do nothing but refuse for that one person.
"""

from __future__ import annotations

import uuid

from django.core import signing

SALT = "policybound.incidents.transfer-refusal"


def refusal_token_make(*, transfer_id: int, subject_id: uuid.UUID) -> str:
    return signing.dumps({"t": transfer_id, "s": str(subject_id)}, salt=SALT, compress=True)


def refusal_token_read(token: str) -> tuple[int, uuid.UUID] | None:
    """(transfer id, subject id) of a genuine token, ``None`` for anything else."""
    try:
        data = signing.loads(token, salt=SALT)
        return int(data["t"]), uuid.UUID(str(data["s"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
