"""The privacy officer's incident screens in the console (/console/incidents/).

Thin: each POST calls one service of :mod:`breaches`, :mod:`transfers` or :mod:`export` with the
staff actor, and shows the service's refusal beside the field it names.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from policybound.audit.actors import actor_from_request
from policybound.console.decorators import staff_view
from policybound.console.roles import VIEW_REGISTERS
from policybound.incidents import breaches as breach_services
from policybound.incidents import notices, selectors
from policybound.incidents import transfers as transfer_services
from policybound.incidents.errors import IncidentRefused
from policybound.incidents.export import incident_export
from policybound.incidents.forms import BreachForm, ReportForm, TransferForm
from policybound.policy.schema import Policy
from policybound.policy.selectors import policy_in_force


def _policy() -> Policy:
    policy = policy_in_force()
    if policy is None:
        raise Http404("no policy in force")
    return policy


def _errors_onto(form: forms.Form, refused: IncidentRefused) -> None:
    for field, problems in refused.errors.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


@staff_view(VIEW_REGISTERS)
def incidents(request: HttpRequest) -> HttpResponse:
    rows = [(breach, selectors.breach_clock(breach)) for breach in selectors.breaches()[:100]]
    return render(request, "incidents/console/list.html", {"breaches": rows, "transfers": selectors.transfers()[:100]})


@staff_view(VIEW_REGISTERS)
def breach_new(request: HttpRequest) -> HttpResponse:
    policy = _policy()
    form = BreachForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            breach = breach_services.breach_record(
                policy=policy, discovered_at=data["discovered_at"], cause=data["cause"],
                description=data["description"], company_actions=data["company_actions"],
                subject_actions=data["subject_actions"], items=data["items"], scope_kind=data["scope"],
                purposes=data["purposes"], collected_from=data["collected_from"],
                collected_until=data["collected_until"], subject_ids=form.subject_ids(),
                access_account=data["access_account"], access_from=data["access_from"],
                access_until=data["access_until"], occurred_from=data["occurred_from"],
                occurred_until=data["occurred_until"], actor=actor_from_request(request),
            )
        except IncidentRefused as refused:
            _errors_onto(form, refused)
        else:
            messages.success(request, _("The incident is recorded; the clock runs from the moment it was found."))
            return redirect("console:breach", breach_id=breach.pk)
    return render(request, "incidents/console/breach_new.html", {"form": form}, status=400 if form.errors else 200)


@staff_view(VIEW_REGISTERS)
def breach(request: HttpRequest, breach_id: int) -> HttpResponse:
    policy = _policy()
    found = selectors.breach_get(breach_id)
    if found is None:
        raise Http404("no such breach")
    report_form = ReportForm(request.POST if request.POST.get("step") == "report" else None)
    if request.method == "POST":
        actor = actor_from_request(request)
        step = request.POST.get("step")
        try:
            if step == "notify":
                breach_services.breach_notify(breach_id=breach_id, policy=policy, actor=actor)
                messages.success(request, _("The notices are queued in the outbox."))
            elif step == "post":
                breach_services.breach_post(breach_id=breach_id, policy=policy, actor=actor)
                messages.success(request, _("The notice is posted on the home page."))
            elif step == "report" and report_form.is_valid():
                breach_services.breach_report_record(breach_id=breach_id, actor=actor, **report_form.cleaned_data)
                messages.success(request, _("The report is recorded."))
            elif step == "sign_off":
                breach_services.breach_sign_off(breach_id=breach_id, actor=actor)
                messages.success(request, _("Signed off."))
            if step != "report" or report_form.is_valid():
                return redirect("console:breach", breach_id=breach_id)
        except IncidentRefused as refused:
            if step == "report":
                _errors_onto(report_form, refused)
            else:
                for problems in refused.errors.values():
                    for problem in problems:
                        messages.error(request, problem)
                return redirect("console:breach", breach_id=breach_id)
    lang = get_language() or "ko"
    context: dict[str, Any] = {
        "breach": found,
        "clock": selectors.breach_clock(found),
        "progress": selectors.breach_progress(found),
        "reasons": notices.report_reason_labels(found),
        "items": notices.item_labels(policy, found.items, lang=lang),
        "notice": notices.breach_notice(policy, found, items=found.items, lang=lang),
        "report": notices.breach_report(policy, found, lang=lang) if found.report_required else "",
        "blockers": breach_services.sign_off_blockers(found),
        "report_form": report_form,
    }
    return render(request, "incidents/console/breach.html", context, status=400 if report_form.errors else 200)


@staff_view(VIEW_REGISTERS)
def transfer_new(request: HttpRequest) -> HttpResponse:
    policy = _policy()
    form = TransferForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = transfer_services.transfer_record(policy=policy, actor=actor_from_request(request),
                                                         **form.cleaned_data)
        except IncidentRefused as refused:
            _errors_onto(form, refused)
        else:
            messages.success(request, _("The transfer is recorded."))
            return redirect("console:transfer", transfer_id=transfer.pk)
    return render(request, "incidents/console/transfer_new.html", {"form": form}, status=400 if form.errors else 200)


@staff_view(VIEW_REGISTERS)
def transfer(request: HttpRequest, transfer_id: int) -> HttpResponse:
    policy = _policy()
    found = selectors.transfer_get(transfer_id)
    if found is None:
        raise Http404("no such transfer")
    if request.method == "POST":
        actor = actor_from_request(request)
        try:
            if request.POST.get("step") == "notify":
                transfer_services.transfer_notify(transfer_id=transfer_id, policy=policy, actor=actor)
                messages.success(request, _("The notices are queued in the outbox."))
            elif request.POST.get("step") == "post":
                transfer_services.transfer_post(transfer_id=transfer_id, policy=policy, actor=actor)
                messages.success(request, _("The notice is posted on the home page."))
        except IncidentRefused as refused:
            for problems in refused.errors.values():
                for problem in problems:
                    messages.error(request, problem)
        return redirect("console:transfer", transfer_id=transfer_id)
    manifest = transfer_services.transfer_manifest(found)
    lang = get_language() or "ko"
    context = {
        "transfer": found,
        "progress": selectors.transfer_progress(found),
        "moving": sum(row.moves for row in manifest),
        "refused": sum(not row.moves for row in manifest),
        "notice": notices.transfer_notice(policy, found, lang=lang, refuse_url="…"),
        "purposes": ", ".join(policy.purpose(code).label.get(lang) for code in found.purposes
                              if code in {p.code for p in policy.purposes}),
    }
    return render(request, "incidents/console/transfer.html", context)


@staff_view(VIEW_REGISTERS)
def export(request: HttpRequest, kind: str, incident_id: int, fmt: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("console:breach" if kind == "breach" else "console:transfer", incident_id)
    try:
        name, content_type, text = incident_export(kind=kind, incident_id=incident_id, fmt=fmt,
                                                   actor=actor_from_request(request))
    except IncidentRefused:
        raise Http404("no such incident") from None
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
