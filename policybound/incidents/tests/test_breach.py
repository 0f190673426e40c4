"""A breach: who is affected, whether the PIPC/KISA report is due, and the 72-hour clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from policybound.audit.models import AuditEvent
from policybound.incidents.breaches import (
    breach_record,
    breach_report_record,
    breach_sign_off,
    report_reasons,
)
from policybound.incidents.errors import IncidentRefused
from policybound.incidents.models import BreachCause, ScopeKind
from policybound.incidents.selectors import breach_clock
from policybound.incidents.tests.conftest import OFFICER, people
from policybound.lib import clock
from policybound.policy.schema import Sensitivity

TEXTS = {
    "description": "백업 파일이 외부 저장소에 공개되어 있었습니다.",
    "company_actions": "저장소를 닫고 접근 기록을 조사하고 있습니다.",
    "subject_actions": "의심스러운 전화와 문자에 주의해 주십시오.",
}


def record(policy: Any, **changes: Any) -> Any:
    arguments: dict[str, Any] = {
        "policy": policy, "discovered_at": clock.now(), "cause": BreachCause.MISDELIVERY,
        "items": ["name", "phone"], "actor": OFFICER, **TEXTS,
    }
    arguments.update(changes)
    return breach_record(**arguments)


def test_1200_people_need_the_report_and_run_the_clock(version: Any, policy: Any, now: dt.datetime) -> None:
    people(version, 1200, at=now - dt.timedelta(days=30), email=False)
    breach = record(policy)
    assert breach.affected_count == 1200
    assert breach.report_reasons == ["threshold"]
    assert breach.deadline == now + dt.timedelta(hours=72)
    assert breach_clock(breach, as_of=now + dt.timedelta(hours=71)).state == "running"
    late = breach_clock(breach, as_of=now + dt.timedelta(hours=73))
    assert (late.state, late.hours_over) == ("overdue", 1)
    assert AuditEvent.objects.filter(action="enter", target=f"breach:{breach.pk}").count() == 1


def test_999_people_need_no_report(version: Any, policy: Any, now: dt.datetime, settings: Any) -> None:
    settings.POLICYBOUND_BREACH_REPORT_THRESHOLD = 4
    people(version, 3, at=now)
    assert record(policy).report_reasons == []
    people(version, 1, at=now, start=3)
    assert record(policy).report_reasons == ["threshold"]


def test_3_ordinary_people_need_notices_but_no_report(version: Any, policy: Any, now: dt.datetime) -> None:
    people(version, 3, at=now - dt.timedelta(days=1))
    breach = record(policy)
    assert (breach.affected_count, breach.report_required) == (3, False)
    with pytest.raises(IncidentRefused) as refused:
        breach_sign_off(breach_id=breach.pk, actor=OFFICER)
    assert "정보주체 통지" in str(refused.value)


def test_sensitive_items_and_attacks_need_the_report(policy: Any) -> None:
    items = [item.model_copy(update={"sensitivity": Sensitivity.SENSITIVE}) if item.code == "position" else item
             for item in policy.items]
    sensitive = policy.model_copy(update={"items": items})
    assert report_reasons(sensitive, items=["position"], affected=1, cause="loss") == ["sensitive"]
    assert report_reasons(sensitive, items=["name"], affected=1, cause="loss") == []
    assert report_reasons(policy, items=["name"], affected=1, cause=BreachCause.ATTACK) == ["attack"]


def test_scope_by_purpose_period_and_items(version: Any, policy: Any, now: dt.datetime) -> None:
    old = people(version, 2, at=now - dt.timedelta(days=400))
    people(version, 3, at=now - dt.timedelta(days=10), start=2)
    people(version, 4, at=now - dt.timedelta(days=10), purpose="inquiry", start=5)
    assert record(policy, purposes=["consulting"]).affected_count == 5
    assert record(policy, purposes=["consulting"], collected_from=now - dt.timedelta(days=30)).affected_count == 3
    assert record(policy, collected_until=now - dt.timedelta(days=100)).affected_count == 2
    assert record(policy, items=["message"]).affected_count == 0
    named = record(policy, scope_kind=ScopeKind.SUBJECTS, subject_ids=[str(old[0].pk)])
    assert [row.subject_id for row in named.affected.all()] == [old[0].pk]


def test_scope_by_staff_access(version: Any, policy: Any, now: dt.datetime) -> None:
    from django.db import transaction

    from policybound.audit.actors import Actor
    from policybound.audit.services import audit_record

    touched = people(version, 3, at=now - dt.timedelta(days=5))
    bob = Actor(kind="staff", ident="7", label="bob")
    with transaction.atomic():
        audit_record(actor=bob, action="view", subject_id=touched[0].pk, as_of=now - dt.timedelta(days=2))
        audit_record(actor=bob, action="download", subject_id=touched[1].pk, as_of=now - dt.timedelta(days=9))
    breach = record(policy, scope_kind=ScopeKind.ACCESS, access_account="bob", access_from=now - dt.timedelta(days=3))
    assert [row.subject_id for row in breach.affected.all()] == [touched[0].pk]


def test_bad_input_names_the_field_and_stores_nothing(policy: Any, now: dt.datetime, db: None) -> None:
    with pytest.raises(IncidentRefused) as refused:
        record(policy, items=["nope"], description=" ", discovered_at=now + dt.timedelta(hours=1),
               scope_kind=ScopeKind.SUBJECTS, subject_ids=["x"])
    assert set(refused.value.errors) == {"items", "description", "discovered_at", "subjects"}
    from policybound.incidents.models import Breach

    assert not Breach.objects.exists()


def test_signed_off_late_shows_late(version: Any, policy: Any, now: dt.datetime) -> None:
    from policybound.incidents.breaches import breach_notify

    people(version, 1, at=now, email=False)
    breach = record(policy, cause=BreachCause.ATTACK)
    breach_notify(breach_id=breach.pk, policy=policy, actor=OFFICER)
    with pytest.raises(IncidentRefused) as refused:
        breach_sign_off(breach_id=breach.pk, actor=OFFICER)
    assert "신고를 기록하지" in str(refused.value)
    later = now + dt.timedelta(hours=80)
    breach_report_record(breach_id=breach.pk, authority="kisa", sent_at=later, reference="R-1", actor=OFFICER,
                         as_of=later)
    done = breach_sign_off(breach_id=breach.pk, actor=OFFICER, as_of=later)
    assert breach_clock(done).state == "late"
