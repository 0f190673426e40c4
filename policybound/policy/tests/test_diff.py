"""``policy_diff``: the seed against a changed copy names exactly the changes, and which need consent."""

from __future__ import annotations

import copy
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from policybound.lib.testing import BUNDLED_POLICY
from policybound.policy.diff import Change, needs_consent, policy_diff
from policybound.policy.loader import policy_parse
from policybound.policy.schema import Policy

SEED: dict[str, Any] = yaml.safe_load(Path(BUNDLED_POLICY).read_text(encoding="utf-8"))


def parsed(data: dict[str, Any]) -> Policy:
    return policy_parse(yaml.safe_dump(data, allow_unicode=True, sort_keys=False)).policy


def changed(mutate: Any) -> list[Change]:
    data = copy.deepcopy(SEED)
    mutate(data)
    return policy_diff(parsed(SEED), parsed(data))


def lines(changes: list[Change], lang: str = "ko") -> list[str]:
    return [change.format(lang) for change in changes]


def purpose(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(p for p in data["purposes"] if p["code"] == code)


def test_the_same_policy_has_no_changes() -> None:
    assert policy_diff(parsed(SEED), parsed(copy.deepcopy(SEED))) == []


def test_a_longer_retention_is_one_change_that_needs_consent() -> None:
    [change] = changed(lambda d: purpose(d, "consulting")["retention"].update(period="P24M"))
    assert change.format("ko") == (
        "[처리 목적과 보유 기간] 변경 컨설팅 신청: 보유 기간: 컨설팅 종료 후 12 개월 (최대 수집일로부터 3 년)"
        " → 컨설팅 종료 후 24 개월 (최대 수집일로부터 3 년) (새 동의 필요)"
    )
    assert change.format("en").endswith("(needs new consent)")


def test_a_shorter_retention_needs_no_consent() -> None:
    [change] = changed(lambda d: purpose(d, "consulting")["retention"].update(period="P6M"))
    assert not change.needs_consent


def test_a_new_item_in_a_consent_purpose_needs_consent_a_removed_one_does_not() -> None:
    def items(data: dict[str, Any]) -> None:
        purpose(data, "inquiry")["items"].append("position")
        purpose(data, "consulting")["items"].remove("phone")

    changes = changed(items)
    assert lines(changes) == [
        "[처리 목적과 보유 기간] 변경 컨설팅 신청: 수집 항목 삭제: 연락처",
        "[처리 목적과 보유 기간] 변경 1:1 문의: 수집 항목 추가: 직책 (새 동의 필요)",
    ]


def test_a_new_transfer_and_a_new_recipient_need_consent_a_new_processor_only_notice() -> None:
    def sharing(data: dict[str, Any]) -> None:
        transfer = copy.deepcopy(data["transfers"][0])
        transfer.update(code="tokyo", recipient={"ko": "도쿄데이터", "en": "Tokyo Data"})
        data["transfers"].append(transfer)
        processor = copy.deepcopy(data["processors"][-1])
        processor.update(code="newco", name={"ko": "뉴코", "en": "NewCo"})
        data["processors"].append(processor)

    changes = changed(sharing)
    assert [(c.area, c.kind, c.subject.ko, c.needs_consent) for c in changes] == [
        ("processors", "added", "뉴코", False),
        ("transfers", "added", "도쿄데이터", True),
    ]


def test_contacts_and_articles_are_named() -> None:
    def notice(data: dict[str, Any]) -> None:
        data["contacts"]["officer"]["phone"] = "02-9999-0000"
        data["document"]["articles"][0]["title"] = {"ko": "목적", "en": "Purpose"}

    changes = changed(notice)
    assert [c.area for c in changes] == ["contacts", "articles"]
    assert "02-9999-0000" in changes[0].details[0].ko
    assert changes[1].details[0].ko.startswith("제목: ")
    assert needs_consent(changes) == []


def test_a_removed_purpose_and_a_new_one() -> None:
    def swap(data: dict[str, Any]) -> None:
        old = purpose(data, "report_download")
        data["purposes"].remove(old)
        data["purposes"].append({**copy.deepcopy(old), "code": "webinar", "label": {"ko": "웨비나", "en": "Webinar"}})
        for processor in data["processors"]:
            processor["purposes"] = ["webinar" if p == "report_download" else p for p in processor.get("purposes", [])]

    kinds = {(c.kind, c.subject.ko, c.needs_consent) for c in changed(swap) if c.area == "purposes"}
    assert kinds == {("added", "웨비나", True), ("removed", "리포트 다운로드 신청", False)}


@pytest.mark.django_db
def test_the_cli_compares_two_files(tmp_path: Path) -> None:
    data = copy.deepcopy(SEED)
    purpose(data, "consulting")["retention"]["period"] = "P24M"
    revised = tmp_path / "revised.yaml"
    revised.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = StringIO()
    call_command("policy", "diff", str(BUNDLED_POLICY), str(revised), "--lang", "en", stdout=out)
    assert out.getvalue().splitlines() == [
        "[Purposes and retention] changed Consulting request: retention: 12 months after end of the consulting"
        " (at most 3 years from collection) → 24 months after end of the consulting (at most 3 years from"
        " collection) (needs new consent)",
        "1 change(s) need new consent.",
    ]
