"""Finding a person or an organisation again, or creating them: by blind index, never by plaintext.

Called inside ``collection.services.submission_record``'s transaction. Matching rules:

1. an e-mail address given and known: that subject;
2. otherwise a known phone number: that subject, unless the submission brings an e-mail address and
   the phone's subject already has a different one (an office's switchboard number is shared by
   colleagues, who are different people);
3. otherwise a new subject with a new data key.

New contact values are indexed for the subject found; an index that already points at someone else is
left alone. Two submissions of the same new person racing each other both end at one subject: the
index is unique, and the loser of the race rolls back its new subject and takes the winner's.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from policybound.audit.actors import Actor
from policybound.audit.models import AuditAction
from policybound.audit.services import audit_record
from policybound.subjects.models import IndexKind, Organization, Subject, SubjectIndex
from policybound.subjects.normalize import email_normalize, organization_normalize
from policybound.vault.services import blind_index, data_key_create, seal


def _digests(kind: IndexKind, values: list[str]) -> list[str]:
    normal = email_normalize if kind is IndexKind.EMAIL else str.strip
    return list(dict.fromkeys(blind_index(f"subject-{kind}", normal(value)) for value in values))


def _match(emails: list[str], phones: list[str]) -> Subject | None:
    by_email = SubjectIndex.objects.filter(kind=IndexKind.EMAIL, digest__in=emails).select_related("subject")
    found = by_email.first()
    if found is not None:
        return found.subject
    for index in SubjectIndex.objects.filter(kind=IndexKind.PHONE, digest__in=phones).select_related(
        "subject"
    ):
        has_email = SubjectIndex.objects.filter(subject_id=index.subject_id, kind=IndexKind.EMAIL).exists()
        if not emails or not has_email:
            return index.subject
    return None


def _add_indexes(subject: Subject, digests: list[tuple[IndexKind, str]], moment: dt.datetime) -> None:
    """Index ``subject`` under each digest not indexed yet, in one ``INSERT ... ON CONFLICT DO NOTHING``.

    A digest already indexed (to this subject, or to another one that won it first) is left as it is,
    without a savepoint or a read per digest.
    """
    if digests:
        SubjectIndex.objects.bulk_create(
            [
                SubjectIndex(subject=subject, kind=kind, digest=digest, created_at=moment)
                for kind, digest in digests
            ],
            ignore_conflicts=True,
        )


def _create(emails: list[str], moment: dt.datetime) -> Subject | None:
    """A new subject holding ``emails``; ``None`` if another transaction took one of them first."""
    try:
        with transaction.atomic():
            subject = Subject.objects.create(data_key=data_key_create(), created_at=moment)
            for digest in emails:
                SubjectIndex.objects.create(
                    subject=subject, kind=IndexKind.EMAIL, digest=digest, created_at=moment
                )
    except IntegrityError:
        return None
    return subject


def _unless_destroyed(subject: Subject | None) -> Subject | None:
    """``subject``, locked against a concurrent retention sweep; ``None`` if the sweep destroyed it.

    The sweep holds a destroyed subject's row lock until it commits; waiting for it here means a
    submission never lands on a subject whose data key was just erased (PostgreSQL; SQLite's IMMEDIATE
    transactions already serialize the two). Added by the retention app.
    """
    if subject is None:
        return None
    return (
        Subject.objects.select_for_update(no_key=True)
        .filter(pk=subject.pk, destroyed_at__isnull=True)
        .first()
    )


def subject_find_or_create(
    *, emails: list[str], phones: list[str], actor: Actor, as_of: dt.datetime
) -> tuple[Subject, bool]:
    """The subject these contact values belong to, and whether it was created now.

    Must run inside the caller's transaction; a new subject is recorded as an ``enter`` audit row.
    """
    email_digests = _digests(IndexKind.EMAIL, emails)
    phone_digests = _digests(IndexKind.PHONE, phones)
    created = False
    subject = _unless_destroyed(_match(email_digests, phone_digests))
    if subject is None:
        subject = _create(email_digests, as_of)
        created = subject is not None
        if subject is None:  # lost a race for the e-mail address: the winner is the person
            subject = _unless_destroyed(_match(email_digests, phone_digests))
            if subject is None:
                raise RuntimeError("a subject index conflicted but its subject cannot be found")
    _add_indexes(
        subject,
        [(IndexKind.EMAIL, digest) for digest in email_digests if not created]
        + [(IndexKind.PHONE, digest) for digest in phone_digests],
        as_of,
    )
    if created:
        audit_record(
            actor=actor, action=AuditAction.ENTER, subject_id=subject.pk, target="subject", as_of=as_of
        )
    return subject, created


def organization_find_or_create(*, name: str, actor: Actor, as_of: dt.datetime) -> Organization:
    """The organisation named ``name`` (by blind index of its normal form), created sealed if new."""
    digest = blind_index("organization", organization_normalize(name))
    # Locked, so a retention sweep destroying it as no longer referenced finishes first (then it is new).
    found = Organization.objects.select_for_update(no_key=True).filter(name_index=digest).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            organization = Organization(data_key=data_key_create(), name_index=digest, created_at=as_of)
            organization.name_sealed = seal(
                organization.data_key, name, context=f"organization:{organization.id}:name"
            )
            organization.save(force_insert=True)
            audit_record(
                actor=actor, action=AuditAction.ENTER, target=f"organization:{organization.id}", as_of=as_of
            )
    except IntegrityError:
        return Organization.objects.get(name_index=digest)
    return organization
