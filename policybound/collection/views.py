"""The mail links of a double opt-in purpose: confirm a sign-up and unsubscribe, without login.

A GET only shows a page with one button; the change happens on POST. Mail scanners and link previews
fetch links with GET, and must not confirm or cancel anything on the visitor's behalf. The unsubscribe
POST is CSRF-exempt so that mail clients' one-click unsubscribe (RFC 8058) works: the signed token in
the URL is what authorises it, and a cross-site request can do nothing the link itself cannot.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from policybound.audit.actors import Actor, client_ip
from policybound.collection.models import Engagement
from policybound.collection.services import (
    EngagementEnded,
    EngagementRejected,
    subscription_confirm,
    subscription_end,
)
from policybound.collection.tokens import confirm_token_check, unsubscribe_token_check
from policybound.collection.validation import language
from policybound.policy.selectors import policy_version_in_force


def _purpose_label(engagement: Engagement) -> str:
    version = policy_version_in_force() or engagement.policy_version
    for candidate in (version, engagement.policy_version):
        found = next((p for p in candidate.policy.purposes if p.code == engagement.purpose), None)
        if found is not None:
            return found.label.get(language())
    return engagement.purpose


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "collection/link_invalid.html", status=404)


@require_http_methods(["GET", "POST"])
def link_confirm(request: HttpRequest, token: str) -> HttpResponse:
    engagement = confirm_token_check(token)
    if engagement is None:
        return _invalid(request)
    context = {"purpose": _purpose_label(engagement)}
    if request.method == "GET":
        return render(request, "collection/signup_confirm.html", context)
    ip = client_ip(request)
    try:
        subscription_confirm(
            engagement_id=engagement.pk,
            actor=Actor.public(ip=ip),
            ip=ip,
            user_agent=request.headers.get("User-Agent", ""),
        )
    except EngagementRejected:
        return _invalid(request)
    return render(request, "collection/signup_confirmed.html", context)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def link_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    engagement = unsubscribe_token_check(token)
    if engagement is None:
        return _invalid(request)
    context: dict[str, object] = {"purpose": _purpose_label(engagement)}
    if request.method == "GET":
        return render(request, "collection/unsubscribe.html", context)
    ip = client_ip(request)
    try:
        ended = subscription_end(
            engagement_id=engagement.pk,
            actor=Actor.public(ip=ip),
            ip=ip,
            user_agent=request.headers.get("User-Agent", ""),
        )
    except (EngagementEnded, EngagementRejected):
        return _invalid(request)
    context["deadline"] = ended.deadline
    return render(request, "collection/unsubscribed.html", context)
