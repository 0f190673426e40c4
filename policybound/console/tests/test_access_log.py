"""Every look at a subject's personal data in the console writes one 접속기록 row naming the subject."""

from __future__ import annotations

import json

import pytest

from policybound.audit.models import AuditEvent
from policybound.audit.services import audit_verify

pytestmark = pytest.mark.django_db(databases=["default", "archive"])


def screens(hong) -> dict[str, tuple[str, str, dict[str, str], str]]:
    subject = f"/console/subjects/{hong.subject_id}/"
    return {
        "inbox": ("get", "/console/inbox/consulting/", {}, "view"),
        "subject": ("get", subject, {}, "view"),
        "reveal": ("post", f"{subject}reveal/{hong.submission_id}/email/", {"reason": "고객 회신 메일"}, "reveal"),
        "export": ("post", "/console/inbox/consulting/export/", {"reason": "월간 상담 현황 보고"}, "download"),
    }


@pytest.mark.parametrize("screen", ["inbox", "subject", "reveal", "export"])
def test_every_look_at_a_subject_writes_one_access_log_row(screen, bob, as_staff, hong):
    method, url, data, action = screens(hong)[screen]
    before = AuditEvent.objects.filter(subject_id=hong.subject_id, actor_kind="staff").count()
    client = as_staff(bob)
    response = client.post(url, data, REMOTE_ADDR="198.51.100.4") if method == "post" else client.get(url, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 200
    rows = AuditEvent.objects.filter(subject_id=hong.subject_id, actor_kind="staff").order_by("sequence")
    assert rows.count() == before + 1
    row = rows.last()
    assert row is not None
    assert (row.action, row.actor_label, row.ip) == (action, "bob", "198.51.100.4")


@pytest.mark.parametrize("screen", ["inbox", "subject", "reveal", "export"])
def test_no_access_log_row_holds_a_personal_value(screen, bob, as_staff, hong):
    method, url, data, _action = screens(hong)[screen]
    client = as_staff(bob)
    client.post(url, data) if method == "post" else client.get(url)
    logged = json.dumps([row.detail for row in AuditEvent.objects.all()], ensure_ascii=False)
    assert "홍길동" not in logged and "visitor1@example.com" not in logged and "2000-0001" not in logged


def test_the_access_log_still_verifies_after_a_working_session(bob, as_staff, hong):
    for _method, url, data, _action in screens(hong).values():
        as_staff(bob).post(url, data) if data else as_staff(bob).get(url)
    assert audit_verify().ok


def test_a_tampered_access_log_row_is_detected(bob, as_staff, hong):
    as_staff(bob).get(f"/console/subjects/{hong.subject_id}/")
    row = AuditEvent.objects.filter(action="view").last()
    assert row is not None
    AuditEvent.objects.filter(pk=row.pk).update(actor_label="mallory")
    result = audit_verify()
    assert not result.ok and result.first_bad_sequence == row.sequence


def test_a_deleted_access_log_row_is_detected(bob, as_staff, hong):
    client = as_staff(bob)
    client.get(f"/console/subjects/{hong.subject_id}/")
    client.get("/console/inbox/consulting/")
    AuditEvent.objects.filter(action="view").earliest("sequence").delete()
    assert not audit_verify().ok
