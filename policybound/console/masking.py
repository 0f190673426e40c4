"""One masking rule for every personal value the console shows (안전성 확보조치 기준: 표시 제한).

Staff see masked values by default; the full value is shown only when they ask for it with a reason,
and that request is logged. Masking depends only on the kind of the item (from the policy), never on
the screen, so a name looks the same in the inbox, on a subject's page and in a masked export:

- names and other short words keep their first and last character: 홍길동 → 홍*동, 홍길 → 홍*,
  Alice Kim → A***e K*m (each word on its own);
- phone numbers keep the first and the last group: 010-1234-5678 → 010-****-5678;
- e-mail addresses keep the first character of the local part and the domain: h***@example.com
  (always three stars, so the length of the name is not revealed either);
- free text is never shown masked, only its length: ``*** (42)``;
- choices (areas of interest) are codes from the policy, not identifying, and shown as they are.
"""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings

from policybound.policy.schema import ItemKind

STAR = "*"
_DIGIT_GROUPS = re.compile(r"\d+")


def mask_word(word: str) -> str:
    """홍길동 → 홍*동; 홍길 → 홍*; a single character is hidden entirely."""
    if len(word) <= 1:
        return STAR * len(word)
    if len(word) == 2:
        return word[0] + STAR
    return word[0] + STAR * (len(word) - 2) + word[-1]


def mask_name(value: str) -> str:
    """Mask each whitespace-separated word with :func:`mask_word`, keeping the spaces."""
    return re.sub(r"\S+", lambda match: mask_word(match.group(0)), value)


def phone_display(value: str) -> str:
    """Format a stored (usually E.164) number the way Korean staff read it: ``010-1234-5678``."""
    try:
        number = phonenumbers.parse(value, settings.POLICYBOUND_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return value
    if number.country_code == 82:
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def mask_phone(value: str) -> str:
    """010-1234-5678 → 010-****-5678: every digit group but the first and the last is starred.

    A number written as one run of digits is starred except its first three and last four digits.
    """
    shown = phone_display(value)
    groups = list(_DIGIT_GROUPS.finditer(shown))
    if len(groups) >= 3:
        first, last = groups[0], groups[-1]
        middle = shown[first.end() : last.start()]
        return shown[: first.end()] + re.sub(r"\d", STAR, middle) + shown[last.start() :]
    digits = re.sub(r"\D", "", shown)
    if len(digits) <= 7:
        return STAR * len(digits)
    return digits[:3] + STAR * (len(digits) - 7) + digits[-4:]


def mask_email(value: str) -> str:
    """hong.gildong@example.com → h***@example.com."""
    local, at, domain = value.rpartition("@")
    if not at or not local:
        return mask_name(value)
    return local[0] + STAR * 3 + "@" + domain


def mask_free_text(value: str) -> str:
    """Free text can hold anything; only its length is shown."""
    return f"{STAR * 3} ({len(value)})"


def mask(kind: ItemKind | str, value: str) -> str:
    """Mask ``value`` by the rule for its item kind (the one function every screen calls)."""
    kind = ItemKind(kind)
    if value == "":
        return ""
    if kind is ItemKind.PHONE:
        return mask_phone(value)
    if kind is ItemKind.EMAIL:
        return mask_email(value)
    if kind in (ItemKind.FREE_TEXT, ItemKind.OTHER):
        return mask_free_text(value)
    if kind in (ItemKind.CHOICES, ItemKind.CHOICE):
        return value
    return mask_name(value)


def display(kind: ItemKind | str, value: str) -> str:
    """A full value as staff read it (phones as ``010-1234-5678``), for a reveal or a full export."""
    return phone_display(value) if ItemKind(kind) is ItemKind.PHONE else value
