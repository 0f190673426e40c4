"""Record on the engagement whether its end was a withdrawal of consent.

Before this, the code recognised a withdrawal by the end event's name (``withdrawn``, the only name
it set for one), so the existing rows with that event are withdrawals.
"""

from django.db import migrations, models


def mark_withdrawals(apps, schema_editor):
    Engagement = apps.get_model("collection", "Engagement")
    Engagement.objects.filter(end_event="withdrawn").update(ended_by_withdrawal=True)


class Migration(migrations.Migration):

    dependencies = [
        ("collection", "0003_engagement_public_id_submission_entered_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="engagement",
            name="ended_by_withdrawal",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_withdrawals, migrations.RunPython.noop),
    ]
