"""``policybound mail send`` and ``policybound mail status``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from policybound.mailer.tests.conftest import enqueue


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("mail", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_sends_what_is_due(alice, mailoutbox):
    enqueue(alice)
    out, _err = run("send")
    assert (out.strip(), len(mailoutbox)) == ("sent 1, retrying later 0, failed 0, cancelled 0", 1)


def test_it_sends_no_more_than_the_limit(alice, mailoutbox):
    enqueue(alice)
    enqueue(alice)
    run("send", "--limit", "1")
    assert len(mailoutbox) == 1


def test_it_refuses_a_limit_below_one(db):
    with pytest.raises(CommandError, match="limit"):
        run("send", "--limit", "0")


def test_it_counts_mails_by_status(alice, mailoutbox):
    enqueue(alice)
    enqueue(alice)
    run("send", "--limit", "1")
    out, _err = run("status")
    assert out.splitlines() == ["queued\t1", "sent\t1", "failed\t0", "cancelled\t0", "due now\t1"]


def test_it_points_at_failed_mails(alice, settings):
    settings.POLICYBOUND_MAIL_MAX_ATTEMPTS = 1
    settings.EMAIL_BACKEND = "policybound.mailer.tests.conftest.RefusingBackend"
    enqueue(alice)
    run("send")
    _out, err = run("status")
    assert "1 mail(s) failed" in err
