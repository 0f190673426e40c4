"""The staff side of the register (``/console/rights/``): every request with its deadline, opening one
received off-line, deferring with a reason, answering, carrying out a deletion. Privacy-officer
roles only (``console.view_registers``); each view calls one service of :mod:`policybound.rights.services`.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from policybound.audit.actors import actor_from_request
from policybound.console.decorators import staff_view
from policybound.console.roles import VIEW_REGISTERS
from policybound.console.views.work import with_policy
from policybound.policy.schema import Policy
from policybound.retention.erasure import ErasureBusy
from policybound.rights.console_forms import AnswerForm, ExtendForm, OpenForm
from policybound.rights.models import RequestKind, RequestStatus, RightsRequest
from policybound.rights.selectors import request_shown, requests_queue
from policybound.rights.services import (
    RequestRefused,
    deletion_request_carry_out,
    rights_request_answer,
    rights_request_extend,
    rights_request_open_for_address,
    rights_request_read,
)
from policybound.site.templatetags.site_tags import current_lang

STATES = ("open", "answered", "all")


def _refused(form: object, refused: RequestRefused) -> None:
    fields = getattr(form, "fields", {})
    form.add_error(refused.field if refused.field in fields else None, str(refused))  # type: ignore[attr-defined]


@staff_view(VIEW_REGISTERS)
@with_policy
@require_http_methods(["GET", "HEAD", "POST"])
def queue(request: HttpRequest, policy: Policy) -> HttpResponse:
    state = request.GET.get("state", "open")
    if state not in STATES:
        state = "open"
    form = OpenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            opened = rights_request_open_for_address(
                policy=policy, actor=actor_from_request(request), lang=current_lang(), **form.cleaned_data
            )
        except RequestRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("The request is in the register."))
            return redirect("rights_console:detail", request_id=opened.pk)
    rows = [request_shown(row, policy=policy, lang=current_lang()) for row in requests_queue(state=state)[:200]]
    context = {"rows": rows, "state": state, "form": form, "deadline": policy.rights.deadline_days}
    return render(request, "rights/console_queue.html", context, status=400 if form.errors else 200)


@staff_view(VIEW_REGISTERS)
@with_policy
@require_http_methods(["GET", "HEAD"])
def detail(request: HttpRequest, policy: Policy, request_id: uuid.UUID) -> HttpResponse:
    try:
        row, text = rights_request_read(request_id=request_id, actor=actor_from_request(request))
    except RightsRequest.DoesNotExist:
        raise Http404 from None
    return _detail_page(request, policy, row, text, ExtendForm(), AnswerForm())


def _detail_page(request: HttpRequest, policy: Policy, row: RightsRequest, text: str, extend: ExtendForm,
                 answer: AnswerForm, status: int = 200) -> HttpResponse:
    context = {
        "r": request_shown(row, policy=policy, lang=current_lang()),
        "text": text,
        "extend_form": extend,
        "answer_form": answer,
        "open": row.status != RequestStatus.ANSWERED,
        "may_defer": row.extended_to is None and row.status != RequestStatus.ANSWERED,
        "may_delete": row.kind == RequestKind.DELETION and row.status != RequestStatus.ANSWERED,
    }
    return render(request, "rights/console_detail.html", context, status=status)


@staff_view(VIEW_REGISTERS)
@with_policy
@require_POST
def act(request: HttpRequest, policy: Policy, request_id: uuid.UUID, action: str) -> HttpResponse:
    actor = actor_from_request(request)
    extend, answer = ExtendForm(), AnswerForm()
    try:
        if action == "extend":
            extend = ExtendForm(request.POST)
            if extend.is_valid():
                rights_request_extend(request_id=request_id, policy=policy, actor=actor, **extend.cleaned_data)
                messages.success(request, _("Deferred; the person was told the reason."))
                return redirect("rights_console:detail", request_id=request_id)
        elif action == "answer":
            answer = AnswerForm(request.POST)
            if answer.is_valid():
                rights_request_answer(request_id=request_id, policy=policy, actor=actor, **answer.cleaned_data)
                messages.success(request, _("Answered; the person was mailed the answer."))
                return redirect("rights_console:detail", request_id=request_id)
        elif action == "delete":
            deletion_request_carry_out(request_id=request_id, policy=policy, actor=actor)
            messages.success(request, _("Deleted; the person was mailed the answer."))
            return redirect("rights_console:detail", request_id=request_id)
        else:
            raise Http404
    except RightsRequest.DoesNotExist:
        raise Http404 from None
    except RequestRefused as refused:
        _refused(extend if action == "extend" else answer, refused)
    except ErasureBusy:
        answer.add_error(None, _("A retention sweep holds this person right now; try again in a minute."))
    row, text = rights_request_read(request_id=request_id, actor=actor)
    return _detail_page(request, policy, row, text, extend, answer, status=400)
