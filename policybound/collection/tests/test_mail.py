"""Mails queued with the consent and sent after commit: marketing decisions (시행령 62의2) and the
newsletter's double opt-in links."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import translation

from policybound.audit.actors import Actor
from policybound.collection.models import ConsentReceipt, Engagement, EngagementStatus, ReceiptEvent
from policybound.collection.services import consent_withdraw, submission_record
from policybound.lib import clock
from policybound.lib.testing import alice_fields
from policybound.mailer.models import MailKind, MailStatus, OutboundMail
from policybound.mailer.services import _send_after_commit, mail_send_due

STAFF = Actor(kind="staff", ident="7", label="carol")


@pytest.fixture
def send(policy_version, visitor, django_capture_on_commit_callbacks):
    def submit(purpose="consulting", fields=None, consents=None, lang="en"):
        with translation.override(lang), django_capture_on_commit_callbacks(execute=True):
            return submission_record(
                purpose=purpose,
                fields=alice_fields() if fields is None else fields,
                consents={purpose: True} if consents is None else consents,
                source="web",
                actor=visitor,
            )

    return submit


def newsletter_fields():
    return alice_fields(message=None, interests=["cloud"])


def link(mail, kind: str) -> str:
    found = re.search(rf"http://\S+/mail/{kind}/\S+/", mail.body)
    assert found is not None
    return found.group(0).removeprefix("http://127.0.0.1:8000")


def test_it_confirms_a_marketing_consent_by_mail(send, mailoutbox):
    send(consents={"consulting": True, "marketing": True})
    (mail,) = mailoutbox
    assert mail.to == ["alice@example.com"]
    assert "KT Corporation" in mail.body
    assert "you agreed to receive advertising information" in mail.body
    assert "2025" in mail.body
    assert "/mail/unsubscribe/" in mail.body


def test_it_confirms_a_marketing_refusal_by_mail(send, mailoutbox):
    send(consents={"consulting": True, "marketing": False})
    (mail,) = mailoutbox
    assert "you refused to receive advertising information" in mail.body
    assert "/mail/unsubscribe/" not in mail.body


def test_it_sends_nothing_when_marketing_was_not_asked(send, mailoutbox):
    send(consents={"consulting": True})
    assert mailoutbox == []


def test_it_sends_nothing_before_commit(policy_version, visitor, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission_record(
            purpose="consulting", fields=alice_fields(), consents={"consulting": True, "marketing": True},
            source="web", actor=visitor,
        )
    mail_attempts = [c for c in callbacks if getattr(c, "func", None) is _send_after_commit]
    assert (len(mail_attempts), mailoutbox) == (1, [])  # the others cache the notice rows


def test_it_writes_in_korean_by_default(send, mailoutbox):
    send(consents={"consulting": True, "marketing": True}, lang="ko")
    assert "주식회사 케이티" in mailoutbox[0].body
    assert "광고성 정보 수신에 동의" in mailoutbox[0].body


def test_it_confirms_a_withdrawal_by_mail(send, mailoutbox, django_capture_on_commit_callbacks):
    result = send(consents={"consulting": True, "marketing": True})
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(subject_id=result.subject_id, purpose="marketing", actor=STAFF, channel="console")
    assert "you withdrew your consent" in mailoutbox[-1].body
    assert mailoutbox[-1].to == ["alice@example.com"]


def test_it_offers_one_click_unsubscribe_in_the_headers(send, mailoutbox):
    send(consents={"consulting": True, "marketing": True})
    assert mailoutbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_it_asks_a_newsletter_subscriber_to_confirm(send, mailoutbox):
    send(purpose="newsletter", fields=newsletter_fields())
    (mail,) = mailoutbox
    assert "/mail/confirm/" in mail.body
    assert "Until you confirm, we send you nothing." in mail.body


def test_it_survives_a_failing_mail_server(send, mailoutbox, settings, caplog):
    settings.EMAIL_BACKEND = "policybound.collection.tests.test_mail.BrokenBackend"
    result = send(consents={"consulting": True, "marketing": True})
    assert ConsentReceipt.objects.filter(pk__in=result.receipt_ids).count() == 2
    assert "alice@example.com" not in caplog.text


def test_it_keeps_the_mail_in_the_outbox_when_the_server_fails(send, mailoutbox, settings, now):
    settings.EMAIL_BACKEND = "policybound.collection.tests.test_mail.BrokenBackend"
    send(consents={"consulting": True, "marketing": True})
    mail = OutboundMail.objects.get()
    assert (mail.kind, mail.status, mail.attempts) == (MailKind.CONSENT_RESULT, MailStatus.QUEUED, 1)


def test_it_sends_the_mail_once_the_server_is_back(send, mailoutbox, settings, now):
    settings.EMAIL_BACKEND = "policybound.collection.tests.test_mail.BrokenBackend"
    send(consents={"consulting": True, "marketing": True})
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail_send_due(as_of=now + dt.timedelta(minutes=1))
    assert "you agreed to receive advertising information" in mailoutbox[0].body


def test_it_names_the_receipt_the_mail_confirms(send, mailoutbox):
    result = send(consents={"consulting": True, "marketing": True})
    marketing = ConsentReceipt.objects.get(pk__in=result.receipt_ids, purpose="marketing")
    assert OutboundMail.objects.get().reference == f"receipt:{marketing.pk}"


def test_it_queues_no_mail_for_a_rejected_submission(send, mailoutbox):
    from policybound.collection.services import SubmissionRejected

    with pytest.raises(SubmissionRejected):
        send(consents={"consulting": False, "marketing": True})
    assert OutboundMail.objects.count() == 0


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server for alice@example.com is down")


# --- the links -----------------------------------------------------------------------------------


def test_it_shows_a_button_before_confirming(send, mailoutbox, client):
    send(purpose="newsletter", fields=newsletter_fields())
    response = client.get(link(mailoutbox[0], "confirm"))
    assert response.status_code == 200
    assert Engagement.objects.get().status == EngagementStatus.PENDING


def test_it_confirms_the_subscription_from_the_link(send, mailoutbox, client, now):
    send(purpose="newsletter", fields=newsletter_fields())
    response = client.post(link(mailoutbox[0], "confirm"), REMOTE_ADDR="203.0.113.20")
    engagement = Engagement.objects.get()
    assert response.status_code == 200
    assert (engagement.status, engagement.confirmed_at) == (EngagementStatus.ACTIVE, now)
    events = list(ConsentReceipt.objects.order_by("id").values_list("event", flat=True))
    assert events == [ReceiptEvent.GIVEN, ReceiptEvent.CONFIRMED]


def test_it_lets_a_confirmation_link_work_once(send, mailoutbox, client):
    send(purpose="newsletter", fields=newsletter_fields())
    url = link(mailoutbox[0], "confirm")
    client.post(url)
    assert client.post(url).status_code == 404
    assert ConsentReceipt.objects.filter(event=ReceiptEvent.CONFIRMED).count() == 1


def test_it_lets_a_confirmation_link_expire(send, mailoutbox, client, now):
    send(purpose="newsletter", fields=newsletter_fields())
    with clock.frozen(now + dt.timedelta(days=8)):
        assert client.post(link(mailoutbox[0], "confirm")).status_code == 404
    assert Engagement.objects.get().status == EngagementStatus.PENDING


def test_it_refuses_a_forged_link(send, mailoutbox, client):
    send(purpose="newsletter", fields=newsletter_fields())
    url = link(mailoutbox[0], "confirm")
    assert client.post(url[:-3] + "00/").status_code == 404


def test_it_unsubscribes_from_the_link_without_login(send, mailoutbox, client, now):
    send(purpose="newsletter", fields=newsletter_fields())
    client.post(link(mailoutbox[0], "confirm"))
    later = now + dt.timedelta(days=30)
    with clock.frozen(later):
        response = client.post(link(mailoutbox[0], "unsubscribe"))
    engagement = Engagement.objects.get()
    assert response.status_code == 200
    # The policy declares unsubscribing a withdrawal: destroyed without delay (PIPA 37③), not 12 months on.
    assert (engagement.status, engagement.end_event, engagement.deadline, engagement.ended_by_withdrawal) == (
        EngagementStatus.ENDED, "unsubscribed", later, True,
    )
    assert ConsentReceipt.objects.order_by("-id")[0].event == ReceiptEvent.WITHDRAWN


def test_it_lets_an_unsubscribe_link_work_once(send, mailoutbox, client):
    send(purpose="newsletter", fields=newsletter_fields())
    url = link(mailoutbox[0], "unsubscribe")
    client.post(url)
    assert client.post(url).status_code == 404


def test_it_withdraws_marketing_from_the_link_in_the_confirmation(send, mailoutbox, client):
    send(consents={"consulting": True, "marketing": True})
    client.post(link(mailoutbox[0], "unsubscribe"))
    marketing = Engagement.objects.get(purpose="marketing")
    assert (marketing.status, marketing.end_event) == (EngagementStatus.ENDED, "withdrawn")
