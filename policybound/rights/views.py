"""The privacy center's pages (``/privacy-center/``), with no account: ask for a code, type it, then see,
download, withdraw, stop and delete. Thin: each POST calls one service of
:mod:`policybound.rights.services` or :mod:`policybound.rights.verification`.

Two cookies, both signed, HttpOnly, SameSite=Strict and scoped to ``/privacy-center/``: the pending
challenge between the address and the code (so the code page's URL and body are the same for every
address), and the verified session. Pages holding personal data are never cached.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from policybound.audit.actors import Actor, client_ip
from policybound.collection.corrections import CorrectionRejected
from policybound.collection.models import Submission
from policybound.lib.ratelimit import rate_limit_hit
from policybound.policy.schema import Policy
from policybound.policy.selectors import policy_in_force
from policybound.retention.erasure import ErasureBusy
from policybound.rights.access import holds_read
from policybound.rights.export import export_csv_rows, export_json
from policybound.rights.forms import AddressForm, CodeForm, CorrectForm, DeleteForm, SuspendForm, WithdrawForm
from policybound.rights.models import IdentityMethod, RequestChannel, RequestKind, VerificationChallenge
from policybound.rights.selectors import subject_requests
from policybound.rights.services import (
    RequestRefused,
    access_export_record,
    access_request_fulfil,
    correction_request_fulfil,
    deletion_request_fulfil,
    rights_request_open,
    withdrawal_request_fulfil,
)
from policybound.rights.verification import (
    CodeRefused,
    address_digest,
    challenge_start,
    challenge_verify,
    pending_read,
    pending_token,
    session_end,
    session_subject,
    session_token,
)
from policybound.site.templatetags.site_tags import current_lang

PENDING_COOKIE = "pb_rights_pending"
SESSION_COOKIE = "pb_rights"
COOKIE_PATH = "/privacy-center/"
RATE_SCOPE = "rights-ip"
ADDRESS_SCOPE = "rights-address"

View = Callable[..., HttpResponse]


def _cookie(response: HttpResponse, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path=COOKIE_PATH, httponly=True, samesite="Strict",
        secure=settings.SECURE_COOKIES,
    )


def _policy_or_404(request: HttpRequest) -> Policy | HttpResponse:
    policy = policy_in_force()
    if policy is None:
        return render(request, "site/no_policy.html", status=404)
    return policy


def _limited(request: HttpRequest, retry_after: int) -> HttpResponse:
    minutes = max(1, -(-retry_after // 60))
    response = render(request, "rights/rate_limited.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def center(request: HttpRequest) -> HttpResponse:
    """The start page: what the person can do, and the address to send a code to."""
    policy = _policy_or_404(request)
    if isinstance(policy, HttpResponse):
        return policy
    form = AddressForm(request.POST if request.method == "POST" else None)
    context = {"policy": policy, "form": form, "deadline": policy.rights.deadline_days}
    if request.method != "POST":
        return render(request, "rights/center.html", context)
    ip = client_ip(request)
    limit = rate_limit_hit(scope=RATE_SCOPE, key=ip or "unknown", limit=settings.POLICYBOUND_FORM_RATE_LIMIT,
                           window=settings.POLICYBOUND_FORM_RATE_WINDOW_SECONDS)
    if not limit.allowed:
        return _limited(request, limit.retry_after)
    if not form.is_valid():
        return render(request, "rights/center.html", context, status=400)
    email = form.cleaned_data["email"]
    per_address = rate_limit_hit(
        scope=ADDRESS_SCOPE, key=address_digest(email), limit=settings.POLICYBOUND_RIGHTS_ADDRESS_LIMIT,
        window=settings.POLICYBOUND_RIGHTS_ADDRESS_WINDOW_SECONDS,
    )
    if not per_address.allowed:
        return _limited(request, per_address.retry_after)
    started = challenge_start(email=email, policy=policy, actor=Actor.public(ip=ip), lang=current_lang())
    response = HttpResponseRedirect(reverse("rights:code"))
    _cookie(response, PENDING_COOKIE, pending_token(started.challenge), settings.POLICYBOUND_RIGHTS_CODE_MINUTES * 60)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    """"If we hold data for this address, a code is on its way": the same page for every address."""
    policy = _policy_or_404(request)
    if isinstance(policy, HttpResponse):
        return policy
    pending = pending_read(request.COOKIES.get(PENDING_COOKIE, ""))
    if pending is None:
        return HttpResponseRedirect(reverse("rights:center"))
    form = CodeForm(request.POST if request.method == "POST" else None)
    context = {"policy": policy, "form": form, "minutes": settings.POLICYBOUND_RIGHTS_CODE_MINUTES}
    if request.method != "POST":
        return render(request, "rights/code.html", context)
    if not form.is_valid():
        return render(request, "rights/code.html", context, status=400)
    try:
        challenge = challenge_verify(
            challenge_id=pending, code=form.cleaned_data["code"], actor=Actor.public(ip=client_ip(request))
        )
    except CodeRefused as refused:
        form.add_error("code", str(refused))
        return render(request, "rights/code.html", context, status=400)
    response = HttpResponseRedirect(reverse("rights:mine"))
    response.delete_cookie(PENDING_COOKIE, path=COOKIE_PATH)
    _cookie(response, SESSION_COOKIE, session_token(challenge), settings.POLICYBOUND_RIGHTS_SESSION_MINUTES * 60)
    return response


def verified(view: View) -> View:
    """The person's own pages: a verified session, else back to the start; never cached."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        policy = _policy_or_404(request)
        if isinstance(policy, HttpResponse):
            return policy
        challenge = session_subject(request.COOKIES.get(SESSION_COOKIE, ""))
        if challenge is None:
            response = HttpResponseRedirect(reverse("rights:center"))
            response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
            return response
        return view(request, policy, challenge, *args, **kwargs)

    return never_cache(wrapped)


def _actor(request: HttpRequest, challenge: VerificationChallenge) -> Actor:
    """The verified person, known to the log by their pseudonymous id only."""
    return Actor(kind="public", ident=str(challenge.subject_id), label="data subject (verified by e-mail)",
                 ip=client_ip(request))


def _mine_context(request: HttpRequest, policy: Policy, challenge: VerificationChallenge) -> dict[str, Any]:
    assert challenge.subject is not None
    _request, data = access_request_fulfil(
        subject=challenge.subject, policy=policy, actor=_actor(request, challenge), lang=current_lang(),
        session=str(challenge.pk),
    )
    return {
        "policy": policy,
        "data": data,
        "requests": subject_requests(subject_id=challenge.subject.pk, policy=policy, lang=current_lang()),
        "withdraw_form": WithdrawForm(choices=[(w.purpose, w.label) for w in data.withdrawable]),
        "suspend_form": SuspendForm(),
        "deadline": policy.rights.deadline_days,
    }


@verified
@require_http_methods(["GET", "HEAD"])
def mine(request: HttpRequest, policy: Policy, challenge: VerificationChallenge) -> HttpResponse:
    """Everything held about the person (열람), recorded as an access request answered at once."""
    return render(request, "rights/mine.html", _mine_context(request, policy, challenge))


@verified
@require_http_methods(["GET", "HEAD"])
def download(request: HttpRequest, policy: Policy, challenge: VerificationChallenge, fmt: str) -> HttpResponse:
    assert challenge.subject is not None
    if fmt not in ("json", "csv"):
        raise Http404("the download is JSON or CSV")
    data = access_export_record(
        subject=challenge.subject, policy=policy, actor=_actor(request, challenge), lang=current_lang(), fmt=fmt
    )
    if fmt == "json":
        body = json.dumps(export_json(data, policy=policy, lang=current_lang()), ensure_ascii=False, indent=2, default=str)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(export_csv_rows(data))
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-personal-data.{fmt}"'
    return response


@verified
@require_POST
def withdraw(request: HttpRequest, policy: Policy, challenge: VerificationChallenge) -> HttpResponse:
    """Withdraw consents now (동의 철회); what only they needed is destroyed in the same request."""
    assert challenge.subject is not None
    context = _mine_context(request, policy, challenge)
    data = context["data"]
    form = WithdrawForm(request.POST, choices=[(w.purpose, w.label) for w in data.withdrawable])
    context["withdraw_form"] = form
    if not form.is_valid():
        return render(request, "rights/mine.html", context, status=400)
    try:
        done = withdrawal_request_fulfil(
            subject=challenge.subject, purposes=form.cleaned_data["purposes"], policy=policy,
            actor=_actor(request, challenge), lang=current_lang(),
        )
    except RequestRefused as refused:
        form.add_error("purposes", str(refused))
        return render(request, "rights/mine.html", context, status=400)
    return render(request, "rights/answered.html", {"policy": policy, "request_row": done,
                                                     "still_here": session_subject(
                                                         request.COOKIES.get(SESSION_COOKIE, "")) is not None})


@verified
@require_POST
def suspend(request: HttpRequest, policy: Policy, challenge: VerificationChallenge) -> HttpResponse:
    """Ask for processing to stop (처리정지): staff decide within the deadline (PIPA 37②)."""
    assert challenge.subject is not None
    context = _mine_context(request, policy, challenge)
    form = SuspendForm(request.POST)
    context["suspend_form"] = form
    if not form.is_valid():
        return render(request, "rights/mine.html", context, status=400)
    rights_request_open(
        subject=challenge.subject, kind=RequestKind.SUSPENSION, channel=RequestChannel.ONLINE,
        identity_method=IdentityMethod.EMAIL_CODE, policy=policy, actor=_actor(request, challenge),
        lang=current_lang(), request_text=form.cleaned_data["what"],
    )
    return HttpResponseRedirect(reverse("rights:mine") + "#requests")


@verified
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest, policy: Policy, challenge: VerificationChallenge) -> HttpResponse:
    """Delete everything (삭제), after one confirmation; the answer says what a law keeps, and until when."""
    assert challenge.subject is not None
    form = DeleteForm(request.POST if request.method == "POST" else None)
    context = {"policy": policy, "form": form, "holds": holds_read(subject=challenge.subject, policy=policy,
                                                                    lang=current_lang())}
    if request.method != "POST":
        return render(request, "rights/delete.html", context)
    if not form.is_valid():
        return render(request, "rights/delete.html", context, status=400)
    try:
        done, _erasure = deletion_request_fulfil(
            subject=challenge.subject, policy=policy, actor=_actor(request, challenge), lang=current_lang()
        )
    except ErasureBusy:
        form.add_error(None, _("Your records are being processed right now. Please try again in a minute."))
        return render(request, "rights/delete.html", context, status=409)
    session_end(challenge)
    response = render(request, "rights/answered.html", {"policy": policy, "request_row": done, "still_here": False})
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response


@verified
@require_POST
def sign_out(request: HttpRequest, policy: Policy, challenge: VerificationChallenge) -> HttpResponse:
    session_end(challenge)
    response = HttpResponseRedirect(reverse("rights:center"))
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response


@verified
@require_http_methods(["GET", "HEAD", "POST"])
def correct(request: HttpRequest, policy: Policy, challenge: VerificationChallenge, submission_id: int) -> HttpResponse:
    """Correct a value (정정): checked by the item's own rule, sealed in place of the old one at once."""
    assert challenge.subject is not None
    shown = next((s for s in _mine_context(request, policy, challenge)["data"].submissions if s.id == submission_id),
                 None)
    if shown is None:
        raise Http404("not one of your submissions")
    kinds = {i.code: i.kind for i in policy.items}
    choices = [(v.code, v.label) for v in shown.values if kinds.get(v.code) not in ("organization", "choices")]
    form = CorrectForm(request.POST if request.method == "POST" else None, choices=choices)
    context = {"policy": policy, "form": form, "submission": shown}
    if request.method != "POST":
        return render(request, "rights/correct.html", context)
    if not form.is_valid():
        return render(request, "rights/correct.html", context, status=400)
    try:
        done = correction_request_fulfil(
            subject=challenge.subject, submission_id=submission_id, item=form.cleaned_data["item"],
            value=form.cleaned_data["value"], policy=policy, actor=_actor(request, challenge), lang=current_lang(),
        )
    except Submission.DoesNotExist:
        raise Http404("not one of your submissions") from None
    except CorrectionRejected as rejected:
        for field, messages in rejected.errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return render(request, "rights/correct.html", context, status=400)
    return render(request, "rights/answered.html", {"policy": policy, "request_row": done, "still_here": True})
