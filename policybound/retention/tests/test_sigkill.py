"""A sweep process SIGKILLed in the middle of a batch, then run again in a new process."""

from __future__ import annotations

import json
import signal

from .scripted import run_script

SEED = """
call_command("migrate", interactive=False, verbosity=0)
publish()
alice = submit({"name": "김앨리스", "phone": "010-2000-1001", "email": "alice.kill@example.com",
                "company": "앨리스킬테스트", "message": "상담 원함"})
end(alice.engagement_id)
legal_hold_place(subject_id=alice.subject_id, rule="national_tax_books", items=["name", "phone"],
                 reason="2025 tax audit", actor=ACTOR, as_of=T0)
for number in range(3):
    other = submit({"name": "박밥", "phone": f"010-3000-200{number}", "email": f"bob{number}.kill@example.org",
                    "company": "밥킬테스트", "message": "상담 원함"})
    end(other.engagement_id)
"""

# The process kills itself the moment the first batch's archive copy is committed.
KILLED_MID_BATCH = """
from policybound.retention import batches
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
batches._mark_done = die
sweep()
"""

RERUN = """
from policybound.archive.models import ArchivedRecord
from policybound.collection.models import SubmissionValue
from policybound.retention.models import DestructionRecord
from policybound.subjects.models import Subject
from policybound.vault.models import DataKey
before = {"archived": ArchivedRecord.objects.count(), "values": SubmissionValue.objects.count(),
          "register": DestructionRecord.objects.count(), "destroyed": Subject.objects.filter(destroyed_at__isnull=False).count(),
          "live_keys": DataKey.objects.filter(destroyed_at__isnull=True).count()}
result = sweep()
after = {"archived": ArchivedRecord.objects.count(), "values": SubmissionValue.objects.count(),
         "register_subjects": sum(DestructionRecord.objects.filter(category="subject").values_list("subjects", flat=True)),
         "destroyed": Subject.objects.filter(destroyed_at__isnull=False).count(), "swept": result.destroyed_subjects,
         "again": sweep().destroyed_subjects}
print(json.dumps({"before": before, "after": after}))
"""


def test_a_sweep_killed_mid_batch_is_finished_by_the_next_run(tmp_path):
    seeded = run_script(SEED, tmp_path)
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    killed = run_script(KILLED_MID_BATCH, tmp_path)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    rerun = run_script(RERUN, tmp_path)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    counts = json.loads(rerun.stdout.strip().splitlines()[-1])
    # The kill left the live database as it was (4 subjects, 2 organisations), the archive copy made.
    assert counts["before"] == {"archived": 2, "values": 20, "register": 0, "destroyed": 0, "live_keys": 6}
    # The re-run destroyed every subject once, copied nothing twice, and registered each once.
    assert counts["after"] == {
        "archived": 2, "values": 0, "register_subjects": 4, "destroyed": 4, "swept": 4, "again": 0,
    }
