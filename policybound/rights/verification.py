"""Who is asking: a one-time code mailed to the address the data was collected with (PIPA 38⑤).

No harder than the form that collected the data (an address and a code), and no identity document
online. What an outsider can learn from it is nothing: :func:`challenge_start` stores a challenge and
writes its audit row for a known and an unknown address alike, and answers the same; only for a known
address does it also queue the mail, which the outbox sends after the request (``send_on_commit=False``),
so no mail-server round trip makes the known case slower. The code for an unknown address is never
sent and cannot be guessed into a session: there is no subject behind it.

Codes are six digits, valid ``POLICYBOUND_RIGHTS_CODE_MINUTES`` (15), stored only as an HMAC bound to
the challenge, ``POLICYBOUND_RIGHTS_CODE_ATTEMPTS`` (5) tries, single use; the caller rate-limits
per address and per IP. A verified challenge is the person's session for
``POLICYBOUND_RIGHTS_SESSION_MINUTES`` (30), carried by a signed cookie naming the challenge.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from policybound.audit.actors import Actor
from policybound.audit.models import AuditAction
from policybound.audit.services import audit_record
from policybound.lib import clock
from policybound.mailer.models import MailKind
from policybound.mailer.services import mail_enqueue
from policybound.policy.schema import Policy
from policybound.rights.models import VerificationChallenge
from policybound.subjects.models import IndexKind, Subject, SubjectIndex
from policybound.subjects.normalize import email_normalize
from policybound.vault.services import blind_index

SESSION_SALT = "policybound.rights.session"
PENDING_SALT = "policybound.rights.pending"
CODE_DIGITS = 6


class CodeRefused(Exception):
    """The code is wrong, expired, used or tried too often; the message says which, in words."""


@dataclass(frozen=True)
class Started:
    challenge: VerificationChallenge
    code: str  # returned for tests and the mail only; never stored, never logged


def address_digest(email: str) -> str:
    """The address's blind index, the same one ``subjects`` finds a person by."""
    return blind_index(f"subject-{IndexKind.EMAIL}", email_normalize(email))


def _code_digest(challenge_id: uuid.UUID, code: str) -> str:
    return blind_index("rights-code", f"{challenge_id}:{code}")


def _known(digest: str) -> Subject | None:
    index = (
        SubjectIndex.objects.filter(kind=IndexKind.EMAIL, digest=digest, subject__destroyed_at__isnull=True)
        .select_related("subject__data_key")
        .first()
    )
    return index.subject if index is not None else None


def _code_mail(*, subject: Subject, to: str, code: str, policy: Policy, lang: str, challenge: VerificationChallenge,
               moment: dt.datetime) -> None:
    minutes = settings.POLICYBOUND_RIGHTS_CODE_MINUTES
    with translation.override(lang):
        sender = policy.controller.name.get(lang)
        title = _("[%(sender)s] Your privacy center code: %(code)s") % {"sender": sender, "code": code}
        body = render_to_string(
            "rights/mail/code.txt", {"code": code, "minutes": minutes, "sender": sender}
        )
    mail_enqueue(
        subject=subject, to=to, subject_line=title, body=body, kind=MailKind.RIGHTS_CODE, as_of=moment,
        reference=f"verification:{challenge.pk}", send_on_commit=False,
    )


def challenge_start(*, email: str, policy: Policy, actor: Actor, lang: str, as_of: dt.datetime | None = None) -> Started:
    """Start a verification for ``email``; see the module docstring. The answer never depends on
    whether the address is known."""
    moment = as_of or clock.now()
    digest = address_digest(email)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    challenge_id = uuid.uuid4()
    with transaction.atomic():
        subject = _known(digest)
        challenge = VerificationChallenge.objects.create(
            id=challenge_id,
            address_digest=digest,
            subject=subject,
            code_digest=_code_digest(challenge_id, code),
            language=lang,
            created_at=moment,
            expires_at=moment + dt.timedelta(minutes=settings.POLICYBOUND_RIGHTS_CODE_MINUTES),
        )
        audit_record(
            actor=actor, action=AuditAction.REQUEST, subject_id=subject.pk if subject else None,
            target=f"verification:{challenge.pk}", detail={"step": "code_sent" if subject else "code_not_sent"},
            as_of=moment,
        )
        if subject is not None:
            _code_mail(subject=subject, to=email, code=code, policy=policy, lang=lang, challenge=challenge,
                       moment=moment)
    return Started(challenge=challenge, code=code)


def challenge_verify(
    *, challenge_id: uuid.UUID | str, code: str, actor: Actor, as_of: dt.datetime | None = None
) -> VerificationChallenge:
    """Check ``code``; on success the challenge becomes a session. Raises :class:`CodeRefused`.

    Every try counts, right or wrong, and is committed before the answer (a refusal is not rolled back).
    """
    moment = as_of or clock.now()
    refusal = None
    with transaction.atomic():
        challenge = VerificationChallenge.objects.select_for_update().filter(pk=challenge_id).first()
        if challenge is None:
            raise CodeRefused(_("This code has expired. Ask for a new one."))
        if challenge.verified_at is not None:
            refusal = _("This code was used already. Ask for a new one.")
        elif challenge.expires_at <= moment:
            refusal = _("This code has expired. Ask for a new one.")
        elif challenge.attempts >= settings.POLICYBOUND_RIGHTS_CODE_ATTEMPTS:
            refusal = _("Too many wrong codes. Ask for a new one.")
        else:
            challenge.attempts += 1
            typed = "".join(code.split())
            matches = hmac.compare_digest(challenge.code_digest, _code_digest(challenge.pk, typed))
            if matches and challenge.subject_id is not None:
                challenge.verified_at = moment
                challenge.session_ends_at = moment + dt.timedelta(minutes=settings.POLICYBOUND_RIGHTS_SESSION_MINUTES)
                audit_record(
                    actor=actor, action=AuditAction.REQUEST, subject_id=challenge.subject_id,
                    target=f"verification:{challenge.pk}", detail={"step": "verified"}, as_of=moment,
                )
            else:
                refusal = _("That code is not right. Check the mail and try again.")
            challenge.save(update_fields=["attempts", "verified_at", "session_ends_at"])
    if refusal is not None:
        raise CodeRefused(refusal)
    return challenge


def pending_token(challenge: VerificationChallenge) -> str:
    """What the code page carries between "send me a code" and the code (signed, not secret)."""
    return signing.dumps(str(challenge.pk), salt=PENDING_SALT)


def pending_read(token: str) -> str | None:
    max_age = settings.POLICYBOUND_RIGHTS_CODE_MINUTES * 60
    try:
        return str(signing.loads(token, salt=PENDING_SALT, max_age=max_age))
    except signing.BadSignature:
        return None


def session_token(challenge: VerificationChallenge) -> str:
    return signing.dumps(str(challenge.pk), salt=SESSION_SALT)


def session_subject(token: str, *, as_of: dt.datetime | None = None) -> VerificationChallenge | None:
    """The verified challenge behind a session cookie, if it still runs and its person still exists."""
    moment = as_of or clock.now()
    max_age = settings.POLICYBOUND_RIGHTS_SESSION_MINUTES * 60
    try:
        challenge_id = signing.loads(token, salt=SESSION_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    challenge = (
        VerificationChallenge.objects.filter(
            pk=challenge_id, verified_at__isnull=False, session_ends_at__gt=moment, subject__destroyed_at__isnull=True
        )
        .select_related("subject__data_key")
        .first()
    )
    return challenge


def session_end(challenge: VerificationChallenge, *, as_of: dt.datetime | None = None) -> None:
    """Sign out (and after a deletion): the session stops at once, whatever the cookie says."""
    VerificationChallenge.objects.filter(pk=challenge.pk).update(session_ends_at=as_of or clock.now())
