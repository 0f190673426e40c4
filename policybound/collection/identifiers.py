"""Finding identifiers that must not be collected in free text (PIPA 24, 24-2; data minimisation).

A visitor who types their resident registration number (주민등록번호) into a question box has handed us
something we may not hold. The submission is refused with an explanation, and the number is never
stored, logged or echoed: this module returns only *which kinds* it found, never the text.

Detection strategies, chosen to catch what people actually type while not refusing ordinary numbers:

- 주민등록번호 / 외국인등록번호 (``YYMMDD-GNNNNNN``): a real birth date and a gender digit 1-8 (5-8:
  alien registration). Numbers issued since October 2020 have random trailing digits and no check
  digit, so when written with the usual hyphen (or a space) the date and gender digit alone decide.
  Thirteen digits run together are far more often order or account numbers, so those are refused only
  when the (pre-2020) check digit also holds: a post-2020 number typed without its hyphen is the one
  case this lets through, a deliberate trade against refusing honest questions.
- passport numbers: a letter (M, S, R, O, D, G) and eight digits, or the 2021 format ``M123A4567``.
- driver's licence numbers: ``RR-YY-NNNNNN-CC`` with a region code 11-28 or a region name.
- payment card numbers: 13-19 digits, plain or in the usual groups, passing the Luhn check.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import StrEnum

from policybound.lib import clock


class IdentifierKind(StrEnum):
    RESIDENT_NUMBER = "resident_number"
    ALIEN_NUMBER = "alien_number"
    PASSPORT = "passport"
    DRIVER_LICENCE = "driver_licence"
    CARD_NUMBER = "card_number"


_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_SEPARATED_RRN = re.compile(r"(?<!\d)(\d{6})\s?[-‐‑–—]\s?([1-8]\d{6})(?!\d)|(?<!\d)(\d{6}) ([1-8]\d{6})(?!\d)")
_JOINED_RRN = re.compile(r"(?<![\d-])(\d{6})([1-8]\d{6})(?![\d-])")
_PASSPORT = re.compile(r"(?<![A-Za-z0-9])[MSRODG](?:\d{8}|\d{3}[A-Z]\d{4})(?![A-Za-z0-9])", re.IGNORECASE)
_REGIONS = "서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산|세종"
_LICENCE = re.compile(
    rf"(?<!\d)(?:1[1-9]|2[0-8])[- ]\d{{2}}[- ]\d{{6}}[- ]\d{{2}}(?!\d)|(?:{_REGIONS})\s?\d{{2}}[- ]\d{{6}}[- ]\d{{2}}(?!\d)"
)
_CARD = re.compile(
    r"(?<![\d-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{4,5})(?![\d-])"
)


def _birth_date(front: str, gender: str) -> dt.date | None:
    """The birth date a number encodes, or ``None`` if it is no date (or one in the future)."""
    century = 1900 if gender in "1256" else 2000
    try:
        born = dt.date(century + int(front[:2]), int(front[2:4]), int(front[4:6]))
    except ValueError:
        return None
    return born if born <= clock.today() else None


def _check_digit_holds(digits: str) -> bool:
    """Pre-2020 check digit: resident numbers ``(11 - s % 11) % 10``, alien numbers ``(13 - s % 11) % 10``."""
    total = sum(int(d) * w for d, w in zip(digits[:12], _WEIGHTS, strict=True))
    offset = 13 if digits[6] in "5678" else 11
    return (offset - total % 11) % 10 == int(digits[12])


def _kind_of(gender: str) -> IdentifierKind:
    return IdentifierKind.ALIEN_NUMBER if gender in "5678" else IdentifierKind.RESIDENT_NUMBER


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _registration_numbers(text: str) -> list[IdentifierKind]:
    found = []
    for match in _SEPARATED_RRN.finditer(text):
        front, back = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        if _birth_date(front, back[0]) is not None:
            found.append(_kind_of(back[0]))
    for match in _JOINED_RRN.finditer(text):
        front, back = match.group(1), match.group(2)
        if _birth_date(front, back[0]) is not None and _check_digit_holds(front + back):
            found.append(_kind_of(back[0]))
    return found


def _card_numbers(text: str) -> list[IdentifierKind]:
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if len(set(digits)) > 1 and _luhn(digits):
            return [IdentifierKind.CARD_NUMBER]
    return []


def identifiers_find(text: str) -> list[IdentifierKind]:
    """The kinds of forbidden identifiers in ``text`` (each once, in a fixed order); never the values."""
    text = unicodedata.normalize("NFKC", text)
    found = set(_registration_numbers(text))
    if _PASSPORT.search(text):
        found.add(IdentifierKind.PASSPORT)
    if _LICENCE.search(text):
        found.add(IdentifierKind.DRIVER_LICENCE)
    found.update(_card_numbers(text))
    return [kind for kind in IdentifierKind if kind in found]
