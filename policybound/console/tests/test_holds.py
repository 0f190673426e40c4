from __future__ import annotations

import pytest

from policybound.audit.models import AuditEvent
from policybound.console.tests.conftest import submit
from policybound.retention.models import LegalHold

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

RULE = "commercial_act_books"


def place(client, hong, **data):
    payload = {"rule": RULE, "reason": "계약 분쟁 대응 (사건 2026-17)", **data}
    return client.post(f"/console/subjects/{hong.subject_id}/holds/", payload)


def test_it_places_a_legal_hold_from_the_subject_page(bob, as_staff, hong):
    response = place(as_staff(bob), hong)
    hold = LegalHold.objects.get(subject_id=hong.subject_id)
    assert response["Location"].endswith("#holds")
    assert (hold.rule, hold.placed_by, hold.items) == (RULE, "staff:bob", [])


def test_it_holds_only_the_items_ticked(bob, as_staff, hong):
    place(as_staff(bob), hong, items=["name", "company"])
    assert LegalHold.objects.get().items == ["name", "company"]


def test_it_audits_the_hold_as_the_handler(bob, as_staff, hong):
    place(as_staff(bob), hong)
    assert AuditEvent.objects.filter(action="hold", subject_id=hong.subject_id, actor_label="bob").exists()


def test_it_refuses_a_rule_the_policy_does_not_name(bob, as_staff, hong):
    client = as_staff(bob)
    place(client, hong, rule="astrology_act")
    assert not LegalHold.objects.exists()


def test_it_refuses_a_hold_on_a_subject_outside_the_role(carol, as_staff, hong):
    assert place(as_staff(carol), hong).status_code == 403
    assert not LegalHold.objects.exists()


def test_it_releases_a_hold(bob, as_staff, hong):
    client = as_staff(bob)
    place(client, hong)
    hold = LegalHold.objects.get()
    client.post(f"/console/subjects/{hong.subject_id}/holds/{hold.pk}/release/")
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.released_by == "staff:bob"


def test_it_answers_404_for_a_hold_of_another_subject(bob, as_staff, hong, published):
    other = submit()
    client = as_staff(bob)
    place(client, hong)
    hold = LegalHold.objects.get()
    assert client.post(f"/console/subjects/{other.subject_id}/holds/{hold.pk}/release/").status_code == 404


def test_it_marks_a_held_subject_in_the_inbox(bob, as_staff, hong):
    client = as_staff(bob)
    place(client, hong)
    assert client.get("/console/inbox/consulting/").context["inbox"].rows[0].held


def test_it_lists_the_holds_on_the_subject_page(bob, as_staff, hong):
    client = as_staff(bob)
    place(client, hong)
    page = client.get(f"/console/subjects/{hong.subject_id}/").context["page"]
    assert [h.rule for h in page.holds] == [RULE] and page.held
