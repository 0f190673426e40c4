"""Importing personal data collected elsewhere (seed article 3): business cards, event and seminar
attendee lists, partner lists.

A CSV file whose header names item codes of one purpose. Every row goes through the same checks as a
web form (:func:`~policybound.collection.validation.submission_validate`), and the file is stored
all-or-nothing: one bad row and nothing is imported, with a report naming every bad row and field (never
a value). Each submission records its source, so a subject can later be told where their data came
from (PIPA 20). The consents listed are those the subjects gave where the data was collected (the
event's registration form, say); the notice text shown there can be given with ``notice_text``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from policybound.audit.actors import Actor
from policybound.audit.models import AuditAction
from policybound.audit.services import audit_record
from policybound.collection.models import Channel, Source
from policybound.collection.services import submission_record
from policybound.collection.validation import SubmissionRejected, submission_validate
from policybound.lib import clock
from policybound.policy.selectors import policy_version_in_force

IMPORT_SOURCES = (Source.EVENT, Source.BUSINESS_CARD, Source.PARTNER)
CODE_LIKE = re.compile(r"[a-z][a-z0-9_]{0,63}")


@dataclass(frozen=True)
class RowError:
    row: int  # 1 for the first data row
    line: int  # the line of the file where the row ends
    errors: dict[str, list[str]]


@dataclass
class ImportRejected(Exception):
    """Nothing was imported; ``problems`` concern the whole file, ``rows`` the rows that failed."""

    problems: list[str] = field(default_factory=list)
    rows: list[RowError] = field(default_factory=list)

    def __str__(self) -> str:
        return f"import rejected: {len(self.problems)} file problem(s), {len(self.rows)} bad row(s)"


@dataclass(frozen=True)
class ImportResult:
    rows: int
    submission_ids: list[int]


def _rows(lines: Iterable[str]) -> tuple[list[str], list[tuple[int, int, dict[str, str]]], list[str]]:
    reader = csv.reader(lines)
    header = [column.strip() for column in next(reader, [])]
    rows, problems = [], []
    for number, cells in enumerate(reader, start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                _("row %(row)d (line %(line)d): %(found)d cells, but the header has %(expected)d columns")
                % {"row": number, "line": reader.line_num, "found": len(cells), "expected": len(header)}
            )
            continue
        rows.append((number, reader.line_num, {c: v for c, v in zip(header, cells, strict=True) if v.strip()}))
    return header, rows, problems


def csv_import(
    *,
    lines: Iterable[str],
    source: str,
    purpose: str,
    consents: list[str],
    actor: Actor,
    source_detail: str = "",
    notice_text: str | None = None,
    as_of: dt.datetime | None = None,
) -> ImportResult:
    """Import every row of a CSV file as a submission for ``purpose``, or none of them."""
    moment = as_of or clock.now()
    version = policy_version_in_force(as_of=moment)
    if version is None:
        raise ImportRejected(problems=[_("No privacy policy is in force yet, so nothing can be collected.")])
    if source not in IMPORT_SOURCES:
        raise ImportRejected(problems=[_("An import's source is one of: %(sources)s.")
                                       % {"sources": ", ".join(IMPORT_SOURCES)}])
    header, rows, problems = _rows(lines)
    policy = version.policy
    known = next((p for p in policy.purposes if p.code == purpose), None)
    if known is None:
        raise ImportRejected(problems=[_("The privacy policy in force has no purpose “%(purpose)s”.")
                                       % {"purpose": purpose}])
    allowed = [*known.items, *known.optional_items]
    header_problems = []
    for number, column in enumerate(header, start=1):
        if column not in allowed:
            # A file without a header has a person's data in its first line: name only code-like columns.
            shown = column if CODE_LIKE.fullmatch(column) else str(number)
            header_problems.append(
                _("column “%(column)s” is not an item of “%(purpose)s”; the policy lists: %(items)s")
                % {"column": shown, "purpose": purpose, "items": ", ".join(allowed)}
            )
    if len(set(header)) != len(header):
        header_problems.append(_("a column appears twice in the header"))
    if header_problems:  # a wrong header makes every row wrong: report it, not each row (which echoes keys)
        raise ImportRejected(problems=header_problems + problems)
    if not rows and not problems:
        problems.append(_("the file has no rows to import"))
    decided = {purpose: True, **{code: True for code in consents}}
    bad = []
    for number, line, fields in rows:
        try:
            submission_validate(policy, purpose=purpose, fields=fields, consents=decided, channel=Channel.IMPORT)
        except SubmissionRejected as rejected:
            bad.append(RowError(row=number, line=line, errors=rejected.errors))
    if problems or bad:
        raise ImportRejected(problems=problems, rows=bad)
    notices = {code: notice_text for code in decided} if notice_text else None
    with transaction.atomic():
        ids = []
        for number, line, fields in rows:
            try:
                result = submission_record(
                    purpose=purpose, fields=fields, consents=decided, source=source, source_detail=source_detail,
                    actor=actor, channel=Channel.IMPORT, notice_texts=notices, as_of=moment,
                )
            except SubmissionRejected as rejected:  # the policy changed between the two passes
                raise ImportRejected(rows=[RowError(row=number, line=line, errors=rejected.errors)]) from None
            ids.append(result.submission_id)
        audit_record(
            actor=actor,
            action=AuditAction.IMPORT,
            target=f"import:{source}",
            detail={"purpose": purpose, "source": source, "rows": len(ids), "consents": sorted(decided)},
            as_of=moment,
        )
    return ImportResult(rows=len(ids), submission_ids=ids)
