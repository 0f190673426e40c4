"""Deploy checks (``policybound check --deploy``): is a worker alive, and did the daily sweep run on time?

They read the database this configuration points at, so run them with the production environment. A
warning, not an error: ``check --deploy`` also runs before the first start, when no worker has run yet;
``--fail-level WARNING`` makes a monitor fail on them. The rules are ``retention.health``'s, the same the
health endpoint answers with.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning, register
from django.db import DatabaseError

from policybound.retention.health import worker_health


@register(deploy=True)
def check_worker_health(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        state = worker_health()
    except DatabaseError as error:
        return [
            Warning(
                f"Cannot tell whether the worker runs: the database cannot be read ({type(error).__name__}).",
                hint="Run `policybound migrate`, or check POLICYBOUND_DATABASE_URL.",
                id="retention.W003",
            )
        ]
    problems: list[CheckMessage] = []
    if state.worker != "ok":
        since = "no worker has ever run" if state.last_beat_at is None else f"last beat {state.last_beat_at.isoformat()}"
        problems.append(
            Warning(
                f"No policybound worker is alive ({since}): the retention sweep and the mail outbox are not running.",
                hint="Start `policybound serve` (it runs and restarts the worker) or `policybound worker` under a supervisor.",
                id="retention.W001",
            )
        )
    if state.sweep != "ok":
        last = state.last_sweep_finished_at.isoformat() if state.last_sweep_finished_at else "never"
        problems.append(
            Warning(
                f"The retention sweep due at {state.sweep_due_since.isoformat()} has not run (last finished: {last}): "
                "records past their retention period are not being destroyed.",
                hint="Check the worker's log; `policybound retention sweep` runs one by hand.",
                id="retention.W002",
            )
        )
    return problems
