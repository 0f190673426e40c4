"""A small, valid, lint-clean policy of a fictional company, and helpers to break it one way at a time.

Each lint test takes this policy, applies one mutation to its data, dumps it back to YAML and checks
that the lint reports exactly the problem that mutation introduced, on the right line.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import yaml

from policybound.policy.lint import policy_lint
from policybound.policy.loader import Problem, policy_parse

Data = dict[str, Any]


def _t(ko: str, en: str) -> dict[str, str]:
    return {"ko": ko, "en": en}


_BASE: Data = {
    "schema": 1,
    "controller": {
        "name": _t("주식회사 한빛랩스", "Hanbit Labs Inc."),
        "short_name": _t("회사", "the Company"),
        "service_name": _t("한빛랩스 홈페이지", "the Hanbit Labs website"),
        "homepage": "https://hanbit-labs.example",
    },
    "announced": dt.date(2024, 3, 1),
    "effective": dt.date(2024, 3, 8),
    "items": [
        {"code": "name", "label": _t("이름", "Name"), "kind": "name"},
        {"code": "email", "label": _t("이메일", "Email"), "kind": "email"},
        {"code": "company", "label": _t("회사명", "Company name"), "kind": "organization"},
    ],
    "purposes": [
        {
            "code": "demo",
            "label": _t("데모 신청", "Demo request"),
            "description": _t("데모 일정 안내", "Scheduling the demo"),
            "required": True,
            "items": ["name", "email"],
            "optional_items": ["company"],
            "collected_by": ["web_form"],
            "end_events": [{"code": "held", "label": _t("데모 종료", "the demo held")}],
            "retention": {"period": "P6M", "max_lifetime": "P12M"},
        },
    ],
    "collection_methods": [
        {"code": "web_form", "label": _t("홈페이지 입력", "Entered on the website")},
    ],
    "destruction": {
        "procedure": [_t("지체 없이 파기합니다.", "Destroyed without delay.")],
        "methods": [{"medium": "electronic", "method": _t("복구할 수 없게 삭제", "Deleted beyond recovery")}],
    },
    "processors": [
        {
            "code": "mailer",
            "name": _t("메일러", "Mailer Co."),
            "tasks": _t("메일 발송", "Sending mail"),
            "items": ["name", "email"],
            "purposes": ["demo"],
        }
    ],
    "transfers": [
        {
            "code": "cloud",
            "recipient": _t("클라우드사", "Cloud Co."),
            "contact": "privacy@cloud.example",
            "country": _t("미국", "United States"),
            "items": ["name", "email"],
            "timing": _t("입력 시", "When entered"),
            "method": _t("네트워크 전송", "Over the network"),
            "purpose": _t("데이터 보관", "Storing the data"),
            "retention": _t("목적 달성 후 6개월", "6 months after the purpose ends"),
            "refusal": _t(
                "privacy@hanbit-labs.example 로 거부를 요청할 수 있으며, 거부하면 데모를 신청할 수 없습니다.",
                "Refuse by writing to privacy@hanbit-labs.example; without it you cannot request a demo.",
            ),
        }
    ],
    "rights": {"channels": [_t("이메일", "Email")]},
    "safeguards": {"technical": [_t("암호화", "Encryption")], "administrative": [_t("교육", "Training")]},
    "roles": [{"code": "sales", "label": _t("영업", "Sales"), "purposes": ["demo"]}],
    "contacts": {
        "officer": {
            "role": _t("개인정보 보호책임자", "Chief privacy officer"),
            "name": _t("김하나", "Hana Kim"),
            "department": _t("정보보호팀", "Security team"),
            "phone": "02-0000-0000",
            "email": "privacy@hanbit-labs.example",
        },
        "access_requests": {
            "name": _t("정보보호팀", "Security team"),
            "phone": "02-0000-0000",
            "email": "privacy@hanbit-labs.example",
        },
        "remedies": [{"name": _t("개인정보 침해신고센터", "Privacy report center"), "url": "https://privacy.kisa.or.kr", "phone": "118"}],
    },
    "document": {
        "title": _t("한빛랩스 개인정보처리방침", "Hanbit Labs privacy policy"),
        "articles": [
            {
                "code": "general",
                "title": _t("총칙", "General"),
                "blocks": [
                    {"text": _t("회사는 개인정보를 보호합니다.", "The Company protects personal information.")},
                    {"table": "purposes"},
                    {"table": "processors"},
                    {"table": "transfers"},
                ],
            }
        ],
    },
}


def base_data() -> Data:
    return copy.deepcopy(_BASE)


def policy_yaml(mutate: Callable[[Data], object] | None = None) -> str:
    """The base policy as YAML, after ``mutate`` changed its data in place."""
    data = base_data()
    if mutate is not None:
        mutate(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def lint(text: str) -> list[Problem]:
    return policy_lint(policy_parse(text))


def line_of(text: str, needle: str, *, after: str | None = None) -> int:
    """The 1-based number of the first line containing ``needle`` (after the line containing ``after``)."""
    lines = text.splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line) + 1
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


def dated_yaml(announced: dt.date, effective: dt.date, *, title: str | None = None) -> str:
    """The base policy announced and effective on the given days (a different text for each pair)."""

    def mutate(data: Data) -> None:
        data["announced"], data["effective"] = announced, effective
        if title is not None:
            data["document"]["title"] = _t(title, title)

    return policy_yaml(mutate)
