"""The data sections a document block may print as a table (``table: processors``) or a list.

Each section turns one part of the data half into nodes. The published tables therefore show exactly
what the runtime enforces: a purpose's row lists the items its form accepts, a processor's row the
items its access is scoped to. Column headings default to the usual wording of a Korean privacy policy
(English beside it) and a block may replace them with ``columns:``.

A block names a section, optionally with a slice of its rows or entries: ``safeguards_administrative[:2]``
prints the first two entries, ``safeguards_administrative[2:]`` the rest, numbered on from 3, so another
list (the roles) can sit between them as the text needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel

from policybound.policy.periods import Period
from policybound.policy.render_layout import Row, RowSource
from policybound.policy.render_text import (
    Cell,
    Context,
    Inline,
    ListBlock,
    ListItem,
    Node,
    Para,
    RenderError,
    Table,
    link_or_text,
    paragraphs,
    plain,
    url_link,
)
from policybound.policy.schema import DestructionMethod, LegalBasis, Person, Purpose, Text

# The renderer's own words: column headings and row labels (Korean, English).
WORDS: Mapping[str, tuple[str, str]] = {
    "purpose": ("수집·이용 목적", "Purpose of collection and use"),
    "items": ("개인정보 항목", "Personal information items"),
    "kind": ("구분", "Type"),
    "basis": ("처리 근거", "Legal basis"),
    "retention": ("보유 및 이용 기간", "Retention period"),
    "law": ("보존 근거", "Legal basis"),
    "records": ("보존 대상", "Records kept"),
    "law_period": ("보존 기간", "Retention period"),
    "processor": ("수탁사", "Processor"),
    "tasks": ("위탁 업무 내용", "Tasks entrusted"),
    "sub_processor": ("재수탁사", "Sub-processor"),
    "sub_tasks": ("재위탁 업무 내용", "Tasks sub-entrusted"),
    "sub_of": ("{name} 재위탁업체", "sub-processor of {name}"),
    "field": ("구분", "Item"),
    "content": ("내용", "Details"),
    "recipient": ("이전 받는 업체", "Recipient"),
    "country": ("이전 되는 국가", "Country"),
    "transfer_items": ("이전 되는 개인정보 항목", "Personal information transferred"),
    "timing": ("이전 일시", "When"),
    "method": ("이전 방법", "How"),
    "transfer_purpose": ("이전 받는 자의 이용 목적", "Recipient's purpose of use"),
    "transfer_retention": ("보유 및 이용기간", "Retention period"),
    "third_party": ("제공받는 자", "Recipient"),
    "provision_purpose": ("제공 목적", "Purpose of provision"),
    "provision_items": ("제공 항목", "Items provided"),
    "provision_retention": ("보유 및 이용 기간", "Retention period"),
    "provision_basis": ("제공 근거", "Basis"),
    "separate_consent": ("‘{label}’ 별도 동의 (선택)", "Separate consent: “{label}” (optional)"),
    "by_law": ("법령에 따른 제공", "Provision required by law"),
    "medium": ("구분", "Medium"),
    "destruction_method": ("파기 방법", "Method of destruction"),
    "paper": ("종이에 출력된 개인정보", "Personal information on paper"),
    "electronic": ("전자적 파일 형태의 개인정보", "Personal information in electronic files"),
    "required": ("필수", "Required"),
    "optional": ("선택", "Optional"),
    "optional_items": ("선택: {labels}", "optional: {labels}"),
    "after": ("{events} 후 {period}", "{period} after {events}"),
    "at_once": ("{events} 시 지체 없이 파기", "destroyed without delay on {events}"),
    "from_collection": ("수집일로부터 {period}", "{period} from collection"),
    "max_lifetime": ("(최대 수집일로부터 {period})", "(at most {period} from collection)"),
    "or": (", ", " or "),
    "sep": (" : ", ": "),
    "phone": ("전화번호", "Phone"),
    "email": ("이메일", "Email"),
    "contact_role": ("구분", "Role"),
    "contact_name": ("성명", "Name"),
    "department": ("부서", "Department"),
    "contact": ("연락처", "Contact"),
    "department_name": ("부서명", "Department"),
    "person_in_charge": ("담당자", "Person in charge"),
    "remedy": ("기관", "Body"),
    "remedy_tasks": ("소관업무", "Tasks"),
    "homepage_phone": ("홈페이지/전화", "Website / phone"),
    "homepage": ("홈페이지", "Website"),
    "announced": ("공고일자", "Announced"),
    "effective": ("시행일자", "Effective"),
    "essential": ("(필수)", "(essential)"),
    "consent": ("정보주체의 동의", "consent"),
    "contract": ("계약의 체결·이행", "performance of a contract"),
    "law_basis": ("법령상 의무", "legal obligation"),
    "legitimate_interest": ("정당한 이익", "legitimate interests"),
}


def word(ctx: Context, key: str, **fields: str) -> str:
    ko, en = WORDS[key]
    return (en if ctx.lang == "en" else ko).format(**fields)


@dataclass(frozen=True)
class TableOptions:
    pick: slice
    columns: list[Text] | None
    caption: Inline | None


TableBuilder = Callable[[Context, TableOptions], list[Node]]
ListBuilder = Callable[[Context], list[ListItem]]


@dataclass(frozen=True)
class Section:
    """A section of the data that a block may print; ``table``/``items`` say in which forms."""

    description: str
    table: TableBuilder | None = None
    items: ListBuilder | None = None
    rows: RowSource | None = None  # the entries a table with declared columns lays out
    words: tuple[str, ...] = ()  # the words computed for each row, besides its fields

    @property
    def forms(self) -> frozenset[str]:
        return frozenset(
            form for form, builder in (("table", self.table), ("list", self.items)) if builder is not None
        )


_REFERENCE = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)(?:\[(?P<start>-?\d*):(?P<stop>-?\d*)\])?$")


def section_reference(reference: str, form: str) -> tuple[Section, slice]:
    """The section and slice a block names (``processors``, ``roles[1:]``); a clear error otherwise."""
    match = _REFERENCE.match(reference.strip())
    if match is None:
        raise RenderError(f"{form}: {reference!r} is not a section name such as processors or roles[:2]")
    section = RENDER_SECTIONS.get(match["name"])
    if section is None:
        known = ", ".join(sorted(RENDER_SECTIONS))
        raise RenderError(f"{form}: {match['name']!r} is not a section; the sections are: {known}")
    if form not in section.forms:
        other = " or ".join(sorted(section.forms))
        raise RenderError(f"{form}: the section {match['name']!r} prints as a {other}, not as a {form}")
    start = int(match["start"]) if match["start"] else None
    stop = int(match["stop"]) if match["stop"] else None
    return section, slice(start, stop)


def _columns(ctx: Context, options: TableOptions, defaults: list[str]) -> tuple[Inline, ...]:
    if options.columns is None:
        return tuple((word(ctx, key),) for key in defaults)
    if len(options.columns) != len(defaults):
        raise RenderError(f"columns: this table has {len(defaults)} columns, not {len(options.columns)}")
    return tuple(ctx.inline(text) for text in options.columns)


def _table(
    ctx: Context, options: TableOptions, defaults: list[str], rows: Iterable[tuple[Cell, ...]]
) -> list[Node]:
    picked = tuple(rows)[options.pick]
    if not picked:
        return []
    return [Table(columns=_columns(ctx, options, defaults), rows=picked, caption=options.caption)]


def _cell(*paras: Inline, bullets: Iterable[Inline] = ()) -> Cell:
    return Cell(paras=tuple(p for p in paras if p), bullets=tuple(bullets))


def _text_cell(ctx: Context, text: Text | None, *, local: BaseModel | None = None) -> Cell:
    if text is None:
        return Cell()
    return Cell(paras=tuple(p.inline for p in paragraphs(ctx, text, local=local)))


# ---------------------------------------------------------------------------------------------------
# Purposes


def _purpose_cell(ctx: Context, purpose: Purpose) -> Cell:
    return _cell(plain(ctx.inline(purpose.label), " (", ctx.inline(purpose.description), ")"))


def _items_cell(ctx: Context, purpose: Purpose) -> Cell:
    text = ctx.labels("item", purpose.items)
    if purpose.optional_items:
        text += f" ({word(ctx, 'optional_items', labels=ctx.labels('item', purpose.optional_items))})"
    return _cell((text,))


def retention_words(ctx: Context, purpose: Purpose) -> str:
    """A purpose's retention in words: ``컨설팅 종료 후 12 개월``, ``동의 철회 시 지체 없이 파기``."""
    retention = purpose.retention
    period = ctx.duration(retention.period)
    events = word(ctx, "or").join(ctx.t(event.label) for event in purpose.end_events)
    if retention.counted_from == "collection":
        text = word(ctx, "from_collection", period=period)
    elif retention.period == Period():
        text = word(ctx, "at_once", events=events)
    else:
        text = word(ctx, "after", events=events, period=period)
    if retention.max_lifetime is not None:
        text += " " + word(ctx, "max_lifetime", period=ctx.duration(retention.max_lifetime))
    return text


def _retention_cell(ctx: Context, purpose: Purpose) -> Cell:
    described = _text_cell(ctx, purpose.retention.description, local=purpose.retention).paras
    return _cell((retention_words(ctx, purpose),), *described)


_BASIS_WORD = {
    LegalBasis.CONSENT: "consent",
    LegalBasis.CONTRACT: "contract",
    LegalBasis.LAW: "law_basis",
    LegalBasis.LEGITIMATE_INTEREST: "legitimate_interest",
}


def _basis_words(ctx: Context, purpose: Purpose) -> str:
    basis = _BASIS_WORD[purpose.basis]
    return f"{word(ctx, 'required' if purpose.required else 'optional')} ({word(ctx, basis)})"


def _purposes_table(required: bool | None) -> TableBuilder:
    def build(ctx: Context, options: TableOptions) -> list[Node]:
        chosen = [p for p in ctx.policy.purposes if required is None or p.required == required]
        rows = ((_purpose_cell(ctx, p), _items_cell(ctx, p)) for p in chosen)
        return _table(ctx, options, ["purpose", "items"], rows)

    return build


def _purposes_full(ctx: Context, options: TableOptions) -> list[Node]:
    rows = (
        (_purpose_cell(ctx, p), _items_cell(ctx, p), _cell((_basis_words(ctx, p),)), _retention_cell(ctx, p))
        for p in ctx.policy.purposes
    )
    return _table(ctx, options, ["purpose", "items", "kind", "retention"], rows)


def _purposes_without_consent(ctx: Context, options: TableOptions) -> list[Node]:
    """Purposes processed without consent, with their legal basis (PIPA 22③ asks for them apart)."""
    rows = (
        (_purpose_cell(ctx, p), _items_cell(ctx, p), _cell((_basis_words(ctx, p),)), _retention_cell(ctx, p))
        for p in ctx.policy.purposes
        if p.basis != LegalBasis.CONSENT
    )
    return _table(ctx, options, ["purpose", "items", "basis", "retention"], rows)


def _purposes_retention(ctx: Context, options: TableOptions) -> list[Node]:
    rows = ((_cell(ctx.inline(p.label)), _retention_cell(ctx, p)) for p in ctx.policy.purposes)
    return _table(ctx, options, ["purpose", "retention"], rows)


# ---------------------------------------------------------------------------------------------------
# Legal retention, destruction


def _legal_retention_table(ctx: Context, options: TableOptions) -> list[Node]:
    rules = ctx.policy.legal_retention[options.pick]
    rows: list[tuple[Cell, ...]] = []
    index = 0
    while index < len(rules):
        law = ctx.t(rules[index].law)
        span = 1
        while index + span < len(rules) and ctx.t(rules[index + span].law) == law:
            span += 1
        for offset, rule in enumerate(rules[index : index + span]):
            law_cell = (
                Cell(paras=(ctx.inline(rule.law),), rowspan=span) if offset == 0 else Cell(continued=True)
            )
            period = _cell((ctx.duration(rule.period),), ctx.inline(rule.period_note, local=rule))
            rows.append((law_cell, _cell(ctx.inline(rule.records, local=rule)), period))
        index += span
    whole = TableOptions(pick=slice(None), columns=options.columns, caption=options.caption)
    return _table(ctx, whole, ["law", "records", "law_period"], rows)


def _legal_retention_items(ctx: Context) -> list[ListItem]:
    items = []
    for rule in ctx.policy.legal_retention:
        period = ctx.duration(rule.period)
        note = f" {ctx.t(rule.period_note)}" if rule.period_note else ""
        text = plain(
            ctx.inline(rule.law), word(ctx, "sep"), ctx.inline(rule.records, local=rule), f" ({period}{note})"
        )
        items.append(ListItem(text))
    return items


def _medium_label(ctx: Context, method: DestructionMethod) -> Inline:
    return ctx.inline(method.label) if method.label is not None else (word(ctx, method.medium),)


def _destruction_methods_items(ctx: Context) -> list[ListItem]:
    return [
        ListItem(plain(_medium_label(ctx, m), word(ctx, "sep"), ctx.inline(m.method)))
        for m in ctx.policy.destruction.methods
    ]


def _destruction_methods_table(ctx: Context, options: TableOptions) -> list[Node]:
    rows = (
        (_cell(_medium_label(ctx, m)), _cell(ctx.inline(m.method))) for m in ctx.policy.destruction.methods
    )
    return _table(ctx, options, ["medium", "destruction_method"], rows)


# ---------------------------------------------------------------------------------------------------
# Processors, transfers, third parties


def _processors_table(ctx: Context, options: TableOptions) -> list[Node]:
    rows = (
        (
            _cell(ctx.inline(p.name)),
            _cell(
                *_text_cell(ctx, p.tasks, local=p).paras,
                bullets=[ctx.inline(t, local=p) for t in p.task_list],
            ),
        )
        for p in ctx.policy.processors
    )
    return _table(ctx, options, ["processor", "tasks"], rows)


def _sub_processors_table(ctx: Context, options: TableOptions) -> list[Node]:
    rows = (
        (
            _cell(ctx.inline(sub.name), (word(ctx, "sub_of", name=ctx.t(parent.name)),)),
            _cell(
                *_text_cell(ctx, sub.tasks, local=sub).paras,
                bullets=[ctx.inline(t, local=sub) for t in sub.task_list],
            ),
        )
        for parent in ctx.policy.processors
        for sub in parent.sub_processors
    )
    return _table(ctx, options, ["sub_processor", "sub_tasks"], rows)


def _transfers_table(ctx: Context, options: TableOptions) -> list[Node]:
    nodes: list[Node] = []
    transfers = ctx.policy.transfers[options.pick]
    for transfer in transfers:
        recipient_lines = [ctx.inline(transfer.recipient, local=transfer)]
        if transfer.address is not None:
            recipient_lines.append(ctx.inline(transfer.address, local=transfer))
        if transfer.contact:
            recipient_lines.append((link_or_text(transfer.contact),))
        fields: list[tuple[str, Cell]] = [("recipient", _cell(*recipient_lines))]
        if transfer.country is not None:
            fields.append(("country", _cell(ctx.inline(transfer.country, local=transfer))))
        if transfer.items:
            fields.append(("transfer_items", _cell((ctx.labels("item", transfer.items),))))
        for key, text in (
            ("timing", transfer.timing),
            ("method", transfer.method),
            ("transfer_purpose", transfer.purpose),
            ("transfer_retention", transfer.retention),
        ):
            if text is not None:
                fields.append((key, _text_cell(ctx, text, local=transfer)))
        rows = [(_cell((word(ctx, key),)), cell) for key, cell in fields]
        caption = options.caption
        if caption is None and len(transfers) > 1:
            caption = ctx.inline(transfer.recipient, local=transfer)
        whole = TableOptions(pick=slice(None), columns=options.columns, caption=caption)
        nodes.extend(_table(ctx, whole, ["field", "content"], rows))
        if transfer.refusal is not None:
            nodes.extend(_noted(paragraphs(ctx, transfer.refusal, local=transfer)))
    return nodes


def _noted(paras: list[Para]) -> list[Node]:
    """Paragraphs printed as a note under a table (``※ …``), as Korean policies do."""
    return [Para(("※ ", *p.inline), "note") if p.kind != "note" else p for p in paras]


def _third_parties_table(ctx: Context, options: TableOptions) -> list[Node]:
    rows = []
    for party in ctx.policy.third_parties:
        if party.consent_purpose is not None:
            basis: Inline = (
                word(ctx, "separate_consent", label=ctx.label_of("purpose", party.consent_purpose)),
            )
        else:
            basis = (word(ctx, "by_law"),)
        rows.append(
            (
                _cell(ctx.inline(party.recipient, local=party)),
                _text_cell(ctx, party.purpose, local=party),
                _cell((ctx.labels("item", party.items),)),
                _text_cell(ctx, party.retention, local=party),
                _cell(basis, ctx.inline(party.refusal_effect, local=party)),
            )
        )
    columns = [
        "third_party",
        "provision_purpose",
        "provision_items",
        "provision_retention",
        "provision_basis",
    ]
    return _table(ctx, options, columns, rows)


# ---------------------------------------------------------------------------------------------------
# Simple lists


def _text_list(get: Callable[[Context], list[Text]]) -> ListBuilder:
    def build(ctx: Context) -> list[ListItem]:
        return [ListItem(ctx.inline(text)) for text in get(ctx)]

    return build


def _collection_methods_items(ctx: Context) -> list[ListItem]:
    items = []
    for method in ctx.policy.collection_methods:
        children = None
        if method.detail is not None:
            children = ListBlock((ListItem(ctx.inline(method.detail, local=method)),), style="hangul")
        items.append(ListItem(ctx.inline(method.label, local=method), children))
    return items


def _cookie_uses_items(ctx: Context) -> list[ListItem]:
    if ctx.policy.cookies is None:
        return []
    return [
        ListItem(
            plain(ctx.inline(use.label, local=use), f" {word(ctx, 'essential')}" if use.essential else "")
        )
        for use in ctx.policy.cookies.uses
    ]


def _roles_items(ctx: Context) -> list[ListItem]:
    return [
        ListItem(ctx.inline(role.description or role.label, local=role))
        for role in ctx.policy.roles
        if role.covered_by is None
    ]


# ---------------------------------------------------------------------------------------------------
# Contacts, remedies, dates


def _person_line(ctx: Context, person: Person) -> Inline:
    name = ctx.t(person.name)
    title = ctx.t(person.title)
    department = ctx.t(person.department)
    if ctx.lang == "en":
        who = ", ".join(part for part in (name, title, department) if part)
    else:
        who = " ".join(part for part in (department, name, title) if part)
    return plain(ctx.inline(person.role), word(ctx, "sep"), who)


def _person_item(ctx: Context, person: Person) -> ListItem:
    children = ListBlock(
        (
            ListItem(plain(f"{word(ctx, 'phone')}: ", person.phone)),
            ListItem(plain(f"{word(ctx, 'email')}: ", link_or_text(person.email))),
        )
    )
    return ListItem(_person_line(ctx, person), children)


def _people(ctx: Context, which: str) -> list[Person]:
    contacts = ctx.policy.contacts
    officer = [contacts.officer] if which in ("all", "officer") else []
    return officer + (list(contacts.staff) if which in ("all", "staff") else [])


def _contacts_items(which: str) -> ListBuilder:
    return lambda ctx: [_person_item(ctx, person) for person in _people(ctx, which)]


def _contacts_table(which: str) -> TableBuilder:
    def build(ctx: Context, options: TableOptions) -> list[Node]:
        rows = (
            (
                _cell(ctx.inline(p.role)),
                _cell(plain(ctx.t(p.name), f" {ctx.t(p.title)}" if p.title else "")),
                _cell(ctx.inline(p.department)),
                _cell((p.phone,), (link_or_text(p.email),)),
            )
            for p in _people(ctx, which)
        )
        return _table(ctx, options, ["contact_role", "contact_name", "department", "contact"], rows)

    return build


def _access_requests_items(ctx: Context) -> list[ListItem]:
    department = ctx.policy.contacts.access_requests
    sep = word(ctx, "sep")
    items = [ListItem(plain(word(ctx, "department_name"), sep, ctx.inline(department.name)))]
    if department.contact_name is not None:
        items.append(ListItem(plain(word(ctx, "person_in_charge"), sep, ctx.inline(department.contact_name))))
    items.append(
        ListItem(plain(word(ctx, "contact"), sep, department.phone, ", ", link_or_text(department.email)))
    )
    return items


def _access_requests_table(ctx: Context, options: TableOptions) -> list[Node]:
    department = ctx.policy.contacts.access_requests
    row = (
        _cell(ctx.inline(department.name)),
        _cell(ctx.inline(department.contact_name)),
        _cell((department.phone,), (link_or_text(department.email),)),
    )
    return _table(ctx, options, ["department_name", "person_in_charge", "contact"], [row])


def _remedies_items(ctx: Context) -> list[ListItem]:
    items = []
    sep = word(ctx, "sep")
    for remedy in ctx.policy.contacts.remedies:
        note = f"{ctx.t(remedy.phone_note)} " if remedy.phone_note else ""
        reach = plain(url_link(remedy.url), f" / {note}{remedy.phone}")
        if remedy.tasks is None:
            items.append(ListItem(plain(ctx.inline(remedy.name), sep, reach)))
            continue
        children = ListBlock(
            (
                ListItem(plain(word(ctx, "remedy_tasks"), sep, ctx.inline(remedy.tasks, local=remedy))),
                ListItem(plain(word(ctx, "homepage_phone"), sep, reach)),
            ),
            style="hangul",
        )
        items.append(ListItem(ctx.inline(remedy.name), children))
    return items


def _remedies_table(ctx: Context, options: TableOptions) -> list[Node]:
    rows = []
    for remedy in ctx.policy.contacts.remedies:
        note = f"{ctx.t(remedy.phone_note)} " if remedy.phone_note else ""
        rows.append(
            (
                _cell(ctx.inline(remedy.name)),
                _cell(ctx.inline(remedy.tasks, local=remedy)),
                _cell((url_link(remedy.url),)),
                _cell((f"{note}{remedy.phone}",)),
            )
        )
    return _table(ctx, options, ["remedy", "remedy_tasks", "homepage", "contact"], rows)


def _dates_items(ctx: Context) -> list[ListItem]:
    sep = word(ctx, "sep")
    return [
        ListItem(plain(word(ctx, "announced"), sep, ctx.date(ctx.policy.announced))),
        ListItem(plain(word(ctx, "effective"), sep, ctx.date(ctx.policy.effective))),
    ]


def _cookie_texts(name: str) -> Callable[[Context], list[Text]]:
    def get(ctx: Context) -> list[Text]:
        cookies = ctx.policy.cookies
        return [] if cookies is None else list(getattr(cookies, name))

    return get


# ---------------------------------------------------------------------------------------------------
# Rows for tables whose columns the file declares (policybound.policy.render_layout)

PURPOSE_WORDS = ("kind", "basis", "kind_and_basis", "purpose_and_description", "all_items", "retention_words")


def _purpose_rows(keep: Callable[[Purpose], bool]) -> RowSource:
    def rows(ctx: Context) -> list[Row]:
        return [
            Row(
                p,
                {
                    "kind": (word(ctx, "required" if p.required else "optional"),),
                    "basis": (word(ctx, _BASIS_WORD[p.basis]),),
                    "kind_and_basis": (_basis_words(ctx, p),),
                    "purpose_and_description": _purpose_cell(ctx, p).paras[0],
                    "all_items": _items_cell(ctx, p).paras[0],
                    "retention_words": (retention_words(ctx, p),),
                },
            )
            for p in ctx.policy.purposes
            if keep(p)
        ]

    return rows


def _purposes_section(description: str, table: TableBuilder, keep: Callable[[Purpose], bool]) -> Section:
    """A section of purposes: its default table, and the same purposes as entries for declared columns."""
    return Section(description, table=table, rows=_purpose_rows(keep), words=PURPOSE_WORDS)


def _plain_rows(get: Callable[[Context], Iterable[BaseModel]]) -> RowSource:
    return lambda ctx: [Row(entry) for entry in get(ctx)]


def _sub_processor_rows(ctx: Context) -> list[Row]:
    return [
        Row(sub, {"processor": ctx.inline(parent.name)})
        for parent in ctx.policy.processors
        for sub in parent.sub_processors
    ]


def _third_party_rows(ctx: Context) -> list[Row]:
    rows = []
    for party in ctx.policy.third_parties:
        if party.consent_purpose is not None:
            basis = word(ctx, "separate_consent", label=ctx.label_of("purpose", party.consent_purpose))
        else:
            basis = word(ctx, "by_law")
        rows.append(Row(party, {"basis": (basis,)}))
    return rows


def _destruction_rows(ctx: Context) -> list[Row]:
    return [Row(m, {"medium": _medium_label(ctx, m)}) for m in ctx.policy.destruction.methods]


RENDER_SECTIONS: Mapping[str, Section] = {
    "purposes": _purposes_section(
        "every purpose: items, required or optional and basis, retention", _purposes_full, lambda p: True
    ),
    "purposes_required": _purposes_section(
        "required purposes and their items", _purposes_table(True), lambda p: p.required
    ),
    "purposes_optional": _purposes_section(
        "optional purposes and their items", _purposes_table(False), lambda p: not p.required
    ),
    "purposes_without_consent": _purposes_section(
        "purposes processed without consent and their legal basis",
        _purposes_without_consent,
        lambda p: p.basis != LegalBasis.CONSENT,
    ),
    "purposes_retention": _purposes_section(
        "each purpose's retention period and the events it counts from", _purposes_retention, lambda p: True
    ),
    "legal_retention": Section(
        "records kept because a law says so",
        table=_legal_retention_table,
        items=_legal_retention_items,
        rows=_plain_rows(lambda c: c.policy.legal_retention),
    ),
    "collection_methods": Section("how personal information is collected", items=_collection_methods_items),
    "destruction_procedure": Section(
        "the destruction procedure", items=_text_list(lambda c: list(c.policy.destruction.procedure))
    ),
    "destruction_methods": Section(
        "how each medium is destroyed",
        table=_destruction_methods_table,
        items=_destruction_methods_items,
        rows=_destruction_rows,
        words=("medium",),
    ),
    "third_parties": Section(
        "provisions to third parties and their consents",
        table=_third_parties_table,
        rows=_third_party_rows,
        words=("basis",),
    ),
    "third_party_exceptions": Section(
        "when information is provided without consent",
        items=_text_list(lambda c: list(c.policy.third_party_exceptions)),
    ),
    "processors": Section(
        "processors, their tasks and items",
        table=_processors_table,
        rows=_plain_rows(lambda c: c.policy.processors),
    ),
    "sub_processors": Section(
        "sub-processors and their processors",
        table=_sub_processors_table,
        rows=_sub_processor_rows,
        words=("processor",),
    ),
    "transfers": Section(
        "overseas transfers, one table each, with how to refuse",
        table=_transfers_table,
        rows=_plain_rows(lambda c: c.policy.transfers),
    ),
    "rights_channels": Section(
        "where data subjects exercise their rights",
        items=_text_list(lambda c: list(c.policy.rights.channels)),
    ),
    "cookie_uses": Section("what cookies are used for", items=_cookie_uses_items),
    "cookie_refusal": Section("how to refuse cookies", items=_text_list(_cookie_texts("refusal"))),
    "safeguards_technical": Section(
        "technical safeguards", items=_text_list(lambda c: list(c.policy.safeguards.technical))
    ),
    "safeguards_administrative": Section(
        "administrative safeguards", items=_text_list(lambda c: list(c.policy.safeguards.administrative))
    ),
    "roles": Section("who handles personal information", items=_roles_items),
    "privacy_contacts": Section(
        "the privacy officer and staff", table=_contacts_table("all"), items=_contacts_items("all")
    ),
    "officer": Section(
        "the privacy officer", table=_contacts_table("officer"), items=_contacts_items("officer")
    ),
    "staff": Section("the privacy staff", table=_contacts_table("staff"), items=_contacts_items("staff")),
    "access_requests": Section(
        "the department for access requests", table=_access_requests_table, items=_access_requests_items
    ),
    "remedies": Section(
        "bodies for remedies",
        table=_remedies_table,
        items=_remedies_items,
        rows=_plain_rows(lambda c: c.policy.contacts.remedies),
    ),
    "dates": Section("announcement and effective dates", items=_dates_items),
}
