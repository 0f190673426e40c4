"""What changed between two versions of a policy, in words, and which changes need new consent.

A change notice (PIPA 30②, the seed's article 1.4) must say what changed, not only that something did.
The diff compares the data, not the YAML: a purpose whose retention went from 12 to 24 months is one
change ("보유 기간 12 개월 → 24 개월"), however the file was reformatted. Entries are matched by code, so
renaming a label is a change and reordering is none.

A change *needs consent* when the people who agreed to the old terms did not agree to it (PIPA 15②,
17②, 28-8①): a new purpose or item collected on consent, a new recipient or transfer abroad, a longer
retention. Such changes are listed as such so the company asks again; a processor or a contact changing
needs only the notice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from policybound.policy.periods import Period
from policybound.policy.render_sections import retention_words
from policybound.policy.render_text import Context
from policybound.policy.schema import Department, LegalBasis, Person, Policy, Purpose, Text

Area = Literal[
    "articles",
    "purposes",
    "items",
    "legal_retention",
    "processors",
    "transfers",
    "third_parties",
    "cookies",
    "contacts",
]
Kind = Literal["added", "removed", "changed"]

# The areas in the order a notice lists them, with their headings (Korean, English).
AREAS: dict[Area, tuple[str, str]] = {
    "purposes": ("처리 목적과 보유 기간", "Purposes and retention"),
    "items": ("처리하는 개인정보 항목", "Personal information items"),
    "legal_retention": ("법령에 따른 보존", "Retention required by law"),
    "third_parties": ("제3자 제공", "Provision to third parties"),
    "processors": ("처리 위탁", "Entrusted processing"),
    "transfers": ("국외 이전", "Transfers abroad"),
    "cookies": ("쿠키", "Cookies"),
    "contacts": ("연락처", "Contacts"),
    "articles": ("조문", "Articles"),
}
_KIND_WORDS: dict[Kind, tuple[str, str]] = {
    "added": ("추가", "added"),
    "removed": ("삭제", "removed"),
    "changed": ("변경", "changed"),
}
# The words of the details (Korean, English); ``{old}``/``{new}`` are filled in the reader's language.
_DETAILS: dict[str, tuple[str, str]] = {
    "label": ("이름: {old} → {new}", "name: {old} → {new}"),
    "description": ("목적: {old} → {new}", "purpose: {old} → {new}"),
    "items_added": ("수집 항목 추가: {new}", "items added: {new}"),
    "items_removed": ("수집 항목 삭제: {old}", "items removed: {old}"),
    "retention": ("보유 기간: {old} → {new}", "retention: {old} → {new}"),
    "required": ("필수/선택: {old} → {new}", "required or optional: {old} → {new}"),
    "period": ("보존 기간: {old} → {new}", "period kept: {old} → {new}"),
    "recipient_items": ("제공 항목: {old} → {new}", "items: {old} → {new}"),
    "country": ("국가: {old} → {new}", "country: {old} → {new}"),
    "wording": ("내용 변경", "wording changed"),
    "title": ("제목: {old} → {new}", "title: {old} → {new}"),
    "contact": ("{old} → {new}", "{old} → {new}"),
    "sensitivity": ("민감도 변경", "sensitivity changed"),
    "uses": ("쿠키 사용 목적: {old} → {new}", "what cookies are used for: {old} → {new}"),
    "cookies_added": ("쿠키를 사용합니다", "cookies are now used"),
    "cookies_removed": ("쿠키를 사용하지 않습니다", "cookies are no longer used"),
    "none": ("없음", "none"),
}


@dataclass(frozen=True)
class Change:
    """One change: where, what kind, the thing it is about, what changed, and whether consent is needed."""

    area: Area
    kind: Kind
    subject: Text
    details: tuple[Text, ...] = ()
    needs_consent: bool = False

    def format(self, lang: str) -> str:
        """One line for the CLI: ``[처리 목적과 보유 기간] 변경 컨설팅 신청: 보유 기간: … (새 동의 필요)``."""
        area = AREAS[self.area][1 if lang == "en" else 0]
        kind = _KIND_WORDS[self.kind][1 if lang == "en" else 0]
        details = "; ".join(detail.get(lang) for detail in self.details)
        consent = (" (needs new consent)" if lang == "en" else " (새 동의 필요)") if self.needs_consent else ""
        return f"[{area}] {kind} {self.subject.get(lang)}{': ' + details if details else ''}{consent}"


def kind_words(kind: Kind, lang: str) -> str:
    return _KIND_WORDS[kind][1 if lang == "en" else 0]


def area_words(area: Area, lang: str) -> str:
    return AREAS[area][1 if lang == "en" else 0]


def policy_diff(old: Policy, new: Policy) -> list[Change]:
    """Every change from ``old`` to ``new``, in the order of :data:`AREAS`."""
    differ = _Differ(old, new)
    changes = [
        *differ.purposes(),
        *differ.items(),
        *differ.legal_retention(),
        *differ.third_parties(),
        *differ.processors(),
        *differ.transfers(),
        *differ.cookies(),
        *differ.contacts(),
        *differ.articles(),
    ]
    order = list(AREAS)
    return sorted(changes, key=lambda change: order.index(change.area))


def needs_consent(changes: Iterable[Change]) -> list[Change]:
    return [change for change in changes if change.needs_consent]


E = TypeVar("E")


def _by_code(entries: Sequence[E]) -> dict[str, E]:
    return {str(getattr(entry, "code")): entry for entry in entries}  # noqa: B009 - every entry has a code


def _months(period: Period) -> tuple[int, int]:
    """A period's length for comparing: 1 year and 12 months are the same length."""
    return (period.years * 12 + period.months, period.days)


class _Differ:
    def __init__(self, old: Policy, new: Policy) -> None:
        self.old, self.new = old, new
        self.ctx = {"old": {lang: Context(old, lang) for lang in ("ko", "en")}}
        self.ctx["new"] = {lang: Context(new, lang) for lang in ("ko", "en")}

    # -- wording helpers ---------------------------------------------------------------------------

    def _detail(self, key: str, old: Callable[[str], str] | None = None, new: Callable[[str], str] | None = None) -> Text:
        ko, en = _DETAILS[key]
        return Text(
            ko=ko.format(old=old("ko") if old else "", new=new("ko") if new else ""),
            en=en.format(old=old("en") if old else "", new=new("en") if new else ""),
        )

    def _labels(self, side: str, codes: Iterable[str]) -> Callable[[str], str]:
        policy = self.old if side == "old" else self.new
        codes = list(codes)

        def words(lang: str) -> str:
            if not codes:
                return _DETAILS["none"][1 if lang == "en" else 0]
            labels = {item.code: item.label.get(lang) for item in policy.items}
            return ", ".join(labels.get(code, code) for code in codes)

        return words

    def _duration(self, side: str, period: Period) -> Callable[[str], str]:
        return lambda lang: self.ctx[side][lang].duration(period)

    def _retention(self, side: str, purpose: Purpose) -> Callable[[str], str]:
        return lambda lang: retention_words(self.ctx[side][lang], purpose)

    # -- areas -------------------------------------------------------------------------------------

    def purposes(self) -> Iterator[Change]:
        old, new = _by_code(self.old.purposes), _by_code(self.new.purposes)
        for code, purpose in new.items():
            if code not in old:
                yield Change("purposes", "added", purpose.label, needs_consent=purpose.basis is LegalBasis.CONSENT)
                continue
            before = old[code]
            details: list[Text] = []
            consent = False
            if before.label != purpose.label:
                details.append(self._detail("label", before.label.get, purpose.label.get))
            if before.description != purpose.description:
                details.append(self._detail("description", before.description.get, purpose.description.get))
            before_items = [*before.items, *before.optional_items]
            after_items = [*purpose.items, *purpose.optional_items]
            added = [c for c in after_items if c not in before_items]
            removed = [c for c in before_items if c not in after_items]
            if added:
                details.append(self._detail("items_added", new=self._labels("new", added)))
                consent = consent or purpose.basis is LegalBasis.CONSENT
            if removed:
                details.append(self._detail("items_removed", old=self._labels("old", removed)))
            if before.retention != purpose.retention:
                details.append(self._detail("retention", self._retention("old", before), self._retention("new", purpose)))
                consent = consent or _longer(before, purpose)
            if before.required != purpose.required:
                details.append(self._detail("required", _required(before), _required(purpose)))
                consent = consent or purpose.required
            if details:
                yield Change("purposes", "changed", purpose.label, tuple(details), needs_consent=consent)
        for code, purpose in old.items():
            if code not in new:
                yield Change("purposes", "removed", purpose.label)

    def items(self) -> Iterator[Change]:
        old, new = _by_code(self.old.items), _by_code(self.new.items)
        for code, item in new.items():
            if code not in old:
                yield Change("items", "added", item.label)
            elif old[code].label != item.label:
                yield Change("items", "changed", item.label, (self._detail("label", old[code].label.get, item.label.get),))
            elif old[code].sensitivity != item.sensitivity:
                yield Change("items", "changed", item.label, (self._detail("sensitivity"),), needs_consent=True)
        for code, item in old.items():
            if code not in new:
                yield Change("items", "removed", item.label)

    def legal_retention(self) -> Iterator[Change]:
        old, new = _by_code(self.old.legal_retention), _by_code(self.new.legal_retention)
        for code, rule in new.items():
            if code not in old:
                yield Change("legal_retention", "added", rule.records)
            elif old[code].period != rule.period:
                before = old[code]
                detail = self._detail("period", self._duration("old", before.period), self._duration("new", rule.period))
                yield Change("legal_retention", "changed", rule.records, (detail,))
        for code, rule in old.items():
            if code not in new:
                yield Change("legal_retention", "removed", rule.records)

    def third_parties(self) -> Iterator[Change]:
        old, new = _by_code(self.old.third_parties), _by_code(self.new.third_parties)
        for code, party in new.items():
            if code not in old:
                yield Change("third_parties", "added", party.recipient, needs_consent=True)
            else:
                before = old[code]
                details = []
                if before.items != party.items:
                    details.append(
                        self._detail("recipient_items", self._labels("old", before.items), self._labels("new", party.items))
                    )
                if (before.purpose, before.retention, before.recipient) != (party.purpose, party.retention, party.recipient):
                    details.append(self._detail("wording"))
                if details:
                    more = any(c not in before.items for c in party.items)
                    yield Change("third_parties", "changed", party.recipient, tuple(details), needs_consent=more)
        for code, party in old.items():
            if code not in new:
                yield Change("third_parties", "removed", party.recipient)

    def processors(self) -> Iterator[Change]:
        old, new = _by_code(self.old.processors), _by_code(self.new.processors)
        for code, processor in new.items():
            if code not in old:
                yield Change("processors", "added", processor.name)
            else:
                before = old[code]
                details = []
                if before.items != processor.items:
                    details.append(
                        self._detail("recipient_items", self._labels("old", before.items), self._labels("new", processor.items))
                    )
                if (before.tasks, before.task_list, before.sub_processors) != (
                    processor.tasks,
                    processor.task_list,
                    processor.sub_processors,
                ):
                    details.append(self._detail("wording"))
                if details:
                    yield Change("processors", "changed", processor.name, tuple(details))
        for code, processor in old.items():
            if code not in new:
                yield Change("processors", "removed", processor.name)

    def transfers(self) -> Iterator[Change]:
        old, new = _by_code(self.old.transfers), _by_code(self.new.transfers)
        for code, transfer in new.items():
            if code not in old:
                yield Change("transfers", "added", transfer.recipient, needs_consent=True)
                continue
            before = old[code]
            details = []
            consent = False
            if before.country != transfer.country:
                details.append(self._detail("country", _text_or_none(before.country), _text_or_none(transfer.country)))
                consent = True
            if before.items != transfer.items:
                details.append(
                    self._detail("recipient_items", self._labels("old", before.items), self._labels("new", transfer.items))
                )
                consent = consent or any(c not in before.items for c in transfer.items)
            rest = ("timing", "method", "purpose", "retention", "refusal", "address", "contact")
            if any(getattr(before, name) != getattr(transfer, name) for name in rest):
                details.append(self._detail("wording"))
            if details:
                yield Change("transfers", "changed", transfer.recipient, tuple(details), needs_consent=consent)
        for code, transfer in old.items():
            if code not in new:
                yield Change("transfers", "removed", transfer.recipient)

    def cookies(self) -> Iterator[Change]:
        old, new = self.old.cookies, self.new.cookies
        subject = Text(ko="쿠키", en="Cookies")
        if old is None and new is not None:
            yield Change("cookies", "added", subject, (self._detail("cookies_added"),))
        elif old is not None and new is None:
            yield Change("cookies", "removed", subject, (self._detail("cookies_removed"),))
        elif old is not None and new is not None and old != new:
            before = [use.label for use in old.uses]
            after = [use.label for use in new.uses]
            if before != after:
                detail = self._detail("uses", _join(before), _join(after))
            else:
                detail = self._detail("wording")
            yield Change("cookies", "changed", subject, (detail,))

    def contacts(self) -> Iterator[Change]:
        old, new = self.old.contacts, self.new.contacts
        if old.officer != new.officer:
            detail = self._detail("contact", _reach(old.officer), _reach(new.officer))
            yield Change("contacts", "changed", new.officer.role, (detail,))
        if old.access_requests != new.access_requests:
            subject = Text(ko="열람 청구 부서", en="Department for access requests")
            detail = self._detail("contact", _reach(old.access_requests), _reach(new.access_requests))
            yield Change("contacts", "changed", subject, (detail,))
        if old.staff != new.staff or old.remedies != new.remedies:
            subject = Text(ko="담당자와 구제 기관", en="Staff and remedies")
            yield Change("contacts", "changed", subject, (self._detail("wording"),))

    def articles(self) -> Iterator[Change]:
        old = _by_code(self.old.document.articles)
        new = _by_code(self.new.document.articles)
        for code, article in new.items():
            if code not in old:
                yield Change("articles", "added", article.title)
            else:
                before = old[code]
                details = []
                if before.title != article.title:
                    details.append(self._detail("title", before.title.get, article.title.get))
                if before.blocks != article.blocks:
                    details.append(self._detail("wording"))
                if details:
                    yield Change("articles", "changed", article.title, tuple(details))
        for code, article in old.items():
            if code not in new:
                yield Change("articles", "removed", article.title)


def _longer(before: Purpose, after: Purpose) -> bool:
    """Whether the new retention keeps records longer than the old (a new consent is then needed)."""
    old, new = before.retention, after.retention
    if _months(new.period) > _months(old.period):
        return True
    if old.max_lifetime is not None and (new.max_lifetime is None or _months(new.max_lifetime) > _months(old.max_lifetime)):
        return True
    return old.counted_from == "collection" and new.counted_from == "end"


def _reach(contact: Person | Department) -> Callable[[str], str]:
    """Who and how to reach them, in a language: ``홍길동 02-0000-0000 privacy@example.kr``."""
    return lambda lang: f"{contact.name.get(lang)} {contact.phone} {contact.email}"


def _required(purpose: Purpose) -> Callable[[str], str]:
    return lambda lang: ("Required" if purpose.required else "Optional") if lang == "en" else ("필수" if purpose.required else "선택")


def _text_or_none(text: Text | None) -> Callable[[str], str]:
    return lambda lang: text.get(lang) if text is not None else _DETAILS["none"][1 if lang == "en" else 0]


def _join(texts: list[Text]) -> Callable[[str], str]:
    return lambda lang: ", ".join(text.get(lang) for text in texts) or _DETAILS["none"][1 if lang == "en" else 0]
