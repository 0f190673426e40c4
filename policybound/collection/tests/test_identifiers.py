"""Detection of identifiers that must never be collected from free text (PIPA 24, 24-2)."""

from __future__ import annotations

import pytest

from policybound.collection.identifiers import IdentifierKind, identifiers_find

WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def with_check_digit(first_twelve: str, *, alien: bool = False) -> str:
    total = sum(int(d) * w for d, w in zip(first_twelve, WEIGHTS, strict=True))
    return first_twelve + str(((13 if alien else 11) - total % 11) % 10)


def test_it_finds_a_hyphenated_resident_number(now):
    assert identifiers_find("제 번호는 800101-1234567 입니다") == [IdentifierKind.RESIDENT_NUMBER]


def test_it_finds_a_post_2020_resident_number_without_a_check_digit(now):
    number = with_check_digit("051231323456")
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert identifiers_find(f"{wrong[:6]}-{wrong[6:]}") == [IdentifierKind.RESIDENT_NUMBER]


def test_it_finds_a_resident_number_with_a_space(now):
    assert identifiers_find("800101 2234567") == [IdentifierKind.RESIDENT_NUMBER]


def test_it_finds_a_joined_resident_number_when_its_check_digit_holds(now):
    assert identifiers_find("번호 " + with_check_digit("800101123456")) == [IdentifierKind.RESIDENT_NUMBER]


def test_it_ignores_thirteen_joined_digits_whose_check_digit_fails(now):
    number = with_check_digit("800101123456")
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert identifiers_find("주문번호 " + wrong) == []


def test_it_ignores_an_impossible_birth_date(now):
    assert identifiers_find("801341-1234567") == []


def test_it_ignores_a_birth_date_in_the_future(now):
    assert identifiers_find("301231-3234567") == []


def test_it_finds_full_width_digits(now):
    assert identifiers_find("８００１０１－１２３４５６７") == [IdentifierKind.RESIDENT_NUMBER]


def test_it_finds_an_alien_registration_number(now):
    assert identifiers_find("외국인등록번호 900101-5234567") == [IdentifierKind.ALIEN_NUMBER]


def test_it_finds_a_joined_alien_number_with_its_check_digit(now):
    assert identifiers_find(with_check_digit("900101523456", alien=True)) == [IdentifierKind.ALIEN_NUMBER]


@pytest.mark.parametrize("text", ["여권 M12345678", "passport m98765432", "M123A4567 입니다"])
def test_it_finds_passport_numbers(text, now):
    assert identifiers_find(text) == [IdentifierKind.PASSPORT]


@pytest.mark.parametrize("text", ["면허 11-12-345678-90", "서울 12-345678-90", "경기12-345678-90"])
def test_it_finds_driver_licence_numbers(text, now):
    assert identifiers_find(text) == [IdentifierKind.DRIVER_LICENCE]


@pytest.mark.parametrize("text", ["4111 1111 1111 1111", "4111-1111-1111-1111", "카드 4111111111111111", "3782 822463 10005"])
def test_it_finds_card_numbers_that_pass_luhn(text, now):
    assert identifiers_find(text) == [IdentifierKind.CARD_NUMBER]


def test_it_ignores_sixteen_digits_that_fail_luhn(now):
    assert identifiers_find("4111 1111 1111 1112") == []


@pytest.mark.parametrize(
    "text",
    [
        "연락처 010-1234-5678, 사무실 02-123-4567",
        "사업자등록번호 123-45-67890",
        "예산은 1,000,000,000원입니다",
        "모델 SM-G991N 사용 중",
        "2025-03-03 14:00 미팅 희망",
    ],
)
def test_it_leaves_ordinary_business_text_alone(text, now):
    assert identifiers_find(text) == []


def test_it_reports_each_kind_once_in_a_fixed_order(now):
    text = "4111111111111111 800101-1234567 M12345678 800101-2234567"
    assert identifiers_find(text) == [IdentifierKind.RESIDENT_NUMBER, IdentifierKind.PASSPORT, IdentifierKind.CARD_NUMBER]
