"""Public pages: the home page and the privacy policy (개인정보처리방침) with every past version.

The policy page is the published version rendered from its own text, so what a visitor reads is
exactly what the system runs. PIPA 30② wants it posted continuously and its changes traceable: the
page shows its announcement and effective dates, announces a revision before it takes effect, and
links to every earlier version.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from policybound.incidents.postings import postings_live
from policybound.lib import clock
from policybound.policy.diff import AREAS, area_words, kind_words, needs_consent, policy_diff
from policybound.policy.models import PolicyVersion
from policybound.policy.render import policy_render, policy_render_toc
from policybound.policy.selectors import (
    policy_version_find,
    policy_version_in_force,
    policy_version_upcoming,
    policy_versions_announced,
)
from policybound.policy.summary import policy_summary
from policybound.site.templatetags.site_tags import current_lang


def _no_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "site/no_policy.html", status=404)


def home(request: HttpRequest) -> HttpResponse:
    version = policy_version_in_force()
    if version is None:
        return _no_policy(request)
    policy = version.policy
    context = {"policy": policy, "forms": policy.form_purposes(), "postings": list(postings_live())}
    return render(request, "site/home.html", context)


def _version_context(version: PolicyVersion) -> dict[str, Any]:
    lang = current_lang()
    policy = version.policy
    return {
        "version": version,
        "policy": policy,
        # The renderer escapes every character of policy text; the only markup is its own.
        "document": mark_safe(policy_render(policy, lang=lang, fmt="html", with_title=False)),
        "toc": policy_render_toc(policy, lang=lang),
        "summary": policy_summary(policy, lang=lang),
    }


def privacy(request: HttpRequest) -> HttpResponse:
    version = policy_version_in_force()
    if version is None:
        return _no_policy(request)
    context = _version_context(version)
    context.update(in_force=True, upcoming=policy_version_upcoming())
    return render(request, "site/privacy.html", context)


def privacy_versions(request: HttpRequest) -> HttpResponse:
    versions = list(policy_versions_announced())
    in_force = policy_version_in_force()
    today = clock.today()
    rows = [
        {
            "version": version,
            "in_force": in_force is not None and version.pk == in_force.pk,
            "upcoming": version.effective > today,
        }
        for version in versions
    ]
    return render(request, "site/privacy_versions.html", {"rows": rows})


def privacy_version(request: HttpRequest, ref: str) -> HttpResponse:
    version = policy_version_find(ref=ref)
    if version is None:
        raise Http404("no such version of the privacy policy")
    in_force = policy_version_in_force()
    context = _version_context(version)
    context.update(
        in_force=in_force is not None and in_force.pk == version.pk,
        upcoming_version=version.effective > clock.today(),
        current=in_force,
    )
    return render(request, "site/privacy.html", context)


def privacy_diff(request: HttpRequest, old: str, new: str) -> HttpResponse:
    """What changed from one announced version to another, area by area, in the visitor's language."""
    before, after = policy_version_find(ref=old), policy_version_find(ref=new)
    if before is None or after is None:
        raise Http404("no such version of the privacy policy")
    lang = current_lang()
    changes = policy_diff(before.policy, after.policy)
    areas = [
        {
            "title": area_words(area, lang),
            "changes": [
                {
                    "kind": kind_words(change.kind, lang),
                    "kind_code": change.kind,
                    "subject": change.subject.get(lang),
                    "details": [detail.get(lang) for detail in change.details],
                    "needs_consent": change.needs_consent,
                }
                for change in changes
                if change.area == area
            ],
        }
        for area in AREAS
    ]
    context = {
        "before": before,
        "after": after,
        "areas": [area for area in areas if area["changes"]],
        "consent_count": len(needs_consent(changes)),
    }
    return render(request, "site/privacy_diff.html", context)
