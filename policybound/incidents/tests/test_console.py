"""The officer's screens: record a breach and a transfer, send, report, sign off, export; others are turned away."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from policybound.audit.models import AuditEvent
from policybound.console.tests.conftest import signed_in
from policybound.incidents.models import Breach, Transfer
from policybound.incidents.tests.conftest import people
from policybound.mailer.services import mail_send_due

BREACH = {
    "discovered_at": "2025-03-03T18:30", "cause": "attack", "description": "웹 서버가 공격을 받았습니다.",
    "company_actions": "서버를 격리했습니다.", "subject_actions": "비밀번호를 바꿔 주십시오.", "items": ["name", "email"],
    "scope": "data",
}


def test_the_officer_runs_a_breach_end_to_end(version: Any, alice: Any, now: dt.datetime) -> None:
    people(version, 2, at=now - dt.timedelta(days=2))
    client = signed_in(alice)
    assert client.get("/console/incidents/").status_code == 200
    response = client.post("/console/incidents/breaches/new/", BREACH)
    assert response.status_code == 302, response.content.decode()[:500]
    breach = Breach.objects.get()
    page = client.get(f"/console/incidents/breaches/{breach.pk}/").content.decode()
    assert "외부로부터의 불법적인 접근" in page and "웹 서버가 공격" in page
    client.post(f"/console/incidents/breaches/{breach.pk}/", {"step": "notify"})
    mail_send_due()
    bad = client.post(f"/console/incidents/breaches/{breach.pk}/", {"step": "report", "authority": "x", "sent_at": ""})
    assert bad.status_code == 400
    client.post(f"/console/incidents/breaches/{breach.pk}/",
                {"step": "report", "authority": "kisa", "sent_at": "2025-03-03T19:00", "reference": "K-1"})
    client.post(f"/console/incidents/breaches/{breach.pk}/", {"step": "sign_off"})
    breach.refresh_from_db()
    assert breach.completed_by == "alice" and breach.report_reference == "K-1"
    exported = client.post(f"/console/incidents/breach/{breach.pk}/export.json")
    data = json.loads(exported.content)
    assert data["clock"] == "met" and len(data["people"]) == 2
    assert "@example.com" not in exported.content.decode() and "김테스트" not in exported.content.decode()
    assert [e["action"] for e in data["audit"]] == ["enter", "change", "change", "review"]
    csv_text = client.post(f"/console/incidents/breach/{breach.pk}/export.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("subject_id,items") and len(csv_text.splitlines()) == 3
    assert AuditEvent.objects.filter(action="download", target=f"breach:{breach.pk}").count() == 2


def test_a_bad_breach_form_names_the_field(version: Any, alice: Any, now: dt.datetime) -> None:
    response = signed_in(alice).post("/console/incidents/breaches/new/", {**BREACH, "discovered_at": "2026-01-01T00:00"})
    assert response.status_code == 400 and "인지 시점은 미래일 수 없습니다" in response.content.decode()
    assert not Breach.objects.exists()


def test_the_officer_records_and_notifies_a_transfer(version: Any, alice: Any, now: dt.datetime) -> None:
    people(version, 1, at=now)
    client = signed_in(alice)
    response = client.post("/console/incidents/transfers/new/", {
        "transferee_name": "주식회사 인수", "transferee_address": "서울", "transferee_phone": "02-000-0000",
        "transferee_contact": "개인정보팀", "what_moves": "상담 고객 정보", "purposes": ["consulting"],
        "transfer_date": "2025-05-01",
    })
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    client.post(f"/console/incidents/transfers/{transfer.pk}/", {"step": "notify"})
    page = client.get(f"/console/incidents/transfers/{transfer.pk}/").content.decode()
    assert "주식회사 인수" in page and transfer.affected.get().mail is not None


def test_a_handler_is_turned_away(version: Any, bob: Any) -> None:
    assert signed_in(bob).get("/console/incidents/").status_code == 403
