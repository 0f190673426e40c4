"""The supervisor's back-off, without processes: 1 s, doubled per death, capped, reset by a long life.

The real thing (a SIGKILLed worker restarted by ``policybound serve``, and the log lines) is in
``tests/test_serve.py``.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from policybound.core.supervisor import (
    RESTART_FIRST_SECONDS,
    RESTART_MAX_SECONDS,
    SupervisingArbiter,
    describe_status,
)


class Log:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def _add(self, message: str, *args: Any) -> None:
        self.lines.append(message % args)

    info = warning = error = _add


class FakeWorker:
    pid = 4242
    returncode = None


def arbiter() -> Any:
    supervisor: Any = SupervisingArbiter.__new__(SupervisingArbiter)  # no gunicorn app: only the back-off
    supervisor.log = Log()
    supervisor.sweeper_delay = RESTART_FIRST_SECONDS
    supervisor.sweeper_restarts = 0
    supervisor.stopping = False
    return supervisor


def die(supervisor: Any, *, lived: float = 0.0) -> float:
    """One death after ``lived`` seconds; returns the wait before the restart it scheduled."""
    supervisor.sweeper, supervisor.sweeper_started = FakeWorker(), time.monotonic() - lived
    supervisor.sweeper_died(signal.SIGKILL)
    return float(supervisor.log.lines[-1].rsplit("restarting it in ", 1)[1].split()[0])


def test_each_death_doubles_the_wait_up_to_the_cap():
    supervisor = arbiter()
    waits = [die(supervisor) for _ in range(9)]
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert supervisor.sweeper_restarts == 9 and supervisor.sweeper is None


def test_a_worker_that_lived_past_the_cap_starts_the_count_again():
    supervisor = arbiter()
    for _ in range(5):
        die(supervisor)
    assert die(supervisor, lived=RESTART_MAX_SECONDS + 1) == RESTART_FIRST_SECONDS


def test_each_death_is_logged_with_its_cause():
    supervisor = arbiter()
    die(supervisor)
    assert supervisor.log.lines[-1].startswith("policybound worker (pid 4242) died (")


def test_no_restart_while_the_server_stops():
    supervisor = arbiter()
    supervisor.stopping = True
    supervisor.sweeper, supervisor.sweeper_started = FakeWorker(), time.monotonic()
    supervisor.sweeper_died(0)
    assert supervisor.sweeper_restarts == 0 and "stopped" in supervisor.log.lines[-1]


def test_the_cause_is_named():
    assert describe_status(signal.SIGKILL) == "killed by SIGKILL"
    assert describe_status(3 << 8) == "exit code 3"
    assert os.WIFEXITED(3 << 8)
