"""One test per lint rule, each on the small base policy broken in exactly one way."""

from __future__ import annotations

from typing import Any

import pytest

from policybound.policy.lint import form_fields_undisclosed, policy_lint
from policybound.policy.loader import Problem, policy_parse
from policybound.policy.tests.factory import Data, line_of, lint, policy_yaml


def _t(ko: str, en: str) -> dict[str, str]:
    return {"ko": ko, "en": en}


def only(problems: list[Problem], severity: str = "error") -> Problem:
    assert len(problems) == 1, [p.message for p in problems]
    assert problems[0].severity == severity
    return problems[0]


def test_it_finds_nothing_wrong_with_the_base_policy() -> None:
    assert lint(policy_yaml()) == []


# --- purposes ---------------------------------------------------------------------------------


def test_it_rejects_a_purpose_without_items() -> None:
    text = policy_yaml(lambda d: d["purposes"][0].update(items=[], optional_items=[]))
    problem = only(lint(text))
    assert "'demo' collects no items" in problem.message
    assert problem.line == line_of(text, "items: []", after="- code: demo")


def test_it_rejects_a_purpose_without_end_events() -> None:
    text = policy_yaml(lambda d: d["purposes"][0].update(end_events=[]))
    problem = only(lint(text))
    assert "'demo' has no end events" in problem.message
    assert problem.line == line_of(text, "end_events: []")


def test_it_accepts_no_end_events_when_retention_counts_from_collection() -> None:
    def mutate(d: Data) -> None:
        d["purposes"][0].update(end_events=[], retention={"period": "P6M", "counted_from": "collection"})

    assert lint(policy_yaml(mutate)) == []


def test_it_rejects_an_optional_purpose_that_conditions_the_service() -> None:
    text = policy_yaml(lambda d: d["purposes"][0].update(required=False, condition_of_service=True))
    problem = only(lint(text))
    assert "PIPA 16③, 22⑤" in problem.message
    assert problem.line == line_of(text, "condition_of_service: true")


def test_it_warns_about_free_text_on_a_web_form() -> None:
    def mutate(d: Data) -> None:
        d["items"].append({"code": "question", "label": _t("문의 내용", "Question"), "kind": "free_text"})
        d["purposes"][0]["items"].append("question")

    text = policy_yaml(mutate)
    problem = only(lint(text), "warning")
    assert "주민등록번호" in problem.message and "PIPA 24-2" in problem.message
    assert problem.line == line_of(text, "- question", after="- code: demo")


# The sections the base policy declares and must show (PIPA 26②, 28-8②), kept when a test swaps the blocks.
SHOWN = [{"table": "processors"}, {"table": "transfers"}]


def test_it_warns_when_no_table_publishes_a_forms_items() -> None:
    text = policy_yaml(lambda d: d["document"]["articles"][0].update(blocks=[{"text": _t("본문", "Text")}, *SHOWN]))
    problem = only(lint(text), "warning")
    assert "'demo' is collected on a web form" in problem.message and "PIPA 30①" in problem.message
    assert problem.line == line_of(text, "- code: demo")


def test_it_accepts_a_required_purposes_table_for_a_required_purpose() -> None:
    text = policy_yaml(
        lambda d: d["document"]["articles"][0].update(blocks=[{"table": "purposes_required"}, *SHOWN])
    )
    assert lint(text) == []


def test_it_warns_when_the_table_lists_only_the_other_kind_of_purpose() -> None:
    text = policy_yaml(
        lambda d: d["document"]["articles"][0].update(blocks=[{"table": "purposes_optional"}, *SHOWN])
    )
    assert "is collected on a web form" in only(lint(text), "warning").message


def test_it_does_not_warn_about_free_text_off_the_web() -> None:
    def mutate(d: Data) -> None:
        d["items"].append({"code": "question", "label": _t("문의 내용", "Question"), "kind": "free_text"})
        d["purposes"][0].update(web_form=False, items=["name", "question"])

    assert lint(policy_yaml(mutate)) == []


# --- references ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "user"),
    [
        (lambda d: d["purposes"][0]["items"].append("fax"), "purpose 'demo'"),
        (lambda d: d["purposes"][0]["optional_items"].append("fax"), "purpose 'demo'"),
        (lambda d: d["processors"][0]["items"].append("fax"), "processor 'mailer'"),
        (
            lambda d: d["processors"][0].update(
                sub_processors=[{"code": "relay", "name": _t("릴레이", "Relay"), "tasks": _t("발송", "Sending"), "items": ["fax"]}]
            ),
            "sub-processor 'relay'",
        ),
        (lambda d: d["transfers"][0]["items"].append("fax"), "transfer 'cloud'"),
        (
            lambda d: (
                d.update(
                    third_parties=[{"code": "partner", "recipient": _t("파트너", "Partner"), "purpose": _t("제휴", "Offers"), "items": ["fax"], "retention": _t("1년", "1 year")}]
                ),
                d["document"]["articles"][0]["blocks"].append({"table": "third_parties"}),
            ),
            "third party 'partner'",
        ),
    ],
    ids=["purpose", "optional item", "processor", "sub-processor", "transfer", "third party"],
)
def test_it_rejects_an_undeclared_item(mutate: Any, user: str) -> None:
    text = policy_yaml(mutate)
    problem = only(lint(text))
    assert problem.message == f"{user} uses the item 'fax', which is not declared under items:"
    assert problem.line == line_of(text, "- fax")


def test_it_rejects_a_duplicate_code() -> None:
    text = policy_yaml(lambda d: d["items"].append({"code": "email", "label": _t("메일", "Mail"), "kind": "email"}))
    problem = only(lint(text))
    assert problem.message == "items: duplicate code 'email'"
    assert problem.line == line_of(text, "- code: email", after="- code: email")


def test_it_rejects_a_duplicate_end_event() -> None:
    text = policy_yaml(lambda d: d["purposes"][0]["end_events"].append({"code": "held", "label": _t("종료", "end")}))
    problem = only(lint(text))
    assert problem.message == "purposes.0.end_events: duplicate code 'held'"


def test_it_rejects_an_unknown_collection_method() -> None:
    text = policy_yaml(lambda d: d["purposes"][0]["collected_by"].append("carrier_pigeon"))
    problem = only(lint(text))
    assert "collection method 'carrier_pigeon'" in problem.message
    assert problem.line == line_of(text, "- carrier_pigeon")


def test_it_rejects_a_processor_naming_an_unknown_purpose() -> None:
    text = policy_yaml(lambda d: d["processors"][0]["purposes"].append("lottery"))
    problem = only(lint(text))
    assert "processor 'mailer' names the purpose 'lottery'" in problem.message


def test_it_rejects_a_transfer_naming_an_unknown_processor() -> None:
    text = policy_yaml(lambda d: d["transfers"][0].update(processor="ghost"))
    problem = only(lint(text))
    assert "processor 'ghost'" in problem.message
    assert problem.line == line_of(text, "processor: ghost")


def test_it_rejects_a_role_naming_an_unknown_purpose() -> None:
    text = policy_yaml(lambda d: d["roles"][0]["purposes"].append("lottery"))
    problem = only(lint(text))
    assert problem.message == "role 'sales' names the unknown purpose 'lottery'"
    assert problem.line == line_of(text, "- lottery")


def test_it_rejects_a_role_covered_by_an_unknown_role() -> None:
    text = policy_yaml(lambda d: d["roles"][0].update(covered_by="ghosts"))
    problem = only(lint(text))
    assert "role 'sales' is covered_by 'ghosts'" in problem.message


def _optional_marketing(d: Data, **changes: Any) -> None:
    d["purposes"].append(
        {
            "code": "news",
            "label": _t("소식 받기", "News"),
            "description": _t("소식 발송", "Sending news"),
            "required": False,
            "items": ["email"],
            "web_form": False,
            "offered_with": ["demo"],
            "end_events": [{"code": "withdrawn", "label": _t("동의 철회", "withdrawal"), "withdrawal": True}],
            "retention": {"period": "P0D"},
            **changes,
        }
    )


def test_it_rejects_a_required_purpose_offered_as_a_separate_consent() -> None:
    text = policy_yaml(lambda d: _optional_marketing(d, required=True))
    problem = only(lint(text))
    assert "must be optional" in problem.message


def test_it_rejects_a_purpose_offered_with_an_unknown_purpose() -> None:
    text = policy_yaml(lambda d: _optional_marketing(d, offered_with=["webinar"]))
    problem = only(lint(text))
    assert "offered with 'webinar'" in problem.message


# --- third parties --------------------------------------------------------------------------------


def _third_party(d: Data, consent_purpose: str) -> None:
    d["third_parties"] = [
        {
            "code": "partner",
            "recipient": _t("파트너", "Partner"),
            "purpose": _t("제휴 혜택", "Partner offers"),
            "items": ["email"],
            "retention": _t("1년", "1 year"),
            "consent_purpose": consent_purpose,
        }
    ]
    d["document"]["articles"][0]["blocks"].append({"table": "third_parties"})


def test_it_rejects_a_provision_whose_consent_is_a_required_purpose() -> None:
    text = policy_yaml(lambda d: _third_party(d, "demo"))
    problem = only(lint(text))
    assert "'demo' is a required purpose" in problem.message
    assert problem.line == line_of(text, "consent_purpose: demo")


def test_it_rejects_a_provision_whose_consent_is_not_a_purpose() -> None:
    text = policy_yaml(lambda d: _third_party(d, "lottery"))
    problem = only(lint(text))
    assert "'lottery' is not declared" in problem.message


def test_it_accepts_a_provision_under_an_optional_purpose() -> None:
    def mutate(d: Data) -> None:
        _optional_marketing(d)
        _third_party(d, "news")

    assert lint(policy_yaml(mutate)) == []


# --- transfers ------------------------------------------------------------------------------------


def test_it_rejects_a_transfer_missing_disclosures() -> None:
    def mutate(d: Data) -> None:
        del d["transfers"][0]["contact"]
        del d["transfers"][0]["purpose"]

    text = policy_yaml(mutate)
    problem = only(lint(text))
    assert problem.message == (
        "transfer 'cloud' does not disclose contact, purpose: an overseas transfer must publish each of "
        "these (PIPA 28-8②)"
    )
    assert problem.line == line_of(text, "- code: cloud")


def test_it_counts_an_empty_item_list_as_undisclosed() -> None:
    text = policy_yaml(lambda d: d["transfers"][0].update(items=[]))
    assert "does not disclose items" in only(lint(text)).message


def test_it_warns_when_a_transfer_refusal_says_the_cost_but_not_the_way() -> None:
    refusal = _t(
        "이용자는 정보 수집을 거부할 권리가 있습니다. 단, 동의를 거부할 경우 서비스가 제한될 수 있습니다.",
        "You have the right to refuse. If you refuse, the service may be limited.",
    )
    text = policy_yaml(lambda d: d["transfers"][0].update(refusal=refusal))
    problem = only(lint(text), "warning")
    assert "not how to refuse" in problem.message and "28-8②" in problem.message
    assert problem.line == line_of(text, "refusal:")


def test_it_warns_when_a_transfer_retention_counts_from_consent() -> None:
    retention = _t("개인정보 수집 및 이용에 관한 동의 후 12 개월 동안 보관", "12 months after consent")
    text = policy_yaml(lambda d: d["transfers"][0].update(retention=retention))
    problem = only(lint(text), "warning")
    assert "counted from consent" in problem.message
    assert problem.line == line_of(text, "retention:", after="- code: cloud")


# --- the officer and the dates ------------------------------------------------------------------


@pytest.mark.parametrize("key", ["phone", "email"])
def test_it_rejects_a_missing_officer_contact(key: str) -> None:
    text = policy_yaml(lambda d: d["contacts"]["officer"].update({key: " "}))
    problem = only(lint(text))
    assert f"privacy officer's {key} is missing" in problem.message and "PIPA 30①, 31" in problem.message
    assert problem.line == line_of(text, f"{key}: ' '")


def test_it_rejects_an_effective_date_before_the_announcement() -> None:
    def mutate(d: Data) -> None:
        d["effective"] = d["announced"].replace(day=1, month=2)

    text = policy_yaml(mutate)
    problem = only(lint(text))
    assert "the effective date 2024-02-01 is before the announced date 2024-03-01" in problem.message
    assert problem.line == line_of(text, "effective: 2024-02-01")


# --- the published wording --------------------------------------------------------------------


def test_it_warns_when_the_text_claims_collection_without_consent_but_lists_no_such_items() -> None:
    block = {"text": _t("회사는 아래의 경우에 한하여 동의 없이 개인정보를 수집·이용할 수 있습니다.", "Without consent in some cases.")}
    text = policy_yaml(lambda d: d["document"]["articles"][0]["blocks"].append(block))
    problem = only(lint(text), "warning")
    assert "PIPA 22③" in problem.message


def test_it_accepts_that_claim_when_a_purpose_has_another_legal_basis() -> None:
    block = {"text": _t("회사는 아래의 경우에 한하여 동의 없이 개인정보를 수집·이용할 수 있습니다.", "Without consent in some cases.")}

    def mutate(d: Data) -> None:
        d["document"]["articles"][0]["blocks"] += [block, {"table": "purposes"}]
        d["purposes"][0]["basis"] = "contract"

    assert lint(policy_yaml(mutate)) == []


def test_it_warns_when_purposes_without_consent_are_published_without_their_basis() -> None:
    def mutate(d: Data) -> None:
        d["purposes"][0].update(basis="law")
        d["document"]["articles"][0].update(blocks=[{"table": "purposes_required"}, *SHOWN])  # items, no basis

    text = policy_yaml(mutate)
    problem = only(lint(text), "warning")
    assert "table: purposes" in problem.message and "PIPA 22③" in problem.message
    assert problem.line == line_of(text, "basis: law")


# --- the document -------------------------------------------------------------------------------


def test_it_rejects_an_unknown_table_section() -> None:
    text = policy_yaml(lambda d: d["document"]["articles"][0]["blocks"].append({"table": "purposes_secret"}))
    problem = only(lint(text))
    assert "'purposes_secret' is not a section" in problem.message
    assert problem.line == line_of(text, "- table: purposes_secret")


def test_it_rejects_an_unknown_list_section() -> None:
    text = policy_yaml(lambda d: d["document"]["articles"][0]["blocks"].append({"list": "hobbies"}))
    problem = only(lint(text))
    assert "'hobbies' is not a section" in problem.message
    assert problem.line == line_of(text, "- list: hobbies")


def test_it_rejects_a_placeholder_that_names_nothing() -> None:
    block = {"text": _t("전화: {{ contacts.officer.fax }}", "Phone: {{ contacts.officer.fax }}")}
    text = policy_yaml(lambda d: d["document"]["articles"][0]["blocks"].append(block))
    problems = lint(text)
    assert problems, "expected a problem for the unknown placeholder"
    assert all(p.severity == "error" and "contacts.officer.fax" in p.message for p in problems)
    block_line = line_of(text, "- text:", after="The Company protects")
    assert problems[0].line in (block_line, block_line + 1)  # the block, or its Korean text


def test_it_rejects_a_placeholder_in_the_data_that_names_nothing() -> None:
    tasks = _t("메일 발송 ({{ itemz }})", "Sending mail ({{ itemz }})")
    text = policy_yaml(lambda d: d["processors"][0].update(tasks=tasks))
    problems = lint(text)
    assert problems and all("itemz" in p.message for p in problems)
    assert problems[0].line == line_of(text, "메일 발송 ({{ itemz }})")


def test_it_warns_when_marketing_is_not_reconfirmed_every_two_years() -> None:
    text = policy_yaml(lambda d: _optional_marketing(d, marketing=True))
    problem = only(lint(text), "warning")
    assert "re-confirmed every 2 years (정보통신망법 시행령 62의3)" in problem.message
    assert problem.line == line_of(text, "marketing: true")


def test_it_accepts_marketing_with_a_reconsent_notice() -> None:
    note = _t("회사는 2년마다 수신동의 여부를 확인합니다.", "Your consent is re-confirmed every two years.")

    def mutate(d: Data) -> None:
        _optional_marketing(d, marketing=True)
        d["document"]["articles"][0]["blocks"].append({"text": note})

    assert lint(policy_yaml(mutate)) == []


# --- problems come sorted by line -------------------------------------------------------------


def test_it_reports_problems_in_line_order() -> None:
    def mutate(d: Data) -> None:
        d["roles"][0]["purposes"].append("lottery")
        d["purposes"][0]["items"].append("fax")

    problems = policy_lint(policy_parse(policy_yaml(mutate)))
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    assert len(problems) == 2


# --- forms ------------------------------------------------------------------------------------


def test_it_names_the_form_fields_the_policy_does_not_list() -> None:
    policy = policy_parse(policy_yaml()).policy
    assert form_fields_undisclosed(policy, "demo", ["name", "fax", "company", "fax", "birthday"]) == [
        "fax",
        "birthday",
    ]


def test_it_finds_no_undisclosed_fields_in_a_matching_form() -> None:
    policy = policy_parse(policy_yaml()).policy
    assert form_fields_undisclosed(policy, "demo", ["name", "email", "company"]) == []


def test_it_refuses_to_check_a_form_for_an_unknown_purpose() -> None:
    policy = policy_parse(policy_yaml()).policy
    with pytest.raises(KeyError):
        form_fields_undisclosed(policy, "lottery", ["name"])
