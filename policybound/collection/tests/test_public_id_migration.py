"""The backfill of migration 0003: existing submissions learn who entered them from the audit log."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from policybound.audit.actors import Actor
from policybound.collection.models import Engagement, Submission
from policybound.collection.services import submission_record
from policybound.lib.testing import alice_fields

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

MIGRATION = importlib.import_module("policybound.collection.migrations.0003_engagement_public_id_submission_entered_by")


def test_the_backfill_reads_who_entered_each_submission_from_the_audit_log(policy_version):
    token = Actor.token("41", "homepage")
    result = submission_record(
        purpose="consulting", fields=alice_fields(), consents={"consulting": True}, source="web", actor=token
    )
    Submission.objects.filter(pk=result.submission_id).update(entered_by="")
    MIGRATION.entered_by_backfill(apps, SimpleNamespace(connection=connection))
    assert Submission.objects.get(pk=result.submission_id).entered_by == "token:41"


def test_every_engagement_has_its_own_random_public_id(policy_version):
    result = submission_record(
        purpose="consulting", fields=alice_fields(), consents={"consulting": True, "marketing": True},
        source="web", actor=Actor.public(),
    )
    ids = list(Engagement.objects.filter(pk__in=result.engagement_ids).values_list("public_id", flat=True))
    assert len(set(ids)) == len(ids) == 2 and all(i.version == 4 for i in ids)
