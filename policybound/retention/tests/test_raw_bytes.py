"""After destruction, the database files and the vault hold nothing that opens to the subject's data.

A real, file-based SQLite database, written and swept by a separate process. Before the sweep the
script notes what could ever reveal Alice: her values' ciphertexts, her consent's sealed IP, her
wrapped data key and her blind indexes. After it, none of these bytes is anywhere in the files, and no
data key left in the vault opens any of her ciphertexts. Bob, not yet due, is the control: his
ciphertexts are still found, so the scan does find what is there.
"""

from __future__ import annotations

import json

from .scripted import run_script

SCRIPT = """
call_command("migrate", interactive=False, verbosity=0)
publish()
from policybound.collection.models import ConsentReceipt, SubmissionValue
from policybound.subjects.models import Subject, SubjectIndex
from policybound.vault.models import DataKey
from policybound.vault.services import unseal

alice = submit({"name": "김앨리스", "phone": "010-2000-1001", "email": "alice.rawbytes@example.com",
                "company": "앨리스바이트테스트", "message": "상담 원함 rawbytes-marker"})
end(alice.engagement_id)
bob = submit({"name": "박밥", "phone": "010-3000-2002", "email": "bob.rawbytes@example.org",
              "company": "밥바이트테스트", "message": "상담 원함"})

def secrets(result):
    subject = Subject.objects.get(pk=result.subject_id)
    values = list(SubmissionValue.objects.filter(submission__subject_id=result.subject_id).values_list("sealed", "submission_id", "item"))
    receipts = [bytes(r) for r in ConsentReceipt.objects.filter(subject_id=result.subject_id).values_list("ip_sealed", flat=True) if r]
    return {
        "ciphertexts": [bytes(v).hex() for v, _, _ in values] + [r.hex() for r in receipts],
        "contexts": [[bytes(v).hex(), f"submission:{s}:{i}"] for v, s, i in values],
        "wrapped_key": bytes(subject.data_key.wrapped_key).hex(),
        "indexes": list(SubjectIndex.objects.filter(subject_id=result.subject_id).values_list("digest", flat=True)),
    }

before = {"alice": secrets(alice), "bob": secrets(bob)}
result = sweep()
opened = 0
for key in DataKey.objects.filter(destroyed_at__isnull=True):
    for sealed, context in before["alice"]["contexts"]:
        try:
            unseal(key, bytes.fromhex(sealed), context=context)
            opened += 1
        except Exception:
            pass
print(json.dumps({"before": before, "destroyed": result.destroyed_subjects, "opened": opened}))
"""

PLAINTEXT = ["김앨리스", "alice.rawbytes", "rawbytes-marker", "앨리스바이트테스트", "01020001001", "203.0.113.77"]


def _files(data_dir):
    return [path for path in data_dir.iterdir() if ".sqlite3" in path.name]


def test_nothing_that_opens_to_the_subjects_data_is_left(tmp_path):
    completed = run_script(SCRIPT, tmp_path)
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["destroyed"] == 1 and report["opened"] == 0
    blob = b"".join(path.read_bytes() for path in _files(tmp_path))
    alice, bob = report["before"]["alice"], report["before"]["bob"]
    leftovers = [c for c in alice["ciphertexts"] if bytes.fromhex(c) in blob]
    assert leftovers == [], f"{len(leftovers)} ciphertext(s) of the destroyed subject are still in the files"
    assert bytes.fromhex(alice["wrapped_key"]) not in blob, "the destroyed data key's wrapped bytes remain"
    assert not [d for d in alice["indexes"] if d.encode() in blob], "a blind index of the destroyed subject remains"
    assert not [p for p in PLAINTEXT if p.encode() in blob], "plaintext of the subject is in the files"
    # The control: what was not destroyed is found by the same scan.
    assert all(bytes.fromhex(c) in blob for c in bob["ciphertexts"])
    assert bytes.fromhex(bob["wrapped_key"]) in blob
