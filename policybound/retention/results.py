"""What a sweep did (or, in a dry run, would do), counted the way the register and the CLI report it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Tally:
    subjects: int = 0
    items: int = 0
    archived: int = 0

    def add(self, *, subjects: int = 0, items: int = 0, archived: int = 0) -> None:
        self.subjects += subjects
        self.items += items
        self.archived += archived

    def as_dict(self) -> dict[str, int]:
        return {"subjects": self.subjects, "items": self.items, "archived": self.archived}


@dataclass(frozen=True)
class ExpiredTally:
    """Archive copies destroyed under one legal-retention rule."""

    rule: str
    subjects: int
    items: int


def _tallies() -> defaultdict[str, defaultdict[str, Tally]]:
    return defaultdict(lambda: defaultdict(Tally))


@dataclass
class SweepResult:
    """Counts of one sweep. ``by_purpose[purpose][reason]`` and ``by_rule[rule]`` break them down."""

    as_of: dt.datetime
    dry_run: bool
    ended_by_max_lifetime: int = 0
    ended_by_period: int = 0
    destroyed_subjects: int = 0
    partially_destroyed_subjects: int = 0
    destroyed_items: int = 0
    archived_subjects: int = 0
    archived_items: int = 0
    archive_destroyed: int = 0
    organizations_destroyed: int = 0
    access_log_destroyed: int = 0
    permission_log_destroyed: int = 0
    holds_released_to_archive: int = 0
    register_entries: int = 0
    batches: int = 0
    by_purpose: defaultdict[str, defaultdict[str, Tally]] = field(default_factory=_tallies)
    by_rule: defaultdict[str, defaultdict[str, Tally]] = field(default_factory=_tallies)

    @property
    def nothing_done(self) -> bool:
        return not any(
            (
                self.ended_by_max_lifetime,
                self.ended_by_period,
                self.destroyed_subjects,
                self.partially_destroyed_subjects,
                self.destroyed_items,
                self.archived_items,
                self.archive_destroyed,
                self.organizations_destroyed,
                self.access_log_destroyed,
                self.permission_log_destroyed,
            )
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "ended_by_max_lifetime": self.ended_by_max_lifetime,
            "ended_by_period": self.ended_by_period,
            "destroyed_subjects": self.destroyed_subjects,
            "partially_destroyed_subjects": self.partially_destroyed_subjects,
            "destroyed_items": self.destroyed_items,
            "archived_subjects": self.archived_subjects,
            "archived_items": self.archived_items,
            "archive_destroyed": self.archive_destroyed,
            "organizations_destroyed": self.organizations_destroyed,
            "access_log_destroyed": self.access_log_destroyed,
            "permission_log_destroyed": self.permission_log_destroyed,
            "holds_released_to_archive": self.holds_released_to_archive,
            "register_entries": self.register_entries,
            "batches": self.batches,
            "by_purpose": {
                purpose: {reason: tally.as_dict() for reason, tally in sorted(reasons.items())}
                for purpose, reasons in sorted(self.by_purpose.items())
            },
            "by_rule": {
                rule: {what: tally.as_dict() for what, tally in sorted(whats.items())}
                for rule, whats in sorted(self.by_rule.items())
            },
        }
