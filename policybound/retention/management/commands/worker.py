"""``policybound worker``: run the retention sweep every day, for as long as the process lives.

Once a day, at ``--at`` (default ``POLICYBOUND_SWEEP_TIME``, 03:00, local time), the worker sweeps
unless a sweep has already finished since that time today (any worker's: run as many as you like;
the sweep's claims keep them from doing the same work twice). A worker started after today's time
sweeps at once, so a server that was down at 03:00 catches up. A failed sweep is retried after
``--retry-minutes``.

Between sweeps it also sends the confirmation mails that are due from the outbox (the mailer's
``mail_send_due``) every ``--mail-every`` seconds (60; 0 leaves them to ``policybound mail send``).

Every 30 seconds or so it beats (``retention.health.worker_beat``), so ``GET /api/v1/health`` and
``policybound check --deploy`` can tell a live worker from a dead one (one that stopped, cleanly or
not, goes stale after ``POLICYBOUND_WORKER_STALE_SECONDS``).

``make run`` starts one as a child of the web server (``serve`` passes ``--parent-pid``), which restarts
it when it dies; it exits when its parent does. SIGTERM or SIGINT stops it between two batches of a sweep.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, transaction

from policybound.lib import clock
from policybound.retention.health import BEAT_SECONDS, slot_start, sweep_time, worker_beat
from policybound.retention.selectors import sweep_ran_since
from policybound.retention.sweep import retention_sweep, worker_name
from policybound.vault.keys import vault_keys_ensure

logger = logging.getLogger("policybound.worker")

POLL_SECONDS = 5.0


class Stopped(Exception):
    """The worker was asked to stop; raised between two batches of a sweep."""


def _time_of_day(value: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(f"{value!r} is not a time of day such as 03:00") from None


def _release_connections() -> None:
    """Drop connections that broke or passed ``CONN_MAX_AGE`` between runs, as Django does per request
    (never inside a transaction: a caller's, such as a test's, keeps its connection)."""
    if not transaction.get_connection().in_atomic_block:
        close_old_connections()


__all__ = ["Command", "slot_start"]


class Command(BaseCommand):
    help = (
        "Run the retention sweep daily (at --at, default POLICYBOUND_SWEEP_TIME or 03:00 local time), "
        "and at once if today's has not run. Safe to run as many processes as you like."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", default=None, help="time of day to sweep, e.g. 03:00")
        parser.add_argument("--once", action="store_true", help="sweep now if due, then exit")
        parser.add_argument("--parent-pid", type=int, default=None, help="exit when this process ends")
        parser.add_argument("--retry-minutes", type=int, default=10)
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--mail-every", type=int, default=60, help="seconds between outbox runs; 0: never")

    def handle(self, *args: Any, **options: Any) -> None:
        at = _time_of_day(options["at"]) if options["at"] else sweep_time()
        vault_keys_ensure()  # wrong or missing keys stop the worker now, not every sweep later
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = {signum: signal.signal(signum, request_stop) for signum in (signal.SIGTERM, signal.SIGINT)}
        try:
            self._loop(stop, at=at, options=options)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _loop(self, stop: threading.Event, *, at: dt.time, options: dict[str, Any]) -> None:
        parent = options["parent_pid"]
        retry = dt.timedelta(minutes=max(1, options["retry_minutes"]))
        failed_at: dt.datetime | None = None
        mail_every = dt.timedelta(seconds=options["mail_every"]) if options["mail_every"] > 0 else None
        mailed_at: dt.datetime | None = None
        self._name, self._started_at, self._beaten_at = worker_name(), clock.now(), None
        logger.info("retention worker %s started; sweeps daily at %s", os.getpid(), at.isoformat("minutes"))
        while not stop.is_set():
            if parent is not None and os.getppid() != parent:
                logger.info("retention worker: the server (pid %s) is gone; stopping", parent)
                return
            self._beat_if_due()
            now = clock.now()
            due = not sweep_ran_since(moment=slot_start(now, at))
            if due and (failed_at is None or now - failed_at >= retry):
                failed_at = None if self._sweep(stop, options["batch_size"]) else now
            if mail_every is not None and (mailed_at is None or clock.now() - mailed_at >= mail_every):
                self._mail()
                mailed_at = clock.now()
            _release_connections()
            if options["once"]:
                return
            stop.wait(POLL_SECONDS)

    _name: str
    _started_at: dt.datetime
    _beaten_at: dt.datetime | None

    def _beat_if_due(self) -> None:
        """Beat every BEAT_SECONDS, between turns of the loop and between batches of a long sweep."""
        now = clock.now()
        if self._beaten_at is not None and now - self._beaten_at < dt.timedelta(seconds=BEAT_SECONDS):
            return
        self._beaten_at = now
        try:
            worker_beat(worker=self._name, started_at=self._started_at)
        except Exception:
            logger.exception("retention worker: could not record its heartbeat; trying again later")

    def _mail(self) -> None:
        from policybound.mailer.services import mail_send_due
        from policybound.rights.digest import officer_digest_queue

        try:
            officer_digest_queue()  # once a day, if requests of data subjects fall due (rights app)
        except Exception:
            logger.exception("queueing the privacy officer's digest failed; trying again later")
        try:
            report = mail_send_due()
        except Exception:
            logger.exception("sending the outbox failed; trying again later")
            return
        if report.claimed:
            logger.info("outbox: %s", report.as_dict())

    def _sweep(self, stop: threading.Event, batch_size: int) -> bool:
        def progress(phase: str, done: int, total: int) -> None:
            if stop.is_set():
                raise Stopped
            self._beat_if_due()

        try:
            result = retention_sweep(batch_size=batch_size, progress=progress)
        except Stopped:
            logger.info("retention worker: stopped between two batches; the next run finishes the sweep")
            return True
        except Exception:
            logger.exception("retention sweep failed; retrying later")
            return False
        counts = result.as_dict()
        logger.info(
            "retention sweep done: %s subject(s) destroyed, %s item(s), %s archived, %s archive cop(ies) destroyed",
            counts["destroyed_subjects"], counts["destroyed_items"], counts["archived_items"],
            counts["archive_destroyed"],
        )
        return True
