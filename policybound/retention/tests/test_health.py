"""The worker's heartbeat and the sweep's timeliness, as the health endpoint and ``check --deploy`` report them.

The real restart of a killed worker by ``policybound serve`` is in ``tests/test_serve.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import Client

from policybound.lib import clock
from policybound.retention.health import worker_beat, worker_health
from policybound.retention.models import SweepRun, WorkerBeat

pytestmark = pytest.mark.django_db(databases=["default", "archive"])

# 12:00 in Asia/Seoul; with the default sweep time 03:00 and 120 minutes of grace, today's 03:00 counts.
SEOUL_NOON = dt.datetime(2026, 3, 20, 3, 0, tzinfo=dt.UTC)
TODAYS_SLOT = dt.datetime(2026, 3, 19, 18, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def sweep_finished(*, started_at: dt.datetime) -> None:
    SweepRun.objects.create(
        worker="test", as_of=started_at, started_at=started_at, finished_at=started_at + MINUTE
    )


def health_get() -> tuple[int, dict[str, object]]:
    with clock.frozen(SEOUL_NOON):
        response = Client().get("/api/v1/health")
    return response.status_code, json.loads(response.content)


def deploy_check_ids() -> set[str]:
    with clock.frozen(SEOUL_NOON):
        return {message.id for message in run_checks(include_deployment_checks=True) if message.id}


def test_a_worker_that_beat_recently_and_a_sweep_since_the_slot_are_healthy():
    worker_beat(worker="host:1", started_at=SEOUL_NOON - 10 * MINUTE, as_of=SEOUL_NOON - MINUTE)
    sweep_finished(started_at=TODAYS_SLOT + MINUTE)
    status, body = health_get()
    assert status == 200
    assert body["status"] == "ok" and body["worker"] == "ok" and body["sweep"] == "ok" and body["database"] == "ok"
    assert not {"retention.W001", "retention.W002"} & deploy_check_ids()


def test_a_stale_heartbeat_makes_the_health_endpoint_fail_and_check_deploy_warn(settings):
    settings.POLICYBOUND_WORKER_STALE_SECONDS = 300
    worker_beat(worker="host:1", started_at=SEOUL_NOON - 60 * MINUTE, as_of=SEOUL_NOON - 6 * MINUTE)
    sweep_finished(started_at=TODAYS_SLOT + MINUTE)
    status, body = health_get()
    assert status == 503
    assert body["status"] == "failing" and body["worker"] == "stale" and body["sweep"] == "ok"
    assert dt.datetime.fromisoformat(str(body["last_beat_at"])) == SEOUL_NOON - 6 * MINUTE
    assert "retention.W001" in deploy_check_ids()


def test_the_freshest_of_several_workers_counts():
    worker_beat(worker="host:1", started_at=SEOUL_NOON - 60 * MINUTE, as_of=SEOUL_NOON - 50 * MINUTE)
    worker_beat(worker="host:2", started_at=SEOUL_NOON - 60 * MINUTE, as_of=SEOUL_NOON - MINUTE)
    with clock.frozen(SEOUL_NOON):
        assert worker_health().worker == "ok"


def test_no_worker_ever_is_missing():
    sweep_finished(started_at=TODAYS_SLOT + MINUTE)
    status, body = health_get()
    assert status == 503 and body["worker"] == "missing" and body["last_beat_at"] is None


def test_a_sweep_not_run_since_the_slot_past_its_grace_is_late():
    worker_beat(worker="host:1", started_at=SEOUL_NOON - MINUTE, as_of=SEOUL_NOON)
    sweep_finished(started_at=TODAYS_SLOT - dt.timedelta(hours=20))  # yesterday's
    status, body = health_get()
    assert status == 503 and body["worker"] == "ok" and body["sweep"] == "late"
    assert dt.datetime.fromisoformat(str(body["sweep_due_since"])) == TODAYS_SLOT
    assert "retention.W002" in deploy_check_ids()


def test_a_failed_sweep_does_not_count_as_run():
    worker_beat(worker="host:1", started_at=SEOUL_NOON - MINUTE, as_of=SEOUL_NOON)
    SweepRun.objects.create(worker="t", as_of=TODAYS_SLOT, started_at=TODAYS_SLOT + MINUTE, error="OperationalError")
    assert health_get()[1]["sweep"] == "late"


def test_within_the_grace_yesterdays_sweep_is_still_on_time(settings):
    settings.POLICYBOUND_SWEEP_GRACE_MINUTES = 120
    worker_beat(worker="host:1", started_at=TODAYS_SLOT, as_of=TODAYS_SLOT + 30 * MINUTE)
    sweep_finished(started_at=TODAYS_SLOT - dt.timedelta(days=1) + MINUTE)
    with clock.frozen(TODAYS_SLOT + 30 * MINUTE):
        assert worker_health().sweep == "ok"
    with clock.frozen(TODAYS_SLOT + 121 * MINUTE):
        assert worker_health().sweep == "late"


def test_the_worker_beats_and_its_beat_answers_the_health_check():
    with clock.frozen(SEOUL_NOON):
        call_command("worker", "--once", "--mail-every", "0", stdout=io.StringIO(), stderr=io.StringIO())
    beat = WorkerBeat.objects.get()
    assert beat.beat_at == SEOUL_NOON
    status, body = health_get()
    assert status == 200 and body["worker"] == "ok" and body["sweep"] == "ok"


def test_the_answer_names_no_host_no_pid_and_no_person():
    worker_beat(worker="secret-host-name:4242", started_at=SEOUL_NOON, as_of=SEOUL_NOON)
    _, body = health_get()
    assert set(body) == {
        "status", "database", "worker", "last_beat_at", "sweep", "sweep_due_since", "last_sweep_finished_at"
    }
    assert "secret-host-name" not in json.dumps(body) and "4242" not in json.dumps(body)


def test_the_health_endpoint_needs_no_token_and_is_in_the_openapi_document():
    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    operation = schema["paths"]["/api/v1/health"]["get"]
    assert "security" not in operation and set(operation["responses"]) == {"200", "503"}


def test_old_beats_of_gone_workers_are_dropped_when_a_worker_starts():
    worker_beat(worker="host:1", started_at=SEOUL_NOON - dt.timedelta(days=9), as_of=SEOUL_NOON - dt.timedelta(days=8))
    worker_beat(worker="host:2", started_at=SEOUL_NOON, as_of=SEOUL_NOON)
    assert list(WorkerBeat.objects.values_list("worker", flat=True)) == ["host:2"]
