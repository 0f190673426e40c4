"""``policy check --report``: the PIPC's three criteria, each finding able to fail, nothing kept."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from policybound.audit.models import AuditEvent
from policybound.policy.assessment import Finding, policy_assess
from policybound.policy.loader import policy_parse
from policybound.policy.models import PolicyVersion
from policybound.policy.tests.factory import Data, line_of, policy_yaml


def assess(mutate: Callable[[Data], object] | None = None) -> list[Finding]:
    return policy_assess(policy_parse(policy_yaml(mutate)))


def failed(findings: list[Finding], criterion: str) -> list[Finding]:
    return [f for f in findings if f.criterion == criterion and not f.ok]


def test_the_base_policy_is_adequate_where_it_prints_its_sections() -> None:
    findings = assess()
    purposes = next(f for f in findings if f.what.startswith("처리 목적"))
    assert purposes.ok and "#article-general" in purposes.detail


def test_a_required_item_no_article_prints_fails_adequacy_with_the_line() -> None:
    text = policy_yaml()
    [rights] = [f for f in failed(policy_assess(policy_parse(text)), "adequacy") if "권리" in f.what]
    assert "no article prints rights_channels" in rights.detail
    assert rights.line == line_of(text, "document:")


def test_what_the_data_does_not_declare_is_not_applicable() -> None:
    findings = assess(lambda d: d.update(processors=[]))
    processors = next(f for f in findings if f.what.startswith("처리 위탁"))
    assert processors.ok and "not applicable" in processors.detail


def test_an_article_whose_title_names_the_rights_covers_them_in_prose() -> None:
    def rights_article(data: Data) -> None:
        data["document"]["articles"].append(
            {
                "code": "rights",
                "title": {"ko": "정보주체의 권리", "en": "Your rights"},
                "blocks": [{"text": {"ko": "열람을 요구할 수 있습니다.", "en": "You may ask."}}],
            }
        )

    assert any("권리" in f.what for f in failed(assess(), "adequacy"))
    assert not any("권리" in f.what for f in failed(assess(rights_article), "adequacy"))


@pytest.mark.parametrize(
    ("wording", "what"),
    [
        ("목적 달성에 필요한 기간 동안 보관합니다.", "모호한 보유 기간"),
        ("관련 법령에 따라 보관합니다.", "법령명 없는 근거"),
        ("이름, 연락처 등을 수집합니다.", "‘등’으로 끝나는 목록"),
    ],
)
def test_vague_wording_is_flagged_at_its_line(wording: str, what: str) -> None:
    def vague(data: Data) -> None:
        data["document"]["articles"][0]["blocks"][0]["text"]["ko"] = wording

    text = policy_yaml(vague)
    [finding] = failed(policy_assess(policy_parse(text)), "readability")
    assert finding.what == what
    assert finding.line == line_of(text, wording)


@pytest.mark.parametrize(
    "wording",
    ["「전자상거래 등에서의 소비자 보호에 관한 법률」 등 관련 법령에 따라 5년간 보관합니다.", "단, 천재지변 등 정당한 사유가 있으면", "분쇄 또는 소각 등의 방법"],
)
def test_precise_wording_is_not_flagged(wording: str) -> None:
    def precise(data: Data) -> None:
        data["document"]["articles"][0]["blocks"][0]["text"]["ko"] = wording

    assert failed(assess(precise), "readability") == []


@pytest.mark.django_db(transaction=True)
def test_the_report_checks_the_pages_and_keeps_nothing(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(policy_yaml(), encoding="utf-8")
    out = StringIO()
    call_command("policy", "check", str(path), "--report", stdout=out)
    report = out.getvalue()
    assert "접근성 (accessibility): 4 of 4 met" in report
    assert "[ok  ] /privacy/: links to 개인정보처리방침 without login" in report
    assert "[FAIL] 정보주체의 권리와 행사 방법" in report
    assert (PolicyVersion.objects.count(), AuditEvent.objects.count()) == (0, 0)
