"""Intake over the JSON API: a homepage backend submits forms and ends engagements.

``POST /api/v1/submissions`` runs exactly the checks of the public forms (it calls the same
``submission_record``). With an ``Idempotency-Key`` header a retry after a timeout returns the first
response and stores nothing new; the same key with a different body is a 409. Keys are scoped to the
token, so two clients can never collide.

Engagements are named by their random ``public_id`` (a UUID), never by a sequential number. A staff
token may end any engagement; an intake token only those its own submissions started (any other is a
404, as if it did not exist).

Errors: 400 ``{"errors": {"<field or consent code>": ["message", ...]}}`` (in the request's
``Accept-Language``, Korean by default); 401 without a valid token; 403 for a token of another scope;
409 for a reused idempotency key or an engagement already ended; 422 for a body that is not the
documented JSON shape.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.params import HeaderEx, P

from policybound.api.auth import TokenAuth, request_token, token_actor
from policybound.api.models import TokenScope
from policybound.audit.actors import normalize_ip
from policybound.collection.models import Channel, Engagement, Source
from policybound.collection.services import (
    EngagementEnded,
    EngagementRejected,
    IdempotencyConflict,
    SubmissionRejected,
    SubmissionResult,
    engagement_end,
    entered_by,
    submission_record,
)

router = Router(tags=["intake"])

IDEMPOTENCY_KEY_MAX = 200


class SubmissionIn(Schema):
    purpose: str = Field(max_length=64, description="a purpose code of the policy in force (GET /api/v1/policy lists them)")
    fields: dict[str, Any] = Field(
        description="item code → value: text, or a list of choice codes for choices items",
        examples=[{"<name item>": "홍길동", "<phone item>": "010-1234-5678", "<email item>": "hong@example.com"}],
    )
    consents: dict[str, Any] = Field(
        default_factory=dict,
        description="purpose code → true/false: the purpose's own consent and each optional one offered with it",
        examples=[{"<purpose>": True, "<optional purpose offered with it>": False}],
    )
    source: str = Field(
        default=Source.WEB, description="where the data came from", json_schema_extra={"enum": [str(value) for value in Source.values]}
    )
    source_detail: str = Field(default="", description="e.g. the name of the event")
    notice_texts: dict[str, str] = Field(
        default_factory=dict,
        description="purpose code → the exact notice text shown next to its consent box "
        "(default: the notice generated from the policy in force)",
    )
    ip: str | None = Field(default=None, description="the visitor's IP address, for the consent receipt")
    user_agent: str = Field(default="", description="the visitor's browser, for the consent receipt")


class SubmissionOut(Schema):
    submission_id: int
    subject_id: uuid.UUID
    purpose: str
    items: list[str] = Field(description="the item codes stored")
    engagement_id: uuid.UUID = Field(
        description="the engagement of the submission's purpose, as /engagements/{engagement_id}/end names it"
    )
    engagement_ids: list[uuid.UUID] = Field(description="every engagement this submission started")
    receipt_ids: list[int] = Field(description="one consent receipt per consent asked")
    policy_sha256: str = Field(description="the policy version in force, which every receipt names")


class ErrorsOut(Schema):
    errors: dict[str, list[str]] = Field(
        description="field code, consent code, purpose, source or __all__ → messages",
        examples=[{"<field code>": ["Enter a phone number such as 010-1234-5678 or 02-123-4567."]}],
    )


class DetailOut(Schema):
    detail: str


class InvalidRequestOut(Schema):
    detail: list[dict[str, Any]] = Field(description="where the body departs from the documented shape")


class EngagementEndIn(Schema):
    event: str | None = Field(default=None, description="an end event of the purpose; default its first one")


class EngagementOut(Schema):
    id: uuid.UUID = Field(description="the engagement's public id")
    subject_id: uuid.UUID
    purpose: str
    status: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    end_event: str
    deadline: dt.datetime | None = Field(description="when its records are due for destruction")


AUTH_ERRORS: dict[int, Any] = {401: DetailOut, 403: DetailOut}


@router.post(
    "/submissions",
    auth=TokenAuth(TokenScope.INTAKE),
    response={201: SubmissionOut, 400: ErrorsOut, **AUTH_ERRORS, 409: DetailOut, 422: InvalidRequestOut},
    summary="Record a submission",
    description=__doc__,
)
def submission_create(
    request: HttpRequest,
    payload: SubmissionIn,
    idempotency_key: HeaderEx[str | None, P(alias="Idempotency-Key", description="retry-safe key")] = None,
) -> Status[Any]:
    if idempotency_key is not None and not 0 < len(idempotency_key) <= IDEMPOTENCY_KEY_MAX:
        message = _("An idempotency key is 1 to %(limit)d characters.") % {"limit": IDEMPOTENCY_KEY_MAX}
        return Status(400, {"errors": {"Idempotency-Key": [message]}})
    ip = normalize_ip(payload.ip)
    if payload.ip and ip is None:
        return Status(400, {"errors": {"ip": [_("Enter a valid IPv4 or IPv6 address.")]}})
    scoped_key = None if idempotency_key is None else f"token:{request_token(request).pk}:{idempotency_key}"
    try:
        result = submission_record(
            purpose=payload.purpose,
            fields=payload.fields,
            consents=payload.consents,
            source=payload.source,
            source_detail=payload.source_detail,
            actor=token_actor(request),
            channel=Channel.API,
            notice_texts=payload.notice_texts,
            ip=ip,
            user_agent=payload.user_agent,
            idempotency_key=scoped_key,
        )
    except SubmissionRejected as rejected:
        return Status(400, {"errors": rejected.errors})
    except IdempotencyConflict:
        return Status(409, {"detail": _("This idempotency key was used for a different request.")})
    return Status(201, _submission_out(result))


def _submission_out(result: SubmissionResult) -> dict[str, Any]:
    """The answer with the engagements' public ids in place of their internal keys."""
    public = dict(Engagement.objects.filter(pk__in=result.engagement_ids).values_list("pk", "public_id"))
    return {
        "submission_id": result.submission_id,
        "subject_id": result.subject_id,
        "purpose": result.purpose,
        "items": result.items,
        "engagement_id": public[result.engagement_id],
        "engagement_ids": [public[pk] for pk in result.engagement_ids],
        "receipt_ids": result.receipt_ids,
        "policy_sha256": result.policy_sha256,
    }


def _engagement_endable(request: HttpRequest, public_id: uuid.UUID) -> Engagement | None:
    """The engagement the token may end: any for a staff token, one its own submission started for intake."""
    engagement = Engagement.objects.select_related("submission").filter(public_id=public_id).first()
    if engagement is None:
        return None
    token = request_token(request)
    if token.scope == TokenScope.STAFF:
        return engagement
    mine = entered_by(token_actor(request))
    return engagement if engagement.submission is not None and engagement.submission.entered_by == mine else None


def _engagement_out(engagement: Engagement) -> dict[str, Any]:
    return {
        "id": engagement.public_id,
        "subject_id": engagement.subject_id,
        "purpose": engagement.purpose,
        "status": engagement.status,
        "started_at": engagement.started_at,
        "ended_at": engagement.ended_at,
        "end_event": engagement.end_event,
        "deadline": engagement.deadline,
    }


@router.post(
    "/engagements/{engagement_id}/end",
    auth=TokenAuth(TokenScope.INTAKE, TokenScope.STAFF),
    response={200: EngagementOut, 400: ErrorsOut, **AUTH_ERRORS, 404: DetailOut, 409: DetailOut, 422: InvalidRequestOut},
    summary="End an engagement",
    description="Record the end of a service (an end event of its purpose; by default the first one). "
    "Its records are then kept for the purpose's retention period and destroyed. `engagement_id` is the "
    "engagement's public id (a UUID, as `POST /submissions` returns it). A staff token may end any "
    "engagement; an intake token only one its own submissions started, any other answers 404.",
)
def engagement_end_view(
    request: HttpRequest,
    engagement_id: uuid.UUID,
    payload: EngagementEndIn | None = None,
) -> Status[Any]:
    found = _engagement_endable(request, engagement_id)
    if found is None:
        return Status(404, {"detail": _("There is no such engagement.")})
    try:
        engagement = engagement_end(
            engagement_id=found.pk,
            event=payload.event if payload is not None else None,
            actor=token_actor(request),
        )
    except Engagement.DoesNotExist:
        return Status(404, {"detail": _("There is no such engagement.")})
    except EngagementEnded:
        return Status(409, {"detail": _("This engagement has ended already.")})
    except EngagementRejected as rejected:
        return Status(400, {"errors": rejected.errors})
    return Status(200, _engagement_out(engagement))
