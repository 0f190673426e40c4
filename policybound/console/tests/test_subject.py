from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policybound.audit.models import AuditEvent
from policybound.console.tests.conftest import submit

pytestmark = pytest.mark.django_db(databases=["default", "archive"])


def subject_url(result) -> str:
    return f"/console/subjects/{result.subject_id}/"


def reveal_url(result, item: str) -> str:
    return f"/console/subjects/{result.subject_id}/reveal/{result.submission_id}/{item}/"


def test_it_shows_a_subject_masked(bob, as_staff, hong):
    html = as_staff(bob).get(subject_url(hong)).content.decode()
    assert "홍*동" in html and "홍길동" not in html


def test_it_shows_where_the_data_came_from(bob, as_staff, hong):
    page = as_staff(bob).get(subject_url(hong)).context["page"]
    assert page.submissions[0].submission.source == "web"


def test_it_shows_only_the_consent_receipts_of_the_role(bob, as_staff, hong):
    page = as_staff(bob).get(subject_url(hong)).context["page"]
    assert [(r.purpose, r.event) for r in page.receipts] == [("consulting", "given")]


def test_the_privacy_officer_sees_every_consent_receipt(alice, as_staff, hong):
    page = as_staff(alice).get(subject_url(hong)).context["page"]
    assert {(r.purpose, r.event) for r in page.receipts} == {("consulting", "given"), ("marketing", "refused")}


def test_it_writes_one_view_row_for_the_subject_page(bob, as_staff, hong):
    AuditEvent.objects.filter(action="view").delete()
    as_staff(bob).get(subject_url(hong))
    event = AuditEvent.objects.get(action="view")
    assert (event.subject_id, event.actor_label, event.detail["screen"]) == (hong.subject_id, "bob", "subject")


def test_it_has_no_destruction_date_while_an_engagement_is_open(bob, as_staff, hong):
    assert as_staff(bob).get(subject_url(hong)).context["page"].destruction_open


def test_it_shows_the_destruction_date_once_every_engagement_ended(bob, as_staff, hong):
    client = as_staff(bob)
    client.post(f"/console/engagements/{hong.engagement_id}/close/", {"event": "closed"})
    page = client.get(subject_url(hong)).context["page"]
    assert page.destruction is not None and not page.destruction_open


def test_it_refuses_a_subject_with_nothing_in_the_role(carol, as_staff, hong):
    assert as_staff(carol).get(subject_url(hong)).status_code == 403


def test_it_answers_404_for_an_unknown_subject(bob, as_staff, published):
    assert as_staff(bob).get("/console/subjects/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_it_cuts_a_subject_to_the_purposes_of_the_role(carol, as_staff, published):
    consulting = submit("consulting", n=7)
    submit("newsletter", n=7)
    page = as_staff(carol).get(subject_url(consulting)).context["page"]
    assert {row.engagement.purpose for row in page.engagements} == {"newsletter"}
    assert all(v.item.code != "message" for entry in page.submissions for v in entry.values)


def test_it_asks_for_a_reason_before_showing_a_full_value(bob, as_staff, hong):
    response = as_staff(bob).get(reveal_url(hong, "name"))
    assert "홍길동" not in response.content.decode() and "revealed" not in response.context


def test_it_shows_the_full_value_for_a_reason(bob, as_staff, hong):
    response = as_staff(bob).post(reveal_url(hong, "name"), {"reason": "고객 회신 전화"})
    assert response.context["revealed"].value == "홍길동"


def test_it_logs_the_reveal_with_its_reason(bob, as_staff, hong):
    as_staff(bob).post(reveal_url(hong, "phone"), {"reason": "고객 회신 전화"})
    event = AuditEvent.objects.get(action="reveal")
    assert (event.subject_id, event.target, event.detail["reason"]) == (hong.subject_id, "field:phone", "고객 회신 전화")


def test_it_refuses_a_reveal_without_a_reason(bob, as_staff, hong):
    response = as_staff(bob).post(reveal_url(hong, "name"), {"reason": ""})
    assert "revealed" not in response.context
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_it_refuses_to_reveal_an_item_outside_the_role(carol, as_staff, published):
    consulting = submit("consulting", n=8)
    submit("newsletter", n=8)
    response = as_staff(carol).post(reveal_url(consulting, "message"), {"reason": "궁금해서 확인"})
    assert response.status_code == 403


def export(client, purpose="consulting", reason="월간 상담 현황 보고"):
    response = client.post(f"/console/inbox/{purpose}/export/", {"reason": reason})
    return response, list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_it_exports_only_the_fields_of_the_role(bob, as_staff, hong):
    _response, rows = export(as_staff(bob))
    assert rows[0] == ["engagement", "subject", "started_at", "status", "name", "phone", "email", "company", "message"]


def test_it_exports_a_newsletter_list_without_the_question_field(carol, as_staff, published):
    submit("newsletter")
    _response, rows = export(as_staff(carol), purpose="newsletter")
    assert "message" not in rows[0] and "interests" in rows[0]


def test_it_logs_one_download_row_per_subject_exported_with_the_reason(bob, as_staff, published):
    exported = {submit().subject_id for _ in range(2)}
    export(as_staff(bob))
    rows = AuditEvent.objects.filter(action="download")
    assert {row.subject_id for row in rows} == exported
    assert {row.detail["reason"] for row in rows} == {"월간 상담 현황 보고"}


def test_it_refuses_an_export_without_a_reason(bob, as_staff, hong):
    response, _rows = export(as_staff(bob), reason="")
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action="download").exists()


def test_it_escapes_a_value_a_spreadsheet_would_run(bob, as_staff, published):
    submit(company="=HYPERLINK(1)")
    _response, rows = export(as_staff(bob))
    assert rows[1][rows[0].index("company")] == "'=HYPERLINK(1)"


def test_a_subject_page_runs_the_same_number_of_queries_however_much_it_holds(bob, as_staff, published):
    client = as_staff(bob)
    first = submit("consulting", n=9)
    client.get(subject_url(first))
    with CaptureQueriesContext(connection) as one:
        client.get(subject_url(first))
    for purpose in ("inquiry", "consulting", "inquiry"):
        submit(purpose, n=9)
    with CaptureQueriesContext(connection) as four:
        client.get(subject_url(first))
    assert len(four) == len(one)


def test_it_exports_full_phone_numbers_in_national_format(bob, as_staff, hong):
    _response, rows = export(as_staff(bob))
    assert rows[1][rows[0].index("phone")] == "010-2000-0001"


def test_a_reveal_reason_padded_with_spaces_gets_the_form_again_naming_the_rule(bob, as_staff, hong):
    """"a   b" passes a raw five-character minimum; the form counts it as the service does (3), never a 500."""
    response = as_staff(bob).post(reveal_url(hong, "name"), {"reason": "a   b"})
    assert response.status_code == 200
    assert "revealed" not in response.context
    assert "5자 이상" in response.content.decode()
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_an_export_reason_padded_with_spaces_gets_the_form_again(bob, as_staff, hong):
    response, _rows = export(as_staff(bob), reason="a   b")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action="download").exists()
