"""The handler's screens: the inbox per purpose, a subject's page, reveal, export, reply and close.

Thin: each view reads the request, calls one service of :mod:`policybound.console.services` (which
checks the account's scope and writes the access log) and renders; ``OutOfScope`` becomes the 403
page and ``NotFound`` a 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from policybound.audit.actors import actor_from_request
from policybound.collection.services import EngagementEnded, EngagementRejected
from policybound.console import services
from policybound.console.access import purposes_in_scope
from policybound.console.decorators import forbidden, staff_view
from policybound.console.forms import ReasonForm
from policybound.console.roles import EXPORT, LEGAL_HOLDS, REVEAL, VIEW_REGISTERS, perm
from policybound.policy.schema import Policy
from policybound.policy.selectors import policy_in_force
from policybound.retention.services import HoldRefused

View = Callable[..., HttpResponse]


def with_policy(view: View) -> View:
    """Hand the view the policy in force (roles and items come from it), map scope errors to pages."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        policy = policy_in_force()
        if policy is None:
            return render(request, "console/no_policy.html", status=503)
        try:
            return view(request, policy, *args, **kwargs)
        except services.OutOfScope:
            return forbidden(request)
        except services.NotFound:
            raise Http404 from None

    return wrapped


@staff_view()
def home(request: HttpRequest) -> HttpResponse:
    if request.user.has_perm(perm(VIEW_REGISTERS)):
        return redirect("console:dashboard")
    return redirect("console:inbox")


@staff_view()
@with_policy
def inbox_first(request: HttpRequest, policy: Policy) -> HttpResponse:
    scope = purposes_in_scope(request.user, policy)
    if not scope:
        return render(request, "console/inbox_empty.html")
    return redirect("console:inbox_purpose", purpose=scope[0])


@staff_view()
@with_policy
def inbox(request: HttpRequest, policy: Policy, purpose: str) -> HttpResponse:
    shown = services.inbox_show(
        user=request.user,
        actor=actor_from_request(request),
        policy=policy,
        purpose_code=purpose,
        page_number=request.GET.get("page", 1),
    )
    context = {
        "inbox": shown,
        "purposes": [policy.purpose(code) for code in purposes_in_scope(request.user, policy)],
        "can_export": request.user.has_perm(perm(EXPORT)),
        "can_hold": request.user.has_perm(perm(LEGAL_HOLDS)),
    }
    return render(request, "console/inbox.html", context)


@staff_view(EXPORT)
@with_policy
def export(request: HttpRequest, policy: Policy, purpose: str) -> HttpResponse:
    purpose_obj = policy.purpose(purpose) if purpose in {p.code for p in policy.purposes} else None
    if purpose_obj is None:
        raise Http404
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.inbox_export(
            user=request.user,
            actor=actor_from_request(request),
            policy=policy,
            purpose_code=purpose,
            reason=form.cleaned_data["reason"],
        )
        response = HttpResponse(result.content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        return response
    services.purpose_require(user=request.user, policy=policy, purpose_code=purpose)
    return render(request, "console/export.html", {"form": form, "purpose": purpose_obj})


@staff_view()
@with_policy
def subject(request: HttpRequest, policy: Policy, subject_id: uuid.UUID) -> HttpResponse:
    page = services.subject_show(
        user=request.user, actor=actor_from_request(request), policy=policy, subject_id=subject_id
    )
    purposes = {p.code: p for p in policy.purposes}
    return render(
        request,
        "console/subject.html",
        {
            "page": page,
            "purposes": purposes,
            "can_reveal": request.user.has_perm(perm(REVEAL)),
            "can_hold": request.user.has_perm(perm(LEGAL_HOLDS)),
        },
    )


@staff_view(REVEAL)
@with_policy
def reveal(request: HttpRequest, policy: Policy, subject_id: uuid.UUID, submission_id: int, item: str) -> HttpResponse:
    """Ask for the reason (GET), then show the full value once (POST); nothing is shown without one."""
    form = ReasonForm(request.POST or None)
    item_obj = next((i for i in policy.items if i.code == item), None)
    if item_obj is None:
        raise Http404
    services.value_reveal_check(
        user=request.user, policy=policy, subject_id=subject_id, submission_id=submission_id, item_code=item
    )
    context: dict[str, Any] = {"form": form, "item": item_obj, "subject_id": subject_id}
    if request.method == "POST" and form.is_valid():
        context["revealed"] = services.value_reveal(
            user=request.user,
            actor=actor_from_request(request),
            policy=policy,
            subject_id=subject_id,
            submission_id=submission_id,
            item_code=item,
            reason=form.cleaned_data["reason"],
        )
    return render(request, "console/reveal.html", context)


def _back(request: HttpRequest) -> str:
    target = request.POST.get("back", "")
    return target if target.startswith("/console/") else reverse("console:inbox")


@require_POST
@staff_view()
@with_policy
def reply(request: HttpRequest, policy: Policy, engagement_id: int) -> HttpResponse:
    services.reply_note_record(user=request.user, actor=actor_from_request(request), engagement_id=engagement_id)
    messages.success(request, _("Reply noted."))
    return redirect(_back(request))


@require_POST
@staff_view()
@with_policy
def close(request: HttpRequest, policy: Policy, engagement_id: int) -> HttpResponse:
    try:
        services.engagement_close(
            user=request.user,
            actor=actor_from_request(request),
            engagement_id=engagement_id,
            event=request.POST.get("event") or None,
        )
    except EngagementEnded:
        messages.info(request, _("This engagement had ended already."))
    except EngagementRejected as rejected:
        messages.error(request, " ".join(m for errors in rejected.errors.values() for m in errors))
    else:
        messages.success(request, _("Closed. Its retention period starts now."))
    return redirect(_back(request))


@require_POST
@staff_view(LEGAL_HOLDS)
@with_policy
def hold_place(request: HttpRequest, policy: Policy, subject_id: uuid.UUID) -> HttpResponse:
    try:
        services.hold_place(
            user=request.user,
            actor=actor_from_request(request),
            policy=policy,
            subject_id=subject_id,
            rule=request.POST.get("rule", ""),
            reason=request.POST.get("reason", ""),
            items=request.POST.getlist("items"),
        )
    except HoldRefused as refused:
        messages.error(request, _("The hold was not placed: %(problem)s") % {"problem": refused})
    else:
        messages.success(request, _("Legal hold placed. The held records are archived instead of destroyed."))
    return redirect(reverse("console:subject", args=[subject_id]) + "#holds")


@require_POST
@staff_view(LEGAL_HOLDS)
@with_policy
def hold_release(request: HttpRequest, policy: Policy, subject_id: uuid.UUID, hold_id: int) -> HttpResponse:
    services.hold_release(
        user=request.user, actor=actor_from_request(request), policy=policy, subject_id=subject_id, hold_id=hold_id
    )
    messages.success(request, _("Legal hold released."))
    return redirect(reverse("console:subject", args=[subject_id]) + "#holds")
