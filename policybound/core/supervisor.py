"""gunicorn's master, which also keeps ``policybound worker`` alive: what ``policybound serve`` execs.

``serve`` used to start the worker and then exec plain gunicorn; when the worker died, gunicorn reaped
it as an unknown child and served on, and the daily sweep and the mail outbox stopped, unnoticed,
until the next restart. The process that lives as long as the server is gunicorn's master, so the
master is the supervisor: ``SupervisingArbiter`` is gunicorn's ``Arbiter`` plus one child it restarts.

- The worker is spawned from the master's main loop (no thread: gunicorn forks its web workers from
  the master, and forking while a thread holds a lock is how deadlocks start), with ``--parent-pid``
  of the master, so it exits when the master does.
- Its death is noticed by a ``waitpid`` on its pid before gunicorn's own ``waitpid(-1)``, on every
  SIGCHLD and once per turn of the loop; it is logged (exit code or signal) at ERROR.
- It is restarted after a back-off: 1 s, doubled after each death, at most ``RESTART_MAX_SECONDS``;
  a worker that lived that long before dying starts the count again at 1 s. Each restart is logged.
- On shutdown the master sends it SIGTERM (it stops between two batches of a sweep) and does not
  restart it.

Run as ``python -m policybound.core.supervisor [--with-worker] <gunicorn options> APP``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import Any

from gunicorn.app.wsgiapp import WSGIApplication
from gunicorn.arbiter import Arbiter

RESTART_FIRST_SECONDS = 1.0
RESTART_MAX_SECONDS = 60.0


def describe_status(status: int) -> str:
    """``exit code 1`` or ``killed by SIGKILL``, from a ``waitpid`` status."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"killed by {signal.Signals(number).name}"
        except ValueError:
            return f"killed by signal {number}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


class SupervisingArbiter(Arbiter):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn's master loop, keeping one ``policybound worker`` running beside the web workers."""

    with_worker = False

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.sweeper: subprocess.Popen[bytes] | None = None
        self.sweeper_started = 0.0
        self.sweeper_restart_at: float | None = None  # None: start at once (first start)
        self.sweeper_delay = RESTART_FIRST_SECONDS
        self.sweeper_restarts = 0
        self.stopping = False

    def sweeper_command(self) -> list[str]:
        return [sys.executable, "-m", "policybound.cli", "worker", "--parent-pid", str(os.getpid())]

    def sweeper_spawn(self) -> None:
        self.sweeper = subprocess.Popen(self.sweeper_command(), close_fds=True)
        self.sweeper_started = time.monotonic()
        self.sweeper_restart_at = None
        if self.sweeper_restarts:
            self.log.warning(
                "policybound worker restarted (pid %s, restart %s)", self.sweeper.pid, self.sweeper_restarts
            )
        else:
            self.log.info("policybound worker started (pid %s)", self.sweeper.pid)

    def sweeper_died(self, status: int | None) -> None:
        """Log the death and schedule the restart with back-off."""
        assert self.sweeper is not None
        pid, self.sweeper = self.sweeper.pid, None
        lived = time.monotonic() - self.sweeper_started
        if lived >= RESTART_MAX_SECONDS:
            self.sweeper_delay = RESTART_FIRST_SECONDS
        how = "exit status unknown" if status is None else describe_status(status)
        if self.stopping:
            self.log.info("policybound worker (pid %s) stopped: %s", pid, how)
            return
        self.log.error(
            "policybound worker (pid %s) died (%s) after %.0f s; restarting it in %.0f s",
            pid, how, lived, self.sweeper_delay,
        )
        self.sweeper_restart_at = time.monotonic() + self.sweeper_delay
        self.sweeper_delay = min(self.sweeper_delay * 2, RESTART_MAX_SECONDS)
        self.sweeper_restarts += 1

    def sweeper_reap(self) -> None:
        """Notice a dead worker by its own pid, before gunicorn's ``waitpid(-1)`` takes it as unknown."""
        if self.sweeper is None:
            return
        try:
            pid, status = os.waitpid(self.sweeper.pid, os.WNOHANG)
        except ChildProcessError:  # reaped elsewhere (gunicorn's shutdown loop): the status is lost
            self.sweeper.returncode = -1
            self.sweeper_died(None)
            return
        if pid:
            self.sweeper.returncode = os.waitstatus_to_exitcode(status)
            self.sweeper_died(status)

    def sweeper_manage(self) -> None:
        if not self.with_worker or self.stopping:
            return
        self.sweeper_reap()
        if self.sweeper is None and (self.sweeper_restart_at is None or time.monotonic() >= self.sweeper_restart_at):
            self.sweeper_spawn()

    # gunicorn's hooks into its loop

    def handle_chld(self) -> None:
        self.sweeper_reap()
        super().handle_chld()

    handle_cld = handle_chld  # gunicorn dispatches SIGCHLD by either name (SIGCLD is its alias on Linux)

    def manage_workers(self) -> None:
        super().manage_workers()
        self.sweeper_manage()

    def stop(self, graceful: bool = True) -> None:
        self.stopping = True
        if self.sweeper is not None and self.sweeper.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.sweeper.send_signal(signal.SIGTERM)
        super().stop(graceful)
        if self.sweeper is not None:
            with contextlib.suppress(subprocess.TimeoutExpired, ChildProcessError):
                self.sweeper.wait(timeout=self.cfg.graceful_timeout)


class ServeApplication(WSGIApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn's command-line application, run by the supervising arbiter."""

    def run(self) -> None:
        SupervisingArbiter(self).run()


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    SupervisingArbiter.with_worker = "--with-worker" in args
    sys.argv = [sys.argv[0], *(arg for arg in args if arg != "--with-worker")]
    ServeApplication("%(prog)s [--with-worker] [OPTIONS] [APP_MODULE]", prog="policybound serve").run()


if __name__ == "__main__":
    main()
