"""The policy file's schema: pydantic v2 models for ``policies/*.yaml``.

A policy file has two halves. The *data* half (``controller`` … ``contacts``) is what the runtime
enforces: what each purpose may collect, its legal basis, when its records die, who may see them. The
*document* half (``document``) is only the published text's layout: an ordered list of articles whose
blocks are prose or tables/lists generated from the data, so the published policy cannot say something
the system does not do. Codes (``consulting``, ``email``) are stable ASCII identifiers that code,
forms, receipts and the API use; labels are Korean first, English beside.

Cross-references (an item named by a purpose but not declared, …) are not checked here but in
:mod:`policybound.policy.lint`, so that ``policy check`` can report every problem with its line.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from policybound.policy.periods import Period

Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a policy file must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text in Korean with its English translation. Either may hold Markdown-light prose."""

    ko: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.ko


class ItemKind(StrEnum):
    """How a value is validated, normalised, masked and indexed."""

    NAME = "name"
    PHONE = "phone"
    EMAIL = "email"
    ORGANIZATION = "organization"  # a company name: creates or links an Organization record
    SHORT_TEXT = "short_text"  # a position, a department
    FREE_TEXT = "free_text"  # a question: scanned for resident numbers and card numbers
    CHOICES = "choices"  # one or more of ``choices`` (areas of interest): checkboxes
    CHOICE = "choice"  # exactly one of ``choices`` (a question with one answer): radio buttons
    ADDRESS = "address"
    OTHER = "other"  # collected by other laws or channels; never on a web form


class Sensitivity(StrEnum):
    ORDINARY = "ordinary"
    UNIQUE_IDENTIFIER = "unique_identifier"  # 고유식별정보 (PIPA 24)
    RESIDENT_NUMBER = "resident_number"  # 주민등록번호 (PIPA 24-2)
    SENSITIVE = "sensitive"  # 민감정보 (PIPA 23)


class Choice(Strict):
    code: Code
    label: Text


class Item(Strict):
    """One kind of personal information (개인정보 항목) the company processes."""

    code: Code
    label: Text
    kind: ItemKind
    sensitivity: Sensitivity = Sensitivity.ORDINARY
    max_length: int | None = Field(default=None, ge=1, le=10_000)
    choices: list[Choice] = []
    help: Text | None = None


class LegalBasis(StrEnum):
    CONSENT = "consent"  # PIPA 15①1
    CONTRACT = "contract"  # PIPA 15①4
    LAW = "law"  # PIPA 15①2
    LEGITIMATE_INTEREST = "legitimate_interest"  # PIPA 15①6


class EndEvent(Strict):
    """An event that ends the service for a purpose and starts its retention clock.

    ``withdrawal`` marks the events by which the person withdraws the purpose's consent (unsubscribing
    from a newsletter, opting out of marketing): their records are destroyed without delay, whatever
    the retention period (PIPA 37③), so the code never has to know an event by its name.
    """

    code: Code
    label: Text
    withdrawal: bool = Field(default=False, description="the person withdraws consent by it: destroy without delay")


class Retention(Strict):
    """How long a purpose's records are kept: ``period`` after one of the purpose's end events.

    ``max_lifetime`` ends an engagement that nobody ended, counted from its start.
    """

    period: Period
    counted_from: Literal["end", "collection"] = "end"
    max_lifetime: Period | None = None
    description: Text | None = None


class Purpose(Strict):
    """A purpose of processing (수집·이용 목적): what it collects, on which basis, for how long."""

    code: Code
    label: Text
    description: Text
    basis: LegalBasis = LegalBasis.CONSENT
    required: bool = Field(
        description="필수 (needed to use the service) or 선택 (optional: refusing costs nothing)"
    )
    condition_of_service: bool = False
    items: list[Code]
    optional_items: list[Code] = []
    collected_by: list[Code] = Field(default_factory=list, description="collection method codes")
    web_form: bool = Field(default=True, description="a public form at /forms/<code>/ collects it")
    offered_with: list[Code] = Field(
        default_factory=list, description="optional purposes: the forms that offer this consent as a separate box"
    )
    end_events: list[EndEvent]
    retention: Retention
    refusal_effect: Text | None = Field(default=None, description="what refusing consent costs")
    marketing: bool = Field(default=False, description="정보통신망법 50: opt-in, confirmations, 2-year re-consent")
    double_opt_in: bool = Field(
        default=False, description="a sign-up is confirmed by a link mailed to the person before it is used"
    )

    def withdrawal_events(self) -> list[EndEvent]:
        """The end events by which the person withdraws this purpose's consent, in the file's order."""
        return [end for end in self.end_events if end.withdrawal]

    def end_event(self, code: str) -> EndEvent | None:
        return next((end for end in self.end_events if end.code == code), None)


class CollectionMethod(Strict):
    code: Code
    label: Text
    detail: Text | None = None
    from_subject: bool = Field(default=True, description="False: from a third party (PIPA 20 applies)")


class LegalRetentionRule(Strict):
    """A law that obliges the company to keep records for a period (kept in the separate archive)."""

    code: Code
    law: Text
    article: str | None = None
    records: Text
    period: Period
    period_note: Text | None = None


class DestructionMethod(Strict):
    medium: Literal["paper", "electronic"]
    method: Text
    label: Text | None = Field(default=None, description="how the text names the medium; a default otherwise")


class Destruction(Strict):
    procedure: list[Text]
    methods: list[DestructionMethod]


class SubProcessor(Strict):
    """A sub-processor (재수탁자) that a processor entrusts with part of its tasks (PIPA 26⑥)."""

    code: Code
    name: Text
    tasks: Text
    task_list: list[Text] = []
    items: list[Code]
    country: str | None = None


class Processor(Strict):
    """A processor (수탁자) and the tasks entrusted to it (위탁 업무).

    ``tasks`` may print the entrusted items with the placeholder ``{{ items }}`` (their labels), so
    the published list of items is the one the processor's access is scoped to.
    """

    code: Code
    name: Text
    tasks: Text
    task_list: list[Text] = []
    items: list[Code]
    purposes: list[Code] = []
    sub_processors: list[SubProcessor] = []


class ThirdParty(Strict):
    """A provision of personal information to a third party (제3자 제공)."""

    code: Code
    recipient: Text
    purpose: Text
    items: list[Code]
    retention: Text
    consent_purpose: Code | None = Field(
        default=None, description="the optional purpose whose separate consent allows the provision"
    )
    refusal_effect: Text | None = None


class Transfer(Strict):
    """An overseas transfer (국외 이전), with every disclosure PIPA 28-8② asks for."""

    code: Code
    recipient: Text
    address: Text | None = None
    contact: str | None = None
    country: Text | None = None
    items: list[Code] = []
    timing: Text | None = None
    method: Text | None = None
    purpose: Text | None = None
    retention: Text | None = None
    refusal: Text | None = Field(default=None, description="how to refuse, and what refusing costs")
    processor: Code | None = None


class CookieUse(Strict):
    code: Code
    label: Text
    essential: bool = False


class Cookies(Strict):
    description: Text
    collected: Text
    uses: list[CookieUse]
    refusal: list[Text]
    refusal_effect: Text


class Safeguards(Strict):
    technical: list[Text]
    administrative: list[Text]


class Role(Strict):
    """Who handles personal data (개인정보취급자), and what the console lets them do.

    The published text lists each role by its ``description`` (its ``label`` if none); a role whose
    ``covered_by`` names another role is described by that role's sentence and not listed again.
    """

    code: Code
    label: Text
    description: Text | None = None
    covered_by: Code | None = None
    purposes: list[Code] | Literal["all"] = []
    registers: bool = False


class Person(Strict):
    role: Text
    name: Text
    title: Text | None = None
    department: Text
    phone: str
    email: str


class Department(Strict):
    name: Text
    contact_name: Text | None = None
    phone: str
    email: str


class Remedy(Strict):
    name: Text
    tasks: Text | None = None
    url: str
    phone: str
    phone_note: Text | None = Field(default=None, description="printed before the number, e.g. (국번없이)")


class Controller(Strict):
    name: Text
    short_name: Text = Field(description="how the text calls the company, e.g. 회사 / the Company")
    service_name: Text
    homepage: str


class Contacts(Strict):
    officer: Person
    staff: list[Person] = []
    access_requests: Department
    remedies: list[Remedy]


class Rights(Strict):
    """How data subjects exercise their rights (PIPA 35-38): channels, verification, proxies."""

    channels: list[Text]
    deadline_days: int = Field(default=10, ge=1, le=30)


class Column(Strict):
    """One column of a table the file lays out itself: its heading and what fills each cell.

    ``cell`` is a text whose placeholders name fields of the row (``{{ label }}``, ``{{ items }}``,
    ``{{ timing }} {{ method }}``) or words the section computes for it (``{{ kind }}`` for 필수/선택);
    a field the row leaves empty prints nothing. In a ``layout: fields`` table each column is a row.
    """

    heading: Text
    cell: Text


class Block(Strict):
    """One block of an article: prose, or a table or list generated from a section of the data.

    Prose may name data with ``{{ path }}`` placeholders (``{{ contacts.officer.phone }}``), so a
    phone number is written once and printed wherever the text needs it; a list in a path is entered
    by an entry's code (``purposes.consulting.retention.period``). Blank lines separate paragraphs.
    ``table``/``list`` name a section of the data (``policybound.policy.render.RENDER_SECTIONS``),
    optionally sliced (``safeguards_administrative[2:]`` continues the numbering at 3). A heading above
    a table becomes its caption.
    """

    text: Text | None = None
    table: str | None = None
    bullets: str | None = Field(default=None, alias="list")
    heading: Text | None = None
    numbered: bool = False
    numbering: Literal["decimal", "hangul", "circled"] = Field(
        default="decimal",
        description="a numbered list's markers: 1. 2. 3., 가. 나. 다. (a. b. c. in English) or ① ② ③",
    )
    columns: list[Column] | list[Text] | None = Field(
        default=None,
        description="a table's columns as heading + cell, or only new headings for the default columns",
    )
    layout: Literal["rows", "fields"] = Field(
        default="rows",
        description="declared columns as columns (one row per entry) or as fields (one table per entry, "
        "a row per column: heading | value)",
    )
    header: list[Text] | None = Field(
        default=None, description="a fields table's two headings (e.g. 구분 | 내용); none prints no header row"
    )


class Article(Strict):
    code: Code
    title: Text
    blocks: list[Block]


class Document(Strict):
    title: Text
    numbering: Text = Field(
        default=Text(ko="제 {n} 조", en="Article {n}"),
        description="an article's number; with {title} the whole heading, e.g. 제{n}조({title})",
    )
    date_format: Text = Field(
        default=Text(ko="{year}. {month}. {day}.", en="{month_name} {day}, {year}"),
        description="how dates print; fields: year, month, day (numbers, e.g. {month:02d}), month_name",
    )
    durations: Text = Field(
        default=Text(ko="{n} {unit}", en="{n} {unit}"),
        description="how each unit of a duration prints: {n} the number, {unit} its word; {n}{unit} gives 6개월",
    )
    preamble: list[Block] = Field(
        default=[], description="blocks printed after the title and before the first article"
    )
    articles: list[Article]


class Policy(Strict):
    """A whole privacy policy: the data the runtime enforces and the document it publishes."""

    schema_version: Literal[1] = Field(alias="schema", default=1)
    controller: Controller
    announced: dt.date
    effective: dt.date
    items: list[Item]
    purposes: list[Purpose]
    collection_methods: list[CollectionMethod]
    legal_retention: list[LegalRetentionRule] = []
    destruction: Destruction
    third_parties: list[ThirdParty] = []
    third_party_exceptions: list[Text] = []
    processors: list[Processor] = []
    transfers: list[Transfer] = []
    rights: Rights
    cookies: Cookies | None = None
    safeguards: Safeguards
    roles: list[Role]
    contacts: Contacts
    document: Document

    def item(self, code: str) -> Item:
        return next(item for item in self.items if item.code == code)

    def purpose(self, code: str) -> Purpose:
        return next(purpose for purpose in self.purposes if purpose.code == code)

    def form_purposes(self) -> list[Purpose]:
        return [purpose for purpose in self.purposes if purpose.web_form]

    def optional_purposes_offered_with(self, code: str) -> list[Purpose]:
        return [p for p in self.purposes if code in p.offered_with]

    def separate_consents_for(self, purpose: Purpose, item_code: str) -> list[Purpose] | None:
        """The separate consents that let ``purpose`` take ``item_code``; ``None`` if it needs none.

        A unique identifier (passport, driver's licence, alien registration number; PIPA 24①) or a
        sensitive item (PIPA 23①) taken on consent needs a consent of its own, apart from the others:
        an optional purpose offered with ``purpose`` whose items are only items of that sensitivity
        and include this one. It is a separate box on the form and a receipt of its own.
        """
        item = next((i for i in self.items if i.code == item_code), None)
        special = (Sensitivity.UNIQUE_IDENTIFIER, Sensitivity.SENSITIVE)
        if item is None or item.sensitivity not in special or purpose.basis is not LegalBasis.CONSENT:
            return None
        sensitivities = {i.code: i.sensitivity for i in self.items}
        return [
            q
            for q in self.optional_purposes_offered_with(purpose.code)
            if item_code in q.items
            and all(sensitivities.get(code) == item.sensitivity for code in (*q.items, *q.optional_items))
        ]
