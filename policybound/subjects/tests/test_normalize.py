from __future__ import annotations

import pytest

from policybound.subjects.normalize import email_normalize, organization_normalize


@pytest.mark.parametrize("name", ["(주)에이비씨", "㈜ 에이비씨", "에이비씨 주식회사", "주식회사 에이비씨", " 에이비씨 "])
def test_it_drops_the_korean_legal_form(name):
    assert organization_normalize(name) == "에이비씨"


@pytest.mark.parametrize("name", ["ABC Co., Ltd.", "abc corp", "ABC Inc.", "A.B.C."])
def test_it_drops_the_english_legal_form_and_punctuation(name):
    assert organization_normalize(name) == "abc"


def test_it_keeps_a_name_that_is_only_a_legal_form():
    assert organization_normalize("Corp") == "corp"


def test_it_compares_email_addresses_without_case():
    assert email_normalize(" Alice@Example.COM ") == email_normalize("alice@example.com")
