"""What the public refusal page may show: the transfer a genuine link belongs to, nothing personal."""

from __future__ import annotations

from policybound.incidents.models import Transfer, TransferSubject
from policybound.incidents.tokens import refusal_token_read


def refusal_page(token: str) -> Transfer | None:
    read = refusal_token_read(token)
    if read is None:
        return None
    row = TransferSubject.objects.select_related("transfer").filter(transfer_id=read[0], subject_id=read[1]).first()
    return row.transfer if row is not None else None
