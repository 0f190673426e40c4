"""The public forms (``/forms/<purpose>/``) and their confirmation pages.

Thin views: the form is generated from the policy in force (:mod:`policybound.site.forms.spec`), every
write goes through ``collection.services.submission_record``, which checks the submission against the
same policy and stores nothing from a refused one. A POST is, in order:

1. counted against the per-IP rate limit (``POLICYBOUND_FORM_RATE_LIMIT`` per
   ``POLICYBOUND_FORM_RATE_WINDOW_SECONDS``); over it, a 429 page in the visitor's language;
2. turned away silently if the honeypot is filled (a bot sees the usual confirmation; nothing is stored);
3. re-shown if the notices it was sent under are no longer the ones in force (the policy or the
   language changed meanwhile), since a receipt must keep the exact notice the visitor read;
4. recorded, then redirected (POST/redirect/GET) to a confirmation page carried by a signed token,
   or re-shown with each error beside its field and what was typed kept (never an identifier
   such as a resident registration number, which the service refuses and the page does not echo).

Nothing typed into a form is ever logged here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from policybound.audit.actors import Actor, client_ip
from policybound.collection.models import Channel, Source
from policybound.collection.notices import provisions_allowed_by, retention_text
from policybound.collection.services import SubmissionRejected, needs_confirmation, submission_record
from policybound.lib.ratelimit import rate_limit_hit
from policybound.policy.models import PolicyVersion
from policybound.policy.schema import Policy, Purpose
from policybound.policy.selectors import policy_version_by_sha256, policy_version_in_force
from policybound.site.forms.receipt import DoneReceipt, done_token_make, done_token_read
from policybound.site.forms.spec import (
    PurposeForm,
    form_build,
    form_purpose,
    form_read,
    honeypot_filled,
)
from policybound.site.templatetags.site_tags import current_lang

RATE_SCOPE = "public-forms"
USER_AGENT_MAX = 400


def _version_and_purpose(code: str) -> tuple[PolicyVersion, Purpose]:
    version = policy_version_in_force()
    if version is None:
        raise Http404("no privacy policy is in force")
    purpose = form_purpose(version.policy, code)
    if purpose is None:
        raise Http404("no public form for this purpose")
    return version, purpose


def _form_page(request: HttpRequest, version: PolicyVersion, form: PurposeForm, *, status: int = 200) -> HttpResponse:
    context = {"policy": version.policy, "form": form, "purpose": form.purpose}
    return render(request, "site/forms/form.html", context, status=status)


def _rate_limited(request: HttpRequest, purpose: Purpose, retry_after: int) -> HttpResponse:
    minutes = max(1, -(-retry_after // 60))
    response = render(
        request, "site/forms/rate_limited.html", {"purpose": purpose, "minutes": minutes}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response


def _done_redirect(purpose: Purpose, receipt: DoneReceipt) -> HttpResponseRedirect:
    url = reverse("site:form_done", args=[purpose.code]) + "?" + urlencode({"r": done_token_make(receipt)})
    return HttpResponseRedirect(url)


def _awaiting_confirmation(policy: Policy, purpose: Purpose, consents: dict[str, bool]) -> bool:
    started = [purpose] + [policy.purpose(code) for code, given in consents.items() if given and code != purpose.code]
    return any(needs_confirmation(p) for p in started)


def _optional_decisions(form: PurposeForm, consents: dict[str, object]) -> dict[str, bool]:
    return {box.code: consents.get(box.code) is True for box in form.consents if box.code != form.purpose.code}


def _post(request: HttpRequest, version: PolicyVersion, purpose: Purpose) -> HttpResponse:
    policy, lang = version.policy, current_lang()
    ip = client_ip(request)
    limit = rate_limit_hit(
        scope=RATE_SCOPE,
        key=ip or "unknown",
        limit=settings.POLICYBOUND_FORM_RATE_LIMIT,
        window=settings.POLICYBOUND_FORM_RATE_WINDOW_SECONDS,
    )
    if not limit.allowed:
        return _rate_limited(request, purpose, limit.retry_after)
    shown = form_build(policy, purpose, policy_sha256=version.sha256, lang=lang)
    fields, consents = form_read(shown, request.POST)
    decisions = _optional_decisions(shown, consents)
    if honeypot_filled(request.POST):
        items = [f.code for f in shown.fields if f.code in fields and fields[f.code] not in ("", [])]
        awaiting = _awaiting_confirmation(policy, purpose, decisions)
        return _done_redirect(purpose, DoneReceipt(purpose.code, version.sha256, items, decisions, awaiting))
    if request.POST.get("form-notice") != shown.digest:
        message = _(
            "The privacy notice changed since this page was opened. Please read it again below and send "
            "the form once more."
        )
        form = form_build(
            policy, purpose, policy_sha256=version.sha256, lang=lang, data=request.POST, errors={"__all__": [message]}
        )
        return _form_page(request, version, form)
    try:
        result = submission_record(
            purpose=purpose.code,
            fields=fields,
            consents=consents,
            source=Source.WEB,
            channel=Channel.WEB,
            actor=Actor.public(ip=ip),
            notice_texts=shown.notices,
            ip=ip,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
        )
    except SubmissionRejected as rejected:
        form = form_build(
            policy, purpose, policy_sha256=version.sha256, lang=lang, data=request.POST, errors=rejected.errors
        )
        return _form_page(request, version, form)
    receipt = DoneReceipt(
        purpose=purpose.code,
        version=result.policy_sha256,
        items=result.items,
        consents=decisions,
        awaiting_confirmation=_awaiting_confirmation(policy, purpose, decisions),
    )
    return _done_redirect(purpose, receipt)


@never_cache  # a re-shown form holds what the visitor typed: no cache may keep it
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def form(request: HttpRequest, purpose: str) -> HttpResponse:
    version, found = _version_and_purpose(purpose)
    if request.method == "POST":
        return _post(request, version, found)
    blank = form_build(version.policy, found, policy_sha256=version.sha256, lang=current_lang())
    return _form_page(request, version, blank)


def _done_context(policy: Policy, purpose: Purpose, receipt: DoneReceipt) -> dict[str, Any]:
    lang = current_lang()
    order = [*purpose.items, *purpose.optional_items]
    stored = [policy.item(code).label.get(lang) for code in order if code in receipt.items]
    decisions = [
        {
            "purpose": policy.purpose(code),
            "given": given,
            "retention": retention_text(
                policy.purpose(code), lang=lang, durations=policy.document.durations.get(lang)
            ),
            "recipients": [p.recipient.get(lang) for p in provisions_allowed_by(policy, code)],
        }
        for code, given in receipt.consents.items()
        if any(p.code == code for p in policy.purposes)
    ]
    return {
        "policy": policy,
        "purpose": purpose,
        "stored": stored,
        "retention": retention_text(purpose, lang=lang, durations=policy.document.durations.get(lang)),
        "decisions": decisions,
        "awaiting_confirmation": receipt.awaiting_confirmation,
        "deadline": policy.rights.deadline_days,
    }


@never_cache
@require_http_methods(["GET", "HEAD"])
def form_done(request: HttpRequest, purpose: str) -> HttpResponse:
    receipt = done_token_read(request.GET.get("r", ""), purpose=purpose)
    version = policy_version_by_sha256(sha256=receipt.version) if receipt is not None else None
    if receipt is None or version is None or form_purpose(version.policy, purpose) is None:
        return render(request, "site/forms/done_expired.html", {"purpose_code": purpose}, status=404)
    found = version.policy.purpose(purpose)
    return render(request, "site/forms/done.html", _done_context(version.policy, found, receipt))
