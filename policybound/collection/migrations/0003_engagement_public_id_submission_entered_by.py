"""Engagements get a random public id (the API's URLs name them by it); submissions remember who entered them.

``public_id`` is added nullable, every existing engagement gets its own random UUID, then the column
becomes unique and required. ``entered_by`` of existing submissions is read back from the audit log's
``enter`` rows (``target = submission:<id>``), so an intake token may still end what it submitted
before this migration; a submission without such a row stays blank (only a staff token ends it).
"""

import uuid

from django.db import migrations, models

BATCH = 1000


def public_ids_backfill(apps, schema_editor):
    Engagement = apps.get_model("collection", "Engagement")
    db = schema_editor.connection.alias
    while True:
        batch = list(Engagement.objects.using(db).filter(public_id__isnull=True).only("pk")[:BATCH])
        if not batch:
            return
        for engagement in batch:
            engagement.public_id = uuid.uuid4()
        Engagement.objects.using(db).bulk_update(batch, ["public_id"])


def entered_by_backfill(apps, schema_editor):
    Submission = apps.get_model("collection", "Submission")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    db = schema_editor.connection.alias
    rows = (
        AuditEvent.objects.using(db)
        .filter(action="enter", target__startswith="submission:")
        .values_list("target", "actor_kind", "actor_id")
        .iterator()
    )
    for target, kind, ident in rows:
        pk = target.partition(":")[2]
        if pk.isdigit():
            Submission.objects.using(db).filter(pk=int(pk), entered_by="").update(entered_by=f"{kind}:{ident}"[:80])


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_audit_action_review"),
        ("collection", "0002_engagement_retention"),
    ]

    operations = [
        migrations.AddField(
            model_name="engagement",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(public_ids_backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="engagement",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="submission",
            name="entered_by",
            field=models.CharField(blank=True, max_length=80),
        ),
        migrations.RunPython(entered_by_backfill, migrations.RunPython.noop),
    ]
