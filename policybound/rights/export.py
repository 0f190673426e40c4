"""The person's copy of their data (PIPA 35: 열람 and a copy), as JSON with a documented schema and CSV.

JSON schema ``policybound.rights.export/1`` (keys always present; lists may be empty):

- ``schema``, ``controller`` (the company's name), ``language``;
- ``submissions``: ``[{purpose: {code, label}, collected_on, source: {code, label}, source_detail,
  status, kept_until (words), kept_until_date (ISO date or null), items: [{code, label, value}]}]``;
- ``consents``: ``[{purpose: {code, label}, required, event: {code, label}, recorded_at (ISO), notice}]``;
- ``recipients``: ``[{kind, kind_label, name, task, items: [labels], country}]``;
- ``legal_holds``: ``[{law, records, items: [labels], period}]``.

The CSV has one row per item value: purpose, item, value, collected on, kept until.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from policybound.policy.schema import Policy
from policybound.rights.access import SubjectData, source_label

SCHEMA = "policybound.rights.export/1"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Keep a spreadsheet from running a value as a formula (CSV injection), as the console's export."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_json(data: SubjectData, *, policy: Policy, lang: str = "ko") -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "controller": policy.controller.name.get(lang),
        "language": lang,
        "submissions": [
            {
                "purpose": {"code": s.purpose, "label": s.purpose_label},
                "collected_on": timezone.localdate(s.collected_at).isoformat(),
                "source": {"code": s.source, "label": source_label(s.source)},
                "source_detail": s.source_detail,
                "status": s.status,
                "kept_until": s.kept_until,
                "kept_until_date": s.kept_until_date.isoformat() if s.kept_until_date else None,
                "items": [{"code": v.code, "label": v.label, "value": v.value} for v in s.values],
            }
            for s in data.submissions
        ],
        "consents": [
            {
                "purpose": {"code": c.purpose, "label": c.purpose_label},
                "required": c.required,
                "event": {"code": c.event, "label": c.event_label},
                "recorded_at": c.recorded_at.isoformat(),
                "notice": c.notice,
            }
            for c in data.consents
        ],
        "recipients": [
            {"kind": r.kind, "kind_label": r.kind_label, "name": r.name, "task": r.task, "items": r.items,
             "country": r.country}
            for r in data.recipients
        ],
        "legal_holds": [
            {"law": h.law, "records": h.records, "items": h.items, "period": h.period} for h in data.holds
        ],
    }


def export_csv_rows(data: SubjectData) -> list[list[str]]:
    rows = [[_("Purpose"), _("Item"), _("Value"), _("Collected on"), _("Kept until")]]
    for s in data.submissions:
        for v in s.values:
            rows.append([_cell(x) for x in (s.purpose_label, v.label, v.value, s.collected_on, s.kept_until)])
    return rows
