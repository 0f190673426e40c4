"""The reason a staff member gives for a reveal or an export: one rule for the form and the services.

Runs of spaces count once, so ``"a   b"`` is as short as ``"a b"`` on the form and in the service alike
(the form once passed a reason the service then refused with a 500).
"""

from __future__ import annotations

REASON_MIN = 5
REASON_MAX = 200


def reason_normalize(reason: str) -> str:
    """``reason`` with its whitespace collapsed and cut at ``REASON_MAX``; ``ValueError`` below ``REASON_MIN``."""
    cleaned = " ".join(reason.split())[:REASON_MAX]
    if len(cleaned) < REASON_MIN:
        raise ValueError(f"a reason of at least {REASON_MIN} characters is required")
    return cleaned
