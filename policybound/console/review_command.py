"""``policybound audit review --month 2026-11``: the monthly access-log review from the command line.

It lives beside ``audit verify`` (the audit app's command hands the ``review`` verb to this module)
and prints what the console's review page shows. ``--done-by USERNAME`` records the review as done by
that account (which must hold ``console.review_access_log``); ``--confirm KEY`` confirms the reason
of a download. Exit status 0; 3 when downloads still lack a confirmed reason, so a scheduled run
can alert.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import localtime

from policybound.audit.actors import Actor
from policybound.console import review
from policybound.console.roles import REVIEW_ACCESS_LOG, perm

UNCONFIRMED_EXIT = 3


def review_add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", default=None, help="YYYY-MM (default: the previous month)")
    parser.add_argument("--done-by", default=None, metavar="USERNAME", help="record the review as done by this account")
    parser.add_argument("--note", default="", help="what was checked and followed up (with --done-by)")
    parser.add_argument(
        "--confirm", action="append", default=[], metavar="KEY", help="confirm a download's reason (with --done-by)"
    )


def _reviewer(username: str) -> Any:
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"there is no active account {username!r}")
    if not user.has_perm(perm(REVIEW_ACCESS_LOG)):
        raise CommandError(f"{username!r} may not review the access log (needs {perm(REVIEW_ACCESS_LOG)})")
    return user


def review_run(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        month = review.month_parse(options["month"]) if options["month"] else review.previous_month()
        findings = review.review_findings(month=month)
    except (ValueError, review.ReviewSettingInvalid) as error:
        raise CommandError(str(error)) from None
    if (options["confirm"] or options["note"]) and not options["done_by"]:
        raise CommandError("--confirm and --note need --done-by USERNAME")
    if options["done_by"]:
        reviewer = _reviewer(options["done_by"])
        actor = Actor.staff(reviewer)
        for key in options["confirm"]:
            review.download_confirm(key=key, reviewer=reviewer, actor=actor)
        if options["confirm"]:
            findings = review.review_findings(month=month)
    _print(command, findings)
    if options["done_by"]:
        done = review.access_review_record(month=month, reviewer=reviewer, actor=actor, note=options["note"])
        command.stdout.write(f"Recorded: {month:%Y-%m} reviewed by {options['done_by']} at {localtime(done.reviewed_at):%Y-%m-%d %H:%M}.")
    if findings.unconfirmed_downloads:
        raise SystemExit(UNCONFIRMED_EXIT)


def _print(command: BaseCommand, findings: review.Findings) -> None:
    write = command.stdout.write
    write(f"Access log review {findings.month:%Y-%m}: {findings.events} staff actions on personal data.")
    write(f"Working time: {findings.working.describe()}.")
    write("")
    write(f"Downloads without a confirmed reason: {len(findings.unconfirmed_downloads)} of {len(findings.downloads)}")
    for d in findings.downloads:
        state = f"confirmed by {d.confirmed_by}" if d.confirmed_by else "NOT CONFIRMED"
        write(f"  {d.key:<22} {localtime(d.at):%Y-%m-%d %H:%M} {d.account:<16} {d.subjects:>5} subjects  {state}  reason: {d.reason or '-'}")
    write(f"Unusual volumes: {len(findings.volumes)}")
    for v in findings.volumes:
        write(
            f"  {v.day:%Y-%m-%d} {v.account:<16} viewed {v.views}, shown {v.reveals}, downloaded {v.downloaded_rows}"
            f"  over: {', '.join(v.exceeded)}"
        )
    write(f"Access outside working hours: {len(findings.off_hours)}")
    for o in findings.off_hours:
        write(f"  {o.day:%Y-%m-%d %a} {o.account:<16} {o.events} actions {localtime(o.first):%H:%M}-{localtime(o.last):%H:%M}")
    for done in findings.reviews:
        write(f"Reviewed by {done.reviewed_by.get_username()} at {localtime(done.reviewed_at):%Y-%m-%d %H:%M}.")
