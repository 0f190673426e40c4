"""Each rule of :func:`submission_validate`, against the bundled policy; nothing here touches the database."""

from __future__ import annotations

import pytest
from django.utils import translation

from policybound.collection.validation import SubmissionRejected, submission_validate
from policybound.lib.testing import BUNDLED_POLICY, alice_fields
from policybound.policy.loader import policy_load

POLICY = policy_load(BUNDLED_POLICY).policy


@pytest.fixture(autouse=True)
def english(now):
    with translation.override("en"):
        yield


def validate(purpose="consulting", fields=None, consents=None, channel="web"):
    return submission_validate(
        POLICY,
        purpose=purpose,
        fields=alice_fields() if fields is None else fields,
        consents={"consulting": True} if consents is None else consents,
        channel=channel,
    )


def rejected(**kwargs) -> dict[str, list[str]]:
    with pytest.raises(SubmissionRejected) as caught:
        validate(**kwargs)
    return caught.value.errors


def test_it_accepts_alices_consulting_request():
    clean = validate()
    assert sorted(clean.values) == ["company", "email", "message", "name", "phone"]


def test_it_refuses_a_field_the_purpose_does_not_list_by_name():
    errors = rejected(fields=alice_fields(position="CTO"))
    assert list(errors) == ["position"]
    assert "position" in errors["position"][0]


def test_it_refuses_a_field_of_another_purpose():
    assert list(rejected(purpose="report_download", consents={"report_download": True})) == ["message"]


def test_it_refuses_an_unknown_purpose():
    assert list(rejected(purpose="lottery", consents={})) == ["purpose"]


def test_it_refuses_on_the_web_a_purpose_without_a_web_form():
    assert list(rejected(purpose="marketing", consents={"marketing": True})) == ["purpose"]


def test_it_requires_every_item_of_the_purpose():
    errors = rejected(fields=alice_fields(phone=None))
    assert list(errors) == ["phone"]
    assert "required" in errors["phone"][0]


def test_it_treats_blank_text_as_missing():
    assert list(rejected(fields=alice_fields(name="   "))) == ["name"]


def test_it_requires_the_purposes_own_consent():
    errors = rejected(consents={"consulting": False})
    assert list(errors) == ["consulting"]


def test_it_requires_the_purposes_own_consent_even_when_absent():
    assert list(rejected(consents={})) == ["consulting"]


def test_it_never_requires_the_optional_marketing_consent():
    assert validate(consents={"consulting": True, "marketing": False}).consents == {"consulting": True, "marketing": False}


def test_it_refuses_a_consent_for_a_purpose_the_form_does_not_offer():
    assert list(rejected(consents={"consulting": True, "newsletter": True})) == ["newsletter"]


def test_it_refuses_a_consent_that_is_not_yes_or_no():
    assert list(rejected(consents={"consulting": True, "marketing": "yes"})) == ["marketing"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("010-1234-5678", "+821012345678"),
        ("01012345678", "+821012345678"),
        ("02-123-4567", "+8221234567"),
        ("+82 10-1234-5678", "+821012345678"),
        ("+82 (0)10 1234 5678", "+821012345678"),
        ("031-123-4567", "+82311234567"),
    ],
)
def test_it_normalises_korean_phone_numbers_to_e164(typed, stored):
    assert validate(fields=alice_fields(phone=typed)).values["phone"] == stored


@pytest.mark.parametrize("typed", ["010-1234", "12345", "전화번호", "+82 10"])
def test_it_refuses_a_phone_number_that_cannot_be(typed):
    errors = rejected(fields=alice_fields(phone=typed))
    assert errors == {"phone": ["Enter a phone number such as 010-1234-5678 or 02-123-4567."]}


def test_it_normalises_the_email_domain():
    assert validate(fields=alice_fields(email="Alice@EXAMPLE.com")).values["email"] == "Alice@example.com"


@pytest.mark.parametrize("typed", ["alice", "alice@", "alice@@example.com", "alice example@example.com"])
def test_it_refuses_an_invalid_email_address(typed):
    assert list(rejected(fields=alice_fields(email=typed))) == ["email"]


def test_it_bounds_lengths_by_the_items_max_length():
    errors = rejected(fields=alice_fields(company="가" * 101))
    assert errors == {"company": ["Company name may be at most 100 characters long (it has 101)."]}


def test_it_bounds_free_text():
    assert list(rejected(fields=alice_fields(message="x" * 2001))) == ["message"]


def test_it_keeps_line_breaks_in_free_text():
    assert validate(fields=alice_fields(message="첫 줄\n둘째 줄")).values["message"] == "첫 줄\n둘째 줄"


def test_it_refuses_line_breaks_in_a_name():
    assert list(rejected(fields=alice_fields(name="김\n앨리스"))) == ["name"]


def test_it_refuses_a_value_that_is_not_text():
    assert list(rejected(fields=alice_fields(name=42))) == ["name"]


def test_it_accepts_known_choices_in_the_policys_order():
    fields = alice_fields(message=None, interests=["security", "cloud"])
    clean = validate(purpose="newsletter", fields=fields, consents={"newsletter": True})
    assert clean.values["interests"] == "cloud,security"


def test_it_accepts_choices_written_as_text():
    fields = alice_fields(message=None, interests="ai; cloud")
    assert validate(purpose="newsletter", fields=fields, consents={"newsletter": True}).values["interests"] == "cloud,ai"


def test_it_refuses_an_unknown_choice():
    fields = alice_fields(message=None, interests=["cloud", "lottery"])
    assert list(rejected(purpose="newsletter", fields=fields, consents={"newsletter": True})) == ["interests"]


def test_it_refuses_a_resident_number_in_the_question_citing_the_law():
    errors = rejected(fields=alice_fields(message="제 주민번호는 800101-1234567 입니다"))
    assert list(errors) == ["message"]
    assert "24-2" in errors["message"][0]


def test_it_refuses_a_passport_number_citing_article_24():
    errors = rejected(fields=alice_fields(message="여권번호 M12345678 로 예약해 주세요"))
    assert "Article 24)" in errors["message"][0]


def test_it_refuses_a_card_number_in_the_company_name():
    assert list(rejected(fields=alice_fields(company="4111 1111 1111 1111"))) == ["company"]


def test_it_never_puts_the_refused_value_in_the_error_or_the_exception():
    with pytest.raises(SubmissionRejected) as caught:
        validate(fields=alice_fields(message="800101-1234567", phone="010-99"))
    everything = str(caught.value) + repr(caught.value.errors)
    assert "800101" not in everything
    assert "010-99" not in everything


def test_it_reports_every_problem_at_once():
    errors = rejected(fields=alice_fields(phone="0", email="x", position="CTO"), consents={})
    assert set(errors) == {"phone", "email", "position", "consulting"}


def test_it_speaks_korean_by_default():
    with translation.override("ko"):
        errors = rejected(fields=alice_fields(phone="0"))
    assert errors["phone"] == ["010-1234-5678 또는 02-123-4567 형식의 전화번호를 입력해 주세요."]
