"""The privacy center over the JSON API: public endpoints to verify and act, staff endpoints to answer.

Public (no token; the same services and rules as the pages, rate-limited alike):

- ``POST /api/v1/rights/verifications`` ``{"email"}`` → 202 ``{"verification", "detail"}``, the same
  answer whether or not the address is known; a code is mailed only to a known one.
- ``POST /api/v1/rights/verifications/confirm`` ``{"verification", "code"}`` → 200 ``{"session"}`` or
  400 ``{"errors": {"code": [...]}}``.
- With header ``X-Privacy-Center-Session: <session>``: ``GET /api/v1/rights/me`` → everything held
  (schema ``policybound.rights.export/1``, an answered access request and a ``download`` row);
  ``POST /api/v1/rights/me/withdrawals`` ``{"purposes": [...]}``; ``POST /api/v1/rights/me/deletion``;
  each → 200 the request as answered. No or an expired session → 401.

Staff (token scope ``staff``): ``GET /api/v1/rights-requests?state=open|answered|all``, ``GET
/api/v1/rights-requests/{id}``, ``POST .../{id}/answer`` ``{"outcome", "reason"}``, ``POST .../{id}/extend``
``{"until", "reason"}``. Errors: 400 ``{"errors": {field: [message]}}``, 401/403, 404, 429.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from policybound.api.auth import TokenAuth, token_actor
from policybound.api.models import TokenScope
from policybound.audit.actors import Actor, client_ip
from policybound.lib.ratelimit import rate_limit_hit
from policybound.policy.selectors import policy_in_force
from policybound.retention.erasure import ErasureBusy
from policybound.rights.export import export_json
from policybound.rights.models import RightsRequest, VerificationChallenge
from policybound.rights.selectors import requests_queue
from policybound.rights.services import (
    RequestRefused,
    access_export_record,
    access_request_fulfil,
    deletion_request_fulfil,
    rights_request_answer,
    rights_request_extend,
    withdrawal_request_fulfil,
)
from policybound.rights.verification import (
    CodeRefused,
    address_digest,
    challenge_start,
    challenge_verify,
    pending_read,
    pending_token,
    session_subject,
    session_token,
)
from policybound.site.templatetags.site_tags import current_lang

router = Router(tags=["rights"])
SESSION_HEADER = "X-Privacy-Center-Session"
STAFF = TokenAuth(TokenScope.STAFF)


class DetailOut(Schema):
    detail: str


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class VerificationIn(Schema):
    email: str = Field(max_length=254, description="the address the data was collected with")


class VerificationOut(Schema):
    verification: str = Field(description="pass back with the code; the same kind of answer for every address")
    detail: str


class ConfirmIn(Schema):
    verification: str = Field(max_length=500)
    code: str = Field(max_length=20)


class SessionOut(Schema):
    session: str = Field(description=f"send as the {SESSION_HEADER} header")
    expires_at: dt.datetime


class WithdrawIn(Schema):
    purposes: list[str] = Field(description="purpose codes whose consent to withdraw")


class RequestOut(Schema):
    id: uuid.UUID
    subject_id: uuid.UUID
    kind: str = Field(description="access, correction, deletion, suspension or withdrawal")
    channel: str
    identity_method: str
    status: str = Field(description="open, extended or answered")
    received_at: dt.datetime
    due_on: dt.date = Field(description="receipt day + rights.deadline_days (local calendar)")
    extended_to: dt.date | None
    extension_reason: str
    answered_at: dt.datetime | None
    outcome: str = Field(description="done, partly or refused")
    reason: str
    detail: dict[str, Any]


class AnswerIn(Schema):
    outcome: str = Field(description="done, partly or refused")
    reason: str = Field(default="", max_length=500, description="required for partly and refused")


class ExtendIn(Schema):
    until: dt.date
    reason: str = Field(max_length=500)


class QueueFilter(Schema):
    state: str = Field(default="open", pattern="^(open|answered|all)$")


def _limited(request: HttpRequest, email: str) -> int | None:
    ip = client_ip(request)
    hit = rate_limit_hit(scope="rights-ip", key=ip or "unknown", limit=settings.POLICYBOUND_FORM_RATE_LIMIT,
                         window=settings.POLICYBOUND_FORM_RATE_WINDOW_SECONDS)
    if not hit.allowed:
        return hit.retry_after
    per_address = rate_limit_hit(scope="rights-address", key=address_digest(email),
                                 limit=settings.POLICYBOUND_RIGHTS_ADDRESS_LIMIT,
                                 window=settings.POLICYBOUND_RIGHTS_ADDRESS_WINDOW_SECONDS)
    return None if per_address.allowed else per_address.retry_after


@router.post("/rights/verifications", response={202: VerificationOut, 400: ErrorsOut, 404: DetailOut,
                                                429: DetailOut}, summary="Ask for a one-time code")
def verification_start(request: HttpRequest, payload: VerificationIn) -> Status[Any]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(payload.email.strip())
    except ValidationError:
        return Status(400, {"errors": {"email": [_("Enter an e-mail address such as name@example.com.")]}})
    policy = policy_in_force()
    if policy is None:
        return Status(404, {"detail": _("No privacy policy is in force yet.")})
    if _limited(request, payload.email) is not None:
        return Status(429, {"detail": _("Too many requests")})
    started = challenge_start(email=payload.email.strip(), policy=policy, actor=Actor.public(ip=client_ip(request)),
                              lang=current_lang())
    return Status(202, {"verification": pending_token(started.challenge),
                        "detail": _("If we hold data for this address, a code is on its way.")})


@router.post("/rights/verifications/confirm", response={200: SessionOut, 400: ErrorsOut},
             summary="Confirm the code; returns a session")
def verification_confirm(request: HttpRequest, payload: ConfirmIn) -> Status[Any]:
    pending = pending_read(payload.verification)
    if pending is None:
        return Status(400, {"errors": {"verification": [_("This code has expired. Ask for a new one.")]}})
    try:
        challenge = challenge_verify(challenge_id=pending, code=payload.code, actor=Actor.public(ip=client_ip(request)))
    except CodeRefused as refused:
        return Status(400, {"errors": {"code": [str(refused)]}})
    return Status(200, {"session": session_token(challenge), "expires_at": challenge.session_ends_at})


def _session(request: HttpRequest) -> VerificationChallenge | None:
    return session_subject(request.headers.get(SESSION_HEADER, ""))


def _person(request: HttpRequest, challenge: VerificationChallenge) -> Actor:
    return Actor(kind="public", ident=str(challenge.subject_id), label="data subject (verified by e-mail)",
                 ip=client_ip(request))


NO_SESSION = {"detail": "a verified session is needed (header X-Privacy-Center-Session)"}


@router.get("/rights/me", response={200: dict[str, Any], 401: DetailOut, 404: DetailOut},
            summary="Everything held about me (schema policybound.rights.export/1)")
def me(request: HttpRequest) -> Status[Any]:
    challenge, policy = _session(request), policy_in_force()
    if challenge is None or challenge.subject is None:
        return Status(401, NO_SESSION)
    if policy is None:
        return Status(404, {"detail": _("No privacy policy is in force yet.")})
    actor = _person(request, challenge)
    access_request_fulfil(subject=challenge.subject, policy=policy, actor=actor, lang=current_lang(),
                          session=str(challenge.pk))
    data = access_export_record(subject=challenge.subject, policy=policy, actor=actor, lang=current_lang(), fmt="json")
    return Status(200, export_json(data, policy=policy, lang=current_lang()))


@router.post("/rights/me/withdrawals", response={200: RequestOut, 400: ErrorsOut, 401: DetailOut, 404: DetailOut},
             summary="Withdraw consents now")
def me_withdraw(request: HttpRequest, payload: WithdrawIn) -> Status[Any]:
    challenge, policy = _session(request), policy_in_force()
    if challenge is None or challenge.subject is None:
        return Status(401, NO_SESSION)
    if policy is None:
        return Status(404, {"detail": _("No privacy policy is in force yet.")})
    try:
        done = withdrawal_request_fulfil(subject=challenge.subject, purposes=payload.purposes, policy=policy,
                                         actor=_person(request, challenge), lang=current_lang())
    except RequestRefused as refused:
        return Status(400, {"errors": {refused.field: [str(refused)]}})
    return Status(200, done)


@router.post("/rights/me/deletion", response={200: RequestOut, 401: DetailOut, 404: DetailOut, 409: DetailOut},
             summary="Delete everything now, except what a law keeps")
def me_delete(request: HttpRequest) -> Status[Any]:
    challenge, policy = _session(request), policy_in_force()
    if challenge is None or challenge.subject is None:
        return Status(401, NO_SESSION)
    if policy is None:
        return Status(404, {"detail": _("No privacy policy is in force yet.")})
    try:
        done, _erasure = deletion_request_fulfil(subject=challenge.subject, policy=policy,
                                                 actor=_person(request, challenge), lang=current_lang())
    except ErasureBusy:
        return Status(409, {"detail": _("Your records are being processed right now. Please try again in a minute.")})
    return Status(200, done)


# --- staff ---------------------------------------------------------------------------------------

AUTH_ERRORS: dict[int, Any] = {401: DetailOut, 403: DetailOut}


@router.get("/rights-requests", auth=STAFF, response={200: list[RequestOut], **AUTH_ERRORS},
            summary="The register of requests (열람 등 요구 처리 대장)")
def requests_list(request: HttpRequest, filters: Query[QueueFilter]) -> Status[Any]:
    return Status(200, list(requests_queue(state=filters.state)[:1000]))


@router.get("/rights-requests/{request_id}", auth=STAFF, response={200: RequestOut, **AUTH_ERRORS, 404: DetailOut},
            summary="One request")
def request_get(request: HttpRequest, request_id: uuid.UUID) -> Status[Any]:
    found = RightsRequest.objects.filter(pk=request_id).first()
    if found is None:
        return Status(404, {"detail": _("There is no such request.")})
    return Status(200, found)


def _staff_change(request_id: uuid.UUID, change: Any) -> Status[Any]:
    policy = policy_in_force()
    if policy is None:
        return Status(404, {"detail": _("No privacy policy is in force yet.")})
    try:
        return Status(200, change(policy))
    except RightsRequest.DoesNotExist:
        return Status(404, {"detail": _("There is no such request.")})
    except RequestRefused as refused:
        return Status(400, {"errors": {refused.field: [str(refused)]}})


@router.post("/rights-requests/{request_id}/answer", auth=STAFF,
             response={200: RequestOut, 400: ErrorsOut, **AUTH_ERRORS, 404: DetailOut}, summary="Answer a request")
def request_answer(request: HttpRequest, request_id: uuid.UUID, payload: AnswerIn) -> Status[Any]:
    return _staff_change(request_id, lambda policy: rights_request_answer(
        request_id=request_id, outcome=payload.outcome, reason=payload.reason, policy=policy,
        actor=token_actor(request)))


@router.post("/rights-requests/{request_id}/extend", auth=STAFF,
             response={200: RequestOut, 400: ErrorsOut, **AUTH_ERRORS, 404: DetailOut},
             summary="Defer the answer, with its reason told to the person")
def request_extend(request: HttpRequest, request_id: uuid.UUID, payload: ExtendIn) -> Status[Any]:
    return _staff_change(request_id, lambda policy: rights_request_extend(
        request_id=request_id, until=payload.until, reason=payload.reason, policy=policy,
        actor=token_actor(request)))
