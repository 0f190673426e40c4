"""Access (열람, PIPA 35): everything held, by label in the visitor's language, dates as Korean writes them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest

from policybound.audit.models import AuditEvent
from policybound.collection.services import engagement_end
from policybound.lib import clock
from policybound.rights.models import RequestKind, RequestStatus, RightsRequest

from .conftest import STAFF, T0, sign_in

pytestmark = pytest.mark.django_db(databases=["default", "archive"])


def visible(html: str) -> str:
    """The page's text as a reader sees it (no tags, no attribute values such as a checkbox's code)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_page_shows_items_and_purposes_by_label_in_korean(alice, client, mailoutbox):
    sign_in(client, mailoutbox)
    page = visible(client.get("/privacy-center/mine/").content.decode())
    for words in ("컨설팅 신청", "이름", "김앨리스", "연락처", "010-2000-1001", "이메일", "alice@example.com"):
        assert words in page
    for code in ("consulting", " name ", "+8210", "P12M", " active ", "given", "web"):
        assert code not in page


def test_the_page_speaks_english_when_asked(alice, client, mailoutbox):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    sign_in(client, mailoutbox)
    page = client.get("/privacy-center/mine/").content.decode()
    assert "Consulting request" in page and "Phone number" in page and "Your data" in page


def test_a_retention_deadline_is_a_date_written_the_korean_way(alice, client, mailoutbox):
    engagement_end(engagement_id=alice.engagement_id, event=None, actor=STAFF, as_of=T0)
    sign_in(client, mailoutbox)
    page = client.get("/privacy-center/mine/").content.decode()
    assert "2026. 3. 3." in page  # 12 months after the consulting ended on 2025. 3. 3.


def test_who_can_see_it_lists_processors_and_their_items(alice, client, mailoutbox):
    sign_in(client, mailoutbox)
    page = client.get("/privacy-center/mine/").content.decode()
    assert "KTIS" in page and "Salesforce.com" in page and "일본" in page


def test_the_consent_notice_shown_is_on_the_page(alice, client, mailoutbox):
    sign_in(client, mailoutbox)
    page = client.get("/privacy-center/mine/").content.decode()
    assert "동의" in page and "The notice you were shown" not in page
    assert "수집·이용" in page or "수집" in page


def test_an_access_is_an_answered_request_on_record_with_a_view_row(alice, client, mailoutbox):
    sign_in(client, mailoutbox)
    client.get("/privacy-center/mine/")
    client.get("/privacy-center/mine/")
    request = RightsRequest.objects.get(kind=RequestKind.ACCESS)  # one per session, however many views
    assert (request.status, request.outcome, request.due_on) == (RequestStatus.ANSWERED, "done", dt.date(2025, 3, 13))
    views = AuditEvent.objects.filter(action="view", subject_id=alice.subject_id, target=f"rights_request:{request.pk}")
    assert views.count() == 2


def test_the_json_download_follows_its_schema_and_is_logged(alice, client, mailoutbox):
    sign_in(client, mailoutbox)
    response = client.get("/privacy-center/mine/download.json")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["schema"] == "policybound.rights.export/1"
    consulting = next(s for s in data["submissions"] if s["purpose"]["code"] == "consulting")
    assert {"code": "name", "label": "이름", "value": "김앨리스"} in consulting["items"]
    assert {c["purpose"]["code"] for c in data["consents"]} == {"consulting", "marketing"}
    assert AuditEvent.objects.filter(action="download", subject_id=alice.subject_id).count() == 1


def test_the_csv_download_has_one_row_per_value_and_no_formula(policy, client, mailoutbox):
    from policybound.lib.testing import alice_fields

    from .conftest import submit

    submit(alice_fields(message="=HYPERLINK(\"x\") 상담"))
    sign_in(client, mailoutbox)
    text = client.get("/privacy-center/mine/download.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "목적"
    assert any(row[2].startswith("'=HYPERLINK") for row in rows)


def test_an_unknown_format_is_a_404(alice, client, mailoutbox):
    sign_in(client, mailoutbox)
    assert client.get("/privacy-center/mine/download.xml").status_code == 404


def test_without_a_session_the_page_sends_you_to_the_start(alice, client):
    response = client.get("/privacy-center/mine/")
    assert response.status_code == 302 and response["Location"] == "/privacy-center/"


def test_a_forged_session_cookie_opens_nothing(alice, client):
    client.cookies["pb_rights"] = "forged"
    assert client.get("/privacy-center/mine/").status_code == 302


def test_every_public_page_links_the_privacy_center(policy, client):
    for url in ("/", "/privacy/", "/forms/consulting/"):
        assert 'href="/privacy-center/"' in client.get(url).content.decode()


def test_no_value_reaches_the_log_of_a_view(alice, client, mailoutbox):
    sign_in(client, mailoutbox)
    client.get("/privacy-center/mine/")
    for event in AuditEvent.objects.all():
        assert "김앨리스" not in json.dumps(event.detail, ensure_ascii=False)
    with clock.frozen(T0):
        pass
