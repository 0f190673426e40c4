"""The wording of a consent notice, shared by every channel (forms, API, import, done pages)."""

from __future__ import annotations

from policybound.collection.notices import consent_kind, consent_notice, refusal_text, retention_text
from policybound.lib.testing import BUNDLED_POLICY
from policybound.policy.loader import policy_load
from policybound.policy.schema import Text

POLICY = policy_load(BUNDLED_POLICY).policy


def test_it_words_a_retention_counted_from_the_end_with_its_end_events() -> None:
    consulting = POLICY.purpose("consulting")
    assert retention_text(consulting, lang="en") == "12 months after the service ends (end of the consulting)"
    assert retention_text(consulting, lang="ko") == "서비스 종료(컨설팅 종료) 후 12 개월"


def test_it_words_a_retention_counted_from_collection() -> None:
    consulting = POLICY.purpose("consulting")
    from_collection = consulting.model_copy(
        update={"retention": consulting.retention.model_copy(update={"counted_from": "collection"})}
    )
    assert retention_text(from_collection, lang="en") == "12 months from collection"


def test_it_prefers_the_policys_own_retention_description() -> None:
    assert retention_text(POLICY.purpose("marketing"), lang="en") == "Destroyed without delay when you withdraw your consent."


def test_it_puts_the_same_retention_words_in_the_notice() -> None:
    notice = consent_notice(POLICY, "consulting", lang="ko")
    assert f"- 보유 및 이용 기간: {retention_text(POLICY.purpose('consulting'), lang='ko')}" in notice.splitlines()


def test_it_falls_back_to_the_default_refusal_wording() -> None:
    assert refusal_text(None, required=True, lang="en") == "Without this consent we cannot handle your request."
    assert refusal_text(None, required=False, lang="en") == "Refusing costs you nothing: the service is the same without it."


def test_it_prefers_the_policys_own_refusal_wording() -> None:
    effect = Text(ko="동의하지 않으면 뉴스레터를 받을 수 없습니다.", en="Without it there is no newsletter.")
    assert refusal_text(effect, required=True, lang="ko") == "동의하지 않으면 뉴스레터를 받을 수 없습니다."


def test_it_tags_a_consent_required_or_optional_in_korean() -> None:
    assert (consent_kind(required=True, lang="ko"), consent_kind(required=False, lang="ko")) == ("필수", "선택")


def test_a_receipt_recorded_without_a_shown_text_keeps_the_forms_whole_notice(example_policy) -> None:
    """The API and imports store what the form would show: the third-party provision too (PIPA 17②)."""
    from policybound.audit.actors import Actor
    from policybound.collection.models import ConsentReceipt
    from policybound.collection.services import submission_record

    submission_record(
        purpose="demo_request",
        fields={"name": "Alice Kim", "email": "alice@hanbit.example", "company": "Hanbit", "position": "CTO"},
        consents={"demo_request": True, "partner_referral": True},
        source="api",
        channel="api",
        actor=Actor.token("1", "homepage"),
    )
    receipt = ConsentReceipt.objects.get(purpose="partner_referral")
    assert receipt.notice is not None
    assert "구름다리솔루션" in receipt.notice.text
