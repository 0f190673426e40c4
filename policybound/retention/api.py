"""Legal holds and the destruction register over the JSON API (token scope ``staff``).

- ``POST /api/v1/subjects/{subject_id}/legal-holds`` holds a subject's records under one of the
  policy's legal-retention rules (``{"rule": "commercial_act_books", "items": ["name"], "reason": ...}``;
  without ``items``, every item). When the subject is otherwise due, the held items move to the
  separate archive database and are destroyed when that law's period ends.
- ``DELETE /api/v1/subjects/{subject_id}/legal-holds/{hold_id}`` releases it; its archive copies are
  destroyed at the next sweep.
- ``GET /api/v1/destruction-register?since=2027-01-01&until=2027-01-31`` lists the register
  (파기 관리대장), newest first, days inclusive in the site's time zone.

Placing and releasing are audited with the token as the actor. Errors: 400 ``{"errors": {field:
[message]}}``, 401/403 for a missing or wrong-scope token, 404 for an unknown subject or hold.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from policybound.api.auth import TokenAuth, token_actor
from policybound.api.models import TokenScope
from policybound.retention.models import LegalHold
from policybound.retention.selectors import destruction_register, legal_holds_for_subject
from policybound.retention.services import HoldRefused, legal_hold_place, legal_hold_release
from policybound.subjects.models import Subject

router = Router(tags=["retention"])
REGISTER_LIMIT = 1000


class DetailOut(Schema):
    detail: str


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class LegalHoldIn(Schema):
    rule: str = Field(max_length=64, description="a legal_retention code of the policy in force")
    items: list[str] | None = Field(default=None, description="item codes held; default every item")
    reason: str = Field(
        default="", max_length=500, description="a case or audit reference (no personal data); default: the rule's records"
    )


class LegalHoldOut(Schema):
    id: int
    subject_id: uuid.UUID
    rule: str
    law: str
    period: str = Field(description="ISO 8601 duration, counted from the end of the service")
    items: list[str] = Field(description="item codes held; empty means every item")
    reason: str
    placed_by: str
    placed_at: dt.datetime
    released_by: str
    released_at: dt.datetime | None


class RegisterEntryOut(Schema):
    id: int
    destroyed_at: dt.datetime
    category: str
    purpose: str
    reason: str = Field(description="the rule that made it due: purpose_retention, withdrawal, max_lifetime, …")
    rule: str = Field(description="the legal-retention rule, for archived records")
    description: str
    subjects: int
    items: int
    archived: int = Field(description="how many of the items were first moved to the archive database")
    method: str
    approved_by: str
    batch: str


class RegisterFilter(Schema):
    since: dt.date | None = Field(default=None, description="first day (inclusive)")
    until: dt.date | None = Field(default=None, description="last day (inclusive)")


AUTH_ERRORS: dict[int, Any] = {401: DetailOut, 403: DetailOut}
STAFF = TokenAuth(TokenScope.STAFF)


def _subject_exists(subject_id: uuid.UUID) -> bool:
    return Subject.objects.filter(pk=subject_id).exists()


@router.get(
    "/subjects/{subject_id}/legal-holds",
    auth=STAFF,
    response={200: list[LegalHoldOut], **AUTH_ERRORS, 404: DetailOut},
    summary="List a subject's legal holds",
)
def legal_holds_list(request: HttpRequest, subject_id: uuid.UUID) -> Status[Any]:
    if not _subject_exists(subject_id):
        return Status(404, {"detail": _("There is no such subject.")})
    return Status(200, list(legal_holds_for_subject(subject_id=subject_id)))


@router.post(
    "/subjects/{subject_id}/legal-holds",
    auth=STAFF,
    response={201: LegalHoldOut, 400: ErrorsOut, **AUTH_ERRORS, 404: DetailOut},
    summary="Place a legal hold",
    description=__doc__,
)
def legal_hold_create(request: HttpRequest, subject_id: uuid.UUID, payload: LegalHoldIn) -> Status[Any]:
    try:
        hold = legal_hold_place(
            subject_id=subject_id,
            rule=payload.rule,
            items=payload.items,
            reason=payload.reason,
            actor=token_actor(request),
        )
    except Subject.DoesNotExist:
        return Status(404, {"detail": _("There is no such subject.")})
    except HoldRefused as refused:
        return Status(400, {"errors": {refused.field: [str(refused)]}})
    return Status(201, hold)


@router.delete(
    "/subjects/{subject_id}/legal-holds/{hold_id}",
    auth=STAFF,
    response={200: LegalHoldOut, **AUTH_ERRORS, 404: DetailOut},
    summary="Release a legal hold",
    description="Release the hold; copies of its items in the archive database are destroyed at the next "
    "sweep. Releasing a released hold changes nothing.",
)
def legal_hold_delete(request: HttpRequest, subject_id: uuid.UUID, hold_id: int) -> Status[Any]:
    try:
        hold = legal_hold_release(hold_id=hold_id, subject_id=subject_id, actor=token_actor(request))
    except LegalHold.DoesNotExist:
        return Status(404, {"detail": _("This subject has no such legal hold.")})
    return Status(200, hold)


@router.get(
    "/destruction-register",
    auth=STAFF,
    response={200: list[RegisterEntryOut], **AUTH_ERRORS},
    summary="The destruction register",
    description="Entries of the destruction register (파기 관리대장), newest first, at most "
    f"{REGISTER_LIMIT}; narrow with since/until (days, inclusive).",
)
def destruction_register_list(request: HttpRequest, filters: Query[RegisterFilter]) -> Status[Any]:
    entries = destruction_register(since=filters.since, until=filters.until)[:REGISTER_LIMIT]
    return Status(200, list(entries))
