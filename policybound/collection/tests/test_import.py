"""``policybound import``: row-by-row checks, a report naming every bad row, all-or-nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from policybound.collection.models import ConsentReceipt, Engagement, Submission
from policybound.collection.tests.conftest import row_counts

HEADER = "name,phone,email,company,message\n"
ALICE = "김앨리스,010-2000-1001,alice@example.com,(주)에이비씨테스트,세미나 후속 상담\n"
BOB = "박밥,02-123-4567,bob@example.org,에이비씨테스트,\"여러 줄,\n상담 요청\"\n"
CAROL = "최캐롤,010-4000-3003,carol@example.net,씨디이,세미나 질문\n"


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str, *, encoding: str = "utf-8") -> str:
        path = tmp_path / "attendees.csv"
        path.write_bytes(text.encode(encoding))
        return str(path)

    return write


def run(path: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", path, "--language", "en", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_every_row_with_its_source(policy_version, csv_file):
    path = csv_file(HEADER + ALICE + BOB + CAROL)
    out, _err = run(path, "--source", "event", "--purpose", "consulting", "--source-detail", "2025 AI 세미나")
    assert "Imported 3 row(s)" in out
    assert set(Submission.objects.values_list("source", "source_detail", "channel")) == {
        ("event", "2025 AI 세미나", "import")
    }


def test_it_records_the_consent_collected_at_the_source(policy_version, csv_file):
    run(csv_file(HEADER + ALICE), "--source", "event", "--purpose", "consulting", "--consents", "marketing")
    assert sorted(ConsentReceipt.objects.values_list("purpose", "event")) == [
        ("consulting", "given"), ("marketing", "given"),
    ]
    assert Engagement.objects.filter(purpose="marketing").count() == 1


def test_it_keeps_the_notice_shown_at_the_source(policy_version, csv_file, tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text("세미나 등록 시 고지한 문구", encoding="utf-8")
    run(csv_file(HEADER + ALICE), "--source", "event", "--purpose", "consulting", "--notice-file", str(notice))
    notice = ConsentReceipt.objects.get().notice
    assert notice is not None
    assert notice.text == "세미나 등록 시 고지한 문구"


def test_it_reports_every_bad_row_and_field(policy_version, csv_file):
    bad_phone = "이상한,010-99,dave@example.com,회사,질문\n"
    bad_email = "이메일,010-5000-4004,not-an-email,회사,질문\n"
    path = csv_file(HEADER + ALICE + bad_phone + bad_email)
    _out, err = _report(path, "--source", "business_card", "--purpose", "consulting")
    assert ":3: row 2: phone:" in err
    assert ":4: row 3: email:" in err
    assert "010-99" not in err
    assert "not-an-email" not in err


def _report(path: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", path, "--language", "en", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_nothing_when_one_row_is_bad(policy_version, csv_file):
    before = row_counts()
    path = csv_file(HEADER + ALICE + "박밥,010-3000-2002,bob@example.org,회사,800101-1234567\n" + CAROL)
    _report(path, "--source", "partner", "--purpose", "consulting")
    assert row_counts() == before


def test_it_refuses_a_column_the_purpose_does_not_list(policy_version, csv_file):
    path = csv_file("name,phone,email,company,message,position\n" + ALICE.rstrip("\n") + ",CTO\n")
    _out, err = _report(path, "--source", "business_card", "--purpose", "consulting")
    assert "column “position”" in err
    assert Submission.objects.count() == 0


def test_it_names_the_columns_of_a_file_without_a_header_by_number_only(policy_version, csv_file):
    _out, err = _report(csv_file(ALICE + CAROL), "--source", "event", "--purpose", "consulting")
    assert "column “1”" in err
    assert [needle for needle in ("앨리스", "alice@", "2000-1001", "최캐롤") if needle in err] == []


def test_it_reports_a_row_with_the_wrong_number_of_cells(policy_version, csv_file):
    _out, err = _report(csv_file(HEADER + "김앨리스,010-2000-1001\n"), "--source", "event", "--purpose", "consulting")
    assert "row 1 (line 2): 2 cells" in err


def test_it_refuses_an_optional_consent_the_purpose_does_not_offer(policy_version, csv_file):
    _out, err = _report(csv_file(HEADER + ALICE), "--source", "event", "--purpose", "consulting", "--consents", "newsletter")
    assert "row 1: newsletter:" in err


def test_it_suggests_cp949_for_a_korean_excel_file(policy_version, csv_file):
    path = csv_file(HEADER + ALICE, encoding="cp949")
    with pytest.raises(CommandError, match="--encoding cp949"):
        run(path, "--source", "event", "--purpose", "consulting")


def test_it_reads_a_cp949_file_when_told(policy_version, csv_file):
    path = csv_file(HEADER + ALICE, encoding="cp949")
    out, _err = run(path, "--source", "event", "--purpose", "consulting", "--encoding", "cp949")
    assert "Imported 1 row(s)" in out


def test_it_accepts_only_sources_other_than_the_subject(policy_version, csv_file):
    with pytest.raises(CommandError):
        run(csv_file(HEADER + ALICE), "--source", "web", "--purpose", "consulting")
