"""A unique identifier or a sensitive item is taken only with its own separate consent (PIPA 23①, 24①).

The policy offers that consent as an optional purpose of its own beside the form; the form shows it as
a separate box and the receipts record it apart from the form's own consent.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from policybound.audit.actors import Actor
from policybound.collection.models import ConsentReceipt, SubmissionValue
from policybound.collection.services import SubmissionRejected, submission_record
from policybound.lib import clock
from policybound.lib.testing import BUNDLED_POLICY, NOW, alice_fields, policy_publish_text
from policybound.site.forms.spec import form_build


def _policy_with_passport() -> str:
    data: dict[str, Any] = yaml.safe_load(BUNDLED_POLICY.read_text(encoding="utf-8"))
    data["items"].append({
        "code": "passport_no", "label": {"ko": "여권번호", "en": "Passport number"}, "kind": "short_text",
        "sensitivity": "unique_identifier", "max_length": 20,
    })
    consulting = next(p for p in data["purposes"] if p["code"] == "consulting")
    consulting["optional_items"] = ["passport_no"]
    data["purposes"].append({
        "code": "passport_consent", "label": {"ko": "고유식별정보(여권번호) 수집·이용 동의", "en": "Consent to the passport number"},
        "description": {"ko": "해외 행사 출입 등록", "en": "Registering entry to events abroad"},
        "required": False, "items": ["passport_no"], "web_form": False, "offered_with": ["consulting"],
        "end_events": [{"code": "withdrawn", "label": {"ko": "동의 철회", "en": "withdrawal"}, "withdrawal": True}],
        "retention": {"period": "P0D"},
    })
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


@pytest.fixture
def version(db):
    with clock.frozen(NOW):
        return policy_publish_text(_policy_with_passport())


def record(consents: dict[str, bool]):
    with clock.frozen(NOW):
        return submission_record(
            purpose="consulting", fields={**alice_fields(), "passport_no": "M12345678"}, consents=consents,
            source="web", actor=Actor.public(ip="203.0.113.10"),
        )


def test_the_form_shows_the_separate_consent_as_its_own_box(version):
    form = form_build(version.policy, version.policy.purpose("consulting"), policy_sha256=version.sha256, lang="ko")
    assert [box.code for box in form.consents] == ["consulting", "marketing", "passport_consent"]


def test_it_refuses_the_identifier_without_its_separate_consent(version):
    with pytest.raises(SubmissionRejected) as refused:
        record({"consulting": True, "passport_consent": False})
    assert list(refused.value.errors) == ["passport_no"]
    assert "M12345678" not in str(refused.value.errors)
    assert not SubmissionValue.objects.exists()


def test_the_receipts_record_the_separate_consent_apart(version):
    result = record({"consulting": True, "passport_consent": True})
    receipts = ConsentReceipt.objects.filter(submission_id=result.submission_id).order_by("purpose")
    assert [(r.purpose, r.event) for r in receipts] == [("consulting", "given"), ("passport_consent", "given")]
    assert SubmissionValue.objects.filter(submission_id=result.submission_id, item="passport_no").exists()
