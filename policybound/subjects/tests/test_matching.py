"""Finding a person again by blind index, never by plaintext."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction

from policybound.audit.actors import Actor
from policybound.subjects.models import IndexKind, Subject, SubjectIndex
from policybound.subjects.services import organization_find_or_create, subject_find_or_create
from policybound.vault.services import blind_index

ACTOR = Actor.system("test")
NOW = dt.datetime(2025, 3, 3, 10, 0, tzinfo=dt.UTC)
ALICE_PHONE = "+821020001001"
OFFICE_PHONE = "+8221234567"


def find(emails=(), phones=()):
    with transaction.atomic():
        return subject_find_or_create(emails=list(emails), phones=list(phones), actor=ACTOR, as_of=NOW)


pytestmark = pytest.mark.django_db


def test_it_finds_alice_again_by_email():
    alice, created = find(["alice@example.com"], [ALICE_PHONE])
    again, created_again = find(["ALICE@example.com"], [])
    assert (again, created, created_again) == (alice, True, False)


def test_it_finds_a_phone_only_record_by_phone():
    card, _ = find([], [ALICE_PHONE])
    assert find([], [ALICE_PHONE])[0] == card


def test_it_joins_an_email_to_a_phone_only_record():
    card, _ = find([], [ALICE_PHONE])
    alice, created = find(["alice@example.com"], [ALICE_PHONE])
    assert (alice, created) == (card, False)
    assert SubjectIndex.objects.filter(subject=card, kind=IndexKind.EMAIL).count() == 1


def test_it_keeps_colleagues_sharing_an_office_phone_apart():
    alice, _ = find(["alice@example.com"], [OFFICE_PHONE])
    bob, created = find(["bob@example.org"], [OFFICE_PHONE])
    assert created
    assert bob != alice
    assert SubjectIndex.objects.get(kind=IndexKind.PHONE).subject == alice


def test_it_stores_only_digests():
    find(["alice@example.com"], [ALICE_PHONE])
    digests = sorted(SubjectIndex.objects.values_list("digest", flat=True))
    expected = [blind_index(f"subject-{IndexKind.EMAIL}", "alice@example.com"), blind_index(f"subject-{IndexKind.PHONE}", ALICE_PHONE)]
    assert digests == sorted(expected)
    assert all(re.fullmatch(r"[0-9a-f]{32}", digest) for digest in digests)


def test_it_gives_every_subject_its_own_data_key():
    find(["alice@example.com"])
    find(["bob@example.org"])
    assert Subject.objects.values("data_key").distinct().count() == 2


def test_it_finds_an_organization_by_its_normal_form():
    with transaction.atomic():
        first = organization_find_or_create(name="(주)에이비씨", actor=ACTOR, as_of=NOW)
        second = organization_find_or_create(name="에이비씨 주식회사", actor=ACTOR, as_of=NOW)
    assert first == second
