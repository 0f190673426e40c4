"""The published policy: the document half of a policy file written out as HTML or Markdown.

Articles print in the file's order, numbered by ``document.numbering`` (``제 {n} 조``), so another
company's order and numbering need another file, not another template. Each block is prose (with
``{{ path }}`` placeholders, :mod:`policybound.policy.render_text`), a heading, or a table or list
generated from a data section (:data:`RENDER_SECTIONS`, :mod:`policybound.policy.render_sections`).

HTML is a fragment to embed in a page: one ``<article id=…>`` per article, tables with ``<th scope>``,
every character of policy text escaped; the only markup is this module's own. The page may style it
with ``policy/policy.css`` (the ``pb-`` classes); without it the fragment still reads correctly.

Problems (an unknown section, a placeholder that names nothing) raise :class:`RenderError` listing
each with its location in the file; :func:`render_problems` returns them for ``policy check`` to print
with line numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from html import escape
from typing import Literal, TypeVar

from policybound.policy.render_layout import declared_columns, declared_table
from policybound.policy.render_sections import RENDER_SECTIONS, Section, TableOptions, section_reference
from policybound.policy.render_text import (
    Cell,
    Context,
    Heading,
    Inline,
    Lang,
    Link,
    ListBlock,
    ListItem,
    Location,
    Node,
    Para,
    RenderedArticle,
    RenderError,
    Table,
    paragraphs,
    texts_with_rows,
)
from policybound.policy.schema import Article, Block, Column, Policy, Text

__all__ = [
    "RENDER_SECTIONS",
    "RenderError",
    "RenderProblem",
    "Section",
    "article_anchor",
    "placeholder_paths_valid",
    "policy_render",
    "policy_render_toc",
    "policy_title",
    "render_problems",
]

Format = Literal["html", "md"]
LANGS: tuple[Lang, ...] = ("ko", "en")


@dataclass(frozen=True)
class RenderProblem:
    """Something that stops the policy from rendering, at a location of the file (YAML keys/indexes)."""

    location: Location
    message: str

    def format(self) -> str:
        return f"{'.'.join(str(part) for part in self.location)}: {self.message}"


class PolicyNotRenderable(RenderError):
    def __init__(self, problems: list[RenderProblem]) -> None:
        super().__init__("the policy cannot be rendered:\n" + "\n".join(p.format() for p in problems))
        self.problems = problems


# ---------------------------------------------------------------------------------------------------
# Public API


def policy_render(policy: Policy, *, lang: str = "ko", fmt: str = "html", with_title: bool = True) -> str:
    """The published policy in ``lang`` (``ko``/``en``) as an HTML fragment or as Markdown."""
    language = _language(lang)
    title, preamble, articles = _build(policy, language)
    if fmt == "html":
        return _html(title if with_title else None, preamble, articles, language)
    if fmt == "md":
        return _markdown(title if with_title else None, preamble, articles, language)
    raise ValueError(f"fmt must be 'html' or 'md', not {fmt!r}")


def policy_render_toc(policy: Policy, *, lang: str = "ko") -> list[tuple[str, str]]:
    """``(anchor, "제 1 조 총칙")`` for each article, for a table of contents linking to the HTML."""
    ctx = Context(policy, _language(lang))
    return [
        (article_anchor(article.code), _article_title(ctx, n, article.title)) for n, article in _numbered(policy)
    ]


def policy_title(policy: Policy, *, lang: str = "ko") -> str:
    """The document's title in ``lang`` with its placeholders resolved (``{{ controller.name }}``).

    Every place that shows the title (the page's ``<title>`` and heading, the list of versions, the
    CLI and the API) takes it from here, so none of them prints a placeholder raw.
    """
    return _flat_text(Context(policy, _language(lang)), policy.document.title)


def render_problems(policy: Policy) -> list[RenderProblem]:
    """Every reason the policy would not render, in both languages, each at its location."""
    problems: list[RenderProblem] = []
    for lang in LANGS:
        ctx = Context(policy, lang)
        for location, text, row in texts_with_rows(policy):
            _try(problems, (*location, lang), partial(ctx.inline_str, text.get(lang), local=row))
        for location, text in _document_texts(policy):
            _try(problems, location, partial(ctx.inline, text))
        _collect_document(ctx, problems)
    unique: dict[str, RenderProblem] = {}
    for problem in problems:
        unique.setdefault(problem.message, problem)
    return list(unique.values())


def _document_texts(policy: Policy) -> Iterable[tuple[Location, Text]]:
    """The document's prose and headings, located to their key (``- text:``), so a bad placeholder is
    reported on its block's line once, whichever language has it."""
    places: list[tuple[Location, list[Block]]] = [(("document", "preamble"), policy.document.preamble)]
    places.extend(
        (("document", "articles", a, "blocks"), article.blocks) for a, article in enumerate(policy.document.articles)
    )
    for where, blocks in places:
        for b, block in enumerate(blocks):
            for key, text in (("text", block.text), ("heading", block.heading)):
                if text is not None:
                    yield (*where, b, key), text
            for c, column in enumerate(block.columns or []):
                if isinstance(column, Column):
                    yield (*where, b, "columns", c, "heading"), column.heading
                elif isinstance(column, Text):
                    yield (*where, b, "columns", c), column


def placeholder_paths_valid(policy: Policy) -> bool:
    """True when every placeholder and section the policy names exists (see :func:`render_problems`)."""
    return not render_problems(policy)


# ---------------------------------------------------------------------------------------------------
# Building the nodes


def _language(lang: str) -> Lang:
    if lang not in LANGS:
        raise ValueError(f"lang must be 'ko' or 'en', not {lang!r}")
    return lang


def article_anchor(code: str) -> str:
    """An article's id on the page: ``article-<code>`` with dashes (``#article-provision``)."""
    return "article-" + code.replace("_", "-")


def _numbered(policy: Policy) -> Iterable[tuple[int, Article]]:
    return enumerate(policy.document.articles, start=1)


def _article_title(ctx: Context, n: int, title: Text) -> str:
    """``제 1 조 총칙``; a numbering with ``{title}`` places the title itself (``제1조({title})``)."""
    pattern = ctx.policy.document.numbering.get(ctx.lang)
    words = _flat(ctx.inline(title))
    try:
        heading = pattern.format(n=n, title=words)
    except (KeyError, IndexError, ValueError, AttributeError) as error:
        raise RenderError(
            f"document.numbering {pattern!r} may use only {{n}} (the number) and {{title}}: {error}"
        ) from None
    return heading if "{title}" in pattern else f"{heading} {words}"


def _flat(inline: Inline) -> str:
    return "".join(span.text if isinstance(span, Link) else span for span in inline)


def _flat_text(ctx: Context, text: Text) -> str:
    return _flat(ctx.inline(text))


T = TypeVar("T")


def _try(problems: list[RenderProblem], location: Location, action: Callable[[], T]) -> T | None:
    """Run one step of rendering; a :class:`RenderError` becomes a problem at ``location``."""
    try:
        return action()
    except RenderError as error:
        problems.append(RenderProblem(location, str(error)))
        return None


Built = tuple[str, tuple[Node, ...], list[RenderedArticle]]


def _build(policy: Policy, lang: Lang) -> Built:
    ctx = Context(policy, lang)
    problems: list[RenderProblem] = []
    result = _collect_document(ctx, problems)
    if problems:
        raise PolicyNotRenderable(problems)
    return result


def _collect_document(ctx: Context, problems: list[RenderProblem]) -> Built:
    """The title, the preamble (text before the first article) and the articles, as nodes."""
    document = ctx.policy.document
    title = _try(problems, ("document", "title", ctx.lang), partial(_flat_text, ctx, document.title))
    preamble = _collect_blocks(ctx, problems, ("document", "preamble"), document.preamble)
    articles = []
    for a, article in enumerate(document.articles):
        where: Location = ("document", "articles", a)
        heading = _try(
            problems, (*where, "title", ctx.lang), partial(_article_title, ctx, a + 1, article.title)
        )
        nodes = _collect_blocks(ctx, problems, (*where, "blocks"), article.blocks)
        articles.append(RenderedArticle(article_anchor(article.code), heading or "", nodes))
    return title or "", preamble, articles


def _collect_blocks(
    ctx: Context, problems: list[RenderProblem], where: Location, blocks: list[Block]
) -> tuple[Node, ...]:
    nodes: list[Node] = []
    for b, block in enumerate(blocks):
        built = _try(problems, (*where, b), partial(_block, ctx, block))
        if isinstance(built, list):
            nodes.extend(built)
    return tuple(nodes)


def _block(ctx: Context, block: Block) -> list[Node]:
    shown = [
        key for key, value in (("text", block.text), ("table", block.table), ("list", block.bullets)) if value
    ]
    if len(shown) > 1:
        raise RenderError(f"a block is one of text, table or list, not {' and '.join(shown)}")
    if not shown and block.heading is None:
        raise RenderError("an empty block: give it a text, a heading, a table or a list")
    heading = ctx.inline(block.heading) if block.heading is not None else None
    if block.table:
        section, pick = section_reference(block.table, "table")
        declared = declared_columns(block)
        if declared is not None:
            if section.rows is None:
                raise RenderError(
                    f"columns: {block.table!r} has no entries to lay out; give only new headings"
                )
            return declared_table(ctx, section.rows(ctx)[pick], block, declared, heading)
        if block.layout != "rows" or block.header is not None:
            raise RenderError("layout and header need columns with a heading and a cell each")
        assert section.table is not None
        headings = [column for column in block.columns or () if isinstance(column, Text)] or None
        return section.table(ctx, TableOptions(pick=pick, columns=headings, caption=heading))
    nodes: list[Node] = [Heading(heading)] if heading is not None else []
    if block.text is not None:
        nodes.extend(paragraphs(ctx, block.text))
    if block.bullets:
        nodes.extend(_list(ctx, block, block.bullets))
    if block.columns is not None and not block.table:
        raise RenderError("columns: only a table has columns")
    return nodes


def _list(ctx: Context, block: Block, reference: str) -> list[Node]:
    section, pick = section_reference(reference, "list")
    assert section.items is not None
    items = section.items(ctx)
    start = (pick.start if pick.start is not None and pick.start >= 0 else 0) + 1
    chosen = tuple(items[pick])
    if not chosen:
        return []
    style: Literal["bullet", "decimal", "hangul", "circled"] = block.numbering if block.numbered else "bullet"
    return [ListBlock(chosen, style=style, start=start)]


# ---------------------------------------------------------------------------------------------------
# HTML


def _h(inline: Inline) -> str:
    out = []
    for span in inline:
        if isinstance(span, Link):
            if span.href.startswith(("http://", "https://", "mailto:")):
                out.append(f'<a href="{escape(span.href)}">{escape(span.text)}</a>')
            else:
                out.append(escape(span.text))
        else:
            out.append(escape(span))
    return "".join(out)


def _html(title: str | None, preamble: tuple[Node, ...], articles: list[RenderedArticle], lang: Lang) -> str:
    out = [f'<div class="pb-policy" lang="{lang}">']
    if title is not None:
        out.append(f'<h1 class="pb-title">{escape(title)}</h1>')
    if preamble:
        out.append('<div class="pb-preamble">')
        out.extend(_html_node(node, lang) for node in preamble)
        out.append("</div>")
    for article in articles:
        out.append(f'<article class="pb-article" id="{escape(article.anchor)}">')
        out.append(f'<h2 class="pb-article-title">{escape(article.title)}</h2>')
        out.extend(_html_node(node, lang) for node in article.nodes)
        out.append("</article>")
    out.append("</div>")
    return "\n".join(out) + "\n"


def _html_node(node: Node, lang: Lang) -> str:
    if isinstance(node, Para):
        kind = f" pb-{node.kind}" if node.kind else ""
        return f'<p class="pb-p{kind}">{_h(node.inline)}</p>'
    if isinstance(node, Heading):
        return f'<h3 class="pb-heading">{_h(node.inline)}</h3>'
    if isinstance(node, Table):
        return _html_table(node)
    return _html_list(node, lang)


def _html_list(block: ListBlock, lang: Lang) -> str:
    if block.style == "bullet":
        opening, closing = '<ul class="pb-list pb-bullet">', "</ul>"
    else:
        start = f' start="{block.start}"' if block.start != 1 else ""
        kind = ' type="a"' if block.style == "hangul" and lang == "en" else ""
        opening, closing = f'<ol class="pb-list pb-{block.style}"{kind}{start}>', "</ol>"
    items = "".join(_html_item(item, lang) for item in block.items)
    return f"{opening}{items}{closing}"


def _html_item(item: ListItem, lang: Lang) -> str:
    children = _html_list(item.children, lang) if item.children is not None else ""
    return f"<li>{_h(item.inline)}{children}</li>"


def _html_table(table: Table) -> str:
    out = ['<div class="pb-table-wrap"><table class="pb-table">']
    if table.caption is not None:
        out.append(f"<caption>{_h(table.caption)}</caption>")
    if table.columns:
        heads = "".join(f'<th scope="col">{_h(column)}</th>' for column in table.columns)
        out.append(f"<thead><tr>{heads}</tr></thead>")
    out.append("<tbody>")
    for row in table.rows:
        cells = []
        for index, cell in enumerate(row):
            if cell.continued:
                continue
            span = f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
            if index == 0 and table.row_headers:
                cells.append(
                    f'<th scope="{"rowgroup" if cell.rowspan > 1 else "row"}"{span}>{_html_cell(cell)}</th>'
                )
            else:
                cells.append(f"<td{span}>{_html_cell(cell)}</td>")
        out.append(f"<tr>{''.join(cells)}</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _html_cell(cell: Cell) -> str:
    if len(cell.paras) == 1 and not cell.bullets:
        return _h(cell.paras[0])
    paras = "".join(f"<p>{_h(p)}</p>" for p in cell.paras)
    bullets = "".join(f"<li>{_h(b)}</li>" for b in cell.bullets)
    return paras + (f'<ul class="pb-list pb-bullet">{bullets}</ul>' if bullets else "")


# ---------------------------------------------------------------------------------------------------
# Markdown

_MD_SPECIAL = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "[": "\\[",
    "]": "\\]",
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
}
_HANGUL = "가나다라마바사아자차카타파하"
_CIRCLED_ONE = 0x2460  # ①; Unicode has circled numbers up to ⑳


def circled(number: int) -> str:
    """①, ②, … ⑳; past twenty, the number in parentheses, as Korean documents then write it."""
    return chr(_CIRCLED_ONE + number - 1) if 1 <= number <= 20 else f"({number})"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _md_text(text: str, *, in_table: bool = False) -> str:
    escaped = "".join(_MD_SPECIAL.get(ch, ch) for ch in text)
    if in_table:
        escaped = escaped.replace("|", "\\|")
    escaped = " ".join(escaped.split("\n"))
    return "\\" + escaped if escaped.startswith(("#", "+", "=")) else escaped


def _m(inline: Inline, *, in_table: bool = False) -> str:
    out = []
    for span in inline:
        if isinstance(span, Link) and span.href.startswith(("http://", "https://", "mailto:")):
            href = span.href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
            out.append(f"[{_md_text(span.text, in_table=in_table)}]({href})")
        else:
            out.append(_md_text(span.text if isinstance(span, Link) else span, in_table=in_table))
    return "".join(out)


def _markdown(title: str | None, preamble: tuple[Node, ...], articles: list[RenderedArticle], lang: Lang) -> str:
    out = [f"# {_md_text(title)}"] if title is not None else []
    out.extend(_md_node(node, lang) for node in preamble)
    for article in articles:
        out.append(f"## {_md_text(article.title)}")
        out.extend(_md_node(node, lang) for node in article.nodes)
    return "\n\n".join(out) + "\n"


def _md_node(node: Node, lang: Lang) -> str:
    if isinstance(node, Para):
        return _m(node.inline)
    if isinstance(node, Heading):
        return f"### {_m(node.inline)}"
    if isinstance(node, Table):
        return _md_table(node)
    return "\n".join(_md_list(node, "", lang))


def _md_marker(block: ListBlock, index: int, lang: Lang) -> str:
    """Markdown has only 1. and -; 가. 나. (a. b.) are written out after a dash."""
    number = block.start + index
    if block.style == "decimal":
        return f"{number}."
    if block.style == "hangul":
        letters = _LETTERS if lang == "en" else _HANGUL
        return f"- {letters[(number - 1) % len(letters)]}."
    if block.style == "circled":
        return f"- {circled(number)}"
    return "-"


def _md_list(block: ListBlock, indent: str, lang: Lang) -> list[str]:
    lines = []
    for index, item in enumerate(block.items):
        lines.append(f"{indent}{_md_marker(block, index, lang)} {_m(item.inline)}")
        if item.children is not None:
            lines.extend(_md_list(item.children, indent + "    ", lang))
    return lines


def _md_cell(cell: Cell) -> str:
    parts = [_m(p, in_table=True) for p in cell.paras]
    parts.extend(f"• {_m(b, in_table=True)}" for b in cell.bullets)
    return "<br>".join(parts)


def _md_table(table: Table) -> str:
    lines = [f"**{_m(table.caption)}**", ""] if table.caption is not None else []
    # Markdown has no table without a header row: a headerless (fields) table gets an empty one.
    width = len(table.columns) or max((len(row) for row in table.rows), default=1)
    heads = [_m(c, in_table=True) for c in table.columns] or [" "] * width
    lines.append("| " + " | ".join(heads) + " |")
    lines.append("|" + "---|" * width)
    for row in table.rows:
        lines.append("| " + " | ".join("" if cell.continued else _md_cell(cell) for cell in row) + " |")
    return "\n".join(lines)
