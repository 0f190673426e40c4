"""Nobody reading the database files finds a submitted name, e-mail, phone, company or question.

A real, file-based SQLite database in a temporary data directory, written by a separate process (the
test database of the other tests lives in memory), then its bytes are searched for every value in
every form it could take (as typed, normalised, UTF-8 Korean), and for the consent's IP address.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from policybound.lib.testing import BUNDLED_POLICY, REPO

VALUES = {
    "name": "김앨리스",
    "phone": "010-2000-1001",
    "email": "alice.raw-scan@example.com",
    "company": "에이비씨로스캔",
    "message": "클라우드 전환 상담 원함 raw-scan-marker-7781",
}
IP = "203.0.113.77"
NEEDLES = [
    *VALUES.values(),
    "+821020001001",
    "01020001001",
    "20001001",
    "raw-scan",
    "alice.raw",
    "앨리스",
    "에이비씨로스캔",
    IP,
]

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", interactive=False, verbosity=0)
    from policybound.audit.actors import Actor
    from policybound.collection.services import consent_withdraw, submission_record
    from policybound.lib.testing import policy_publish_file

    policy_publish_file(sys.argv[1])
    values = json.loads(sys.argv[2])
    actor = Actor.system("scanner")  # the access log keeps an actor's IP by design; the receipt's is sealed
    first = submission_record(purpose="consulting", fields=values, consents={"consulting": True, "marketing": True},
                              source="web", actor=actor, ip=sys.argv[3], user_agent="scan-test")
    submission_record(purpose="inquiry", fields=values, consents={"inquiry": True}, source="web", actor=actor,
                      ip=sys.argv[3], idempotency_key="token:1:scan")
    consent_withdraw(subject_id=first.subject_id, purpose="marketing", actor=actor, channel="web", ip=sys.argv[3])
    print(first.subject_id)
    """
)


def test_it_leaves_no_plaintext_in_the_database_files(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("POLICYBOUND_")}
    env.update(
        POLICYBOUND_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="policybound.settings",
        POLICYBOUND_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(BUNDLED_POLICY), json.dumps(VALUES), IP],
        cwd=REPO, env=env, capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    files = [path for path in tmp_path.iterdir() if ".sqlite3" in path.name]
    assert any(path.name == "default.sqlite3" for path in files)
    content = b"".join(path.read_bytes() for path in files)
    assert len(content) > 100_000  # the real database, with the submissions in it
    found = [needle for needle in NEEDLES if needle.encode("utf-8") in content]
    assert found == [], f"{len(found)} plaintext value(s) found in the database files"
