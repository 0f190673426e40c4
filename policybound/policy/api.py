"""``GET /api/v1/policy``: the policy in force, as data, for integrators.

The public page is the policy for people; this is the same version for programs: which purposes
exist, what each collects, whether it is required, and how long its records live (ISO 8601 periods
counted from the named end events). It is public, like the page, and needs no token.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from policybound.policy.models import PolicyVersion
from policybound.policy.render import policy_title
from policybound.policy.schema import Text
from policybound.policy.selectors import policy_version_in_force

router = Router(tags=["policy"])


class TextOut(Schema):
    ko: str
    en: str


class ControllerOut(Schema):
    name: TextOut
    service_name: TextOut
    homepage: str


class ItemOut(Schema):
    code: str
    label: TextOut
    kind: str
    sensitivity: str


class EndEventOut(Schema):
    code: str
    label: TextOut


class RetentionOut(Schema):
    period: str  # ISO 8601 duration such as P12M
    counted_from: str  # "end" (of the service: one of end_events) or "collection"
    max_lifetime: str | None
    end_events: list[EndEventOut]


class PurposeOut(Schema):
    code: str
    label: TextOut
    basis: str
    required: bool
    marketing: bool
    web_form: bool
    items: list[str]
    optional_items: list[str]
    retention: RetentionOut


class LegalRetentionOut(Schema):
    code: str
    law: TextOut
    records: TextOut
    period: str


class PolicyOut(Schema):
    id: int
    sha256: str
    title: TextOut
    announced: dt.date
    effective: dt.date
    published_at: dt.datetime
    controller: ControllerOut
    purposes: list[PurposeOut]
    items: list[ItemOut]
    legal_retention: list[LegalRetentionOut]


class ErrorOut(Schema):
    detail: str


def _text(text: Text) -> TextOut:
    return TextOut(ko=text.ko, en=text.en)


def policy_out(version: PolicyVersion) -> PolicyOut:
    policy = version.policy
    return PolicyOut(
        id=version.pk,
        sha256=version.sha256,
        title=TextOut(ko=policy_title(policy, lang="ko"), en=policy_title(policy, lang="en")),
        announced=version.announced,
        effective=version.effective,
        published_at=version.published_at,
        controller=ControllerOut(
            name=_text(policy.controller.name),
            service_name=_text(policy.controller.service_name),
            homepage=policy.controller.homepage,
        ),
        purposes=[
            PurposeOut(
                code=p.code,
                label=_text(p.label),
                basis=p.basis.value,
                required=p.required,
                marketing=p.marketing,
                web_form=p.web_form,
                items=list(p.items),
                optional_items=list(p.optional_items),
                retention=RetentionOut(
                    period=p.retention.period.iso(),
                    counted_from=p.retention.counted_from,
                    max_lifetime=p.retention.max_lifetime.iso() if p.retention.max_lifetime else None,
                    end_events=[EndEventOut(code=e.code, label=_text(e.label)) for e in p.end_events],
                ),
            )
            for p in policy.purposes
        ],
        items=[
            ItemOut(code=i.code, label=_text(i.label), kind=i.kind.value, sensitivity=i.sensitivity.value)
            for i in policy.items
        ],
        legal_retention=[
            LegalRetentionOut(code=r.code, law=_text(r.law), records=_text(r.records), period=r.period.iso())
            for r in policy.legal_retention
        ],
    )


@router.get(
    "",
    response={200: PolicyOut, 404: ErrorOut},
    summary="The privacy policy in force",
    operation_id="policy_in_force",
)
def policy_in_force_get(request: HttpRequest) -> Status[PolicyOut | ErrorOut]:
    version = policy_version_in_force()
    if version is None:
        return Status(404, ErrorOut(detail="No privacy policy is published yet."))
    return Status(200, policy_out(version))
