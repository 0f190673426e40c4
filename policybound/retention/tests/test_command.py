"""``policybound retention ...`` from the shell: sweep, due, register, hold."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from policybound.lib import clock
from policybound.lib.testing import alice_fields, bob_fields
from policybound.retention.models import DestructionReason, DestructionRecord, LegalHold
from policybound.retention.progress import render
from policybound.subjects.models import Subject

from .conftest import DAY, T0, end, submit

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

ENDED = T0 + 10 * DAY
DEADLINE = dt.datetime(2026, 3, 13, 10, 0, tzinfo=dt.UTC)


def retention(*args: str) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def alice(policy):
    result = submit("consulting", alice_fields())
    end(result.engagement_id, at=ENDED)
    return result


def test_sweep_json_prints_the_counts_as_one_object(alice):
    with clock.frozen(DEADLINE + DAY):
        counts = json.loads(retention("sweep", "--as-of", "2026-03-14", "--json"))
    assert counts["destroyed_subjects"] == 1 and counts["archived_subjects"] == 0
    assert counts["by_purpose"]["consulting"]["purpose_retention"] == {"subjects": 1, "items": 5, "archived": 0}


def test_sweep_as_of_a_date_means_its_first_moment(alice):
    with clock.frozen(DEADLINE + DAY):
        counts = json.loads(retention("sweep", "--as-of", "2026-03-13", "--json"))
    assert counts["destroyed_subjects"] == 0  # the deadline is 10:00 that day (19:00 in Seoul)


def test_sweep_dry_run_changes_nothing(alice):
    with clock.frozen(DEADLINE + DAY):
        output = retention("sweep", "--as-of", "2026-03-14", "--dry-run")
    assert "dry run" in output and "consulting" in output
    assert Subject.objects.get(pk=alice.subject_id).destroyed_at is None


def test_sweep_prints_counts_by_purpose_and_rule(alice):
    with clock.frozen(DEADLINE + DAY):
        output = retention("sweep", "--as-of", "2026-03-14")
    assert "subjects destroyed whole (data key erased)" in output
    assert str(DestructionReason.PURPOSE_RETENTION.label) in output  # in the active language


def test_sweep_approved_by_a_named_staff_member(alice):
    get_user_model().objects.create_user("dana", password="x" * 12)
    with clock.frozen(DEADLINE + DAY):
        retention("sweep", "--as-of", "2026-03-14", "--approved-by", "dana")
    assert DestructionRecord.objects.get(category="subject").approved_by == "staff:dana"


def test_due_lists_counts_by_day(alice, policy):
    bob = submit("consulting", bob_fields())
    end(bob.engagement_id, at=ENDED + 2 * DAY)
    with clock.frozen(DEADLINE - 5 * DAY):
        output = retention("due", "--within", "30d", "--as-of", "2026-03-08")
    assert "2026-03-13        1  (consulting 1)" in output
    assert "2026-03-15        1  (consulting 1)" in output


def test_due_json(alice):
    payload = json.loads(retention("due", "--within", "30d", "--as-of", "2026-03-08", "--json"))
    assert payload["days"] == [{"day": "2026-03-13", "engagements": {"consulting": 1}, "archived": {}, "total": 1}]
    assert payload["overdue"] == {"engagements": 0, "archived": 0}


def test_due_refuses_a_duration_it_cannot_read(alice):
    with pytest.raises(CommandError):
        retention("due", "--within", "a month")


def test_register_add_records_paper_destroyed_by_hand(db):
    get_user_model().objects.create_user("dana", password="x" * 12)
    retention("register", "add", "--description", "consulting request forms printed in 2024", "--items", "40",
              "--destroyed-on", "2025-06-30", "--approved-by", "dana")
    entry = DestructionRecord.objects.get()
    assert (entry.category, entry.method, entry.reason, entry.items, entry.approved_by) == (
        "paper", "shred", "manual", 40, "staff:dana",
    )
    assert "consulting request forms" in retention("register", "list", "--since", "2025-06-30")


def test_register_add_needs_a_real_approver(db):
    with pytest.raises(CommandError):
        retention("register", "add", "--description", "forms", "--items", "1", "--destroyed-on", "2025-06-30",
                  "--approved-by", "nobody")


def test_hold_place_and_release(alice):
    get_user_model().objects.create_user("dana", password="x" * 12)
    retention("hold", "place", str(alice.subject_id), "--rule", "national_tax_books", "--items", "name,phone",
              "--reason", "tax audit 17", "--by", "dana")
    hold = LegalHold.objects.get()
    assert (hold.items, hold.placed_by) == (["name", "phone"], "staff:dana")
    retention("hold", "release", str(hold.pk), "--by", "dana")
    assert LegalHold.objects.get().released_at is not None


def test_hold_place_refuses_an_unknown_rule(alice):
    get_user_model().objects.create_user("dana", password="x" * 12)
    with pytest.raises(CommandError, match="rule"):
        retention("hold", "place", str(alice.subject_id), "--rule", "nope", "--reason", "x", "--by", "dana")


def test_the_progress_bar_shows_the_fraction_done():
    assert render("subjects", 3, 10, width=10) == "[###.......]  30% subjects 3/10"
