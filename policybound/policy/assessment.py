"""A self-assessment on the PIPC's yardstick (개인정보 처리방침 평가제, PIPA 30-2): ``policy check --report``.

The PIPC rates published policies on 적정성 (every item the law requires is there and accurate),
가독성 (readable: no vague periods or item lists) and 접근성 (easy to reach: linked from every page, no
login). This module answers the first two from the file and the third from the running pages, so a
company sees before publishing what an evaluator would mark down. It judges the document the system
renders, not a separate checklist: a required item counts as present only when an article prints the
data section behind it.

The lint (:mod:`policybound.policy.lint`) refuses what is wrong; the assessment also lists what is
right, item by item, because an evaluator's report does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from policybound.policy.loader import LoadedPolicy, Location
from policybound.policy.render_text import PLACEHOLDER
from policybound.policy.schema import Policy, Text
from policybound.policy.summary import sections_shown

Criterion = Literal["adequacy", "readability", "accessibility"]
CRITERIA: dict[Criterion, str] = {
    "adequacy": "적정성 (adequacy)",
    "readability": "가독성 (readability)",
    "accessibility": "접근성 (accessibility)",
}


@dataclass(frozen=True)
class Finding:
    """One line of the report: a requirement met or not, why, and where in the file."""

    criterion: Criterion
    ok: bool
    what: str
    detail: str
    line: int | None = None

    def format(self, filename: str) -> str:
        mark = "ok  " if self.ok else "FAIL"
        where = f" ({filename}:{self.line})" if self.line else ""
        return f"  [{mark}] {self.what}: {self.detail}{where}"


@dataclass(frozen=True)
class Requirement:
    """An item PIPA 30① or 시행령 31① asks the policy to contain, and the sections that print it."""

    what: str
    sections: tuple[str, ...]
    applies: Callable[[Policy], bool] = lambda policy: True
    placeholder: str | None = None  # a text naming a path that matches also counts (``contacts\.officer``)
    titles: tuple[str, ...] = ()  # an article whose Korean title has one of these words covers it in prose


_PURPOSE_TABLES = ("purposes", "purposes_required", "purposes_optional", "purposes_without_consent")
REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("처리 목적 (PIPA 30①1)", _PURPOSE_TABLES),
    Requirement("처리하는 개인정보의 항목 (시행령 31①1)", _PURPOSE_TABLES),
    Requirement(
        "처리 및 보유 기간 (PIPA 30①2)",
        ("purposes", "purposes_retention"),
        placeholder=r"purposes\.\w+\.retention",
        titles=("보유",),
    ),
    Requirement(
        "법령에 따른 보존 근거와 항목 (PIPA 30①3의2)", ("legal_retention",), lambda p: bool(p.legal_retention)
    ),
    Requirement("파기 절차 (PIPA 30①3의2)", ("destruction_procedure",)),
    Requirement("파기 방법 (PIPA 30①3의2)", ("destruction_methods",)),
    Requirement("제3자 제공 (PIPA 30①3)", ("third_parties",), lambda p: bool(p.third_parties)),
    Requirement("처리 위탁 (PIPA 30①4, 26②)", ("processors",), lambda p: bool(p.processors)),
    Requirement(
        "재위탁 (PIPA 26⑥)", ("sub_processors",), lambda p: any(x.sub_processors for x in p.processors)
    ),
    Requirement("국외 이전 (PIPA 28-8②)", ("transfers",), lambda p: bool(p.transfers)),
    Requirement("정보주체의 권리와 행사 방법 (PIPA 30①5)", ("rights_channels",), titles=("권리",)),
    Requirement(
        "자동 수집 장치의 설치·운영 및 거부 (PIPA 30①7)",
        ("cookie_uses", "cookie_refusal"),
        lambda p: p.cookies is not None,
    ),
    Requirement("안전성 확보 조치 (시행령 31①2)", ("safeguards_technical", "safeguards_administrative")),
    Requirement(
        "개인정보 보호책임자의 성명과 연락처 (PIPA 30①6)",
        ("privacy_contacts", "officer"),
        placeholder=r"contacts\.officer",
    ),
    Requirement("열람 청구를 접수·처리하는 부서 (시행령 31①)", ("access_requests",), placeholder=r"contacts\.access_requests"),
    Requirement("권익 침해 구제 방법 (시행령 31①)", ("remedies",), placeholder=r"contacts\.remedies"),
    Requirement("처리방침의 변경 (시행령 31①3)", ("dates",), placeholder=r"announced|effective"),
)

# Wording an evaluator marks as vague: a period with no length, a law with no name, a list that trails off.
VAGUE_PERIOD = re.compile(r"필요한\s*기간|필요\s*시까지|목적\s*달성\s*시까지|상당한\s*기간")
UNNAMED_LAW = re.compile(r"(?:관련|관계)\s*법령(?:에|상)")
# "등" after a list (a comma before it in the clause, or a placeholder printing items): 이름, 연락처 등.
# "단, 천재지변 등" is a condition, not a list, so a comma after 단/다만 does not count.
TRAILING_LIST = re.compile(r"(?:\}\}|(?<!단)(?<!다만),[^,.\n()]{1,16}?)\s*등(?=[\s)의을이,.]|$)")


def policy_assess(loaded: LoadedPolicy) -> list[Finding]:
    """What the file alone tells: adequacy and readability, with lines."""
    return [*_adequacy(loaded), *_readability(loaded)]


def _adequacy(loaded: LoadedPolicy) -> Iterator[Finding]:
    policy = loaded.policy
    shown = sections_shown(policy)
    named = _placeholders(policy)
    titles = [article.title.ko for article in policy.document.articles]
    for requirement in REQUIREMENTS:
        if not requirement.applies(policy):
            yield Finding("adequacy", True, requirement.what, "not applicable: the data declares none")
            continue
        printed = [name for name in requirement.sections if name in shown]
        if printed:
            where = shown[printed[0]] or "the preamble"
            yield Finding("adequacy", True, requirement.what, f"printed by {printed[0]} in #{where}")
        elif requirement.placeholder is not None and any(re.match(requirement.placeholder, p) for p in named):
            yield Finding("adequacy", True, requirement.what, "named in the text by its placeholders")
        elif covering := next((t for t in titles if any(word in t for word in requirement.titles)), None):
            yield Finding("adequacy", True, requirement.what, f"the article ‘{covering}’ covers it in its own words")
        else:
            wanted = " or ".join(requirement.sections)
            yield Finding(
                "adequacy", False, requirement.what, f"no article prints {wanted}", loaded.lines.line_of(("document",))
            )


def _placeholders(policy: Policy) -> set[str]:
    found: set[str] = set()
    for _location, text in _texts(policy, ("document",), policy.document):
        for lang in ("ko", "en"):
            found.update(match.group(1) for match in PLACEHOLDER.finditer(text.get(lang)))
    return found


def _readability(loaded: LoadedPolicy) -> Iterator[Finding]:
    vague = 0
    for location, text in _texts(loaded.policy, (), loaded.policy):
        korean = text.ko
        line = loaded.lines.line_of((*location, "ko"))
        if VAGUE_PERIOD.search(korean):
            vague += 1
            yield Finding("readability", False, "모호한 보유 기간", f"{_quote(korean, VAGUE_PERIOD)}: state the period", line)
        if UNNAMED_LAW.search(korean) and "「" not in korean and "법」" not in korean:
            vague += 1
            yield Finding("readability", False, "법령명 없는 근거", f"{_quote(korean, UNNAMED_LAW)}: name the law", line)
        if TRAILING_LIST.search(korean):
            vague += 1
            yield Finding("readability", False, "‘등’으로 끝나는 목록", f"{_quote(korean, TRAILING_LIST)}: list every item", line)
    if not vague:
        yield Finding("readability", True, "모호한 표현", "no vague period, unnamed law or trailing 등")
    yield Finding("readability", True, "주요 처리 표시", "the summary labels are drawn from the data at the top of /privacy/")


def _quote(text: str, pattern: re.Pattern[str]) -> str:
    match = pattern.search(text)
    assert match is not None
    start, end = max(match.start() - 12, 0), min(match.end() + 4, len(text))
    return f"“{'…' if start else ''}{text[start:end].strip()}{'…' if end < len(text) else ''}”"


def _texts(policy: Policy, location: Location, value: object) -> Iterator[tuple[Location, Text]]:
    """Every Korean/English text in ``value``, with its location in the file."""
    if isinstance(value, Text):
        yield location, value
    elif isinstance(value, list):
        for index, entry in enumerate(value):
            yield from _texts(policy, (*location, index), entry)
    elif isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            yield from _texts(policy, (*location, info.alias or name), getattr(value, name))
