"""접근성 of the published policy, checked on the running pages: ``policy check --report``'s third part.

The PIPC's evaluation asks that the policy be reachable from every page, under its exact name
(개인정보처리방침), without logging in. The only honest way to know is to ask the pages: this puts the
file in force inside a transaction that is rolled back, requests every public page as an anonymous
visitor through Django's test client (no server, no network) and looks for the link. Nothing stays in
the database, not even the audit row of the trial publication.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from policybound.audit.actors import Actor
from policybound.lib import clock
from policybound.policy.assessment import Finding
from policybound.policy.loader import LoadedPolicy, PolicyInvalid
from policybound.policy.selectors import policy_version_in_force
from policybound.policy.services import policy_publish

# The link must carry the policy's legal name (개인정보처리방침, spaced or not) in Korean.
_POLICY_LINK = re.compile(r'<a [^>]*href="/privacy/"[^>]*>\s*개인정보\s?처리방침\s*</a>')


class _RolledBack(Exception):
    """Raised to leave the trial transaction, carrying what was found in it."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings


def pages_assess(loaded: LoadedPolicy) -> list[Finding]:
    """Request every public page with the file in force; a finding per page, nothing kept."""
    policy = loaded.policy
    moment = dt.datetime.combine(policy.effective, dt.time(12), tzinfo=dt.UTC)
    try:
        with clock.frozen(moment), translation.override("ko"), transaction.atomic():
            findings = _trial(loaded)
            raise _RolledBack(findings)
    except _RolledBack as done:
        return done.findings
    except PolicyInvalid:
        return [Finding("accessibility", False, "공개 페이지", "not checked: the file has errors; fix them first")]


def _trial(loaded: LoadedPolicy) -> list[Finding]:
    policy = loaded.policy
    version = policy_publish(
        text=loaded.text, announced=policy.announced, effective=policy.effective, actor=Actor.system("policy check")
    )
    in_force = policy_version_in_force()
    if in_force is None or in_force.pk != version.pk:
        return [
            Finding("accessibility", False, "공개 페이지", "not checked: a later version is in force on that day")
        ]
    client = Client(HTTP_HOST=_host())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    pages = [reverse("site:home"), reverse("site:privacy"), reverse("site:privacy_versions")]
    pages += [reverse("site:form", args=[purpose.code]) for purpose in policy.form_purposes()]
    findings = []
    for url in pages:
        response = client.get(url)
        body = response.content.decode()
        if response.status_code != 200:
            findings.append(Finding("accessibility", False, url, f"answers {response.status_code} to a visitor"))
        elif not _POLICY_LINK.search(body):
            findings.append(Finding("accessibility", False, url, "no link named 개인정보처리방침 to /privacy/"))
        else:
            findings.append(Finding("accessibility", True, url, "links to 개인정보처리방침 without login"))
    return findings


def _host() -> str:
    hosts = [host for host in settings.ALLOWED_HOSTS if host and "*" not in host and not host.startswith(".")]
    return hosts[0] if hosts else "localhost"
