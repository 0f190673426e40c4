"""Tables a policy file lays out itself: which columns, in which order, under which headings, filled how.

A generated table has a default layout (:mod:`policybound.policy.render_sections`), the usual wording
of a Korean privacy policy. A company whose policy reads otherwise declares the columns in its file::

    - table: transfers
      layout: fields
      columns:
        - heading: {ko: 이전받는 자, en: Recipient}
          cell: {ko: "{{ recipient }} ({{ contact }})", en: "{{ recipient }} ({{ contact }})"}
        - heading: {ko: 이전 일시 및 방법, en: When and how}
          cell: {ko: "{{ timing }}, {{ method }}", en: "{{ timing }}, {{ method }}"}

Each cell is a text of the file's own: literal words stay as written and each placeholder names a field
of the row (``{{ recipient }}``), a word the section computes for the row (:class:`Row`, such as
``{{ kind }}`` for 필수/선택), or anything of the policy (``{{ controller.name }}``). So nothing in such a
table is wording the company did not choose. A field the row leaves empty prints nothing, since a table
lists entries that do not all have every field; a name that is no field at all is still an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel

from policybound.policy.render_text import (
    PLACEHOLDER,
    Cell,
    Context,
    Inline,
    Node,
    RenderError,
    Span,
    Table,
    linkify,
)
from policybound.policy.schema import Block, Column, Text


@dataclass(frozen=True)
class Row:
    """One entry of a section as a declared table sees it: the data and the words computed for it."""

    data: BaseModel
    words: Mapping[str, Inline] = field(default_factory=dict)


RowSource = Callable[[Context], Sequence[Row]]


def declared_columns(block: Block) -> list[Column] | None:
    """The block's columns when it declares heading and cell for each, else None (default layout)."""
    columns = block.columns or []
    if columns and all(isinstance(column, Column) for column in columns):
        return [column for column in columns if isinstance(column, Column)]
    return None


def declared_table(
    ctx: Context, rows: Sequence[Row], block: Block, columns: list[Column], caption: Inline | None
) -> list[Node]:
    """The nodes of a declared table: one table of rows, or one fields table per entry."""
    if block.layout == "rows":
        if block.header is not None:
            raise RenderError("header: only a layout: fields table has a header; columns have headings")
        headings = tuple(ctx.inline(column.heading) for column in columns)
        body = tuple(tuple(_cell(ctx, column.cell, row) for column in columns) for row in rows)
        return [Table(columns=headings, rows=body, caption=caption)] if body else []
    header: tuple[Inline, ...] = ()
    if block.header is not None:
        if len(block.header) != 2:
            raise RenderError(f"header: a fields table has two headings, not {len(block.header)}")
        header = tuple(ctx.inline(text) for text in block.header)
    nodes: list[Node] = []
    for row in rows:
        pairs = [(Cell(paras=(ctx.inline(column.heading),)), _cell(ctx, column.cell, row)) for column in columns]
        filled = tuple(pair for pair in pairs if pair[1].paras)
        if filled:
            nodes.append(Table(columns=header, rows=filled, caption=caption))
    return nodes


def _cell(ctx: Context, template: Text, row: Row) -> Cell:
    """A cell from the column's text: paragraphs at blank lines, each with its placeholders filled."""
    paras = []
    for chunk in re.split(r"\n\s*\n", ctx.t(template).strip()):
        inline = _fill(ctx, chunk.strip(), row)
        if _has_words(inline):
            paras.append(inline)
    return Cell(paras=tuple(paras))


def _fill(ctx: Context, raw: str, row: Row) -> Inline:
    spans: list[Span] = []
    position = 0
    for match in PLACEHOLDER.finditer(raw):
        spans.extend(linkify(raw[position : match.start()]))
        path = match.group(1)
        if path in row.words:
            spans.extend(row.words[path])
        else:
            spans.extend(ctx.value_or_nothing(path, local=row.data))
        position = match.end()
    spans.extend(linkify(raw[position:]))
    return _trimmed(spans)


def _trimmed(spans: list[Span]) -> Inline:
    """The spans without the separators an empty field leaves dangling (``"일본, "`` → ``"일본"``)."""
    merged: list[Span] = []
    for span in spans:
        if isinstance(span, str) and merged and isinstance(merged[-1], str):
            merged[-1] += span
        elif span != "":
            merged.append(span)
    merged = [span.replace("()", "").replace("( )", "") if isinstance(span, str) else span for span in merged]
    if merged and isinstance(merged[0], str):
        merged[0] = merged[0].lstrip(" ,/·")
    if merged and isinstance(merged[-1], str):
        merged[-1] = merged[-1].rstrip(" ,/·")
    return tuple(span for span in merged if span != "")


def _has_words(inline: Inline) -> bool:
    return any(not isinstance(span, str) or span.strip(" ()[],/·") for span in inline)
