"""A public form, generated from one purpose of the policy in force, with no purpose-specific code.

:func:`form_build` turns a purpose into what its page shows: one field per item (the purpose's
``items`` required, its ``optional_items`` optional), each with the input its :class:`ItemKind` calls
for, then one consent box per consent the purpose asks (its own, then each optional purpose offered
with it, such as marketing), each with its notice. A purpose added to the policy file gets its form.

:func:`form_read` turns a POST into the ``fields`` and ``consents`` that
``collection.services.submission_record`` checks. Every posted name that is neither a control of the
page (CSRF token, honeypot, notice digest) nor a consent box is passed on as a field, so a field the
policy does not list is refused by the service, by name, like any other.

Names that cannot collide with the policy's codes (``[a-z][a-z0-9_]*``) carry a hyphen: consent boxes
are ``consent-<purpose>``, the honeypot is :data:`HONEYPOT`, the notice digest :data:`NOTICE_DIGEST`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.http import QueryDict

from policybound.collection.identifiers import identifiers_find
from policybound.collection.notices import consent_box_notice, provisions_allowed_by
from policybound.collection.validation import ALL, DEFAULT_MAX_LENGTH, offered_purposes
from policybound.policy.schema import Item, ItemKind, Policy, Purpose

HONEYPOT = "company-website"
NOTICE_DIGEST = "form-notice"
CONSENT_PREFIX = "consent-"
CONSENT_YES = "yes"
CONTROLS = frozenset({"csrfmiddlewaretoken", HONEYPOT, NOTICE_DIGEST})


@dataclass(frozen=True)
class Widget:
    """The HTML control of an item kind: ``element`` is ``input``, ``textarea``, ``checkboxes`` or
    ``radios`` (one answer of several)."""

    element: str
    type: str = "text"
    autocomplete: str = ""
    inputmode: str = ""
    spellcheck: bool = True


WIDGETS: dict[ItemKind, Widget] = {
    ItemKind.NAME: Widget("input", autocomplete="name", spellcheck=False),
    ItemKind.PHONE: Widget("input", type="tel", autocomplete="tel", inputmode="tel", spellcheck=False),
    ItemKind.EMAIL: Widget("input", type="email", autocomplete="email", spellcheck=False),
    ItemKind.ORGANIZATION: Widget("input", autocomplete="organization", spellcheck=False),
    ItemKind.SHORT_TEXT: Widget("input"),
    ItemKind.FREE_TEXT: Widget("textarea"),
    ItemKind.ADDRESS: Widget("textarea", autocomplete="street-address"),
    ItemKind.CHOICES: Widget("checkboxes"),
    ItemKind.CHOICE: Widget("radios"),
}


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class FormField:
    """One item of the purpose as its form shows it, with what the visitor typed and its errors."""

    code: str
    label: str
    help: str
    required: bool
    widget: Widget
    max_length: int
    value: str = ""
    options: list[Option] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def html_id(self) -> str:
        return f"field-{self.code}"

    @property
    def help_id(self) -> str:
        return f"help-{self.code}"

    @property
    def error_id(self) -> str:
        return f"error-{self.code}"

    @property
    def describedby(self) -> str:
        ids = [self.help_id] if self.help else []
        return " ".join([*ids, self.error_id] if self.errors else ids)


@dataclass(frozen=True)
class ConsentBox:
    """One consent the form asks, with the exact notice shown beside its box."""

    code: str
    label: str
    required: bool
    notice: str
    recipients: list[str] = field(default_factory=list)  # third parties this consent allows provision to
    checked: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return CONSENT_PREFIX + self.code

    @property
    def html_id(self) -> str:
        return f"consent-{self.code}"

    @property
    def notice_id(self) -> str:
        return f"notice-{self.code}"

    @property
    def error_id(self) -> str:
        return f"error-consent-{self.code}"

    @property
    def describedby(self) -> str:
        return f"{self.notice_id} {self.error_id}" if self.errors else self.notice_id


@dataclass(frozen=True)
class SummaryError:
    """One line of the error summary: a message and the control it links to (if any)."""

    message: str
    target: str = ""


@dataclass(frozen=True)
class PurposeForm:
    purpose: Purpose
    fields: list[FormField]
    consents: list[ConsentBox]
    digest: str
    general_errors: list[str] = field(default_factory=list)

    @property
    def summary(self) -> list[SummaryError]:
        lines = [SummaryError(message) for message in self.general_errors]
        for form_field in self.fields:
            lines += [SummaryError(message, form_field.html_id) for message in form_field.errors]
        for box in self.consents:
            lines += [SummaryError(message, box.html_id) for message in box.errors]
        return lines

    @property
    def notices(self) -> dict[str, str]:
        """The notice text shown beside each consent box, by consent code."""
        return {box.code: box.notice for box in self.consents}


def form_purpose(policy: Policy, code: str) -> Purpose | None:
    """The purpose whose public form lives at ``/forms/<code>/``, or ``None`` (an unknown or non-form code)."""
    return next((purpose for purpose in policy.form_purposes() if purpose.code == code), None)


def form_items(policy: Policy, purpose: Purpose) -> list[tuple[Item, bool]]:
    """The items a web form asks for, in the policy's order, each with whether it is required."""
    wanted = [(code, True) for code in purpose.items] + [(code, False) for code in purpose.optional_items]
    pairs = [(policy.item(code), required) for code, required in wanted]
    return [(item, required) for item, required in pairs if item.kind in WIDGETS]


def notice_digest(policy_sha256: str, notices: Mapping[str, str]) -> str:
    """A short fingerprint of the notices a page showed, to tell on POST that they are still the same."""
    text = policy_sha256 + "".join(f"\x00{code}\x00{notice}" for code, notice in sorted(notices.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _posted(data: QueryDict | None, name: str) -> list[str]:
    return [] if data is None else data.getlist(name)


def _field(item: Item, required: bool, *, lang: str, data: QueryDict | None, errors: list[str]) -> FormField:
    widget = WIDGETS[item.kind]
    posted = _posted(data, item.code)
    value = posted[0] if posted else ""
    if errors and value and identifiers_find(value):
        # A resident, passport, licence, alien or card number is never sent back to the browser.
        value = ""
    options = [
        Option(choice.code, choice.label.get(lang), choice.code in posted) for choice in item.choices
    ]
    return FormField(
        code=item.code,
        label=item.label.get(lang),
        help="" if item.help is None else item.help.get(lang),
        required=required,
        widget=widget,
        max_length=item.max_length or DEFAULT_MAX_LENGTH[item.kind],
        value=value if widget.element not in ("checkboxes", "radios") else "",
        options=options,
        errors=errors,
    )


def form_build(
    policy: Policy,
    purpose: Purpose,
    *,
    policy_sha256: str,
    lang: str,
    data: QueryDict | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> PurposeForm:
    """The form of ``purpose`` in ``lang``; with ``data`` and ``errors``, as re-shown after a refusal.

    Errors keyed by an item code go beside that field, by a consent code beside that box; any other
    key (a foreign field, ``__all__``) goes to the summary at the top.
    """
    errors = dict(errors or {})
    fields = [
        _field(item, required, lang=lang, data=data, errors=errors.pop(item.code, []))
        for item, required in form_items(policy, purpose)
    ]
    consents = []
    for offered in offered_purposes(policy, purpose):
        required = offered.code == purpose.code or offered.required
        consents.append(
            ConsentBox(
                code=offered.code,
                label=offered.label.get(lang),
                required=required,
                notice=consent_box_notice(policy, offered.code, lang=lang),
                recipients=[p.recipient.get(lang) for p in provisions_allowed_by(policy, offered.code)],
                checked=CONSENT_YES in _posted(data, CONSENT_PREFIX + offered.code),
                errors=errors.pop(offered.code, []),
            )
        )
    general = errors.pop(ALL, [])
    for messages in errors.values():
        general.extend(messages)
    notices = {box.code: box.notice for box in consents}
    return PurposeForm(
        purpose=purpose,
        fields=fields,
        consents=consents,
        digest=notice_digest(policy_sha256, notices),
        general_errors=general,
    )


def form_read(form: PurposeForm, data: QueryDict) -> tuple[dict[str, object], dict[str, object]]:
    """The ``fields`` and ``consents`` of a POST to ``form``, for ``submission_record`` to check.

    A choices item is a list of codes, any other field one text (a name posted twice is passed as a
    list, which the service refuses); an offered consent is ``True`` only when its box was ticked.
    """
    kinds = {form_field.code: form_field.widget.element for form_field in form.fields}
    fields: dict[str, object] = {}
    consents: dict[str, object] = {box.code: False for box in form.consents}
    for name in data:
        values = data.getlist(name)
        if name in CONTROLS:
            continue
        if name.startswith(CONSENT_PREFIX):
            code = name.removeprefix(CONSENT_PREFIX)
            consents[code] = True if values == [CONSENT_YES] else "|".join(values)[:20]
        elif kinds.get(name) == "checkboxes":
            fields[name] = values
        else:
            fields[name] = values[0] if len(values) == 1 else values
    return fields, consents


def honeypot_filled(data: QueryDict) -> bool:
    """Whether the field no person can see was filled in: a bot."""
    return any(value.strip() for value in data.getlist(HONEYPOT))
