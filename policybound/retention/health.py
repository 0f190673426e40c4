"""Is the worker alive, and did the daily sweep run on time?

A crashed worker stops the retention sweep (records kept past their period) and the mail outbox
(consent results not sent): both are silent failures, so the worker leaves a trace anyone can read.
Each worker process beats (``worker_beat``) about every 30 seconds into ``WorkerBeat``; every sweep
leaves its ``SweepRun``. ``worker_health`` reads both with two small queries, for
``GET /api/v1/health`` and the deploy check ``retention.W001``/``W002``:

- the worker is ``ok`` when some worker beat within ``POLICYBOUND_WORKER_STALE_SECONDS``, ``stale`` when
  the latest beat is older, ``missing`` when none ever beat;
- the sweep is ``ok`` when a sweep finished that started at or after the latest scheduled moment
  (``POLICYBOUND_SWEEP_TIME``) that is at least ``POLICYBOUND_SWEEP_GRACE_MINUTES`` old, else ``late``.

Nothing here names a person: worker names are host and pid, and the answer holds times only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from policybound.lib import clock
from policybound.retention.models import SweepRun, WorkerBeat

BEAT_SECONDS = 30  # how often a worker writes its beat; well inside the smallest stale limit (60 s)
BEATS_KEPT_DAYS = 7  # beats of workers gone longer than this are deleted when a worker starts


def slot_start(now: dt.datetime, at: dt.time) -> dt.datetime:
    """The latest scheduled moment at or before ``now`` (today's, or yesterday's if today's is ahead)."""
    local = timezone.localtime(now)
    today = timezone.make_aware(dt.datetime.combine(local.date(), at))
    return today if today <= local else today - dt.timedelta(days=1)


def sweep_time() -> dt.time:
    """The daily sweep's local time of day (``POLICYBOUND_SWEEP_TIME``, checked by the settings)."""
    return dt.time.fromisoformat(str(settings.POLICYBOUND_SWEEP_TIME).strip())


def worker_beat(*, worker: str, started_at: dt.datetime, as_of: dt.datetime | None = None) -> None:
    """Record that ``worker`` is alive now; its first beat also drops beats of long-gone workers."""
    now = as_of or clock.now()
    _, created = WorkerBeat.objects.update_or_create(
        worker=worker[:200], defaults={"beat_at": now}, create_defaults={"started_at": started_at, "beat_at": now}
    )
    if created:
        WorkerBeat.objects.filter(beat_at__lt=now - dt.timedelta(days=BEATS_KEPT_DAYS)).delete()


@dataclass(frozen=True)
class WorkerHealth:
    worker: str  # ok | stale | missing
    last_beat_at: dt.datetime | None
    sweep: str  # ok | late
    sweep_due_since: dt.datetime  # the scheduled moment whose sweep should have finished by now
    last_sweep_finished_at: dt.datetime | None

    @property
    def ok(self) -> bool:
        return self.worker == "ok" and self.sweep == "ok"

    def as_dict(self) -> dict[str, Any]:
        def iso(moment: dt.datetime | None) -> str | None:
            return None if moment is None else moment.isoformat()

        return {
            "status": "ok" if self.ok else "failing",
            "worker": self.worker,
            "last_beat_at": iso(self.last_beat_at),
            "sweep": self.sweep,
            "sweep_due_since": iso(self.sweep_due_since),
            "last_sweep_finished_at": iso(self.last_sweep_finished_at),
        }


def worker_health(*, as_of: dt.datetime | None = None) -> WorkerHealth:
    now = as_of or clock.now()
    last_beat = WorkerBeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    if last_beat is None:
        worker = "missing"
    elif now - last_beat > dt.timedelta(seconds=int(settings.POLICYBOUND_WORKER_STALE_SECONDS)):
        worker = "stale"
    else:
        worker = "ok"
    grace = dt.timedelta(minutes=int(settings.POLICYBOUND_SWEEP_GRACE_MINUTES))
    due_since = slot_start(now - grace, sweep_time())
    last_sweep = (
        SweepRun.objects.filter(finished_at__isnull=False)
        .order_by("-started_at", "-id")
        .values_list("started_at", "finished_at")
        .first()
    )
    on_time = last_sweep is not None and last_sweep[0] >= due_since
    return WorkerHealth(
        worker=worker,
        last_beat_at=last_beat,
        sweep="ok" if on_time else "late",
        sweep_due_since=due_since,
        last_sweep_finished_at=None if last_sweep is None else last_sweep[1],
    )
