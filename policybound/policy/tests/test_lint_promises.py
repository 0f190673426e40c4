"""The lint refuses a policy whose text and data disagree, naming the article of law and the line.

Each test breaks the small lint-clean policy of :mod:`policybound.policy.tests.factory` one way.
"""

from __future__ import annotations

from typing import Any

import pytest

from policybound.lib.testing import BUNDLED_POLICY, EXAMPLE_POLICIES
from policybound.policy.lint import policy_errors, policy_lint
from policybound.policy.loader import Problem, policy_load
from policybound.policy.tests.factory import Data, line_of, lint, policy_yaml


def _t(ko: str, en: str) -> dict[str, str]:
    return {"ko": ko, "en": en}


def problems(text: str, severity: str = "error") -> list[Problem]:
    return [p for p in lint(text) if p.severity == severity]


def only(text: str, severity: str = "error") -> Problem:
    found = problems(text, severity)
    assert len(found) == 1, found
    return found[0]


def blocks(d: Data) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = d["document"]["articles"][0]["blocks"]
    return blocks


# --- a section the data declares and the document never shows ----------------------------------


@pytest.mark.parametrize(("section", "article"), [("processors", "PIPA 26②"), ("transfers", "PIPA 28-8②")])
def test_it_rejects_a_declared_section_the_document_never_shows(section: str, article: str) -> None:
    text = policy_yaml(lambda d: blocks(d).remove({"table": section}))
    problem = only(text)
    assert f"{section} are declared but the document never shows them" in problem.message
    assert article in problem.message and problem.line == line_of(text, f"{section}:")


def test_it_rejects_legal_retention_the_document_never_shows() -> None:
    rule = {"code": "tax", "law": _t("국세기본법", "Tax Act"), "records": _t("장부", "Books"), "period": "P5Y"}
    text = policy_yaml(lambda d: d.update(legal_retention=[rule]))
    assert "PIPA 21①" in only(text).message

    def shown(d: Data) -> None:
        d.update(legal_retention=[rule])
        blocks(d).append({"table": "legal_retention"})

    assert problems(policy_yaml(shown)) == []


# --- a consent box naming items its form cannot collect ----------------------------------------


def _offered(d: Data, items: list[str], optional_items: list[str] | None = None) -> None:
    d["items"].append({"code": "interests", "label": _t("관심분야", "Interests"), "kind": "short_text"})
    d["purposes"].append({
        "code": "news", "label": _t("소식", "News"), "description": _t("소식 발송", "Sending news"),
        "required": False, "items": items, "optional_items": optional_items or [], "web_form": False,
        "offered_with": ["demo"],
        "end_events": [{"code": "opted_out", "label": _t("수신 거부", "opting out"), "withdrawal": True}],
        "retention": {"period": "P0D"},
    })


def test_it_rejects_a_consent_box_naming_items_its_form_cannot_collect() -> None:
    text = policy_yaml(lambda d: _offered(d, ["email", "interests"]))
    problem = only(text)
    assert "the consent box for 'news' on the 'demo' form" in problem.message and "(interests)" in problem.message
    assert "PIPA 15②" in problem.message
    assert problem.line == line_of(text, "- demo", after="offered_with:")


def test_it_accepts_a_box_whose_extra_items_are_optional_items() -> None:
    assert problems(policy_yaml(lambda d: _offered(d, ["email"], ["interests"]))) == []


# --- a purpose nobody ends, without a maximum lifetime -----------------------------------------


def test_it_rejects_a_purpose_ending_only_on_an_act_without_a_maximum_lifetime() -> None:
    text = policy_yaml(lambda d: d["purposes"][0]["retention"].pop("max_lifetime"))
    problem = only(text)
    assert "'demo' ends only when someone acts" in problem.message and "PIPA 21①" in problem.message
    assert problem.line == line_of(text, "retention:", after="- code: demo")


def test_a_purpose_ended_only_by_withdrawal_or_counted_from_collection_needs_no_lifetime() -> None:
    assert problems(policy_yaml(lambda d: _offered(d, ["email"]))) == []

    def counted(d: Data) -> None:
        d["purposes"][0]["retention"] = {"period": "P6M", "counted_from": "collection"}

    assert problems(policy_yaml(counted)) == []


# --- identifiers and sensitive items -----------------------------------------------------------


def _item(d: Data, code: str, sensitivity: str, *, optional: bool = True) -> None:
    d["items"].append({"code": code, "label": _t("번호", "Number"), "kind": "short_text", "sensitivity": sensitivity})
    d["purposes"][0]["optional_items" if optional else "items"].append(code)


def _separate(d: Data, code: str) -> None:
    d["purposes"].append({
        "code": f"{code}_consent", "label": _t("고유식별정보 수집 동의", "Consent to the identifier"),
        "description": _t("본인 확인", "Identity check"), "required": False, "items": [code], "web_form": False,
        "offered_with": ["demo"],
        "end_events": [{"code": "withdrawn", "label": _t("동의 철회", "withdrawal"), "withdrawal": True}],
        "retention": {"period": "P0D"},
    })


def test_it_rejects_a_resident_number_without_a_legal_basis() -> None:
    text = policy_yaml(lambda d: _item(d, "rrn", "resident_number"))
    problem = only(text)
    assert "resident registration number 'rrn'" in problem.message and "PIPA 24-2①" in problem.message
    assert problem.line == line_of(text, "- rrn", after="optional_items:")


@pytest.mark.parametrize(("sensitivity", "article"), [("unique_identifier", "PIPA 24①"), ("sensitive", "PIPA 23①")])
def test_it_rejects_a_special_item_without_its_own_separate_consent(sensitivity: str, article: str) -> None:
    text = policy_yaml(lambda d: _item(d, "passport", sensitivity))
    problem = only(text)
    assert "'passport'" in problem.message and "separate consent" in problem.message and article in problem.message


@pytest.mark.parametrize("sensitivity", ["unique_identifier", "sensitive"])
def test_it_accepts_a_special_item_with_its_own_separate_consent(sensitivity: str) -> None:
    def separate(d: Data) -> None:
        _item(d, "passport", sensitivity)
        _separate(d, "passport")

    assert problems(policy_yaml(separate)) == []


def test_it_rejects_a_separate_consent_for_an_item_the_service_requires() -> None:
    def required(d: Data) -> None:
        _item(d, "passport", "unique_identifier", optional=False)
        _separate(d, "passport")

    text = policy_yaml(required)
    assert "separate consent" in only(text).message


# --- keeping data after a withdrawal -----------------------------------------------------------


def test_it_warns_when_the_text_keeps_data_after_a_withdrawal() -> None:
    def keep(d: Data) -> None:
        _offered(d, ["email"])
        d["purposes"][-1]["retention"] = {"period": "P12M"}

    text = policy_yaml(keep)
    problem = only(text, "warning")
    assert "'opted_out', a withdrawal of consent" in problem.message and "PIPA 37③" in problem.message
    assert problem.line == line_of(text, "- code: opted_out")


def test_it_warns_about_the_bundled_newsletter_kept_after_unsubscribing() -> None:
    found = policy_lint(policy_load(BUNDLED_POLICY))
    assert any("'unsubscribed', a withdrawal" in p.message and "PIPA 37③" in p.message for p in found)


# --- prose durations that contradict the data --------------------------------------------------


def _prose(d: Data, ko: str) -> None:
    blocks(d).append({"text": _t(ko, "Text")})


def test_it_rejects_prose_stating_a_period_the_purpose_does_not_have() -> None:
    text = policy_yaml(lambda d: _prose(d, "데모 신청 정보는 데모 종료 후 2년간 보유합니다."))
    problem = only(text)
    assert "states 2년" in problem.message and "demo" in problem.message and "PIPA 30①2" in problem.message


def test_it_accepts_prose_stating_the_purposes_own_period() -> None:
    assert problems(policy_yaml(lambda d: _prose(d, "데모 신청 정보는 데모 종료 후 6개월간 보유합니다."))) == []


def test_it_only_warns_when_the_paragraph_names_several_purposes() -> None:
    def two(d: Data) -> None:
        _offered(d, ["email"])
        _prose(d, "데모 신청 및 소식 정보는 2년, 3년간 보관합니다.")

    text = policy_yaml(two)
    assert problems(text) == [] and "unsure" in only(text, "warning").message


@pytest.mark.parametrize("path", [BUNDLED_POLICY, *EXAMPLE_POLICIES], ids=lambda p: p.stem)
def test_the_shipped_policies_pass(path: Any) -> None:
    assert policy_errors(policy_lint(policy_load(path))) == []
