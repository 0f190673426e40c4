"""Replace the usernames django-axes stored in plaintext by their keyed digest (policybound.console.lockout).

Failed attempts keep counting (and a lockout in force stays in force) under the digest the lockout now
looks them up by; the failure and success logs get the same digest. A value that already is a digest
(32 hex characters) is left as it is, so the migration can run twice.
"""

import re

from django.db import migrations

DIGEST = re.compile(r"^[0-9a-f]{32}$")


def usernames_digest(apps, schema_editor):
    from policybound.console.lockout import digest_of

    db = schema_editor.connection.alias
    for name in ("AccessAttempt", "AccessFailureLog", "AccessLog"):
        model = apps.get_model("axes", name)
        for row in model.objects.using(db).exclude(username__isnull=True).only("pk", "username").iterator():
            if not DIGEST.match(row.username):
                model.objects.using(db).filter(pk=row.pk).update(username=digest_of(row.username))


class Migration(migrations.Migration):

    dependencies = [
        ("axes", "0010_accessattemptexpiration"),
        ("console", "0001_staff_console"),
    ]

    operations = [migrations.RunPython(usernames_digest, migrations.RunPython.noop)]
