"""The summary labels (주요 처리 표시) say what the data says, and "none" where the policy does nothing."""

from __future__ import annotations

from collections.abc import Callable

from policybound.policy.loader import policy_parse
from policybound.policy.summary import policy_summary, sections_shown
from policybound.policy.tests.factory import Data, policy_yaml


def labels(mutate: Callable[[Data], object] | None = None, lang: str = "ko") -> dict[str, tuple[str, str | None]]:
    policy = policy_parse(policy_yaml(mutate)).policy
    return {label.key: (label.text, label.anchor) for label in policy_summary(policy, lang=lang)}


def test_each_label_is_drawn_from_the_data() -> None:
    summary = labels()
    assert summary["items"][0] == "이름, 이메일, 회사명"
    assert summary["purposes"][0] == "데모 신청"
    assert summary["retention"][0] == "데모 신청: 데모 종료 후 6 개월 (최대 수집일로부터 12 개월)"
    assert summary["processors"][0] == "메일러"
    assert summary["transfers"][0] == "클라우드사 (미국)"
    assert summary["contact"][0] == "정보보호팀 02-0000-0000, privacy@hanbit-labs.example"


def test_what_the_policy_does_not_do_is_said_not_hidden() -> None:
    def without_transfers(data: Data) -> None:
        data["transfers"] = []

    summary = labels(without_transfers)
    assert summary["third_parties"] == ("제공하지 않음", None)
    assert summary["transfers"][0] == "이전하지 않음"
    assert summary["sensitive"][0] == "수집하지 않음"


def test_a_sensitive_item_moves_from_the_items_to_its_own_label() -> None:
    def sensitive(data: Data) -> None:
        data["items"][0]["sensitivity"] = "sensitive"

    summary = labels(sensitive, lang="en")
    assert summary["sensitive"][0] == "Name"
    assert "Name" not in summary["items"][0].split(", ")


def test_a_label_links_to_the_article_that_prints_its_section() -> None:
    summary = labels()
    assert summary["purposes"][1] == "article-general"
    policy = policy_parse(policy_yaml()).policy
    assert sections_shown(policy) == {
        "purposes": "article-general",
        "processors": "article-general",
        "transfers": "article-general",
    }
