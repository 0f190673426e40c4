"""The incident file an inspector asks for (PIPA 34, 63): what happened, who was told when, the proof.

JSON holds the whole file: the incident as recorded, the report reasons and the report, the clock,
the homepage posting's period, one row per person and every audit row about the incident. CSV holds
the per-person rows only. People appear by their pseudonymous subject id, with the item codes that
leaked and their mail's status and times; no name, address or other value is ever in the file (the
inspector gets the count and the proof of notice; a person's identity is looked up in the console by
id, which is itself logged). Each export is a ``download`` row of the access log.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.db import transaction

from policybound.audit.actors import Actor
from policybound.audit.models import AuditEvent
from policybound.audit.services import audit_record
from policybound.incidents.errors import refuse
from policybound.incidents.models import Breach, HomepagePosting, Transfer
from policybound.incidents.selectors import breach_clock

PERSON_COLUMNS = ("subject_id", "items", "language", "reachable", "mail_status", "mail_created_at", "mail_sent_at",
                  "refused_at")


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _people(rows: Any, *, items: bool) -> list[dict[str, Any]]:
    people = []
    for row in rows.select_related("mail").order_by("subject_id"):
        mail = row.mail
        people.append({
            "subject_id": str(row.subject_id),
            "items": ",".join(row.items) if items else "",
            "language": row.language,
            "reachable": row.reachable,
            "mail_status": mail.status if mail else None,
            "mail_created_at": _when(mail.created_at) if mail else None,
            "mail_sent_at": _when(mail.sent_at) if mail else None,
            "refused_at": _when(getattr(row, "refused_at", None)),
        })
    return people


def _posting(posting: HomepagePosting | None) -> dict[str, Any] | None:
    if posting is None:
        return None
    return {"starts_at": _when(posting.starts_at), "ends_at": _when(posting.ends_at), "posted_by": posting.posted_by,
            "title_ko": posting.title_ko}


def _trail(target: str) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(target=target).order_by("sequence")
    return [{"sequence": e.sequence, "at": _when(e.at), "actor": e.actor_label, "action": e.action, "detail": e.detail}
            for e in events]


def _breach_file(breach: Breach) -> dict[str, Any]:
    clock = breach_clock(breach)
    fields = ("discovered_at", "occurred_from", "occurred_until", "cause", "description", "company_actions",
              "subject_actions", "items", "scope", "purposes", "collected_from", "collected_until", "access_account",
              "access_from", "access_until", "affected_count", "unreachable_count", "report_reasons", "deadline",
              "recorded_by", "recorded_at", "notified_at", "report_sent_at", "report_authority", "report_reference",
              "completed_at", "completed_by")
    incident = {name: (_when(v) if hasattr(v, "isoformat") else v) for name in fields for v in [getattr(breach, name)]}
    return {
        "kind": "breach", "id": breach.pk, "incident": incident, "clock": clock.state,
        "posting": _posting(HomepagePosting.objects.filter(breach=breach).first()),
        "people": _people(breach.affected.all(), items=True), "audit": _trail(f"breach:{breach.pk}"),
    }


def _transfer_file(transfer: Transfer) -> dict[str, Any]:
    fields = ("transferee_name", "transferee_address", "transferee_phone", "transferee_contact", "what_moves",
              "purposes", "transfer_date", "recorded_by", "recorded_at", "notified_at")
    incident = {name: (_when(v) if hasattr(v, "isoformat") else v) for name in fields for v in [getattr(transfer, name)]}
    return {
        "kind": "transfer", "id": transfer.pk, "incident": incident,
        "posting": _posting(HomepagePosting.objects.filter(transfer=transfer).first()),
        "people": _people(transfer.affected.all(), items=False), "audit": _trail(f"transfer:{transfer.pk}"),
    }


@transaction.atomic
def incident_export(*, kind: str, incident_id: int, fmt: str, actor: Actor) -> tuple[str, str, str]:
    """(file name, content type, text) of a breach's or transfer's file as ``json`` or ``csv``."""
    if kind not in ("breach", "transfer"):
        raise refuse("kind", "breach or transfer")
    if fmt not in ("json", "csv"):
        raise refuse("format", "json or csv")
    model = Breach if kind == "breach" else Transfer
    found = model.objects.filter(pk=incident_id).first()
    if found is None:
        raise refuse(kind, "not found")
    data = _breach_file(found) if isinstance(found, Breach) else _transfer_file(found)
    audit_record(actor=actor, action="download", target=f"{kind}:{incident_id}",
                 detail={"format": fmt, "people": len(data["people"])})
    name = f"{kind}-{incident_id}.{fmt}"
    if fmt == "json":
        return name, "application/json", json.dumps(data, ensure_ascii=False, indent=2)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PERSON_COLUMNS)
    writer.writeheader()
    writer.writerows(data["people"])
    return name, "text/csv; charset=utf-8", out.getvalue()
