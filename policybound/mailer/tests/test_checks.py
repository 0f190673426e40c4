"""The system check that keeps the give-up moment inside the law's 14 days."""

from __future__ import annotations

from policybound.mailer.checks import check_give_up_days


def test_it_accepts_the_default(settings):
    assert check_give_up_days() == []


def test_it_warns_when_retries_outlast_the_legal_window(settings):
    settings.POLICYBOUND_MAIL_GIVE_UP_DAYS = 14
    assert [message.id for message in check_give_up_days()] == ["mailer.W001"]
