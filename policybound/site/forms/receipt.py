"""The signed, short-lived token that carries a sent form to its confirmation page.

After a POST the visitor is redirected (POST/redirect/GET) to ``/forms/<purpose>/done/?r=<token>``.
The token says only what the page needs to tell them: which policy version and purpose, which items
were stored (their codes, never their values), the visitor's decision on each optional consent and
whether a confirmation mail is awaited. It is signed with ``SECRET_KEY`` (``django.core.signing``) so it
cannot be forged, holds no personal data, and is stored nowhere. It expires after
:data:`MAX_AGE_SECONDS`, counted on the policybound clock so tests move time instead of waiting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core import signing

from policybound.lib import clock

SALT = "policybound.site.forms.done"
MAX_AGE_SECONDS = 30 * 60


@dataclass(frozen=True)
class DoneReceipt:
    """What the confirmation page may say about a sent form."""

    purpose: str
    version: str  # the policy version's sha256
    items: list[str]
    consents: dict[str, bool] = field(default_factory=dict)
    awaiting_confirmation: bool = False


def done_token_make(receipt: DoneReceipt, *, as_of: dt.datetime | None = None) -> str:
    payload = {
        "p": receipt.purpose,
        "v": receipt.version,
        "i": receipt.items,
        "c": receipt.consents,
        "w": receipt.awaiting_confirmation,
        "t": int((as_of or clock.now()).timestamp()),
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def done_token_read(token: str, *, purpose: str, as_of: dt.datetime | None = None) -> DoneReceipt | None:
    """The receipt in ``token`` if it is genuine, for ``purpose`` and not expired; else ``None``."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    now = (as_of or clock.now()).timestamp()
    try:
        stamp = int(payload["t"])
        receipt = DoneReceipt(
            purpose=str(payload["p"]),
            version=str(payload["v"]),
            items=[str(code) for code in payload["i"]],
            consents={str(code): bool(given) for code, given in dict(payload["c"]).items()},
            awaiting_confirmation=bool(payload["w"]),
        )
    except (KeyError, TypeError, ValueError):
        return None
    if receipt.purpose != purpose or not 0 <= now - stamp <= MAX_AGE_SECONDS:
        return None
    return receipt
