"""Checking a submission against the policy version in force, before anything is stored.

One function, :func:`submission_validate`, used by ``submission_record`` for forms, the API and
imports alike. It never stores, logs or echoes a submitted value: errors are keyed by field code (or
consent code, or ``purpose``/``source``/``__all__``) and say what is wrong in the active language,
so a form can show each message next to its field and keep what the visitor typed.

The rules, all from the policy (PIPA 15-17, 22, 24, 24-2):

- every field must be an item of the purpose (items or optional items), else it is refused by name;
- every item of the purpose is required, optional items may be left empty;
- the purpose's own consent must be given; each optional purpose offered with it (``offered_with``)
  is a separate yes/no; a consent for any other purpose is refused;
- phone numbers are parsed with ``phonenumbers`` (010-1234-5678, 02-123-4567, +82 …) and kept in
  E.164; e-mail addresses are checked for syntax only (no DNS look-up) and normalised;
- lengths are bounded by the item's ``max_length`` or a default per kind; choices must be known codes;
- text may hold no resident registration, passport, driver's licence, alien or card number.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

import phonenumbers
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from email_validator import EmailNotValidError, validate_email

from policybound.collection.identifiers import IdentifierKind, identifiers_find
from policybound.policy.schema import Item, ItemKind, LegalBasis, Policy, Purpose, Sensitivity

ALL = "__all__"

DEFAULT_MAX_LENGTH: dict[ItemKind, int] = {
    ItemKind.NAME: 50,
    ItemKind.PHONE: 30,
    ItemKind.EMAIL: 254,
    ItemKind.ORGANIZATION: 100,
    ItemKind.SHORT_TEXT: 100,
    ItemKind.FREE_TEXT: 2000,
    ItemKind.ADDRESS: 200,
    ItemKind.OTHER: 200,
    ItemKind.CHOICES: 1000,
    ItemKind.CHOICE: 64,
}
CHOICE_KINDS = frozenset({ItemKind.CHOICES, ItemKind.CHOICE})
MULTILINE = frozenset({ItemKind.FREE_TEXT, ItemKind.ADDRESS})
SCANNED = frozenset(
    {ItemKind.NAME, ItemKind.ORGANIZATION, ItemKind.SHORT_TEXT, ItemKind.FREE_TEXT, ItemKind.ADDRESS, ItemKind.OTHER}
)
_CODE_ECHO = 64  # a code from the client is echoed (as an error key) at most this long


class SubmissionRejected(Exception):
    """The submission breaks the policy; nothing was stored.

    ``errors`` maps a field code, a consent code, ``purpose``, ``source`` or ``__all__`` to messages in
    the active language. The exception's own text names only the keys, never a submitted value.
    """

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("submission rejected: " + ", ".join(sorted(errors)))


@dataclass(frozen=True)
class CleanSubmission:
    """A submission that passed every rule: the values to seal, in their normalised form."""

    purpose: Purpose
    values: dict[str, str]
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    organization: str | None = None
    consents: dict[str, bool] = field(default_factory=dict)


def language() -> str:
    """``en`` or ``ko``: the language of the policy's texts for the active Django language."""
    return "en" if (translation.get_language() or "").startswith("en") else "ko"


def _label(item: Item) -> str:
    return item.label.get(language())


def _echo(code: str) -> str:
    return code[:_CODE_ECHO]


def identifier_message(kind: IdentifierKind) -> str:
    """Why a text with this kind of identifier is refused, citing the law; never the number."""
    if kind is IdentifierKind.RESIDENT_NUMBER:
        return _(
            "This text seems to contain a resident registration number (주민등록번호). We may not collect "
            "it (Personal Information Protection Act, Article 24-2): please remove it and send again."
        )
    if kind is IdentifierKind.CARD_NUMBER:
        return _(
            "This text seems to contain a payment card number. We collect only what this form needs "
            "(Personal Information Protection Act, Article 16): please remove it and send again."
        )
    names = {
        IdentifierKind.ALIEN_NUMBER: _("an alien registration number"),
        IdentifierKind.PASSPORT: _("a passport number"),
        IdentifierKind.DRIVER_LICENCE: _("a driver's licence number"),
    }
    return _(
        "This text seems to contain %(identifier)s. It is a unique identifier we may not collect "
        "without a legal basis (Personal Information Protection Act, Article 24): please remove it "
        "and send again."
    ) % {"identifier": names[kind]}


def _phone(text: str, item: Item) -> tuple[str | None, str | None]:
    region: str = settings.POLICYBOUND_PHONE_REGION
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        return None, _("Enter a phone number such as 010-1234-5678 or 02-123-4567.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def _email(text: str, item: Item) -> tuple[str | None, str | None]:
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return None, _("Enter an e-mail address such as name@example.com.")
    return str(result.normalized), None


def _choices(raw: object, item: Item) -> tuple[str | None, str | None]:
    if isinstance(raw, str):
        codes = [part.strip() for part in raw.replace(";", ",").split(",")]
    elif isinstance(raw, list | tuple) and all(isinstance(part, str) for part in raw):
        codes = [part.strip() for part in raw]
    else:
        return None, _("Choose from the listed options.")
    known = [choice.code for choice in item.choices]
    chosen = [code for code in known if code in codes]
    if any(code and code not in known for code in codes):
        return None, _("Choose only from the listed options.")
    if not chosen:
        return None, None
    if item.kind is ItemKind.CHOICE and len(chosen) > 1:
        return None, _("%(field)s takes one answer; choose one of the options.") % {"field": _label(item)}
    return ",".join(chosen), None


def _has_control_characters(text: str, multiline: bool) -> bool:
    allowed = {"\n", "\r", "\t"} if multiline else set()
    return any(unicodedata.category(char) in ("Cc", "Cf") and char not in allowed for char in text)


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list | tuple) and not raw)


def field_clean(item: Item, raw: object) -> tuple[str | None, list[str]]:
    """One field's normalised value (``None`` if left empty) and its errors; the value never in them."""
    if _is_blank(raw):
        return None, []
    if item.kind in CHOICE_KINDS:
        value, error = _choices(raw, item)
        return value, [error] if error else []
    if not isinstance(raw, str):
        return None, [_("%(field)s must be text.") % {"field": _label(item)}]
    text = unicodedata.normalize("NFC", raw).strip()
    limit = item.max_length or DEFAULT_MAX_LENGTH[item.kind]
    if len(text) > limit:
        return None, [
            _("%(field)s may be at most %(limit)d characters long (it has %(length)d).")
            % {"field": _label(item), "limit": limit, "length": len(text)}
        ]
    if _has_control_characters(text, item.kind in MULTILINE):
        return None, [_("%(field)s contains line breaks or control characters; please remove them.")
                      % {"field": _label(item)}]
    if item.kind is ItemKind.PHONE:
        value, error = _phone(text, item)
        return value, [error] if error else []
    if item.kind is ItemKind.EMAIL:
        value, error = _email(text, item)
        return value, [error] if error else []
    if item.kind in SCANNED and item.sensitivity in (Sensitivity.ORDINARY, Sensitivity.SENSITIVE):
        found = identifiers_find(text)
        if found:
            return None, [identifier_message(kind) for kind in found]
    return text, []


def _purpose_errors(policy: Policy, purpose: str, channel: str) -> tuple[Purpose | None, dict[str, list[str]]]:
    found = next((p for p in policy.purposes if p.code == purpose), None)
    if found is None:
        message = _("The privacy policy in force has no purpose “%(purpose)s”.") % {"purpose": _echo(purpose)}
        return None, {"purpose": [message]}
    if channel == "web" and not found.web_form:
        return None, {"purpose": [_("This purpose is not collected through a web form.")]}
    return found, {}


def _fields_errors(
    policy: Policy, purpose: Purpose, fields: Mapping[str, object], channel: str
) -> tuple[dict[str, str], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    allowed = [*purpose.items, *purpose.optional_items]
    items = {item.code: item for item in policy.items}
    for code in allowed:
        item = items[code]
        if channel == "web" and item.kind is ItemKind.OTHER:
            continue
        value, problems = field_clean(item, fields.get(code))
        if problems:
            errors[code] = problems
        elif value is not None:
            values[code] = value
        elif code in purpose.items:
            errors[code] = [_("Please fill in “%(field)s”; it is required.") % {"field": _label(item)}]
    for code in fields:
        if code not in allowed or (channel == "web" and items[code].kind is ItemKind.OTHER):
            errors[_echo(str(code))] = [
                _("“%(field)s” is not collected for this purpose: the privacy policy does not list it.")
                % {"field": _echo(str(code))}
            ]
    return values, errors


def offered_purposes(policy: Policy, purpose: Purpose) -> list[Purpose]:
    """The purposes whose consent a submission for ``purpose`` asks: its own, then the optional ones."""
    own = [purpose] if purpose.basis is LegalBasis.CONSENT else []
    return own + [p for p in policy.optional_purposes_offered_with(purpose.code) if p.code != purpose.code]


def _consents_errors(
    policy: Policy, purpose: Purpose, consents: Mapping[str, object]
) -> tuple[dict[str, bool], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    decided: dict[str, bool] = {}
    offered = {p.code: p for p in offered_purposes(policy, purpose)}
    for code, given in consents.items():
        if code not in offered:
            errors[_echo(str(code))] = [
                _("This form asks no consent “%(consent)s”.") % {"consent": _echo(str(code))}
            ]
        elif not isinstance(given, bool):
            errors[code] = [_("A consent is yes or no.")]
        else:
            decided[code] = given
    for code, wanted in offered.items():
        if (code == purpose.code or wanted.required) and decided.get(code) is not True and code not in errors:
            label = wanted.label.get(language())
            errors[code] = [
                _("Please agree to the collection and use of your personal information for “%(purpose)s”; "
                  "without it we cannot handle this request.") % {"purpose": label}
            ]
    return decided, errors


def _separate_consent_errors(
    policy: Policy, purpose: Purpose, values: Mapping[str, str], decided: Mapping[str, bool]
) -> dict[str, list[str]]:
    """A unique identifier or a sensitive item is taken only with its own separate consent (PIPA 23①, 24①).

    The policy offers that consent as an optional purpose of its own beside the form
    (:meth:`~policybound.policy.schema.Policy.separate_consents_for`); a value sent without it is refused by field.
    """
    errors: dict[str, list[str]] = {}
    for code in values:
        needed = policy.separate_consents_for(purpose, code)
        if needed is not None and not any(decided.get(q.code) for q in needed):
            errors[code] = [
                _("This item is collected only with its separate consent (%(consent)s); give it or leave the item empty.")
                % {"consent": needed[0].label.get(language()) if needed else _("none is offered")}
            ]
    return errors


def submission_validate(
    policy: Policy,
    *,
    purpose: str,
    fields: Mapping[str, object],
    consents: Mapping[str, object],
    channel: str = "web",
) -> CleanSubmission:
    """Check a submission against ``policy``; raise :class:`SubmissionRejected` with every problem."""
    found, errors = _purpose_errors(policy, purpose, channel)
    if found is None:
        raise SubmissionRejected(errors)
    values, field_errors = _fields_errors(policy, found, fields, channel)
    decided, consent_errors = _consents_errors(policy, found, consents)
    separate_errors = _separate_consent_errors(policy, found, values, decided)
    for code, messages in [*field_errors.items(), *consent_errors.items(), *separate_errors.items()]:
        errors.setdefault(code, []).extend(messages)
    if errors:
        raise SubmissionRejected(errors)
    kinds = {code: policy.item(code).kind for code in values}
    return CleanSubmission(
        purpose=found,
        values=values,
        emails=[v for c, v in values.items() if kinds[c] is ItemKind.EMAIL],
        phones=[v for c, v in values.items() if kinds[c] is ItemKind.PHONE],
        organization=next((v for c, v in values.items() if kinds[c] is ItemKind.ORGANIZATION), None),
        consents=decided,
    )
