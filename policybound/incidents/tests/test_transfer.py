"""A business transfer: advance mails with a refusal link, the posting for the unreachable, refusals honoured."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from policybound.incidents.errors import IncidentRefused
from policybound.incidents.models import HomepagePosting, TransferSubject
from policybound.incidents.selectors import transfer_progress
from policybound.incidents.tests.conftest import OFFICER, people
from policybound.incidents.transfers import (
    transfer_manifest,
    transfer_notify,
    transfer_record,
    transfer_refuse,
)
from policybound.lib import clock
from policybound.mailer.services import mail_send_due


def record(policy: Any, now: dt.datetime, **changes: Any) -> Any:
    arguments: dict[str, Any] = {
        "policy": policy, "transferee_name": "주식회사 인수", "transferee_address": "서울특별시 중구 세종대로 1",
        "transferee_phone": "02-000-0000", "transferee_contact": "개인정보팀 privacy@transferee.example",
        "what_moves": "상담 신청 고객의 이름, 연락처, 이메일", "purposes": ["consulting"],
        "transfer_date": (now + dt.timedelta(days=40)).date(), "actor": OFFICER,
    }
    arguments.update(changes)
    return transfer_record(**arguments)


def link(body: str) -> str:
    found = re.search(r"http://[^ \n]*/notices/transfer/refuse/[^ \n]+/", body)
    assert found is not None
    return found.group(0).removeprefix("http://127.0.0.1:8000")


def test_an_unreachable_person_gets_the_posting_for_30_days(version: Any, policy: Any, now: dt.datetime,
                                                          settings: Any) -> None:
    settings.POLICYBOUND_TRANSFER_POSTING_DAYS = 30
    people(version, 2, at=now - dt.timedelta(days=3))
    people(version, 1, at=now - dt.timedelta(days=3), email=False, start=2)
    people(version, 1, at=now, purpose="inquiry", start=3)
    transfer = record(policy, now)
    assert transfer.affected.count() == 3
    transfer_notify(transfer_id=transfer.pk, policy=policy, actor=OFFICER)
    posting = HomepagePosting.objects.get(transfer=transfer)
    assert posting.ends_at - posting.starts_at == dt.timedelta(days=30)
    assert "주식회사 인수" in Client().get("/").content.decode()
    with clock.frozen(now + dt.timedelta(days=29, hours=23)):
        assert "주식회사 인수" in Client().get("/").content.decode()
    with clock.frozen(now + dt.timedelta(days=30)):
        assert "주식회사 인수" not in Client().get("/").content.decode()
    progress = transfer_progress(transfer)
    assert (progress.people, progress.unreachable, progress.queued) == (3, 1, 2)


def test_a_refusal_before_the_date_is_honoured(version: Any, policy: Any, now: dt.datetime) -> None:
    people(version, 2, at=now - dt.timedelta(days=3))
    transfer = record(policy, now)
    transfer_notify(transfer_id=transfer.pk, policy=policy, actor=OFFICER)
    mail_send_due()
    assert len(mail.outbox) == 2 and "거부" in mail.outbox[0].body and "서울특별시 중구" in mail.outbox[0].body
    client = Client()
    url = link(str(mail.outbox[0].body))
    assert "주식회사 인수" in client.get(url).content.decode()
    assert client.post(url).status_code == 200
    manifest = transfer_manifest(transfer)
    assert sorted(row.moves for row in manifest) == [False, True]
    refused = TransferSubject.objects.get(refused_at__isnull=False)
    assert [row.subject_id for row in manifest if not row.moves] == [str(refused.subject_id)]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert transfer_refuse(token=token, actor=OFFICER).already


def test_a_refusal_on_the_transfer_date_is_too_late(version: Any, policy: Any, now: dt.datetime) -> None:
    people(version, 1, at=now)
    transfer = record(policy, now)
    transfer_notify(transfer_id=transfer.pk, policy=policy, actor=OFFICER)
    mail_send_due()
    url = link(str(mail.outbox[0].body))
    on_the_day = dt.datetime.combine(transfer.transfer_date, dt.time(9), tzinfo=dt.UTC)
    with clock.frozen(on_the_day):
        assert Client().post(url).status_code == 400
    assert all(row.moves for row in transfer_manifest(transfer))
    assert Client().get(url[:-3] + "xx/").status_code == 404


def test_bad_input_names_the_field(policy: Any, now: dt.datetime) -> None:
    with pytest.raises(IncidentRefused) as refused:
        record(policy, now, transferee_name="", purposes=["nope"], transfer_date=now.date())
    assert set(refused.value.errors) == {"transferee_name", "purposes", "transfer_date"}
