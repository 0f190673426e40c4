"""Rendering in general: both formats, escaping, numbering, and clear errors with file locations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from policybound.policy.loader import policy_parse
from policybound.policy.render import (
    RENDER_SECTIONS,
    RenderError,
    placeholder_paths_valid,
    policy_render,
    policy_render_toc,
    render_problems,
)
from policybound.policy.schema import Policy

POLICIES = Path(__file__).resolve().parents[3] / "policies"
EXAMPLE = POLICIES / "examples" / "haneul-data.yaml"


def example_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


def policy_from(data: dict[str, Any]) -> Policy:
    return policy_parse(yaml.safe_dump(data, allow_unicode=True, sort_keys=False)).policy


def test_it_renders_html_with_an_article_per_article() -> None:
    policy = policy_from(example_data())
    html = policy_render(policy, fmt="html")
    assert html.count("<article ") == len(policy.document.articles)
    assert '<article class="pb-article" id="article-purposes">' in html


def test_it_renders_markdown_with_a_heading_per_article() -> None:
    policy = policy_from(example_data())
    markdown = policy_render(policy, fmt="md")
    assert markdown.startswith("# 하늘HR 개인정보 처리방침\n")
    assert markdown.count("\n## ") == len(policy.document.articles)


def test_it_gives_tables_column_and_row_headers() -> None:
    html = policy_render(policy_from(example_data()))
    assert '<th scope="col">수집·이용 목적</th>' in html
    assert '<th scope="row">데모 신청 (제품 시연 일정 안내 및 진행)</th>' in html


def test_it_escapes_a_script_in_policy_text() -> None:
    data = example_data()
    data["purposes"][0]["description"]["ko"] = "<script>alert('Mallory')</script>"
    data["document"]["articles"][0]["blocks"][0]["text"]["ko"] = 'Bob <img src=x onerror="alert(1)">'
    html = policy_render(policy_from(data), fmt="html")
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&#x27;Mallory&#x27;)&lt;/script&gt;" in html


def test_it_escapes_a_script_in_markdown() -> None:
    data = example_data()
    data["purposes"][0]["description"]["ko"] = "<script>alert(1)</script>"
    markdown = policy_render(policy_from(data), fmt="md")
    assert "<script" not in markdown
    assert "&lt;script&gt;" in markdown


def test_every_address_in_prose_becomes_a_link() -> None:
    data = example_data()
    data["document"]["articles"][0]["blocks"][0]["text"]["ko"] = (
        "문의: privacy@haneul.example 또는 privacy.kisa.or.kr에서, 자세히는 https://haneul.example/p?q=1. "
        "Salesforce.com 및 버전 1.5는 주소가 아닙니다."
    )
    html = policy_render(policy_from(data))
    assert '<a href="mailto:privacy@haneul.example">privacy@haneul.example</a>' in html
    assert '<a href="https://privacy.kisa.or.kr">privacy.kisa.or.kr</a>에서' in html
    assert '<a href="https://haneul.example/p?q=1">https://haneul.example/p?q=1</a>. ' in html
    assert "Salesforce.com 및 버전 1.5는" in html


def test_every_address_in_markdown_becomes_a_link() -> None:
    data = example_data()
    data["document"]["articles"][0]["blocks"][0]["text"]["ko"] = "문의: privacy@haneul.example, www.kopico.go.kr."
    markdown = policy_render(policy_from(data), fmt="md")
    assert "[privacy@haneul.example](mailto:privacy@haneul.example)" in markdown
    assert "[www.kopico.go.kr](https://www.kopico.go.kr)." in markdown


def test_it_does_not_link_a_javascript_address() -> None:
    data = example_data()
    data["controller"]["homepage"] = "javascript:alert(1)"
    html = policy_render(policy_from(data))
    assert "href=\"javascript" not in html
    assert "javascript:alert(1)" in html


def test_it_escapes_a_pipe_inside_a_markdown_table_cell() -> None:
    data = example_data()
    data["purposes"][0]["label"]["ko"] = "데모 | 시연"
    markdown = policy_render(policy_from(data), fmt="md")
    assert "데모 \\| 시연" in markdown


def test_it_numbers_articles_from_the_document_numbering() -> None:
    data = example_data()
    data["document"]["numbering"] = {"ko": "§{n}", "en": "Section {n}"}
    toc = policy_render_toc(policy_from(data), lang="en")
    assert toc[0] == ("article-purposes", "Section 1 Purposes of processing")


def test_it_places_the_title_where_the_numbering_says() -> None:
    toc = policy_render_toc(policy_from(example_data()), lang="ko")
    assert toc[0] == ("article-purposes", "제1조(개인정보의 처리 목적)")


def test_it_continues_the_numbering_of_a_sliced_list() -> None:
    data = yaml.safe_load((POLICIES / "kt-enterprise.yaml").read_text(encoding="utf-8"))
    html = policy_render(policy_from(data))
    assert '<ol class="pb-list pb-decimal" start="3">' in html


def test_it_prints_hangul_markers_as_letters_in_english() -> None:
    data = yaml.safe_load((POLICIES / "kt-enterprise.yaml").read_text(encoding="utf-8"))
    policy = policy_from(data)
    assert '<ol class="pb-list pb-hangul" type="a">' in policy_render(policy, lang="en")
    assert "- a. Announced: January 19, 2022" in policy_render(policy, lang="en", fmt="md")


def test_it_rejects_an_unknown_section_naming_the_known_ones() -> None:
    data = example_data()
    data["document"]["articles"][3]["blocks"][1]["table"] = "procesors"
    with pytest.raises(RenderError, match=r"'procesors' is not a section; the sections are: .*processors"):
        policy_render(policy_from(data))


def test_it_rejects_a_section_in_a_form_it_does_not_have() -> None:
    data = example_data()
    data["document"]["articles"][3]["blocks"][1] = {"list": "processors"}
    with pytest.raises(RenderError, match="prints as a table, not as a list"):
        policy_render(policy_from(data))


def test_it_rejects_a_placeholder_naming_nothing() -> None:
    data = example_data()
    data["document"]["articles"][0]["blocks"][0]["text"]["en"] = "Call {{ contacts.officer.fax }}."
    with pytest.raises(RenderError, match=r"\{\{ contacts.officer.fax \}\}: there is no field 'contacts.officer.fax'"):
        policy_render(policy_from(data), lang="en")


def test_it_reports_a_bad_placeholder_at_its_line() -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "{{ rights.deadline_days }}일 이내에", "{{ rights.deadline }}일 이내에"
    )
    loaded = policy_parse(text)
    problems = render_problems(loaded.policy)
    assert len(problems) == 1
    line = loaded.lines.line_of(problems[0].location)
    placeholder_line = next(n for n, row in enumerate(text.splitlines(), 1) if "{{ rights.deadline }}" in row)
    assert text.splitlines()[line - 1].strip() == "- text:"
    assert 0 < placeholder_line - line <= 4
    assert problems[0].location[-1] == "text"
    assert "there is no field 'rights.deadline'" in problems[0].message


def test_it_reports_an_unknown_section_at_the_line_of_its_block() -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("- table: purposes_retention", "- table: retention")
    loaded = policy_parse(text)
    [problem] = render_problems(loaded.policy)
    assert text.splitlines()[loaded.lines.line_of(problem.location) - 1].strip() == "- table: retention"


def test_it_reports_a_placeholder_in_the_data_at_its_field() -> None:
    data = example_data()
    data["processors"][1]["tasks"]["en"] = "Support desk ({{ itemz }})"
    [problem] = render_problems(policy_from(data))
    assert problem.location == ("processors", 1, "tasks", "en")


def test_it_resolves_items_in_a_processor_row_to_that_processors_items() -> None:
    markdown = policy_render(policy_from(example_data()), fmt="md", lang="en")
    assert "Running the support ticket system (items: Name, Work email, Company, Your question)" in markdown


def test_it_finds_no_problem_in_the_bundled_policy() -> None:
    data = yaml.safe_load((POLICIES / "kt-enterprise.yaml").read_text(encoding="utf-8"))
    assert placeholder_paths_valid(policy_from(data))


def test_it_offers_each_section_as_a_table_or_a_list() -> None:
    assert all(section.forms for section in RENDER_SECTIONS.values())
    assert "purposes_required" in RENDER_SECTIONS
    assert RENDER_SECTIONS["processors"].forms == frozenset({"table"})


def test_it_rejects_an_unknown_language() -> None:
    with pytest.raises(ValueError, match="lang must be"):
        policy_render(policy_from(example_data()), lang="ja")


def test_it_rejects_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="fmt must be"):
        policy_render(policy_from(example_data()), fmt="pdf")


def test_it_can_leave_the_title_to_the_page() -> None:
    html = policy_render(policy_from(example_data()), with_title=False)
    assert "<h1" not in html


def test_it_lists_apart_the_purposes_processed_without_consent() -> None:
    data = example_data()
    data["document"]["articles"][0]["blocks"].append({"table": "purposes_without_consent"})
    markdown = policy_render(policy_from(data), fmt="md")
    table = markdown.split("| 수집·이용 목적 | 개인정보 항목 | 처리 근거 | 보유 및 이용 기간 |")[1].split("\n\n")[0]
    assert "서비스 계약 및 이용" in table
    assert "필수 (계약의 체결·이행)" in table
    assert "데모 신청" not in table


def test_a_preamble_prints_before_the_first_article() -> None:
    data = example_data()
    data["document"]["preamble"] = [
        {"text": {"ko": "「개인정보 보호법」 제30조에 따라 {{ controller.name }}는 다음과 같이 정합니다.", "en": "Under Article 30."}}
    ]
    policy = policy_from(data)
    html = policy_render(policy)
    preamble = html.index('<div class="pb-preamble">')
    assert preamble < html.index("<article ")
    assert f"제30조에 따라 {policy.controller.name.ko}는" in html[preamble : html.index("<article ")]
    markdown = policy_render(policy, fmt="md")
    assert markdown.index("제30조에 따라") < markdown.index("\n## ")


def test_a_preamble_placeholder_naming_nothing_is_a_problem_at_its_line() -> None:
    data = example_data()
    data["document"]["preamble"] = [{"text": {"ko": "{{ controller.nothing }}", "en": "x"}}]
    [problem] = render_problems(policy_from(data))
    assert problem.location[:3] == ("document", "preamble", 0)


@pytest.mark.parametrize(("pattern", "words"), [("{n} {unit}", "1 년 6 개월"), ("{n}{unit}", "1년 6개월")])
def test_durations_print_as_the_document_writes_them(pattern: str, words: str) -> None:
    data = example_data()
    data["document"]["durations"] = {"ko": pattern, "en": "{n} {unit}"}
    data["legal_retention"][0]["period"] = "P1Y6M"
    data["document"]["articles"][0]["blocks"][0]["text"]["ko"] = "보유 기간: {{ legal_retention.0.period }} 끝."
    assert f"보유 기간: {words} 끝." in policy_render(policy_from(data))


def test_a_duration_format_naming_another_field_is_a_problem() -> None:
    data = example_data()
    data["document"]["durations"] = {"ko": "{count}{unit}", "en": "{n} {unit}"}
    data["document"]["articles"][0]["blocks"][0]["text"]["ko"] = "{{ legal_retention.0.period }}"
    assert any("document.durations" in problem.message for problem in render_problems(policy_from(data)))


def test_a_circled_list_prints_circled_numbers() -> None:
    data = example_data()
    article = data["document"]["articles"][-1]
    article["blocks"].append({"list": "safeguards_administrative", "numbered": True, "numbering": "circled"})
    policy = policy_from(data)
    assert '<ol class="pb-list pb-circled">' in policy_render(policy)
    assert "- ① " in policy_render(policy, fmt="md")


# --- tables whose columns the file declares -----------------------------------------------------------


def _block_of(data: dict[str, Any], table: str) -> dict[str, Any]:
    return next(
        block for article in data["document"]["articles"] for block in article["blocks"] if block.get("table") == table
    )


def _same(words: str) -> dict[str, str]:
    return {"ko": words, "en": words}


def test_a_declared_purposes_table_prints_only_the_files_columns_and_words() -> None:
    data = example_data()
    _block_of(data, "purposes")["columns"] = [
        {"heading": {"ko": "구분", "en": "Type"}, "cell": _same("{{ label }}")},
        {"heading": {"ko": "처리 목적", "en": "Purpose"}, "cell": _same("{{ description }}")},
        {"heading": {"ko": "필수/선택", "en": "Required"}, "cell": _same("{{ kind }}")},
        {"heading": {"ko": "항목", "en": "Items"}, "cell": _same("{{ items }}")},
    ]
    policy = policy_from(data)
    html = policy_render(policy)
    table = html[html.index('id="article-purposes"') : html.index("</table>", html.index('id="article-purposes"'))]
    first = policy.purposes[0]
    assert '<th scope="col">구분</th><th scope="col">처리 목적</th><th scope="col">필수/선택</th>' in table
    assert f'<th scope="row">{first.label.ko}</th><td>{first.description.ko}</td>' in table
    assert "정보주체의 동의" not in table
    assert "보유" not in table


def test_a_declared_fields_table_joins_two_fields_in_one_cell_and_leaves_out_empty_ones() -> None:
    data = example_data()
    data["transfers"][0].pop("purpose")
    block = _block_of(data, "transfers")
    block["layout"] = "fields"
    block["columns"] = [
        {"heading": _same("이전받는 자"), "cell": _same("{{ recipient }} ({{ contact }})")},
        {"heading": _same("이전 일시 및 방법"), "cell": _same("{{ timing }}, {{ method }}")},
        {"heading": _same("이용 목적"), "cell": _same("{{ purpose }}")},
    ]
    html = policy_render(policy_from(data))
    table = html[html.index('id="article-transfers"') : html.index("</table>", html.index('id="article-transfers"'))]
    assert "<thead>" not in table
    assert (
        '<th scope="row">이전 일시 및 방법</th><td>기술 지원 문의를 접수할 때 네트워크로 전송, 암호화된 전용 API 전송</td>'
        in table
    )
    assert '(<a href="mailto:privacy@nimbus-helpdesk.example">' in table
    assert "이용 목적" not in table
    assert table.count("<tr>") == 2


def test_a_fields_table_may_have_its_own_header() -> None:
    data = example_data()
    block = _block_of(data, "transfers")
    block.update(
        layout="fields",
        header=[_same("항목"), _same("상세")],
        columns=[{"heading": _same("국가"), "cell": _same("{{ country }}")}],
    )
    markdown = policy_render(policy_from(data), fmt="md")
    assert "| 항목 | 상세 |\n|---|---|\n| 국가 | 싱가포르 |" in markdown


def test_a_declared_cell_naming_no_field_is_a_problem_at_its_block() -> None:
    data = example_data()
    _block_of(data, "processors")["columns"] = [{"heading": _same("수탁자"), "cell": _same("{{ nmae }}")}]
    [problem] = render_problems(policy_from(data))
    assert "nmae" in problem.message
    assert problem.location[:2] == ("document", "articles")


def test_a_section_without_entries_cannot_declare_cells() -> None:
    data = example_data()
    _block_of(data, "access_requests")["columns"] = [{"heading": _same("부서"), "cell": _same("{{ name }}")}]
    assert any("no entries to lay out" in p.message for p in render_problems(policy_from(data)))


def test_a_field_left_empty_leaves_no_dangling_separator() -> None:
    data = example_data()
    data["transfers"][0].pop("method")
    data["transfers"][0].pop("contact")
    block = _block_of(data, "transfers")
    block["layout"] = "fields"
    block["columns"] = [
        {"heading": _same("이전받는 자"), "cell": _same("{{ recipient }} ({{ contact }})")},
        {"heading": _same("이전 일시 및 방법"), "cell": _same("{{ timing }}, {{ method }}")},
    ]
    html = policy_render(policy_from(data))
    assert "<td>기술 지원 문의를 접수할 때 네트워크로 전송</td>" in html
    assert "<td>Nimbus Helpdesk Pte. Ltd.</td>" in html
