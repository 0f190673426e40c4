"""The policy's lint: cross-references the schema cannot see, and what the law asks of the text.

:func:`policybound.policy.loader.policy_parse` checks each node's shape; this module checks the file as
a whole. Every finding is a :class:`~policybound.policy.loader.Problem` on the YAML line of the node
at fault, so ``policybound policy check`` reads like a compiler's output.

*Errors* stop publication: a dangling reference (an item a purpose collects but nobody declared), a
duplicate code, a disclosure the law requires and the file omits (PIPA 28-8② for an overseas
transfer, 30①/31 for the privacy officer), or a promise the runtime cannot keep (an optional consent
that blocks the service, PIPA 16③/22⑤).

*Warnings* do not stop publication. They name the article where a policy (often an older one, such
as the 2022 seed) falls short of the law as it stands today, so that whoever maintains the file sees
what to fix. Some of them read the published wording, which is prose; their patterns are deliberately
narrow and say in the message what they looked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from policybound.policy.loader import LoadedPolicy, Location, Problem
from policybound.policy.periods import Period
from policybound.policy.render import RenderError, policy_render, render_problems
from policybound.policy.schema import ItemKind, LegalBasis, Policy, Purpose, Sensitivity, Text, Transfer


@dataclass
class _Report:
    loaded: LoadedPolicy
    problems: list[Problem] = field(default_factory=list)

    def error(self, location: Location, message: str) -> None:
        self.problems.append(Problem(self.loaded.lines.line_of(location), message, "error"))

    def warn(self, location: Location, message: str) -> None:
        self.problems.append(Problem(self.loaded.lines.line_of(location), message, "warning"))


def policy_lint(loaded: LoadedPolicy) -> list[Problem]:
    """Every cross-reference and law problem of a parsed policy, errors and warnings, by line."""
    report = _Report(loaded)
    policy = loaded.policy
    for check in _CHECKS:
        check(policy, report)
    return sorted(report.problems, key=lambda problem: problem.line)


def policy_errors(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity == "error"]


def form_fields_undisclosed(policy: Policy, purpose_code: str, field_codes: Sequence[str]) -> list[str]:
    """The fields a form collects for ``purpose_code`` that the policy does not list for that purpose.

    A form may only collect what the published policy names (PIPA 15②, 30①); anything else is
    collection the subject was never told about. Returns the offending codes in the order given,
    each once; an empty list means the form matches the policy. An unknown purpose is a ``KeyError``.
    """
    purpose = next((p for p in policy.purposes if p.code == purpose_code), None)
    if purpose is None:
        raise KeyError(f"the policy has no purpose {purpose_code!r}")
    disclosed = {*purpose.items, *purpose.optional_items}
    return list(dict.fromkeys(code for code in field_codes if code not in disclosed))


# --- cross-references ---------------------------------------------------------------------------


def _check_duplicate_codes(policy: Policy, report: _Report) -> None:
    collections: list[tuple[Location, Sequence[object]]] = [
        (("items",), policy.items),
        (("purposes",), policy.purposes),
        (("collection_methods",), policy.collection_methods),
        (("legal_retention",), policy.legal_retention),
        (("processors",), policy.processors),
        (("third_parties",), policy.third_parties),
        (("transfers",), policy.transfers),
        (("roles",), policy.roles),
        (("document", "articles"), policy.document.articles),
    ]
    collections += [(("items", i, "choices"), item.choices) for i, item in enumerate(policy.items)]
    collections += [(("purposes", i, "end_events"), p.end_events) for i, p in enumerate(policy.purposes)]
    if policy.cookies is not None:
        collections.append((("cookies", "uses"), policy.cookies.uses))
    for base, entries in collections:
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            code = str(getattr(entry, "code"))  # noqa: B009 - every entry of these lists has a code
            if code in seen:
                report.error((*base, index, "code"), f"{'.'.join(map(str, base))}: duplicate code {code!r}")
            seen.add(code)
    seen_sub: set[str] = set()
    for i, processor in enumerate(policy.processors):
        for k, sub in enumerate(processor.sub_processors):
            if sub.code in seen_sub:
                report.error(
                    ("processors", i, "sub_processors", k, "code"), f"sub-processors: duplicate code {sub.code!r}"
                )
            seen_sub.add(sub.code)


def _item_references(policy: Policy) -> Iterator[tuple[Location, str, str]]:
    """(location, item code, who uses it) for every place that names an item."""
    for i, purpose in enumerate(policy.purposes):
        for key in ("items", "optional_items"):
            for j, code in enumerate(getattr(purpose, key)):
                yield ("purposes", i, key, j), code, f"purpose {purpose.code!r}"
    for i, processor in enumerate(policy.processors):
        for j, code in enumerate(processor.items):
            yield ("processors", i, "items", j), code, f"processor {processor.code!r}"
        for k, sub in enumerate(processor.sub_processors):
            for j, code in enumerate(sub.items):
                yield ("processors", i, "sub_processors", k, "items", j), code, f"sub-processor {sub.code!r}"
    for i, transfer in enumerate(policy.transfers):
        for j, code in enumerate(transfer.items):
            yield ("transfers", i, "items", j), code, f"transfer {transfer.code!r}"
    for i, third_party in enumerate(policy.third_parties):
        for j, code in enumerate(third_party.items):
            yield ("third_parties", i, "items", j), code, f"third party {third_party.code!r}"


def _check_item_references(policy: Policy, report: _Report) -> None:
    declared = {item.code for item in policy.items}
    for location, code, user in _item_references(policy):
        if code not in declared:
            report.error(location, f"{user} uses the item {code!r}, which is not declared under items:")


def _check_other_references(policy: Policy, report: _Report) -> None:
    purposes = {p.code: p for p in policy.purposes}
    methods = {m.code for m in policy.collection_methods}
    recipients = {p.code for p in policy.processors} | {
        sub.code for p in policy.processors for sub in p.sub_processors
    }
    for i, purpose in enumerate(policy.purposes):
        for j, code in enumerate(purpose.collected_by):
            if code not in methods:
                report.error(
                    ("purposes", i, "collected_by", j),
                    f"purpose {purpose.code!r} names the collection method {code!r}, "
                    "which is not declared under collection_methods:",
                )
        for j, code in enumerate(purpose.offered_with):
            if code not in purposes:
                report.error(
                    ("purposes", i, "offered_with", j),
                    f"purpose {purpose.code!r} is offered with {code!r}, which is not a purpose",
                )
        if purpose.offered_with and purpose.required:
            report.error(
                ("purposes", i, "required"),
                f"purpose {purpose.code!r} is offered as a separate consent box on other forms, "
                "so it must be optional (required: false)",
            )
    for i, processor in enumerate(policy.processors):
        for j, code in enumerate(processor.purposes):
            if code not in purposes:
                report.error(
                    ("processors", i, "purposes", j),
                    f"processor {processor.code!r} names the purpose {code!r}, which is not declared",
                )
    for i, transfer in enumerate(policy.transfers):
        if transfer.processor is not None and transfer.processor not in recipients:
            report.error(
                ("transfers", i, "processor"),
                f"transfer {transfer.code!r} names the processor {transfer.processor!r}, "
                "which is neither a processor nor a sub-processor",
            )
    roles = {role.code for role in policy.roles}
    for i, role in enumerate(policy.roles):
        if role.covered_by is not None and role.covered_by not in roles:
            report.error(
                ("roles", i, "covered_by"), f"role {role.code!r} is covered_by {role.covered_by!r}, which is not a role"
            )
        if role.purposes == "all":
            continue
        for j, code in enumerate(role.purposes):
            if code not in purposes:
                report.error(
                    ("roles", i, "purposes", j), f"role {role.code!r} names the unknown purpose {code!r}"
                )


def _check_consent_purposes(policy: Policy, report: _Report) -> None:
    purposes = {p.code: p for p in policy.purposes}
    for i, third_party in enumerate(policy.third_parties):
        code = third_party.consent_purpose
        if code is None:
            continue
        purpose = purposes.get(code)
        if purpose is None or purpose.required:
            what = "is not declared" if purpose is None else "is a required purpose"
            report.error(
                ("third_parties", i, "consent_purpose"),
                f"third party {third_party.code!r}: consent_purpose {code!r} {what}; a provision to a "
                "third party needs its own optional consent (PIPA 17①1, 22①3)",
            )


# --- purposes -----------------------------------------------------------------------------------


def _check_purposes(policy: Policy, report: _Report) -> None:
    for i, purpose in enumerate(policy.purposes):
        if not purpose.items:
            report.error(("purposes", i, "items"), f"purpose {purpose.code!r} collects no items")
        if not purpose.end_events and purpose.retention.counted_from == "end":
            report.error(
                ("purposes", i, "end_events"),
                f"purpose {purpose.code!r} has no end events, so its retention period "
                f"({purpose.retention.period.iso()} after the service ends) would never start",
            )
        if not purpose.required and purpose.condition_of_service:
            report.error(
                ("purposes", i, "condition_of_service"),
                f"purpose {purpose.code!r} is optional but marked condition_of_service: refusing an "
                "optional consent must never cost the service (PIPA 16③, 22⑤)",
            )


def _check_choices(policy: Policy, report: _Report) -> None:
    """A question answered by choosing needs something to choose from: two options at least."""
    for i, item in enumerate(policy.items):
        if item.kind in (ItemKind.CHOICES, ItemKind.CHOICE) and len(item.choices) < 2:
            report.error(
                ("items", i, "kind"),
                f"item {item.code!r}: a {item.kind.value} item needs at least two choices: under it",
            )
        elif item.kind not in (ItemKind.CHOICES, ItemKind.CHOICE) and item.choices:
            report.error(
                ("items", i, "choices"), f"item {item.code!r}: only a choices or choice item has choices:"
            )


def _check_free_text(policy: Policy, report: _Report) -> None:
    kinds = {item.code: item.kind for item in policy.items}
    for i, purpose in enumerate(policy.purposes):
        if not purpose.web_form:
            continue
        for key in ("items", "optional_items"):
            for j, code in enumerate(getattr(purpose, key)):
                if kinds.get(code) == ItemKind.FREE_TEXT:
                    report.warn(
                        ("purposes", i, key, j),
                        f"purpose {purpose.code!r}: the free-text item {code!r} may contain a resident "
                        "registration number (주민등록번호), which may not be collected without a legal "
                        "basis (PIPA 24-2); the form scans free text and refuses one",
                    )


# Which purposes each document section prints with their items (render_sections' purpose tables).
_PURPOSE_TABLES: dict[str, Callable[[Purpose], bool]] = {
    "purposes": lambda p: True,
    "purposes_required": lambda p: p.required,
    "purposes_optional": lambda p: not p.required,
    "purposes_without_consent": lambda p: p.basis != LegalBasis.CONSENT,
}


def _purposes_with_items_published(policy: Policy) -> set[str]:
    sections = {
        (block.table or "").split("[", 1)[0]
        for article in policy.document.articles
        for block in article.blocks
        if block.table
    }
    shown: set[str] = set()
    for section in sections & _PURPOSE_TABLES.keys():
        chooses = _PURPOSE_TABLES[section]
        shown |= {p.code for p in policy.purposes if chooses(p)}
    return shown


def _check_forms_disclosed(policy: Policy, report: _Report) -> None:
    """A form, or a consent box on one, that collects items the published text never lists (PIPA 30①).

    The forms are generated from ``purposes``; the published text lists a purpose's items only where
    the document has a purposes table that includes it. A form whose items no table prints would
    collect what the policy does not disclose.
    """
    published = _purposes_with_items_published(policy)
    for i, purpose in enumerate(policy.purposes):
        collected = purpose.web_form or bool(purpose.offered_with)
        if collected and purpose.code not in published:
            labels = ", ".join([*purpose.items, *purpose.optional_items])
            report.warn(
                ("purposes", i),
                f"purpose {purpose.code!r} is collected on a web form ({labels}), but no purposes table "
                "of the document lists its items, so the published policy does not disclose what the "
                "form collects (PIPA 30①); add a `table: purposes` block (or purposes_required/optional)",
            )


# --- transfers ----------------------------------------------------------------------------------

_TRANSFER_DISCLOSURES = (
    "recipient",
    "contact",
    "country",
    "items",
    "timing",
    "method",
    "purpose",
    "retention",
    "refusal",
)

# Words that describe a way to refuse: a channel (mail, phone, a link, a placeholder printing one)
# or an act (request, withdraw). "서비스가 제한될 수 있습니다" alone names the cost, not the way.
_REFUSAL_WAY = re.compile(
    r"@|https?://|\{\{|전화|메일|연락|요청|신청|철회|문의|홈페이지|"
    r"\bemail\b|\bphone\b|\bcontact\b|\brequest\b|\bwithdraw|\bwebsite\b",
    re.IGNORECASE,
)
_COUNTED_FROM_CONSENT = re.compile(r"동의\s*(후|일|한\s*날|시점)|(after|from)\s+(the\s+)?consent", re.IGNORECASE)


def _blank(value: object) -> bool:
    if isinstance(value, Text):
        return not (value.ko.strip() or value.en.strip())
    if isinstance(value, str):
        return not value.strip()
    return not value


def _both(text: Text) -> str:
    return f"{text.ko}\n{text.en}"


def _check_transfers(policy: Policy, report: _Report) -> None:
    for i, transfer in enumerate(policy.transfers):
        missing = [name for name in _TRANSFER_DISCLOSURES if _blank(getattr(transfer, name))]
        if missing:
            report.error(
                ("transfers", i),
                f"transfer {transfer.code!r} does not disclose {', '.join(missing)}: an overseas transfer "
                "must publish each of these (PIPA 28-8②)",
            )
        _warn_transfer_wording(transfer, i, report)


def _warn_transfer_wording(transfer: Transfer, index: int, report: _Report) -> None:
    if transfer.refusal is not None and not _REFUSAL_WAY.search(_both(transfer.refusal)):
        report.warn(
            ("transfers", index, "refusal"),
            f"transfer {transfer.code!r}: the refusal text says what refusing costs but not how to "
            "refuse (a channel or procedure); PIPA 28-8② asks for both",
        )
    if transfer.retention is not None and _COUNTED_FROM_CONSENT.search(_both(transfer.retention)):
        report.warn(
            ("transfers", index, "retention"),
            f"transfer {transfer.code!r}: the recipient's retention is counted from consent, but records "
            "are kept for a period after the purpose ends; state the recipient's retention the same "
            "way (PIPA 21①, 28-8②)",
        )


# --- the officer and the dates ------------------------------------------------------------------


def _check_officer(policy: Policy, report: _Report) -> None:
    officer = policy.contacts.officer
    for key in ("phone", "email"):
        if not str(getattr(officer, key)).strip():
            report.error(
                ("contacts", "officer", key),
                f"the privacy officer's {key} is missing: the policy must publish how to reach the "
                "privacy officer (PIPA 30①, 31)",
            )


def _check_dates(policy: Policy, report: _Report) -> None:
    if policy.effective < policy.announced:
        report.error(
            ("effective",),
            f"the effective date {policy.effective} is before the announced date {policy.announced}: "
            "a policy takes effect only after it is announced",
        )


# --- the document -----------------------------------------------------------------------------

# Reported by the cross-reference checks already, on a better line.
_DANGLING = re.compile(r"^the (item|purpose|method) '[^']*' is not declared in the policy$")


def _check_document(policy: Policy, report: _Report) -> None:
    """Unknown ``table:``/``list:`` sections and ``{{ placeholders }}`` naming nothing (the renderer's own
    checks, so that ``check`` and the page agree on what renders)."""
    for problem in render_problems(policy):
        if not _DANGLING.match(problem.message):
            report.error(problem.location, problem.message)


# --- what the published wording must say --------------------------------------------------------

_WITHOUT_CONSENT_CLAIM = re.compile(r"동의\s*없이[^.\n]*수집")
_RECONSENT = re.compile(
    r"2\s*년\s*마다|재\s*동의|수신\s*동의\s*여부|every\s+(2|two)\s+years|re-?confirm", re.IGNORECASE
)
# The document sections that print each purpose's legal basis beside its items.
_SECTIONS_WITH_BASIS = re.compile(r"^(purposes|purposes_without_consent)(\[|$)")


def _all_texts(policy: Policy) -> Iterator[Text]:
    for article in policy.document.articles:
        yield article.title
        for block in article.blocks:
            for text in (block.text, block.heading):
                if text is not None:
                    yield text
    for purpose in policy.purposes:
        yield purpose.description
        for text in (purpose.refusal_effect, purpose.retention.description):
            if text is not None:
                yield text


def _published_wording(policy: Policy) -> str:
    """The policy as the public reads it, in both languages; its raw texts if it does not render."""
    try:
        return policy_render(policy, lang="ko", fmt="md") + "\n" + policy_render(policy, lang="en", fmt="md")
    except RenderError:
        return "\n".join(_both(text) for text in _all_texts(policy))


def _prints_basis(policy: Policy) -> bool:
    tables = (block.table or "" for article in policy.document.articles for block in article.blocks)
    return any(_SECTIONS_WITH_BASIS.match(table.strip()) for table in tables)


def _check_wording(policy: Policy, report: _Report) -> None:
    wording = _published_wording(policy)
    without_consent = [i for i, p in enumerate(policy.purposes) if p.basis != LegalBasis.CONSENT]
    if not without_consent and _WITHOUT_CONSENT_CLAIM.search(wording):
        report.warn(
            ("purposes",),
            "the text says personal information may be collected without consent (동의 없이 … 수집), but "
            "no purpose has a legal basis other than consent: disclose those items and their legal basis "
            "separately (PIPA 22③), as purposes with basis: contract or law",
        )
    if without_consent and not _prints_basis(policy):
        report.warn(
            ("purposes", without_consent[0], "basis"),
            "purposes processed without consent are not published with their legal basis: add a block "
            "with table: purposes, which prints each purpose's basis beside its items (PIPA 22③)",
        )
    for i, purpose in enumerate(policy.purposes):
        if purpose.marketing and not _RECONSENT.search(wording):
            report.warn(
                ("purposes", i, "marketing"),
                f"purpose {purpose.code!r} sends marketing, but the policy does not say that consent to "
                "receive it is re-confirmed every 2 years (정보통신망법 시행령 62의3)",
            )
            break


# --- sections, consent boxes, lifetimes, identifiers, withdrawal (issue: no promise unkept) ------

# A data section the law requires published, the document sections that show it, and the article.
_REQUIRED_SECTIONS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("transfers", ("transfers",), "PIPA 28-8②, 30①"),
    ("third_parties", ("third_parties",), "PIPA 30①3"),
    ("processors", ("processors",), "PIPA 26②, 30①5"),
    ("legal_retention", ("legal_retention",), "PIPA 21①, 30①2"),
)


def _sections_shown(policy: Policy) -> set[str]:
    return {
        name.split("[", 1)[0].strip()
        for article in policy.document.articles
        for block in article.blocks
        for name in (block.table, block.bullets)
        if name
    }


def _check_sections_shown(policy: Policy, report: _Report) -> None:
    """A section the data declares (transfers, provisions, processors, legal retention) is published."""
    shown = _sections_shown(policy)
    for field_name, sections, article in _REQUIRED_SECTIONS:
        if getattr(policy, field_name) and not shown & set(sections):
            report.error(
                (field_name,),
                f"{field_name} are declared but the document never shows them: add a block with "
                f"`table: {sections[0]}`; the law requires them published ({article})",
            )


def _check_consent_boxes(policy: Policy, report: _Report) -> None:
    """A consent box names only items its form can collect (PIPA 15②2, 17②2).

    The box of an optional purpose offered with a form names that purpose's ``items`` (its
    ``optional_items`` are taken where a form has them) and the items of each provision it allows.
    """
    for i, offered in enumerate(policy.purposes):
        provided = [code for t in policy.third_parties if t.consent_purpose == offered.code for code in t.items]
        named = list(dict.fromkeys([*offered.items, *provided]))
        for j, code in enumerate(offered.offered_with):
            form = next((p for p in policy.purposes if p.code == code), None)
            if form is None:
                continue  # reported by the cross-reference check
            collectable = {*form.items, *form.optional_items}
            missing = [item for item in named if item not in collectable]
            if missing:
                report.error(
                    ("purposes", i, "offered_with", j),
                    f"the consent box for {offered.code!r} on the {form.code!r} form names items that form "
                    f"cannot collect ({', '.join(missing)}): a consent must name what is collected "
                    "(PIPA 15②2, 17②2); make them optional_items of the offered purpose or collect them",
                )


def _check_lifetimes(policy: Policy, report: _Report) -> None:
    """A purpose that ends only when someone acts, with no maximum lifetime, keeps records for ever (PIPA 21①).

    A purpose whose every end event is the person's own withdrawal rests on a consent they control;
    one counted from collection ends by its period.
    """
    for i, purpose in enumerate(policy.purposes):
        retention = purpose.retention
        if retention.counted_from == "collection" or retention.max_lifetime is not None:
            continue
        acts = [end for end in purpose.end_events if not end.withdrawal]
        if acts or not purpose.end_events:
            names = ", ".join(end.code for end in acts) or "none"
            report.error(
                ("purposes", i, "retention"),
                f"purpose {purpose.code!r} ends only when someone acts (end events: {names}) and has no "
                "retention.max_lifetime: a record nobody ends is kept for ever; give it a maximum lifetime "
                "and state it in the text (PIPA 21①)",
            )


def _check_identifiers(policy: Policy, report: _Report) -> None:
    """Resident numbers only on a legal basis (24-2①); other identifiers and sensitive items on a
    separate consent of their own (24①, 23①), taken as optional items beside it."""
    items = {item.code: item for item in policy.items}
    for i, purpose in enumerate(policy.purposes):
        for key in ("items", "optional_items"):
            for j, code in enumerate(getattr(purpose, key)):
                item = items.get(code)
                if item is None:
                    continue
                where = ("purposes", i, key, j)
                if item.sensitivity is Sensitivity.RESIDENT_NUMBER and purpose.basis is not LegalBasis.LAW:
                    report.error(
                        where,
                        f"purpose {purpose.code!r} collects the resident registration number {code!r} "
                        "without a legal basis (basis: law): PIPA 24-2① allows it only where a law requires it",
                    )
                    continue
                if _separately_consented(policy, purpose, code) or purpose.code in _separate_consent_codes(policy):
                    continue
                article = "PIPA 24①" if item.sensitivity is Sensitivity.UNIQUE_IDENTIFIER else "PIPA 23①"
                report.error(
                    where,
                    f"purpose {purpose.code!r} collects {code!r} ({item.sensitivity.value}) without its own "
                    "separate consent: offer an optional purpose with only such items, offered_with this "
                    f"purpose, and list the item under optional_items here ({article})",
                )


def _separate_consent_codes(policy: Policy) -> set[str]:
    """Purposes that are themselves separate consents for special items (their items are all special)."""
    special = (Sensitivity.UNIQUE_IDENTIFIER, Sensitivity.SENSITIVE)
    kinds = {item.code: item.sensitivity for item in policy.items}
    return {
        p.code
        for p in policy.purposes
        if p.offered_with and p.items and all(kinds.get(code) in special for code in (*p.items, *p.optional_items))
    }


def _separately_consented(policy: Policy, purpose: Purpose, code: str) -> bool:
    needed = policy.separate_consents_for(purpose, code)
    return needed is None or (bool(needed) and code in purpose.optional_items)


def _check_withdrawal_wording(policy: Policy, report: _Report) -> None:
    """Text that keeps data for a period after a consent is withdrawn: the system destroys at once (37③)."""
    for i, purpose in enumerate(policy.purposes):
        retention = purpose.retention
        if retention.counted_from != "end" or retention.period == Period():
            continue
        for k, end in enumerate(purpose.end_events):
            if end.withdrawal:
                report.warn(
                    ("purposes", i, "end_events", k),
                    f"purpose {purpose.code!r}: the text keeps data {retention.period.iso()} after "
                    f"{end.code!r}, a withdrawal of consent; the system destroys it without delay, as "
                    "PIPA 37③ requires: say so in the text",
                )


_DURATION = re.compile(r"(\d+)\s*(년|개월|달|주|일)(?!\s*[이이내]?\s*(?:이내|마다))")
_RETENTION_WORDS = re.compile(r"보유|보관|보존|파기|이용기간|이용 기간")
_UNIT_DAYS = {"년": 365, "개월": 30, "달": 30, "주": 7, "일": 1}


def _approximate_days(period: Period) -> int:
    return period.years * 365 + period.months * 30 + period.days


def _purposes_named(policy: Policy, text: str) -> list[Purpose]:
    return [
        p for p in policy.purposes if f"purposes.{p.code}." in text or (p.label.ko and p.label.ko in text)
    ]


def _check_prose_durations(policy: Policy, report: _Report) -> None:
    """Prose that states a retention duration no period of the purposes it names has (PIPA 30①2).

    Prose is not data: a paragraph naming a purpose and a literal duration beside a word of keeping
    is compared with that purpose's periods (retention, maximum lifetime) and the legal ones. A
    mismatch is an error when the paragraph names one purpose and one duration, a warning otherwise.
    """
    legal = {_approximate_days(rule.period) for rule in policy.legal_retention}
    for a, article in enumerate(policy.document.articles):
        for b, block in enumerate(article.blocks):
            if block.text is None:
                continue
            for paragraph in block.text.ko.split("\n\n"):
                if not _RETENTION_WORDS.search(paragraph):
                    continue
                named = _purposes_named(policy, paragraph)
                durations = _DURATION.findall(paragraph)
                if not named or not durations:
                    continue
                known = set(legal)
                for purpose in named:
                    known.add(_approximate_days(purpose.retention.period))
                    if purpose.retention.max_lifetime is not None:
                        known.add(_approximate_days(purpose.retention.max_lifetime))
                stray = [f"{n}{unit}" for n, unit in durations if int(n) * _UNIT_DAYS[unit] not in known]
                if not stray:
                    continue
                message = (
                    f"article {article.code!r}: the text states {', '.join(stray)}, which is no retention "
                    f"period of {', '.join(p.code for p in named)} in the data; print the period with a "
                    "{{ purposes.<code>.retention.period }} placeholder (PIPA 30①2)"
                )
                location = ("document", "articles", a, "blocks", b, "text")
                if len(named) == 1 and len(durations) == 1:
                    report.error(location, message)
                else:
                    report.warn(location, message + " (unsure: the paragraph names several)")


_CHECKS = (
    _check_duplicate_codes,
    _check_item_references,
    _check_other_references,
    _check_consent_purposes,
    _check_purposes,
    _check_choices,
    _check_free_text,
    _check_forms_disclosed,
    _check_transfers,
    _check_officer,
    _check_dates,
    _check_document,
    _check_wording,
    _check_sections_shown,
    _check_consent_boxes,
    _check_lifetimes,
    _check_identifiers,
    _check_withdrawal_wording,
    _check_prose_durations,
)
