"""``policybound retention sweep|due|open|register|hold``: retention and destruction from the shell.

``sweep`` destroys every record whose retention has ended: a subject once all their engagements are
past their deadline (end + the purpose's retention period; a withdrawn consent at once), items that no
live purpose needs, archive copies whose law's period ended, and access-log rows past their retention.
Items under a legal hold move to the separate archive database first. Run it daily (``policybound
worker`` does, and so does ``make run``). ``due`` shows what is coming.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from policybound.audit.actors import Actor
from policybound.lib import clock
from policybound.retention.models import DestructionCategory, DestructionMethod, DestructionReason, LegalHold
from policybound.retention.progress import ProgressBar
from policybound.retention.results import SweepResult
from policybound.retention.selectors import (
    destruction_register,
    legal_holds_for_subject,
    retention_due_by_day,
    retention_open_engagements,
    retention_overdue,
)
from policybound.retention.services import (
    HoldRefused,
    RegisterEntryRefused,
    destruction_record_manual,
    legal_hold_place,
    legal_hold_release,
)
from policybound.retention.sweep import SWEEP_JOB, retention_sweep
from policybound.subjects.models import Subject

_DURATION = re.compile(r"^\s*(\d+)\s*([dwh])\s*$")


def moment(value: str) -> dt.datetime:
    """``2027-03-01`` (00:00 that day, local time) or a full ISO 8601 date-time."""
    try:
        if len(value.strip()) == 10:
            day = dt.date.fromisoformat(value.strip())
            return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (2027-03-01) or a date-time") from None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date such as 2027-03-01") from None


def duration(value: str) -> dt.timedelta:
    """``30d``, ``4w`` or ``12h``."""
    match = _DURATION.match(value)
    if match is None:
        raise argparse.ArgumentTypeError(f"{value!r} is not a duration such as 30d, 4w or 12h")
    number, unit = int(match.group(1)), match.group(2)
    return dt.timedelta(days=number) if unit == "d" else dt.timedelta(weeks=number) if unit == "w" else dt.timedelta(hours=number)


def staff_actor(username: str | None) -> Actor:
    """The named staff member, or the scheduled job when none is named."""
    if not username:
        return Actor.system(SWEEP_JOB)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no staff account is named {username!r}")
    return Actor.staff(user)


class Command(BaseCommand):
    help = (
        "Retention and destruction. `sweep` destroys what the policy says is due (a subject once every "
        "engagement is past its deadline and no consent or legal hold needs it; held items move to the "
        "archive database first); run it daily. `due --within 30d` lists what is coming, per day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{sweep,due,open,register,hold}")
        sweep = actions.add_parser("sweep", help="destroy (and archive) everything due")
        sweep.add_argument("--as-of", type=moment, help="sweep as of this date (00:00 local) or date-time")
        sweep.add_argument("--dry-run", action="store_true", help="count what would be done; change nothing")
        sweep.add_argument("--json", action="store_true", help="print the counts as one JSON object")
        sweep.add_argument("--batch-size", type=int, default=500)
        sweep.add_argument("--approved-by", help="the staff member approving (default: the scheduled job)")
        due = actions.add_parser("due", help="upcoming destruction, counted per day")
        due.add_argument("--within", type=duration, default=dt.timedelta(days=30), help="e.g. 30d (default)")
        due.add_argument("--as-of", type=moment)
        due.add_argument("--json", action="store_true")
        actions.add_parser("open", help="engagements that never ended and have no deadline, per purpose")
        register = actions.add_parser("register", help="the destruction register (파기 관리대장)")
        register_actions = register.add_subparsers(dest="register_action", required=True, metavar="{list,add}")
        listing = register_actions.add_parser("list", help="print the register")
        listing.add_argument("--since", type=day)
        listing.add_argument("--until", type=day)
        listing.add_argument("--json", action="store_true")
        add = register_actions.add_parser("add", help="enter a destruction done by hand (paper)")
        add.add_argument("--category", choices=DestructionCategory.values, default=DestructionCategory.PAPER)
        add.add_argument("--description", required=True, help="what was destroyed (no personal data)")
        add.add_argument("--subjects", type=int, default=0)
        add.add_argument("--items", type=int, required=True, help="how many documents or records")
        add.add_argument("--method", choices=DestructionMethod.values, default=DestructionMethod.SHRED)
        add.add_argument("--destroyed-on", type=day, required=True)
        add.add_argument("--approved-by", required=True, help="the staff account that approved it")
        add.add_argument("--purpose", default="")
        add.add_argument("--rule", default="")
        hold = actions.add_parser("hold", help="legal holds")
        hold_actions = hold.add_subparsers(dest="hold_action", required=True, metavar="{place,release,list}")
        place = hold_actions.add_parser("place", help="hold a subject's records under a legal-retention rule")
        place.add_argument("subject")
        place.add_argument("--rule", required=True)
        place.add_argument("--items", default="", help="comma-separated item codes (default: every item)")
        place.add_argument("--reason", default="", help="a case or audit reference (default: what the law keeps)")
        place.add_argument("--by", required=True, help="the staff account placing it")
        release = hold_actions.add_parser("release", help="release a hold")
        release.add_argument("hold_id", type=int)
        release.add_argument("--by", required=True)
        listed = hold_actions.add_parser("list", help="a subject's holds")
        listed.add_argument("subject")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "sweep":
            self._sweep(options)
        elif action == "due":
            self._due(options)
        elif action == "open":
            self._open()
        elif action == "register":
            self._register(options)
        else:
            self._hold(options)

    # --- sweep ---------------------------------------------------------------------------------

    def _sweep(self, options: dict[str, Any]) -> None:
        actor = staff_actor(options["approved_by"])
        bar = None if options["json"] else ProgressBar(getattr(self.stderr, "_out", sys.stderr))
        if options["as_of"] is not None and options["as_of"] > clock.now() and not options["dry_run"]:
            self.stderr.write("Note: --as-of is in the future; records are destroyed as if it were that moment.")
        try:
            result = retention_sweep(
                as_of=options["as_of"], dry_run=options["dry_run"], actor=actor,
                batch_size=max(1, options["batch_size"]), progress=bar,
            )
        finally:
            if bar is not None:
                bar.close()
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self._print_sweep(result)

    def _print_sweep(self, result: SweepResult) -> None:
        when = timezone.localtime(result.as_of).strftime("%Y-%m-%d %H:%M %Z")
        dry = " (dry run: nothing changed; the counts are what a sweep would do)" if result.dry_run else ""
        self.stdout.write(f"Retention sweep as of {when}{dry}")
        lines = [
            ("engagements ended by their maximum lifetime", result.ended_by_max_lifetime),
            ("engagements ended by a period counted from collection", result.ended_by_period),
            ("subjects destroyed whole (data key erased)", result.destroyed_subjects),
            ("subjects with some items destroyed", result.partially_destroyed_subjects),
            ("items (submitted values) destroyed", result.destroyed_items),
            ("subjects with items moved to the archive", result.archived_subjects),
            ("items moved to the archive", result.archived_items),
            ("archive copies destroyed (law's period over)", result.archive_destroyed),
            ("organisation records destroyed", result.organizations_destroyed),
            ("access-log rows destroyed", result.access_log_destroyed),
            ("permission-change log rows destroyed", result.permission_log_destroyed),
            ("destruction register entries written", result.register_entries),
        ]
        for label, count in lines:
            self.stdout.write(f"  {label:<52} {count:>9}")
        if result.by_purpose:
            self.stdout.write("By purpose and rule:")
            for purpose, reasons in sorted(result.by_purpose.items()):
                for reason, tally in sorted(reasons.items()):
                    self.stdout.write(
                        f"  {purpose:<18} {DestructionReason(reason).label!s:<45} "
                        f"subjects {tally.subjects:>7}  items {tally.items:>8}  archived {tally.archived:>6}"
                    )
        if result.by_rule:
            self.stdout.write("By legal-retention rule (archive):")
            for rule, whats in sorted(result.by_rule.items()):
                counts = "  ".join(f"{what} {tally.items}" for what, tally in sorted(whats.items()))
                self.stdout.write(f"  {rule:<30} {counts}")
        if result.nothing_done:
            self.stdout.write("Nothing is due.")

    # --- due, open ------------------------------------------------------------------------------

    def _due(self, options: dict[str, Any]) -> None:
        as_of = options["as_of"] or clock.now()
        days = retention_due_by_day(within=options["within"], as_of=as_of)
        overdue = retention_overdue(as_of=as_of)
        if options["json"]:
            payload = {
                "as_of": as_of.isoformat(),
                "overdue": overdue,
                "days": [
                    {"day": d.day.isoformat(), "engagements": d.engagements, "archived": d.archived, "total": d.total}
                    for d in days
                ],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(
            f"Due now (a sweep would process): {overdue['engagements']} engagement(s), "
            f"{overdue['archived']} archive cop(ies)"
        )
        if not days:
            self.stdout.write(f"Nothing else falls due within {options['within'].days} day(s).")
            return
        for entry in days:
            parts = [f"{purpose} {count}" for purpose, count in sorted(entry.engagements.items())]
            parts += [f"archive:{rule} {count}" for rule, count in sorted(entry.archived.items())]
            self.stdout.write(f"  {entry.day.isoformat()}  {entry.total:>7}  ({', '.join(parts)})")

    def _open(self) -> None:
        rows = retention_open_engagements()
        if not rows:
            self.stdout.write("No engagement is open.")
        for row in rows:
            if row.next_deadline is not None:
                first = timezone.localtime(row.next_deadline).date().isoformat()
                ends = f"{row.with_deadline} end(s) by a period counted from collection, the first on {first}"
                if row.count > row.with_deadline:
                    ends += "; the others " + (
                        f"end after {row.max_lifetime}" if row.max_lifetime else "stay open until an end event"
                    )
            elif row.max_lifetime:
                ends = f"ends after {row.max_lifetime}"
            else:
                ends = "stays open until an end event"
            oldest = timezone.localtime(row.oldest_started_at).date().isoformat()
            self.stdout.write(f"  {row.purpose:<18} {row.count:>8} open, oldest from {oldest}; {ends}")

    # --- register -------------------------------------------------------------------------------

    def _register(self, options: dict[str, Any]) -> None:
        if options["register_action"] == "add":
            approver = staff_actor(options["approved_by"])
            try:
                entry = destruction_record_manual(
                    category=options["category"], description=options["description"],
                    subjects=options["subjects"], items=options["items"], method=options["method"],
                    destroyed_at=options["destroyed_on"], approved_by=f"staff:{approver.label}",
                    actor=approver, purpose=options["purpose"], rule=options["rule"],
                )
            except RegisterEntryRefused as refused:
                raise CommandError(f"{refused.field}: {refused}") from None
            self.stdout.write(f"Register entry {entry.pk} recorded.")
            return
        entries = destruction_register(since=options["since"], until=options["until"])
        if options["json"]:
            rows = [
                {
                    "id": e.pk, "destroyed_at": e.destroyed_at.isoformat(), "category": e.category,
                    "purpose": e.purpose, "reason": e.reason, "rule": e.rule, "subjects": e.subjects,
                    "items": e.items, "archived": e.archived, "method": e.method, "approved_by": e.approved_by,
                    "description": e.description,
                }
                for e in entries
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for e in entries:
            when = timezone.localtime(e.destroyed_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(
                f"{when}  {e.category:<12} {e.purpose or '-':<16} {e.reason:<20} subjects {e.subjects:>6} "
                f"items {e.items:>7}  {e.method}  approved by {e.approved_by}  {e.description}"
            )

    # --- holds ----------------------------------------------------------------------------------

    def _hold(self, options: dict[str, Any]) -> None:
        action = options["hold_action"]
        if action == "list":
            try:
                subject_id = uuid.UUID(options["subject"])
            except ValueError:
                raise CommandError(f"{options['subject']!r} is not a subject id (a UUID)") from None
            for hold in legal_holds_for_subject(subject_id=subject_id):
                self._print_hold(hold)
            return
        actor = staff_actor(options["by"])
        try:
            if action == "place":
                items = [code.strip() for code in options["items"].split(",") if code.strip()]
                hold = legal_hold_place(
                    subject_id=options["subject"], rule=options["rule"], items=items or None,
                    reason=options["reason"], actor=actor,
                )
            else:
                hold = legal_hold_release(hold_id=options["hold_id"], actor=actor)
        except HoldRefused as refused:
            raise CommandError(f"{refused.field}: {refused}") from None
        except LegalHold.DoesNotExist:
            raise CommandError(f"no legal hold has the id {options['hold_id']}") from None
        except (Subject.DoesNotExist, ValidationError):
            raise CommandError(f"no subject has the id {options['subject']!r}") from None
        self._print_hold(hold)

    def _print_hold(self, hold: LegalHold) -> None:
        state = f"released {hold.released_at:%Y-%m-%d}" if hold.released_at else "active"
        items = ",".join(hold.items) if hold.items else "every item"
        self.stdout.write(f"hold {hold.pk}: {hold.rule} ({hold.law}, {hold.period}) on {items}; {state}")
