"""``GET /api/v1/health``: is the server up, the database reachable, the worker alive and the sweep on time?

For a load balancer or a monitor: no token, two small queries, times only (no personal data, no host
names). 200 when everything is ``ok``; 503 when the worker is ``stale``/``missing``, the sweep ``late``
or the database unreachable, so a plain HTTP check sees the failure. The rules are
``retention.health``'s.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from policybound.retention.health import worker_health

logger = logging.getLogger("policybound.health")
router = Router(tags=["health"])


class HealthOut(Schema):
    status: str = Field(description="ok, or failing when any part below is not ok")
    database: str = Field(description="ok or unavailable")
    worker: str | None = Field(description="ok, stale (no beat within POLICYBOUND_WORKER_STALE_SECONDS) or missing")
    last_beat_at: dt.datetime | None = Field(default=None, description="the latest beat of any worker")
    sweep: str | None = Field(description="ok, or late (no sweep finished for the latest scheduled time past the grace)")
    sweep_due_since: dt.datetime | None = Field(default=None, description="the scheduled time the check counts from")
    last_sweep_finished_at: dt.datetime | None = None


@router.get(
    "/health",
    auth=None,
    response={200: HealthOut, 503: HealthOut},
    summary="Server, database and worker health",
    description=__doc__,
)
def health(request: HttpRequest) -> Status[Any]:
    try:
        state = worker_health()
    except DatabaseError as error:
        logger.warning("health: the database is unavailable (%s)", type(error).__name__)
        body = {"status": "failing", "database": "unavailable", "worker": None, "sweep": None}
        return Status(503, body)
    return Status(200 if state.ok else 503, {"database": "ok", **state.as_dict()})
