"""A breach's person notices: through the outbox, in the person's language, posted for the unreachable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from policybound.audit.models import AuditEvent
from policybound.incidents.breaches import breach_notify, breach_post, breach_sign_off
from policybound.incidents.errors import IncidentRefused
from policybound.incidents.models import HomepagePosting
from policybound.incidents.selectors import breach_clock, breach_progress
from policybound.incidents.tests.conftest import OFFICER, people
from policybound.incidents.tests.test_breach import record
from policybound.lib import clock
from policybound.mailer.models import MailKind, OutboundMail
from policybound.mailer.services import mail_send_due


def test_3_people_get_their_notice_and_the_officer_signs_off(version: Any, policy: Any, now: dt.datetime) -> None:
    people(version, 3, at=now - dt.timedelta(days=1))
    breach = record(policy)
    breach_notify(breach_id=breach.pk, policy=policy, actor=OFFICER)
    assert OutboundMail.objects.filter(kind=MailKind.BREACH_NOTICE, reference=f"breach:{breach.pk}").count() == 3
    assert breach_progress(breach).queued == 3
    assert not HomepagePosting.objects.exists()
    with pytest.raises(IncidentRefused):
        breach_sign_off(breach_id=breach.pk, actor=OFFICER)  # still in the outbox
    mail_send_due()
    assert (breach_progress(breach).sent, len(mail.outbox)) == (3, 3)
    body = mail.outbox[0].body
    for words in ("이름, 연락처", "백업 파일이", "의심스러운 전화", "저장소를 닫고", "1588-0114"):
        assert words in body
    assert AuditEvent.objects.filter(action="view", target=f"breach:{breach.pk}:notice").count() == 3
    done = breach_sign_off(breach_id=breach.pk, actor=OFFICER, as_of=now + dt.timedelta(hours=2))
    assert breach_clock(done).state == "met"


def test_an_unreachable_person_gets_the_homepage_posting(version: Any, policy: Any, now: dt.datetime,
                                                        settings: Any) -> None:
    settings.POLICYBOUND_BREACH_POSTING_DAYS = 30
    people(version, 1, at=now, email=False)
    people(version, 1, at=now, start=1)
    breach = record(policy)
    breach_notify(breach_id=breach.pk, policy=policy, actor=OFFICER)
    posting = HomepagePosting.objects.get(breach=breach)
    assert posting.ends_at - posting.starts_at == dt.timedelta(days=30)
    assert breach_progress(breach).unreachable == 1
    page = Client().get("/").content.decode()
    assert "개인정보 유출" in page and "백업 파일이" in page
    with clock.frozen(now + dt.timedelta(days=30, seconds=1)):
        assert "백업 파일이" not in Client().get("/").content.decode()
    with pytest.raises(IncidentRefused):
        breach_notify(breach_id=breach.pk, policy=policy, actor=OFFICER)


def test_a_bounce_needs_the_posting_before_sign_off(version: Any, policy: Any, now: dt.datetime, settings: Any) -> None:
    settings.EMAIL_BACKEND = "policybound.mailer.tests.conftest.RefusingBackend"
    people(version, 1, at=now)
    breach = record(policy)
    breach_notify(breach_id=breach.pk, policy=policy, actor=OFFICER)
    mail_send_due()
    assert breach_progress(breach).bounced == 1
    with pytest.raises(IncidentRefused) as refused:
        breach_sign_off(breach_id=breach.pk, actor=OFFICER)
    assert "홈페이지에 게시" in str(refused.value)
    breach_post(breach_id=breach.pk, policy=policy, actor=OFFICER)
    assert breach_sign_off(breach_id=breach.pk, actor=OFFICER).completed_at == now
