from __future__ import annotations

import pytest

from policybound.console.masking import display, mask, mask_email, mask_name, mask_phone
from policybound.policy.schema import ItemKind


def test_it_masks_a_three_syllable_korean_name_in_the_middle():
    assert mask_name("홍길동") == "홍*동"


def test_it_masks_the_second_syllable_of_a_two_syllable_name():
    assert mask_name("홍길") == "홍*"


def test_it_masks_every_inner_syllable_of_a_long_name():
    assert mask_name("남궁민수") == "남**수"


def test_it_masks_each_word_of_a_latin_name():
    assert mask_name("Alice Kim") == "A***e K*m"


def test_it_hides_a_one_character_value_entirely():
    assert mask_name("홍") == "*"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("010-1234-5678", "010-****-5678"),
        ("+821012345678", "010-****-5678"),
        ("01012345678", "010-****-5678"),
        ("0212345678", "02-****-5678"),
        ("+12025550143", "+1 ***-***-0143"),
    ],
)
def test_it_masks_the_middle_groups_of_a_phone_number(stored, shown):
    assert mask_phone(stored) == shown


def test_it_never_shows_a_short_unparseable_number():
    assert mask_phone("1234") == "****"


def test_it_keeps_the_first_letter_and_domain_of_an_email():
    assert mask_email("hong@example.com") == "h***@example.com"


def test_it_does_not_reveal_the_length_of_an_email_name():
    assert mask_email("alexandra.kim@example.com") == mask_email("ab@example.com") == "a***@example.com"


def test_it_shows_only_the_length_of_free_text():
    assert mask(ItemKind.FREE_TEXT, "견적을 부탁드립니다") == "*** (10)"


def test_it_shows_choice_codes_as_they_are():
    assert mask(ItemKind.CHOICES, "cloud,security") == "cloud,security"


def test_it_applies_the_name_rule_to_company_names():
    assert mask(ItemKind.ORGANIZATION, "예시상사") == "예**사"


def test_it_dispatches_by_kind_code():
    assert mask("email", "bob@example.org") == "b***@example.org"


def test_it_leaves_an_empty_value_empty():
    assert mask(ItemKind.PHONE, "") == ""


def test_it_shows_a_full_phone_number_the_way_korean_staff_read_it():
    assert display(ItemKind.PHONE, "+821012345678") == "010-1234-5678"
