"""The bundled policy and the example policies: they load, render cleanly, and say what they should.

The example (a fictional HR-tech company) proves a second company needs a second file and no code:
its own purposes, a third-party provision on a separate optional consent, a transfer to Singapore, and
the PIPC standard template's article order.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policybound.policy.loader import policy_load
from policybound.policy.periods import Period
from policybound.policy.render import policy_render, policy_render_toc, render_problems
from policybound.policy.schema import Policy

POLICIES = Path(__file__).resolve().parents[3] / "policies"
ALL_POLICIES = [POLICIES / "kt-enterprise.yaml", *sorted((POLICIES / "examples").glob("*.yaml"))]
EXAMPLE = POLICIES / "examples" / "haneul-data.yaml"

PIPC_ORDER = [
    "제1조(개인정보의 처리 목적)",
    "제2조(개인정보의 처리 및 보유 기간)",
    "제3조(개인정보의 제3자 제공)",
    "제4조(개인정보 처리업무의 위탁)",
    "제5조(개인정보의 국외 이전)",
    "제6조(정보주체의 권리·의무 및 행사 방법)",
    "제7조(개인정보의 파기 절차 및 방법)",
    "제8조(개인정보의 안전성 확보조치)",
    "제9조(개인정보 자동 수집 장치의 설치·운영 및 거부)",
    "제10조(개인정보 보호책임자)",
    "제11조(개인정보 열람청구)",
    "제12조(정보주체의 권익침해에 대한 구제방법)",
    "제13조(개인정보 처리방침의 변경)",
]


def visible_text(html: str) -> str:
    html = re.sub(r"</?(?:a|span)\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").split())


@pytest.fixture(scope="module")
def example() -> Policy:
    return policy_load(EXAMPLE).policy


@pytest.mark.parametrize("path", ALL_POLICIES, ids=lambda p: p.name)
def test_it_renders_every_policy_without_problems(path: Path) -> None:
    policy = policy_load(path).policy
    assert render_problems(policy) == []
    for lang in ("ko", "en"):
        for fmt in ("html", "md"):
            assert policy_render(policy, lang=lang, fmt=fmt)


@pytest.mark.parametrize("path", ALL_POLICIES, ids=lambda p: p.name)
def test_it_names_only_declared_items_and_purposes(path: Path) -> None:
    policy = policy_load(path).policy
    items = {item.code for item in policy.items}
    purposes = {purpose.code for purpose in policy.purposes}
    for purpose in policy.purposes:
        assert set(purpose.items) | set(purpose.optional_items) <= items, purpose.code
        assert set(purpose.offered_with) <= purposes, purpose.code
    for processor in policy.processors:
        assert set(processor.items) <= items, processor.code
    for transfer in policy.transfers:
        assert set(transfer.items) <= items, transfer.code


def test_it_gives_the_seed_the_codes_the_forms_use() -> None:
    policy = policy_load(POLICIES / "kt-enterprise.yaml").policy
    assert [p.code for p in policy.form_purposes()] == ["consulting", "inquiry", "newsletter", "report_download"]
    assert [p.code for p in policy.optional_purposes_offered_with("newsletter")] == ["marketing"]
    assert policy.item("message").max_length == 2000
    assert policy.purpose("marketing").retention.period == Period()
    assert [e.code for e in policy.purpose("inquiry").end_events] == ["answered", "closed"]


def test_it_prints_the_example_in_the_pipc_order(example: Policy) -> None:
    assert [title for _, title in policy_render_toc(example, lang="ko")] == PIPC_ORDER


def test_it_asks_no_phone_number_for_a_demo(example: Policy) -> None:
    text = visible_text(policy_render(example))
    assert "데모 신청 (제품 시연 일정 안내 및 진행) 성명, 업무용 이메일, 회사명, 직위 (선택: 임직원 규모)" in text
    assert "phone" not in example.purpose("demo_request").items


def test_it_prints_the_separate_consent_of_a_third_party_provision(example: Policy) -> None:
    text = visible_text(policy_render(example))
    assert (
        "주식회사 구름다리솔루션 하늘HR 도입 컨설팅 및 구축 지원 성명, 업무용 이메일, 회사명, 직위 "
        "제공 후 6개월 또는 동의 철회 시까지 ‘도입 파트너 연결’ 별도 동의 (선택)"
    ) in text
    english = visible_text(policy_render(example, lang="en"))
    assert "Separate consent: “Referral to an implementation partner” (optional)" in english


def test_it_prints_the_transfer_to_singapore(example: Policy) -> None:
    text = visible_text(policy_render(example))
    for fact in [
        "이전 받는 업체 Nimbus Helpdesk Pte. Ltd. 1 Example Quay, #10-01, Singapore 049000 privacy@nimbus-helpdesk.example",
        "이전 되는 국가 싱가포르",
        "이전 되는 개인정보 항목 성명, 업무용 이메일, 회사명, 문의 내용",
        "이전 받는 자의 이용 목적 기술 지원 문의의 접수·관리",
        "※ 국외 이전을 원하지 않으시면 온라인 문의 대신 대표전화(02-0000-1201)로 문의하실 수 있습니다.",
    ]:
        assert fact in text


def test_it_counts_the_example_retention_from_its_own_events(example: Policy) -> None:
    text = visible_text(policy_render(example))
    assert "데모 신청 데모 종료 후 6 개월 (최대 수집일로부터 12 개월)" in text
    assert "서비스 계약 및 이용 계약 종료 후 36 개월" in text
    assert "도입 파트너 연결 수집일로부터 6 개월" in text  # a provision counted from the day it is made


def test_it_prints_the_example_dates_in_the_default_format(example: Policy) -> None:
    text = visible_text(policy_render(example))
    assert "공고일자 : 2025. 3. 1." in text
    assert "이 개인정보 처리방침은 2025. 3. 15.부터 적용됩니다." in text
