"""Text for the published policy: ``{{ path }}`` placeholders and the blocks the writers print.

A policy names data in prose (``{{ contacts.officer.phone }}``) so that a phone number, a period or a
list of items is written once, in the data, and printed wherever the text needs it. A path walks the
policy's fields; a list is entered by an element's ``code`` (``purposes.consulting.retention.period``)
or by its index (``contacts.staff.0.name``). Texts inside a row of the data (a processor's ``tasks``)
resolve first against that row, so ``{{ items }}`` there means that processor's items.

The section builders turn data into the small, format-neutral nodes below (paragraphs, tables, lists);
:mod:`policybound.policy.render` writes them as escaped HTML or as Markdown. Nothing here produces
markup, so nothing here can forget to escape.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from policybound.policy.periods import Period
from policybound.policy.schema import CollectionMethod, Item, Policy, Purpose, Text

Lang = Literal["ko", "en"]
Location = tuple[str | int, ...]

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_PATH = re.compile(r"^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$")
_URL = re.compile(r"^(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:[/?#]\S*)?$", re.IGNORECASE)
# Web addresses and e-mail addresses inside running text. Only ASCII counts as part of an address, so
# a Korean particle written straight after one ("privacy.kisa.or.kr에서") stays text. A bare host (no
# scheme, no ``www.``) must be all lower case and end in a common top-level domain, so that a company
# named "Salesforce.com" or a version such as "1.5" is not taken for an address.
_ADDRESS_CHARS = r"[A-Za-z0-9\-._~:/?#@!$&*+,;=%]"
_BARE_HOST_TLDS = "com|net|org|kr|io|jp|cn|us|uk|eu|de|fr|info|biz|gov|edu|int|example|app|dev|co|me|ai|asia"
_IN_TEXT = re.compile(
    rf"(?P<email>[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{{2,}})"
    rf"|(?P<url>(?:https?://|www\.){_ADDRESS_CHARS}+)"
    rf"|(?P<host>(?<![A-Za-z0-9@._-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_BARE_HOST_TLDS})"
    rf"(?![A-Za-z0-9-])(?:/{_ADDRESS_CHARS}*)?)"
)
# Punctuation that closes a sentence rather than belonging to the address before it.
_TRAILING = ".,;:!?"
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# A field holding codes prints the labels of what the codes name.
_CODE_FIELDS = {
    "items": "item",
    "optional_items": "item",
    "purposes": "purpose",
    "offered_with": "purpose",
    "collected_by": "method",
}
_MAX_DEPTH = 4


class RenderError(ValueError):
    """The policy cannot be rendered: an unknown section, a placeholder naming nothing, a bad format."""


# ---------------------------------------------------------------------------------------------------
# Nodes


@dataclass(frozen=True)
class Link:
    href: str
    text: str


Span = str | Link
Inline = tuple[Span, ...]
ParaKind = Literal["", "n1", "n2", "n3", "note"]


@dataclass(frozen=True)
class Para:
    inline: Inline
    kind: ParaKind = ""


@dataclass(frozen=True)
class Heading:
    inline: Inline


@dataclass(frozen=True)
class Cell:
    paras: tuple[Inline, ...] = ()
    bullets: tuple[Inline, ...] = ()
    rowspan: int = 1
    continued: bool = False  # covered by a cell above with rowspan > 1


@dataclass(frozen=True)
class Table:
    columns: tuple[Inline, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: Inline | None = None
    row_headers: bool = True  # the first cell of a row is its header (<th scope="row">)


@dataclass(frozen=True)
class ListItem:
    inline: Inline
    children: ListBlock | None = None


@dataclass(frozen=True)
class ListBlock:
    items: tuple[ListItem, ...]
    style: Literal["bullet", "decimal", "hangul", "circled"] = "bullet"
    start: int = 1


Node = Para | Heading | Table | ListBlock


@dataclass(frozen=True)
class RenderedArticle:
    anchor: str
    title: str
    nodes: tuple[Node, ...] = field(default=())


# ---------------------------------------------------------------------------------------------------
# Placeholders


@dataclass(frozen=True)
class Context:
    """What a text is rendered against: the policy, the language, and the row it belongs to."""

    policy: Policy
    lang: Lang

    def t(self, text: Text | None) -> str:
        return "" if text is None else text.get(self.lang)

    def inline(self, text: Text | None, *, local: BaseModel | None = None) -> Inline:
        """A text with its placeholders filled in; URLs and e-mail addresses become links."""
        return self.inline_str(self.t(text), local=local)

    def inline_str(self, raw: str, *, local: BaseModel | None = None, depth: int = 0) -> Inline:
        spans: list[Span] = []
        position = 0
        for match in PLACEHOLDER.finditer(raw):
            spans.extend(linkify(raw[position : match.start()]))
            spans.extend(self.value(match.group(1), local=local, depth=depth))
            position = match.end()
        spans.extend(linkify(raw[position:]))
        return _merge(spans)

    def value(self, path: str, *, local: BaseModel | None = None, depth: int = 0) -> Inline:
        if depth >= _MAX_DEPTH:
            raise RenderError(f"{{{{ {path} }}}}: placeholders nest too deeply (a text naming itself?)")
        found, last = self._resolve(path, local)
        return self._format(found, last, path, depth)

    def value_or_nothing(self, path: str, *, local: BaseModel | None = None) -> Inline:
        """Like :meth:`value`, but a field left empty prints nothing (a table cell of an entry that
        lacks it); a path naming no field is still an error."""
        found, last = self._resolve(path, local)
        if found is None or found == "" or found == []:
            return ()
        return self._format(found, last, path, 0)

    def _resolve(self, path: str, local: BaseModel | None) -> tuple[object, str]:
        if not _PATH.match(path):
            raise RenderError(f"{{{{ {path} }}}} is not a path such as {{{{ contacts.officer.phone }}}}")
        segments = path.split(".")
        if local is not None:
            try:
                return _walk(local, segments), segments[-1]
            except RenderError:
                pass
        return _walk(self.policy, segments), segments[-1]

    def _format(self, value: object, last: str, path: str, depth: int) -> Inline:
        if value is None or value == "" or value == []:
            raise RenderError(f"{{{{ {path} }}}} names a field that has no value")
        if isinstance(value, Text):
            return self.inline_str(value.get(self.lang), depth=depth + 1)
        if isinstance(value, Period):
            return (self.duration(value),)
        if isinstance(value, dt.date):
            return (self.date(value),)
        if isinstance(value, bool):
            raise RenderError(f"{{{{ {path} }}}} is a yes/no field and has no wording to print")
        if isinstance(value, int):
            return (str(value),)
        if isinstance(value, str):
            return (link_or_text(value),)
        if isinstance(value, list):
            parts: list[Span] = []
            for index, element in enumerate(value):
                if index:
                    parts.append(", ")
                parts.extend(self._element(element, last, f"{path}.{index}", depth))
            return _merge(parts)
        if isinstance(value, BaseModel):
            return self._element(value, last, path, depth)
        raise RenderError(f"{{{{ {path} }}}} cannot be printed")

    def _element(self, element: object, field_name: str, path: str, depth: int) -> Inline:
        if isinstance(element, str) and field_name in _CODE_FIELDS:
            return (self.label_of(_CODE_FIELDS[field_name], element),)
        if isinstance(element, BaseModel):
            for name in ("label", "name", "recipient"):
                wording = getattr(element, name, None)
                if isinstance(wording, Text):
                    return self.inline_str(wording.get(self.lang), depth=depth + 1)
            raise RenderError(f"{{{{ {path} }}}} is a whole section; name one of its fields")
        return self._format(element, field_name, path, depth)

    def label_of(self, kind: str, code: str) -> str:
        """The label of an item, purpose or collection method named by its code."""
        pools: dict[str, list[Item] | list[Purpose] | list[CollectionMethod]] = {
            "item": self.policy.items,
            "purpose": self.policy.purposes,
            "method": self.policy.collection_methods,
        }
        for entry in pools[kind]:
            if entry.code == code:
                return entry.label.get(self.lang)
        raise RenderError(f"the {kind} {code!r} is not declared in the policy")

    def labels(self, kind: str, codes: list[str]) -> str:
        return ", ".join(self.label_of(kind, code) for code in codes)

    def duration(self, period: Period) -> str:
        """A duration as the document writes it (``document.durations``: ``6 개월`` or ``6개월``)."""
        pattern = self.policy.document.durations.get(self.lang)
        try:
            return period.label(self.lang, pattern=pattern)
        except (KeyError, IndexError, ValueError, AttributeError) as error:
            raise RenderError(
                f"document.durations {pattern!r} may use only {{n}} (the number) and {{unit}}: {error}"
            ) from None

    def date(self, value: dt.date) -> str:
        pattern = self.policy.document.date_format.get(self.lang)
        try:
            return pattern.format(
                year=value.year, month=value.month, day=value.day, month_name=_MONTHS[value.month - 1]
            )
        except (KeyError, IndexError, ValueError, AttributeError) as error:
            raise RenderError(
                f"document.date_format {pattern!r} is not a date format (fields: year, month, day, "
                f"month_name): {error}"
            ) from None


def _walk(root: BaseModel, segments: list[str]) -> object:
    value: object = root
    for depth, segment in enumerate(segments):
        where = ".".join(segments[: depth + 1])
        if isinstance(value, BaseModel):
            if segment not in type(value).model_fields:
                raise RenderError(f"{{{{ {'.'.join(segments)} }}}}: there is no field {where!r}")
            value = getattr(value, segment)
        elif isinstance(value, list):
            value = _list_element(value, segment, where, segments)
        else:
            raise RenderError(f"{{{{ {'.'.join(segments)} }}}}: {where!r} goes past a value")
    return value


def _list_element(values: list[object], segment: str, where: str, segments: list[str]) -> object:
    if segment.isdigit():
        if int(segment) < len(values):
            return values[int(segment)]
        raise RenderError(f"{{{{ {'.'.join(segments)} }}}}: {where!r} is past the end of the list")
    for element in values:
        if getattr(element, "code", None) == segment:
            return element
    raise RenderError(f"{{{{ {'.'.join(segments)} }}}}: no entry with code {segment!r} at {where!r}")


def _merge(spans: list[Span]) -> Inline:
    merged: list[Span] = []
    for span in spans:
        if span == "":
            continue
        if isinstance(span, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + span
        else:
            merged.append(span)
    return tuple(merged)


def linkify(text: str) -> list[Span]:
    """Running text with every web address and e-mail address in it turned into a link.

    ``문의: privacy@example.kr 또는 privacy.kisa.or.kr`` gives text, a ``mailto:`` link, text and an
    ``https://`` link. Sentence punctuation right after an address stays outside the link.
    """
    spans: list[Span] = []
    position = 0
    for match in _IN_TEXT.finditer(text):
        address = match.group(0).rstrip(_TRAILING)
        end = match.start() + len(address)
        spans.append(text[position : match.start()])
        if match.lastgroup == "email":
            spans.append(Link(href=f"mailto:{address}", text=address))
        else:
            spans.append(Link(href=address if "://" in address else f"https://{address}", text=address))
        position = end
    spans.append(text[position:])
    return [span for span in spans if span != ""]


def link_or_text(value: str) -> Span:
    """A field's value that is a web address or an e-mail address becomes a link; else it is text."""
    value = value.strip()
    spans = linkify(value)
    if len(spans) == 1 and isinstance(spans[0], Link):
        return spans[0]
    return value


def url_link(value: str) -> Span:
    """A field that is a web address: a link even without ``www.`` (``cyberbureau.police.go.kr``)."""
    value = value.strip()
    if _URL.match(value):
        return Link(href=value if "://" in value else f"https://{value}", text=value)
    return value


def plain(*spans: Span | Inline) -> Inline:
    """Concatenate strings, links and inlines into one inline."""
    flat: list[Span] = []
    for span in spans:
        if isinstance(span, tuple):
            flat.extend(span)
        else:
            flat.append(span)
    return _merge(flat)


# ---------------------------------------------------------------------------------------------------
# Prose

_KINDS: tuple[tuple[re.Pattern[str], ParaKind], ...] = (
    (re.compile(r"^(?:\d+\.\s|[\u2460-\u2473])"), "n1"),
    (re.compile(r"^(?:[가-힣]|[a-z])\.\s"), "n2"),
    (re.compile(r"^[-–•○◦]\s"), "n3"),
    (re.compile(r"^(?:※|\(주\s?\d|\(Note\s?\d|\*)"), "note"),
)


def paragraphs(ctx: Context, text: Text, *, local: BaseModel | None = None) -> list[Para]:
    """Prose split at blank lines; a paragraph's leading marker (1. / 가. / - / ※) sets its indent."""
    raw = ctx.t(text).replace("\r\n", "\n")
    result = []
    for chunk in re.split(r"\n\s*\n", raw):
        chunk = chunk.strip()
        if chunk:
            kind: ParaKind = next((k for pattern, k in _KINDS if pattern.match(chunk)), "")
            result.append(Para(ctx.inline_str(chunk, local=local), kind))
    return result


# ---------------------------------------------------------------------------------------------------
# Every text of the policy, for checking placeholders before anything is printed


def texts_with_rows(policy: Policy) -> Iterator[tuple[Location, Text, BaseModel | None]]:
    """Every :class:`Text` of the data half, its location (YAML keys) and the row that holds it."""
    for name, info in type(policy).model_fields.items():
        if name != "document":
            yield from _value_texts(getattr(policy, name), (info.alias or name,), None)


def _value_texts(
    value: object, location: Location, row: BaseModel | None
) -> Iterator[tuple[Location, Text, BaseModel | None]]:
    if isinstance(value, Text):
        yield location, value, row
    elif isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            yield from _value_texts(getattr(value, name), (*location, info.alias or name), value)
    elif isinstance(value, list):
        for index, element in enumerate(value):
            yield from _value_texts(element, (*location, index), row)
