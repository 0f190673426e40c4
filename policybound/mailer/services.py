"""Writes of the outbox: queue a mail in the caller's transaction, send what is due, once.

- :func:`mail_enqueue` stores a sealed :class:`~policybound.mailer.models.OutboundMail` inside the
  caller's transaction (so the mail exists if and only if what it confirms was committed) and asks
  for one attempt right after commit.
- :func:`mail_send_due` sends what is due: ``policybound mail send`` and the worker call it.

Claim-by-update: a sender takes mails with one UPDATE that moves their ``next_attempt_at`` past a
lease (:data:`~policybound.mailer.schedule.CLAIM_LEASE`), adds one to ``attempts`` and stamps its
claim; on PostgreSQL the candidates are picked ``FOR UPDATE SKIP LOCKED``, so concurrent senders
take different mails, and the UPDATE's own condition means two senders never both win one mail.
The SMTP exchange happens outside any transaction. A sender that dies mid-send leaves the mail to
be taken again when the lease ends.

Outcomes: ``sent`` (sealed content emptied, ``sent_at`` kept as proof), retried later with back-off,
``failed`` (given up, WARNING logged, counted by ``mail_failed_count``), or ``cancelled`` when the
subject's data key was destroyed (crypto-erased people get no mail). Logs name the mail's id and
kind, never an address or any text of the mail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, QuerySet

from policybound.lib import clock
from policybound.mailer.delivery import Letter, error_describe, letter_send, mail_open
from policybound.mailer.models import MailKind, MailStatus, OutboundMail
from policybound.mailer.schedule import CLAIM_LEASE, next_attempt
from policybound.subjects.models import Subject
from policybound.vault.errors import KeyDestroyed, VaultError
from policybound.vault.services import data_key_create, data_keys_destroy, seal

__all__ = ["SendReport", "mail_enqueue", "mail_send_due"]

logger = logging.getLogger(__name__)

EMPTIED = {"recipient_sealed": b"", "subject_line_sealed": b"", "body_sealed": b"", "headers_sealed": b""}


@dataclass(frozen=True)
class SendReport:
    """What one :func:`mail_send_due` run did. ``retrying``: failed this time, tried again later."""

    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "claimed": self.claimed,
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "cancelled": self.cancelled,
        }


# --- queueing ----------------------------------------------------------------------------------


def mail_enqueue(
    *,
    subject: Subject | None,
    to: str,
    subject_line: str,
    body: str,
    kind: str,
    as_of: dt.datetime | None = None,
    headers: Mapping[str, str] | None = None,
    reference: str = "",
    send_on_commit: bool = True,
) -> OutboundMail:
    """Queue a mail to ``to``, sealed under ``subject``'s data key, and send it right after commit.

    Call it inside the transaction that stores what the mail confirms. ``subject`` is ``None`` only
    for a mail about no data subject; it is sealed under a key of its own, destroyed once it is done.
    ``headers`` are extra mail headers (``List-Unsubscribe``); ``reference`` a pseudonymous pointer to
    what the mail confirms (``receipt:<id>``). ``send_on_commit=False`` leaves the first attempt to the
    sender (``mail_send_due``, the worker): the privacy center's one-time codes use it, so a request
    for a known address takes as long as one for an unknown address (no mail server in the request).
    Raises ``ValueError`` for an unknown kind or an empty address, ``KeyDestroyed`` if the subject has been erased.
    """
    if kind not in MailKind.values:
        raise ValueError(f"unknown mail kind {kind!r}")
    if not to.strip():
        raise ValueError("a mail needs a recipient")
    moment = as_of or clock.now()
    key = subject.data_key if subject is not None else data_key_create()
    mail = OutboundMail(
        id=uuid.uuid4(),
        kind=kind,
        subject=subject,
        data_key=key,
        owns_key=subject is None,
        reference=reference,
        status=MailStatus.QUEUED,
        next_attempt_at=moment,
        created_at=moment,
    )
    mail.recipient_sealed = seal(key, to.strip(), context=mail.context("recipient"))
    mail.subject_line_sealed = seal(key, subject_line, context=mail.context("subject_line"))
    mail.body_sealed = seal(key, body, context=mail.context("body"))
    if headers:
        mail.headers_sealed = seal(key, json.dumps(dict(headers)), context=mail.context("headers"))
    mail.save(force_insert=True)
    if send_on_commit:
        transaction.on_commit(partial(_send_after_commit, mail.pk, as_of))
    return mail


def _send_after_commit(mail_id: uuid.UUID, as_of: dt.datetime | None) -> None:
    """The first attempt, right after the caller commits; whatever fails here, the sender retries."""
    moment = as_of or clock.now()
    try:
        _deliver(_claim_new(mail_id, moment), moment=moment, tally=Counter())
    except Exception as error:  # the caller's data is committed; never turn that into an error page
        logger.error("mail %s: the attempt after commit failed (%s); the sender retries it",
                     mail_id, type(error).__name__)


# --- claiming ----------------------------------------------------------------------------------


def _claimed(token: str, ids: list[uuid.UUID]) -> list[OutboundMail]:
    rows = OutboundMail.objects.filter(id__in=ids, claimed_by=token).select_related("data_key")
    return list(rows.order_by("created_at"))


def _claim_new(mail_id: uuid.UUID, moment: dt.datetime) -> list[OutboundMail]:
    """Claim one mail never tried before (the attempt after commit); empty if a sender was faster."""
    token = uuid.uuid4().hex
    won = OutboundMail.objects.filter(pk=mail_id, status=MailStatus.QUEUED, attempts=0).update(
        claimed_by=token, attempts=1, next_attempt_at=moment + CLAIM_LEASE
    )
    return _claimed(token, [mail_id]) if won else []


def _claim_due(*, limit: int, moment: dt.datetime) -> list[OutboundMail]:
    """Claim up to ``limit`` due mails, oldest due first; others' claims are skipped, never waited on."""
    token = uuid.uuid4().hex
    due: QuerySet[OutboundMail] = OutboundMail.objects.filter(status=MailStatus.QUEUED, next_attempt_at__lte=moment)
    with transaction.atomic():
        ids = list(
            due.order_by("next_attempt_at").select_for_update(skip_locked=True).values_list("id", flat=True)[:limit]
        )
        if not ids:
            return []
        due.filter(id__in=ids).update(
            claimed_by=token, attempts=F("attempts") + 1, next_attempt_at=moment + CLAIM_LEASE
        )
    return _claimed(token, ids)


# --- outcomes ----------------------------------------------------------------------------------


def _close(mail: OutboundMail, *, status: MailStatus, moment: dt.datetime, error: str = "", mine: bool = True) -> bool:
    """Move a claimed mail to a final status, empty its sealed content, drop a key of its own.

    A sent mail is marked sent even if its lease ran out and another sender claimed it meanwhile
    (``mine=False``), so that sender finds it done.
    """
    rows = OutboundMail.objects.filter(pk=mail.pk, status=MailStatus.QUEUED)
    if mine:
        rows = rows.filter(claimed_by=mail.claimed_by)
    with transaction.atomic():
        changed = rows.update(
            status=status,
            finished_at=moment,
            sent_at=moment if status == MailStatus.SENT else None,
            claimed_by="",
            last_error=error,
            **EMPTIED,
        )
        if changed and mail.owns_key and mail.data_key_id is not None:
            data_keys_destroy([mail.data_key_id])
    return bool(changed)


def _failed(mail: OutboundMail, error: BaseException, *, moment: dt.datetime, tally: Counter[str]) -> None:
    text, permanent = error_describe(error)
    retry_at = None if permanent else next_attempt(attempts=mail.attempts, created_at=mail.created_at, moment=moment)
    if retry_at is not None:
        OutboundMail.objects.filter(pk=mail.pk, status=MailStatus.QUEUED, claimed_by=mail.claimed_by).update(
            next_attempt_at=retry_at, claimed_by="", last_error=text
        )
        logger.info("mail %s (%s): attempt %d failed (%s); next attempt at %s",
                    mail.pk, mail.kind, mail.attempts, text, retry_at.isoformat())
        tally["retrying"] += 1
        return
    if _close(mail, status=MailStatus.FAILED, moment=moment, error=text):
        logger.warning("mail %s (%s) given up after %d attempt(s) (%s): nobody will retry it; "
                       "reach the person another way", mail.pk, mail.kind, mail.attempts, text)
        tally["failed"] += 1


def _open_all(claimed: list[OutboundMail], *, moment: dt.datetime, tally: Counter[str]) -> list[tuple[OutboundMail, Letter]]:
    opened = []
    for mail in claimed:
        try:
            opened.append((mail, mail_open(mail)))
        except KeyDestroyed:
            if _close(mail, status=MailStatus.CANCELLED, moment=moment, error="KeyDestroyed"):
                logger.info("mail %s (%s) cancelled: its subject's data was erased", mail.pk, mail.kind)
                tally["cancelled"] += 1
        except VaultError as error:  # e.g. a master key this process lacks: fixable, so retried
            _failed(mail, error, moment=moment, tally=tally)
    return opened


def _deliver(claimed: list[OutboundMail], *, moment: dt.datetime, tally: Counter[str]) -> None:
    """Send claimed mails over one connection; record each outcome as it happens."""
    tally["claimed"] += len(claimed)
    opened = _open_all(claimed, moment=moment, tally=tally)
    if not opened:
        return
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # the server is down: every mail of the batch waits for its retry
        for mail, _letter in opened:
            _failed(mail, error, moment=moment, tally=tally)
        return
    try:
        for mail, letter in opened:
            try:
                accepted = letter_send(letter, connection=connection)
            except Exception as error:
                _failed(mail, error, moment=moment, tally=tally)
                with contextlib.suppress(Exception):
                    connection.close()  # the next send opens a fresh connection
                continue
            if not accepted:
                _failed(mail, RuntimeError("not accepted"), moment=moment, tally=tally)
            elif _close(mail, status=MailStatus.SENT, moment=moment, mine=False):
                tally["sent"] += 1
    finally:
        with contextlib.suppress(Exception):
            connection.close()


# --- sending what is due -----------------------------------------------------------------------


def mail_send_due(*, limit: int = 100, as_of: dt.datetime | None = None) -> SendReport:
    """Send up to ``limit`` mails whose ``next_attempt_at`` has come; safe to run in many processes.

    ``policybound mail send`` and the worker call it; each call claims its own batch, so calling it
    again while mails are due sends the next batch.
    """
    moment = as_of or clock.now()
    tally: Counter[str] = Counter()
    if limit > 0:
        _deliver(_claim_due(limit=limit, moment=moment), moment=moment, tally=tally)
    return SendReport(**{name: tally[name] for name in SendReport().as_dict()})
